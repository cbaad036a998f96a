import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { AwsError } from '../../core/errors.js';
import type { Emulator } from '../../emulator.js';
import { iamStateOf } from '../iam/state.js';

/** What a verified web identity token tells STS. */
export interface VerifiedWebIdentity {
  claims: JWTPayload;
  /** The trust policy's Federated principal: `cognito-identity.amazonaws.com` or an OIDC provider ARN. */
  federated: string;
  /** The prefix of the condition keys (`cognito-identity.amazonaws.com:aud`...). */
  keyPrefix: string;
  provider: string;
  audience: string;
}

export type WebIdentityVerifier = (token: string, roleAccount: string) => Promise<VerifiedWebIdentity>;

const issuers = new WeakMap<Emulator, Map<string, WebIdentityVerifier>>();

/**
 * Lets a service of the emulator vouch for tokens it issues (Cognito identity pools' OpenID tokens),
 * so AssumeRoleWithWebIdentity works offline without fetching anything.
 */
export function registerWebIdentityIssuer(emulator: Emulator, issuer: string, verify: WebIdentityVerifier): void {
  let m = issuers.get(emulator);
  if (!m) issuers.set(emulator, (m = new Map()));
  m.set(issuer.replace(/\/$/, ''), verify);
}

const jwksCache = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

async function jwksFor(issuer: string): Promise<ReturnType<typeof createRemoteJWKSet>> {
  let jwks = jwksCache.get(issuer);
  if (!jwks) {
    let uri = `${issuer}/.well-known/jwks.json`;
    try {
      const res = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
      if (res.ok) uri = ((await res.json()) as { jwks_uri?: string }).jwks_uri ?? uri;
    } catch (e) {
      throw new AwsError('IDPCommunicationError', `Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements (${(e as Error).message})`, 400);
    }
    jwks = createRemoteJWKSet(new URL(uri));
    jwksCache.set(issuer, jwks);
  }
  return jwks;
}

/** Verifies a web identity token: one the emulator issued, or one from an IAM OIDC provider of the role's account. */
export async function verifyWebIdentity(emulator: Emulator, token: string, roleAccount: string): Promise<VerifiedWebIdentity> {
  let claims: JWTPayload;
  try {
    claims = decodeJwt(token);
  } catch {
    throw new AwsError('InvalidIdentityToken', 'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)', 400);
  }
  const iss = String(claims.iss ?? '').replace(/\/$/, '');
  const own = issuers.get(emulator)?.get(iss);
  if (own) return own(token, roleAccount);

  const hostPath = iss.replace(/^https?:\/\//, '');
  const state = await iamStateOf(emulator, roleAccount);
  const providerArn = `arn:aws:iam::${roleAccount}:oidc-provider/${hostPath}`;
  const provider = state.oidcProviders[providerArn];
  if (!provider) throw new AwsError('InvalidIdentityToken', `No OpenIDConnect provider found in your account for ${iss}`, 400);
  try {
    const { payload } = await jwtVerify(token, await jwksFor(iss), { issuer: claims.iss });
    claims = payload;
  } catch (e) {
    const err = e as { code?: string; message: string };
    if (err.code === 'ERR_JWT_EXPIRED') throw new AwsError('ExpiredTokenException', `Token expired: ${err.message}`, 400);
    if (e instanceof AwsError) throw e;
    throw new AwsError('InvalidIdentityToken', `The web identity token could not be verified: ${err.message}`, 400);
  }
  const auds = Array.isArray(claims.aud) ? claims.aud : [String(claims.aud ?? '')];
  const audience = auds.find((a) => provider.ClientIDList.includes(a));
  if (!audience) throw new AwsError('InvalidIdentityToken', 'Incorrect token audience', 400);
  return { claims, federated: providerArn, keyPrefix: hostPath, provider: providerArn, audience };
}
