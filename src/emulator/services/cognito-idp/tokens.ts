import { createHash, createPrivateKey, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { decodeJwt, exportJWK, generateKeyPair, importJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { AuthenticationResultType } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoError } from './errors.js';
import type { Emulator } from '../../emulator.js';
import { findPool, type PoolClient, type PoolRef, type PoolUser, type StoredPool } from './state.js';
import { seal, unseal } from './secrets.js';
import { preTokenGeneration } from './triggers.js';

async function generatePoolKey(): Promise<StoredPool['key']> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const publicJwk = await exportJWK(publicKey);
  const kid = createHash('sha256').update(publicJwk.n ?? '').digest('base64');
  return {
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256' },
    publicJwk: { alg: 'RS256', e: publicJwk.e, kid, kty: 'RSA', n: publicJwk.n, use: 'sig' },
  };
}

// RSA key generation takes from a tenth of a second to a second: one key is made ahead, so
// CreateUserPool (and a CloudFormation stack with pools) rarely waits for it.
let spare: Promise<StoredPool['key']> | undefined;

/** A new RS256 key for a pool: its tokens are signed with it, and its JWKS serves the public half. */
export async function newPoolKey(): Promise<StoredPool['key']> {
  const key = spare ?? generatePoolKey();
  spare = generatePoolKey();
  spare.catch(() => (spare = undefined));
  return key;
}

const publicKeys = new Map<string, Promise<CryptoKey | Uint8Array>>();
const privateKeys = new Map<string, KeyObject>();

function publicKeyOf(pool: StoredPool) {
  let k = publicKeys.get(pool.key.kid);
  if (!k) publicKeys.set(pool.key.kid, (k = importJWK(pool.key.publicJwk as JWK, 'RS256')));
  return k;
}

function privateKeyOf(pool: StoredPool): KeyObject {
  let k = privateKeys.get(pool.key.kid);
  if (!k) privateKeys.set(pool.key.kid, (k = createPrivateKey({ key: pool.key.privateJwk as never, format: 'jwk' })));
  return k;
}

/**
 * The issuer is a URL the sandbox serves (`<endpoint>/<poolId>`, with `/.well-known/jwks.json`).
 * Browser hosts such as `<domain>.auth.<region>.localhost` map back to `localhost`, which Node resolves.
 */
export function issuerBase(endpoint: string): string {
  const u = new URL(endpoint);
  if (u.hostname.endsWith('.localhost')) u.hostname = 'localhost';
  return u.origin;
}

export const issuerOf = (endpoint: string, poolId: string): string => `${issuerBase(endpoint)}/${poolId}`;

const UNITS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

export function lifetimes(client: PoolClient): { access: number; id: number; refresh: number } {
  const u = client.TokenValidityUnits ?? {};
  return {
    access: (client.AccessTokenValidity ?? 60) * UNITS[u.AccessToken ?? (client.AccessTokenValidity === undefined ? 'minutes' : 'hours')],
    id: (client.IdTokenValidity ?? 60) * UNITS[u.IdToken ?? (client.IdTokenValidity === undefined ? 'minutes' : 'hours')],
    refresh: (client.RefreshTokenValidity ?? 30) * UNITS[u.RefreshToken ?? 'days'],
  };
}

/** Attribute values in tokens take their JSON types, as Cognito writes them. */
export function claimValue(name: string, value: string): unknown {
  if (name === 'email_verified' || name === 'phone_number_verified') return value === 'true';
  if (name === 'updated_at') return Number(value);
  if (name === 'identities') {
    // The attribute keeps JSON types; tokens carry every field of an identity as a string (issuer may be null).
    try {
      return (JSON.parse(value) as Record<string, unknown>[]).map((i) =>
        Object.fromEntries(Object.entries(i).map(([k, v]) => [k, v === null || typeof v === 'string' ? v : String(v)])),
      );
    } catch {
      return value;
    }
  }
  return value;
}

/** Groups by precedence (lowest first), with their roles: what `cognito:*` claims carry. */
export function groupClaims(pool: StoredPool, user: PoolUser): { groups: string[]; roles: string[]; preferredRole?: string } {
  const gs = user.groups.map((n) => pool.groups[n]).filter((g) => g !== undefined);
  gs.sort((a, b) => (a.Precedence ?? Number.MAX_SAFE_INTEGER) - (b.Precedence ?? Number.MAX_SAFE_INTEGER) || a.GroupName.localeCompare(b.GroupName));
  const roles = [...new Set(gs.map((g) => g.RoleArn).filter((r): r is string => !!r))];
  const preferred = gs.find((g) => g.RoleArn && g.Precedence !== undefined)?.RoleArn;
  return { groups: gs.map((g) => g.GroupName), roles, preferredRole: preferred };
}

