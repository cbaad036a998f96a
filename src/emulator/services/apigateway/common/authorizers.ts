import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, jwtVerify, type JWK, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { evaluate } from '../../../auth/policy.js';
import type { Emulator } from '../../../emulator.js';
import { findPool } from '../../cognito-idp/state.js';
import { jwksOf } from '../../cognito-idp/tokens.js';
import { callLambda } from './lambda.js';

// ---- Lambda authorizers (REST APIs' TOKEN and REQUEST, HTTP APIs' REQUEST) ----

export type AuthDecision =
  | { kind: 'allow'; principalId?: string; context: Record<string, unknown>; usageIdentifierKey?: string; latencyMs: number }
  | { kind: 'deny'; explicit: boolean }
  /** 401: no identity, or the authorizer said "Unauthorized". */
  | { kind: 'unauthorized' }
  /** 500: the authorizer failed, answered something unreadable, or may not be invoked. */
  | { kind: 'error'; reason: string };

export interface LambdaAuthorizerCall {
  accountId: string;
  region: string;
  apiId: string;
  authorizerId: string;
  /** The authorizer's function ARN (from its `.../functions/<arn>/invocations` URI). */
  functionArn: string;
  ttlSeconds: number;
  /** The identity source values: the cache key (no caching when the TTL is 0). */
  identity: string[];
  event: Record<string, unknown>;
  /** HTTP APIs' simple responses: `{isAuthorized, context}` instead of an IAM policy. */
  simple: boolean;
  /** The ARN the policy is evaluated against: `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>`. */
  methodArn: string;
  caller: string;
}

interface AuthorizerOutput {
  principalId?: string;
  policyDocument?: unknown;
  isAuthorized?: boolean;
  context?: Record<string, unknown>;
  usageIdentifierKey?: string;
}

/** Authorizer results by API, authorizer and identity; a cached policy is evaluated again for each method, as on AWS. */
const cache = new WeakMap<Emulator, Map<string, { until: number; output: AuthorizerOutput }>>();

function cacheOf(emulator: Emulator) {
  let c = cache.get(emulator);
  if (!c) cache.set(emulator, (c = new Map()));
  return c;
}

export function forgetAuthorizerCache(emulator: Emulator): void {
  cache.delete(emulator);
}

async function decide(emulator: Emulator, call: LambdaAuthorizerCall, out: AuthorizerOutput, latencyMs: number): Promise<AuthDecision> {
  const allow = (): AuthDecision => ({ kind: 'allow', principalId: out.principalId, context: out.context ?? {}, usageIdentifierKey: out.usageIdentifierKey, latencyMs });
  if (call.simple) {
    if (typeof out.isAuthorized !== 'boolean') return { kind: 'error', reason: 'a simple response needs isAuthorized (a boolean)' };
    return out.isAuthorized ? allow() : { kind: 'deny', explicit: false };
  }
  const doc = out.policyDocument;
  if (!doc || typeof doc !== 'object') return { kind: 'error', reason: 'the authorizer returned no policyDocument' };
  const ev = await evaluate({
    principal: `arn:aws:iam::${call.accountId}:root`,
    principalAccount: call.accountId,
    action: 'execute-api:Invoke',
    resource: call.methodArn,
    resourceAccount: call.accountId,
    policies: { identity: [{ name: 'authorizer policy', source: 'authorizer', document: JSON.stringify(doc) }] },
    context: {},
  });
  if (ev.error) return { kind: 'error', reason: `the authorizer's policy could not be read: ${ev.error}` };
  if (ev.result === 'Allowed') return allow();
  return { kind: 'deny', explicit: ev.result === 'ExplicitlyDenied' };
}

export async function runLambdaAuthorizer(emulator: Emulator, call: LambdaAuthorizerCall): Promise<AuthDecision> {
  const key = `${call.accountId}/${call.region}/${call.apiId}/${call.authorizerId}/${JSON.stringify(call.identity)}`;
  const now = emulator.clock.now();
  const hit = call.ttlSeconds > 0 ? cacheOf(emulator).get(key) : undefined;
  if (hit && hit.until > now) return decide(emulator, call, hit.output, 0);
  const t0 = performance.now();
  const r = await callLambda(emulator, {
    functionArn: call.functionArn,
    callerAccountId: call.accountId,
    callerRegion: call.region,
    payload: JSON.stringify(call.event),
    principal: 'apigateway.amazonaws.com',
    sourceArn: `arn:aws:execute-api:${call.region}:${call.accountId}:${call.apiId}/authorizers/${call.authorizerId}`,
    timeoutMs: 10_000,
    caller: call.caller,
  });
  const latencyMs = Math.round(performance.now() - t0);
  if (r.kind === 'denied') return { kind: 'error', reason: 'API Gateway may not invoke the authorizer function (its resource policy does not allow apigateway.amazonaws.com)' };
  if (r.kind === 'timeout') return { kind: 'error', reason: 'the authorizer timed out' };
  if (r.kind === 'failed') return { kind: 'error', reason: r.message };
  if (r.functionError) {
    let message = '';
    try {
      message = String((JSON.parse(r.payload.toString('utf8')) as { errorMessage?: unknown }).errorMessage ?? '');
    } catch {
      /* not JSON */
    }
    // A function that fails with the message "Unauthorized" is how an authorizer says 401.
    return message === 'Unauthorized' ? { kind: 'unauthorized' } : { kind: 'error', reason: `the authorizer failed: ${message}` };
  }
  let out: AuthorizerOutput;
  try {
    out = JSON.parse(r.payload.toString('utf8')) as AuthorizerOutput;
  } catch {
    return { kind: 'error', reason: 'the authorizer returned something that is not JSON' };
  }
  if (!out || typeof out !== 'object') return { kind: 'error', reason: 'the authorizer returned something that is not an object' };
  if (call.ttlSeconds > 0) cacheOf(emulator).set(key, { until: now + call.ttlSeconds * 1000, output: out });
  return decide(emulator, call, out, latencyMs);
}

