import type { CognitoIdentityProvider, RoleMapping } from '@aws-sdk/client-cognito-identity';
import type { JWK } from 'jose';
import type { Emulator } from '../../emulator.js';
import type { RequestContext } from '../../core/service.js';
import { AwsError } from '../../core/errors.js';
import { accountOfTaggedId, accountTaggedId } from '../../core/ids.js';

export interface StoredIdentityPool {
  IdentityPoolId: string;
  IdentityPoolName: string;
  AllowUnauthenticatedIdentities: boolean;
  /** Left undefined when the caller never set it, as AWS keeps it. */
  AllowClassicFlow?: boolean;
  SupportedLoginProviders?: Record<string, string>;
  DeveloperProviderName?: string;
  OpenIdConnectProviderARNs?: string[];
  CognitoIdentityProviders?: CognitoIdentityProvider[];
  SamlProviderARNs?: string[];
  tags: Record<string, string>;
  roles: Record<string, string>;
  roleMappings: Record<string, RoleMapping>;
  created: string;
}

export interface StoredIdentity {
  IdentityId: string;
  poolId: string;
  /** Provider key → the subject the provider vouched for. */
  logins: Record<string, string>;
  created: string;
  modified: string;
}

export interface CognitoIdentityState {
  pools: Record<string, StoredIdentityPool>;
  identities: Record<string, StoredIdentity>;
  /** The key OpenID tokens (GetOpenIdToken) are signed with, one per account and region. */
  key?: { kid: string; privateJwk: JWK; publicJwk: JWK };
}

export const initialCognitoIdentityState = (): CognitoIdentityState => ({ pools: {}, identities: {} });

const HEX = '0123456789abcdef';

/** `us-east-1:1a2b…`: the region and a UUID-shaped id that also carries the account (unsigned calls name only it). */
export function newRegionalId(accountId: string, region: string): string {
  const h = accountTaggedId(accountId, HEX, 32);
  return `${region}:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function parseRegionalId(id: string): { region: string; accountId: string } | undefined {
  const m = /^([a-z]{2}(?:-[a-z]+)+-\d+):([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/.exec(id);
  const accountId = m ? accountOfTaggedId(m.slice(2).join(''), HEX) : undefined;
  return m && accountId ? { region: m[1], accountId } : undefined;
}

export interface IdentityPoolRef {
  accountId: string;
  region: string;
  state: CognitoIdentityState;
  pool: StoredIdentityPool;
}

export const poolNotFound = (id: string) => new AwsError('ResourceNotFoundException', `IdentityPool '${id}' not found.`, 400);
export const identityNotFound = (id: string) => new AwsError('ResourceNotFoundException', `Identity '${id}' not found.`, 400);

export function checkPoolId(id: string | undefined): string {
  const v = id ?? '';
  if (!/^[\w-]+:[0-9a-f-]+$/.test(v) || v.length > 55) {
    throw new AwsError('ValidationException', `1 validation error detected: Value '${v}' at 'identityPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+`, 400);
  }
  return v;
}

/** The pool a signed call names, in the caller's account and region. */
export function poolOf(ctx: RequestContext, id: string | undefined): IdentityPoolRef {
  const poolId = checkPoolId(id);
  const state = ctx.emulator.stateFor<CognitoIdentityState>('cognito-identity', ctx.accountId, ctx.region);
  const pool = state.pools[poolId];
  if (!pool) throw poolNotFound(poolId);
  return { accountId: ctx.accountId, region: ctx.region, state, pool };
}

async function stateAt(emulator: Emulator, accountId: string, region: string): Promise<CognitoIdentityState | undefined> {
  await emulator.service('cognito-identity');
  // An id that merely decodes to some account must not create an empty document for it.
  const loaded = emulator.store.regions('cognito-identity', accountId).includes(region);
  return loaded ? emulator.stateFor<CognitoIdentityState>('cognito-identity', accountId, region) : undefined;
}

/** An identity pool from its id alone (GetId, the OpenID token verifier): the id carries account and region. */
export async function findIdentityPool(emulator: Emulator, id: string): Promise<IdentityPoolRef | undefined> {
  const where = parseRegionalId(id);
  const state = where && (await stateAt(emulator, where.accountId, where.region));
  const pool = state?.pools[id];
  return where && state && pool ? { ...where, state, pool } : undefined;
}

export async function findIdentity(emulator: Emulator, id: string): Promise<{ ref: IdentityPoolRef; identity: StoredIdentity } | undefined> {
  const where = parseRegionalId(id);
  const state = where && (await stateAt(emulator, where.accountId, where.region));
  const identity = state?.identities[id];
  const pool = identity && state?.pools[identity.poolId];
  return where && state && identity && pool ? { ref: { ...where, state, pool }, identity } : undefined;
}

export const poolArn = (ref: Pick<IdentityPoolRef, 'accountId' | 'region'>, id: string) => `arn:aws:cognito-identity:${ref.region}:${ref.accountId}:identitypool/${id}`;
