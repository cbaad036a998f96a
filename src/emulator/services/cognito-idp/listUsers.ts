import type { ListUsersRequest, ListUsersResponse } from '@aws-sdk/client-cognito-identity-provider';
import { operation } from '../../core/service.js';
import { invalidParameter, page, schemaOf, toUserType } from './common.js';
import { poolOf, type PoolUser } from './state.js';

/** The attributes ListUsers can filter on, and how each reads from a user. */
const SEARCHABLE: Record<string, (u: PoolUser) => string | undefined> = {
  username: (u) => u.Username,
  email: (u) => u.attributes.email,
  phone_number: (u) => u.attributes.phone_number,
  name: (u) => u.attributes.name,
  given_name: (u) => u.attributes.given_name,
  family_name: (u) => u.attributes.family_name,
  preferred_username: (u) => u.attributes.preferred_username,
  'cognito:user_status': (u) => u.status,
  status: (u) => (u.enabled ? 'Enabled' : 'Disabled'),
  sub: (u) => u.sub,
};

/**
 * Cognito's filter language: one `attribute = "value"` (exact) or `attribute ^= "value"` (prefix),
 * with backslash-escaped quotes in the value. An empty filter lists everyone.
 */
export function parseFilter(filter: string | undefined): ((u: PoolUser) => boolean) | undefined {
  if (filter === undefined || filter.trim() === '') return undefined;
  const m = /^\s*([\w:]+)\s*(=|\^=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(filter);
  if (!m) throw invalidParameter('Invalid search filter');
  const read = SEARCHABLE[m[1]];
  if (!read) throw invalidParameter('Invalid search attribute');
  const value = m[3].replace(/\\(.)/g, '$1');
  const exact = m[2] === '=';
  return (u) => {
    const v = read(u);
    return v !== undefined && (exact ? v === value : v.startsWith(value));
  };
}

export const ListUsers = operation<ListUsersRequest, ListUsersResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    const match = parseFilter(input.Filter);
    const wanted = input.AttributesToGet;
    for (const name of wanted ?? []) if (!schemaOf(pool, name)) throw invalidParameter(`One or more requested attributes do not exist.`);
    const users = Object.values(pool.users).filter((u) => !match || match(u));
    const { items, next } = page(users, input.PaginationToken, input.Limit);
    return {
      Users: items.map((u) => {
        const t = toUserType(u);
        if (wanted) t.Attributes = t.Attributes!.filter((a) => wanted.includes(a.Name!));
        return t;
      }),
      PaginationToken: next,
    };
  },
});