// ---- JWTs (HTTP APIs' JWT authorizers, REST APIs' Cognito user pool authorizers) ----

export type JwtResult = { ok: true; claims: JWTPayload; scopes?: string[] } | { ok: false; reason: string };

const remoteSets = new Map<string, JWTVerifyGetKey>();
const COGNITO_POOL_ID = /^[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+$/;

/** The pool id an issuer names, when it is a Cognito user pool (the sandbox's or AWS's URL form). */
export const poolIdOfIssuer = (issuer: string): string | undefined => {
  const last = issuer.replace(/\/+$/, '').split('/').pop() ?? '';
  return COGNITO_POOL_ID.test(last) ? last : undefined;
};

/**
 * The keys of an issuer: a user pool of the sandbox is read in-process; any other issuer through
 * its OpenID discovery document (`<issuer>/.well-known/openid-configuration`, then its jwks_uri).
 */
async function keysOf(emulator: Emulator, issuer: string): Promise<JWTVerifyGetKey | undefined> {
  const poolId = poolIdOfIssuer(issuer);
  if (poolId) {
    const ref = await findPool(emulator, poolId);
    if (ref) return createLocalJWKSet(jwksOf(ref.pool) as { keys: JWK[] });
  }
  let set = remoteSets.get(issuer);
  if (!set) {
    try {
      const res = await fetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) return undefined;
      const doc = (await res.json()) as { jwks_uri?: string };
      if (!doc.jwks_uri) return undefined;
      set = createRemoteJWKSet(new URL(doc.jwks_uri));
      remoteSets.set(issuer, set);
    } catch {
      return undefined;
    }
  }
  return set;
}

/** Two issuers name the same user pool (the sandbox's `http://localhost:4566/<pool>` and AWS's `https://cognito-idp.<region>.amazonaws.com/<pool>`). */
function sameIssuer(a: string, b: string): boolean {
  if (a.replace(/\/+$/, '') === b.replace(/\/+$/, '')) return true;
  const pa = poolIdOfIssuer(a);
  return pa !== undefined && pa === poolIdOfIssuer(b);
}

/**
 * Verifies a JWT as HTTP APIs' JWT authorizers do: signature (the issuer's JWKS), `iss`, `exp`/`nbf`,
 * the audience (`aud`, or `client_id` for access tokens) and, when the route asks for scopes, the `scope` claim.
 */
export async function verifyJwt(
  emulator: Emulator,
  token: string,
  opts: { issuers: string[]; audiences?: string[]; scopes?: string[] },
): Promise<JwtResult> {
  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(token);
  } catch {
    return { ok: false, reason: 'the token is not a JWT' };
  }
  const iss = String(unverified.iss ?? '');
  const issuer = opts.issuers.find((i) => sameIssuer(i, iss));
  if (!issuer) return { ok: false, reason: `the token's issuer ${iss} is not the authorizer's` };
  const keys = await keysOf(emulator, issuer);
  if (!keys) return { ok: false, reason: `the issuer's signing keys could not be found (${issuer})` };
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, keys, { currentDate: new Date(emulator.clock.now()) }));
  } catch (e) {
    const code = (e as { code?: string }).code;
    return { ok: false, reason: code === 'ERR_JWT_EXPIRED' ? 'the token has expired' : `the token's signature or claims are not valid (${code ?? (e as Error).message})` };
  }
  if (opts.audiences?.length) {
    const aud = claims.aud === undefined ? [] : Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const clientId = typeof claims.client_id === 'string' ? [claims.client_id] : [];
    if (![...aud, ...clientId].some((a) => opts.audiences!.includes(a))) return { ok: false, reason: 'the token is not for this audience' };
  }
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : Array.isArray(claims.scp) ? claims.scp.map(String) : undefined;
  if (opts.scopes?.length && !opts.scopes.some((s) => scopes?.includes(s))) return { ok: false, reason: 'the token does not have the scopes the route requires' };
  return { ok: true, claims, scopes };
}

/** Claims as API Gateway passes them to the integration: every value as text (arrays as `[a b]`). */
export function claimsAsText(claims: JWTPayload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims)) {
    out[k] = Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
  }
  return out;
}

/** The token in an Authorization-style header: `Bearer <jwt>` or the bare token. */
export const bearer = (value: string | undefined): string | undefined => value?.replace(/^Bearer\s+/i, '').trim() || undefined;