export interface IssueOptions {
  ref: PoolRef;
  client: PoolClient;
  user: PoolUser;
  endpoint: string;
  /** Epoch seconds of the sign-in these tokens come from. */
  authTime: number;
  /** The token family: kept across refreshes so RevokeToken ends them all. */
  originJti?: string;
  triggerSource: string;
  /** The access token's scopes (the API's sign-ins get aws.cognito.signin.user.admin). */
  scopes: string[];
  /** Hosted UI and /oauth2/token tokens (version 2, no event id). */
  oauth?: boolean;
  nonce?: string;
  refresh: boolean;
  clientMetadata?: Record<string, string>;
}

/** ID, access and (optionally) refresh tokens for a signed-in user, through the PreTokenGeneration trigger. */
export async function issueTokens(emulator: Emulator, o: IssueOptions): Promise<AuthenticationResultType> {
  const { pool } = o.ref;
  const now = Math.floor(emulator.clock.now() / 1000);
  const life = lifetimes(o.client);
  const iss = issuerOf(o.endpoint, pool.Id);
  const originJti = o.originJti ?? uuidV7(emulator.clock.now());
  const eventId = randomUUID();
  const readable = o.client.ReadAttributes?.length ? new Set(o.client.ReadAttributes) : undefined;
  let { groups, roles, preferredRole } = groupClaims(pool, o.user);

  const id: Record<string, unknown> = { sub: o.user.sub };
  const override = await preTokenGeneration(emulator, o.ref, o.client, o.user, o.triggerSource, { groups, roles, preferredRole }, o.scopes, o.clientMetadata);
  if (override?.groups) ({ groups, roles, preferredRole } = override.groups);
  if (groups.length) id['cognito:groups'] = groups;
  for (const [name, value] of Object.entries(o.user.attributes)) {
    if (readable && !readable.has(name)) continue;
    id[name] = claimValue(name, value);
  }
  if (preferredRole) id['cognito:preferred_role'] = preferredRole;
  if (roles.length) id['cognito:roles'] = roles;
  Object.assign(id, { iss, 'cognito:username': o.user.Username });
  if (o.nonce) id.nonce = o.nonce;
  Object.assign(id, { origin_jti: originJti, aud: o.client.ClientId, ...(o.oauth ? {} : { event_id: eventId }), token_use: 'id', auth_time: o.authTime });
  applyOverride(id, override?.id);
  Object.assign(id, { exp: now + life.id, iat: now, jti: randomUUID() });

  let scopes = o.scopes;
  if (override?.scopesToAdd) scopes = [...new Set([...scopes, ...override.scopesToAdd])];
  if (override?.scopesToSuppress) scopes = scopes.filter((s) => !override.scopesToSuppress!.includes(s));
  const access: Record<string, unknown> = { sub: o.user.sub };
  if (groups.length) access['cognito:groups'] = groups;
  access.iss = iss;
  if (o.oauth) access.version = 2;
  Object.assign(access, { client_id: o.client.ClientId, origin_jti: originJti, ...(o.oauth ? {} : { event_id: eventId }), token_use: 'access', scope: scopes.join(' '), auth_time: o.authTime });
  applyOverride(access, override?.access);
  Object.assign(access, { exp: now + life.access, iat: now, jti: randomUUID(), username: o.user.Username });

  const sign = (claims: Record<string, unknown>) => signClaims(pool, claims);
  const result: AuthenticationResultType = {
    AccessToken: await sign(access),
    ExpiresIn: life.access,
    TokenType: 'Bearer',
    IdToken: await sign(id),
  };
  if (o.refresh) {
    const r: RefreshClaims = { c: o.client.ClientId, s: o.user.sub, o: originJti, t: o.authTime, iat: now, exp: now + life.refresh, sc: o.scopes, oa: o.oauth ? 1 : 0 };
    result.RefreshToken = await seal(pool, r, 'JWT');
  }
  return result;
}

/**
 * Signs claims with the pool's key, as every token it issues is: a compact RS256 JWS. Signed with
 * node:crypto directly, three times faster than through WebCrypto, which matters at every sign-in.
 */
