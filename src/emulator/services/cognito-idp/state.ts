import type {
  AttributeType,
  ResourceServerScopeType,
  UserPoolClientType,
  UserPoolType,
  UserStatusType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { JWK } from 'jose';
import type { Emulator } from '../../emulator.js';
import type { RequestContext } from '../../core/service.js';
import { accountOfTaggedId, accountTaggedId } from '../../core/ids.js';
import { cognitoError } from './errors.js';

/** A code sent to a user (sign-up confirmation, password reset, attribute verification), kept hashed. */
export interface CodeRecord {
  hash: string;
  /** Epoch milliseconds. */
  expires: number;
  attempts: number;
  /** The attribute the code was sent to (sign-up and attribute codes verify it). */
  attribute?: string;
}

/** A password as the pool keeps it: a salted hash for password flows and the SRP verifier, never the text. */
export interface PasswordRecord {
  salt: string;
  hash: string;
  /** PBKDF2 iterations the hash was made with. */
  iterations: number;
  /** SRP salt and verifier (hex), for USER_SRP_AUTH. */
  srpSalt: string;
  verifier: string;
  setAt: string;
  /** Set by AdminCreateUser and AdminSetUserPassword without Permanent: the user must choose a new one. */
  temporary: boolean;
}

export interface PoolUser {
  Username: string;
  sub: string;
  /** Every attribute but `sub`, by name. */
  attributes: Record<string, string>;
  status: UserStatusType;
  enabled: boolean;
  created: string;
  modified: string;
  password?: PasswordRecord;
  /** Earlier password hashes (`salt:hash:iterations`), newest first, for the policy's PasswordHistorySize. */
  history: string[];
  confirmCode?: CodeRecord;
  resetCode?: CodeRecord;
  attributeCodes?: Record<string, CodeRecord>;
  /** TOTP: the secret handed out by AssociateSoftwareToken; verified once VerifySoftwareToken succeeded. */
  totp?: { secret: string; verified: boolean; lastStep?: number; friendlyName?: string };
  mfa: { enabled: string[]; preferred?: string };
  groups: string[];
  /** Epoch milliseconds: token families begun before this (GlobalSignOut, AdminUserGlobalSignOut) are revoked. */
  signedOutAt?: number;
}

export type PoolClient = Omit<UserPoolClientType, 'CreationDate' | 'LastModifiedDate'> & {
  ClientId: string;
  created: string;
  modified: string;
};

export interface PoolGroup {
  GroupName: string;
  Description?: string;
  RoleArn?: string;
  Precedence?: number;
  created: string;
  modified: string;
}

export interface PoolResourceServer {
  Identifier: string;
  Name: string;
  Scopes: ResourceServerScopeType[];
}

export interface PoolProvider {
  ProviderName: string;
  ProviderType: string;
  ProviderDetails: Record<string, string>;
  AttributeMapping: Record<string, string>;
  IdpIdentifiers: string[];
  created: string;
  modified: string;
}

/** The settings of a pool as DescribeUserPool shows them; dates, counts and tags are kept beside. */
export type PoolConfig = Omit<
  UserPoolType,
  'CreationDate' | 'LastModifiedDate' | 'EstimatedNumberOfUsers' | 'UserPoolTags' | 'Domain' | 'CustomDomain'
>;

export interface StoredPool {
  Id: string;
  config: PoolConfig;
  created: string;
  modified: string;
  tags: Record<string, string>;
  mfa: { SoftwareTokenMfaEnabled: boolean; SmsMfaEnabled: boolean; EmailMfaEnabled: boolean };
  clients: Record<string, PoolClient>;
  /** By username, lower-cased when the pool is case insensitive. */
  users: Record<string, PoolUser>;
  groups: Record<string, PoolGroup>;
  resourceServers: Record<string, PoolResourceServer>;
  providers: Record<string, PoolProvider>;
  domain?: { Domain: string; created: string; ManagedLoginVersion?: number };
  /** The pool's RS256 signing key (tokens) and a symmetric key (sessions, refresh tokens). */
  key: { kid: string; privateJwk: JWK; publicJwk: JWK };
  secret: string;
  /** Refresh-token families revoked by RevokeToken: origin_jti → expiry (epoch seconds). */
  revoked: Record<string, number>;
}

export interface CognitoIdpState {
  pools: Record<string, StoredPool>;
}

export const initialCognitoIdpState = (): CognitoIdpState => ({ pools: {} });

const POOL_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CLIENT_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `us-east-1_AbC123xyZ`: the region, then nine characters that also carry the account. */
export function newPoolId(accountId: string, region: string): string {
  return `${region}_${accountTaggedId(accountId, POOL_ALPHABET, 9)}`;
}

/** 26 characters, as AWS's app client ids, carrying the account. */
export const newClientId = (accountId: string): string => accountTaggedId(accountId, CLIENT_ALPHABET, 26);

export function parsePoolId(poolId: string): { region: string; accountId: string } | undefined {
  const m = /^([a-z]{2}(?:-[a-z]+)+-\d+)_([0-9A-Za-z]{9})$/.exec(poolId);
  const accountId = m ? accountOfTaggedId(m[2], POOL_ALPHABET) : undefined;
  return m && accountId ? { region: m[1], accountId } : undefined;
}

export const accountOfClientId = (clientId: string): string | undefined =>
  /^[a-z0-9]{26}$/.test(clientId) ? accountOfTaggedId(clientId, CLIENT_ALPHABET) : undefined;

/** A pool with where it lives: what every operation works on. */
export interface PoolRef {
  accountId: string;
  region: string;
  state: CognitoIdpState;
  pool: StoredPool;
}

export const poolNotFound = (poolId: string) => cognitoError('ResourceNotFoundException', `User pool ${poolId} does not exist.`);
export const clientNotFound = (clientId: string) => cognitoError('ResourceNotFoundException', `User pool client ${clientId} does not exist.`);

/**
 * The pool a signed (admin) call names: it must be in the caller's account and region, as in AWS.
 */
export function poolOf(ctx: RequestContext, poolId: string | undefined): PoolRef {
  const id = poolId ?? '';
  const parsed = parsePoolId(id);
  const state = ctx.emulator.stateFor<CognitoIdpState>('cognito-idp', ctx.accountId, ctx.region);
  const pool = state.pools[id];
  if (!pool || !parsed || parsed.region !== ctx.region) throw poolNotFound(id);
  return { accountId: ctx.accountId, region: ctx.region, state, pool };
}

// Pools and clients already found, so a lookup touches one state document; checked on every use.
const known = new WeakMap<Emulator, { pools: Set<string>; clients: Map<string, string> }>();

function indexOf(emulator: Emulator) {
  let k = known.get(emulator);
  if (!k) known.set(emulator, (k = { pools: new Set(), clients: new Map() }));
  return k;
}

export function rememberClient(emulator: Emulator, clientId: string, poolId: string): void {
  const k = indexOf(emulator);
  k.pools.add(poolId);
  k.clients.set(clientId, poolId);
}

/** Finds a pool from its id alone (unsigned calls, tokens, the hosted UI): the id carries account and region. */
export async function findPool(emulator: Emulator, poolId: string): Promise<PoolRef | undefined> {
  const parsed = parsePoolId(poolId);
  if (!parsed) return undefined;
  await emulator.service('cognito-idp');
  const k = indexOf(emulator);
  // An unknown id must not create an empty document for whatever account it happens to decode to.
  if (!k.pools.has(poolId) && !emulator.store.regions('cognito-idp', parsed.accountId).includes(parsed.region)) return undefined;
  const state = emulator.stateFor<CognitoIdpState>('cognito-idp', parsed.accountId, parsed.region);
  const pool = state.pools[poolId];
  if (!pool) return undefined;
  k.pools.add(poolId);
  return { ...parsed, state, pool };
}

/** Finds an app client, and its pool, from the client id alone (SignUp, InitiateAuth, /oauth2/token...). */
export async function findClient(emulator: Emulator, clientId: string): Promise<{ ref: PoolRef; client: PoolClient } | undefined> {
  const poolId = indexOf(emulator).clients.get(clientId);
  if (poolId) {
    const ref = await findPool(emulator, poolId);
    const client = ref?.pool.clients[clientId];
    if (ref && client) return { ref, client };
  }
  const accountId = accountOfClientId(clientId);
  if (!accountId) return undefined;
  await emulator.service('cognito-idp');
  for (const region of emulator.store.regions('cognito-idp', accountId)) {
    const state = emulator.stateFor<CognitoIdpState>('cognito-idp', accountId, region);
    for (const pool of Object.values(state.pools)) {
      const client = pool.clients[clientId];
      if (client) {
        rememberClient(emulator, clientId, pool.Id);
        return { ref: { accountId, region, state, pool }, client };
      }
    }
  }
  return undefined;
}

export async function clientOf(emulator: Emulator, clientId: string | undefined): Promise<{ ref: PoolRef; client: PoolClient }> {
  const found = clientId ? await findClient(emulator, clientId) : undefined;
  if (!found) throw clientNotFound(clientId ?? '');
  return found;
}

export const poolArn = (ref: Pick<PoolRef, 'accountId' | 'region'>, poolId: string) =>
  `arn:aws:cognito-idp:${ref.region}:${ref.accountId}:userpool/${poolId}`;

export const attributeList = (user: PoolUser): AttributeType[] => [
  { Name: 'sub', Value: user.sub },
  ...Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
];
