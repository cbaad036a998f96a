import type {
  CreateResourceServerRequest,
  CreateResourceServerResponse,
  DeleteResourceServerRequest,
  DescribeResourceServerRequest,
  DescribeResourceServerResponse,
  ListResourceServersRequest,
  ListResourceServersResponse,
  ResourceServerScopeType,
  ResourceServerType,
  UpdateResourceServerRequest,
  UpdateResourceServerResponse,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognitoError } from './errors.js';
import { operation } from '../../core/service.js';
import { invalidParameter, page } from './common.js';
import { poolOf, type PoolResourceServer, type StoredPool } from './state.js';

const toServer = (pool: StoredPool, s: PoolResourceServer): ResourceServerType => ({ UserPoolId: pool.Id, Identifier: s.Identifier, Name: s.Name, Scopes: s.Scopes });

function serverIn(pool: StoredPool, id: string | undefined): PoolResourceServer {
  const s = id !== undefined ? pool.resourceServers[id] : undefined;
  if (!s) throw cognitoError('ResourceNotFoundException', `Resource server ${id} does not exist in user pool ${pool.Id}.`);
  return s;
}

function checkScopes(scopes: ResourceServerScopeType[] | undefined): ResourceServerScopeType[] {
  const out = scopes ?? [];
  if (out.length > 100) throw cognitoError('LimitExceededException', 'A resource server can have at most 100 scopes.');
  for (const s of out) {
    if (!/^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]{1,256}$/.test(s.ScopeName ?? '')) {
      throw invalidParameter(`1 validation error detected: Value '${s.ScopeName}' at 'scopes.member.scopeName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\x21\\x23-\\x2E\\x30-\\x5B\\x5D-\\x7E]+`);
    }
  }
  return out.map((s) => ({ ScopeName: s.ScopeName, ScopeDescription: s.ScopeDescription }));
}

function checkName(name: string | undefined): string {
  const n = name ?? '';
  if (!/^[\w\s+=,.@-]{1,256}$/.test(n)) {
    throw invalidParameter(`1 validation error detected: Value '${n}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+`);
  }
  return n;
}

export const CreateResourceServer = operation<CreateResourceServerRequest, CreateResourceServerResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    const id = input.Identifier ?? '';
    if (!/^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/.test(id)) {
      throw invalidParameter(`1 validation error detected: Value '${id}' at 'identifier' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\x21\\x23-\\x5B\\x5D-\\x7E]+`);
    }
    if (pool.resourceServers[id]) throw invalidParameter(`${id} already exists in user pool ${pool.Id}.`);
    if (Object.keys(pool.resourceServers).length >= 25) throw cognitoError('LimitExceededException', 'The number of resource servers has reached its limit.');
    const s: PoolResourceServer = { Identifier: id, Name: checkName(input.Name), Scopes: checkScopes(input.Scopes) };
    pool.resourceServers[id] = s;
    return { ResourceServer: toServer(pool, s) };
  },
});

export const DescribeResourceServer = operation<DescribeResourceServerRequest, DescribeResourceServerResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    return { ResourceServer: toServer(pool, serverIn(pool, input.Identifier)) };
  },
});

export const UpdateResourceServer = operation<UpdateResourceServerRequest, UpdateResourceServerResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    const s = serverIn(pool, input.Identifier);
    s.Name = checkName(input.Name);
    // As in AWS, the request replaces the scopes: those left out are gone.
    s.Scopes = checkScopes(input.Scopes);
    return { ResourceServer: toServer(pool, s) };
  },
});

export const DeleteResourceServer = operation<DeleteResourceServerRequest, object>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    delete pool.resourceServers[serverIn(pool, input.Identifier).Identifier];
    return {};
  },
});

export const ListResourceServers = operation<ListResourceServersRequest, ListResourceServersResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    const servers = Object.values(pool.resourceServers).sort((a, b) => a.Identifier.localeCompare(b.Identifier));
    const max = input.MaxResults ?? 50;
    if (max < 1 || max > 50) throw invalidParameter(`1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50`);
    const { items, next } = page(servers, input.NextToken, max, 50);
    return { ResourceServers: items.map((s) => toServer(pool, s)), NextToken: next };
  },
});