export async function signClaims(pool: StoredPool, claims: Record<string, unknown>): Promise<string> {
  const input = `${Buffer.from(JSON.stringify({ kid: pool.key.kid, alg: 'RS256' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKeyOf(pool)).toString('base64url')}`;
}

// Claims a PreTokenGeneration function may not change (AWS ignores them).
const PROTECTED = new Set(['acr', 'amr', 'at_hash', 'auth_time', 'azp', 'cognito:username', 'exp', 'iat', 'identities', 'iss', 'jti', 'nbf', 'nonce', 'origin_jti', 'sub', 'token_use', 'aud', 'client_id', 'scope', 'username', 'event_id']);

function applyOverride(claims: Record<string, unknown>, o: { add?: Record<string, unknown>; suppress?: string[] } | undefined): void {
  if (!o) return;
  for (const name of o.suppress ?? []) if (!PROTECTED.has(name)) delete claims[name];
  for (const [name, value] of Object.entries(o.add ?? {})) if (!PROTECTED.has(name)) claims[name] = value;
}

/** What a refresh token carries, sealed with the pool's key: client, user, family, sign-in time, expiry. */
export interface RefreshClaims {
  c: string;
  s: string;
  o: string;
  t: number;
  iat: number;
  exp: number;
  sc: string[];
  oa: 0 | 1;
}

export async function openRefreshToken(emulator: Emulator, ref: PoolRef, token: string): Promise<RefreshClaims> {
  const r = await unseal<RefreshClaims>(ref.pool, token);
  if (!r || typeof r.c !== 'string') throw cognitoError('NotAuthorizedException', 'Invalid Refresh Token');
  if (ref.pool.revoked[r.o] !== undefined) throw cognitoError('NotAuthorizedException', 'Refresh Token has been revoked');
  if (r.exp <= emulator.clock.now() / 1000) throw cognitoError('NotAuthorizedException', 'Refresh Token has expired');
  return r;
}

/**
 * Token families are UUIDv7s: their first 48 bits are the sign-in time in milliseconds, so
 * GlobalSignOut revokes every family begun before it without a list of what was issued.
 */
export function uuidV7(ms: number): string {
  const b = randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const familyTime = (originJti: unknown): number =>
  typeof originJti === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-7/.test(originJti) ? parseInt(originJti.replace(/-/g, '').slice(0, 12), 16) : 0;

/** Whether a token family was revoked: by RevokeToken, or by a sign-out of its user after it began. */
export function familyRevoked(pool: StoredPool, user: PoolUser | undefined, originJti: unknown): boolean {
  if (typeof originJti === 'string' && pool.revoked[originJti] !== undefined) return true;
  return user?.signedOutAt !== undefined && familyTime(originJti) <= user.signedOutAt;
}

export function userBySub(pool: StoredPool, sub: string): PoolUser | undefined {
  return Object.values(pool.users).find((u) => u.sub === sub);
}

/** Verifies a token the pool signed; `use` says which kind the caller needs. */
export async function verifyPoolToken(
  emulator: Emulator,
  token: string,
  use: 'access' | 'id',
  { revocation = true }: { revocation?: boolean } = {},
): Promise<{ ref: PoolRef; user: PoolUser; claims: JWTPayload }> {
  const label = use === 'access' ? 'Access Token' : 'Id Token';
  const invalid = () => cognitoError('NotAuthorizedException', `Invalid ${label}`);
  let claims: JWTPayload;
  try {
    claims = decodeJwt(token);
  } catch {
    throw invalid();
  }
  const poolId = String(claims.iss ?? '').split('/').pop() ?? '';
  const ref = await findPool(emulator, poolId);
  if (!ref || claims.token_use !== use) throw invalid();
  try {
    ({ payload: claims } = await jwtVerify(token, await publicKeyOf(ref.pool), { currentDate: new Date(emulator.clock.now()), clockTolerance: 0 }));
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_JWT_EXPIRED') throw cognitoError('NotAuthorizedException', `${label} has expired`);
    throw invalid();
  }
  const user = userBySub(ref.pool, String(claims.sub));
  if (!user) throw cognitoError('UserNotFoundException', 'User does not exist.');
  if (revocation && familyRevoked(ref.pool, user, claims.origin_jti)) throw cognitoError('NotAuthorizedException', `${label} has been revoked`);
  return { ref, user, claims };
}

/** The JWKS a pool serves at `<issuer>/.well-known/jwks.json`. */
export const jwksOf = (pool: StoredPool) => ({ keys: [pool.key.publicJwk] });

export const newPoolSecret = (): string => randomBytes(32).toString('base64');
