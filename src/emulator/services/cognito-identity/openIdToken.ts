import { createHash } from 'node:crypto';
import { SignJWT, decodeJwt, exportJWK, generateKeyPair, importJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { AwsError } from '../../core/errors.js';
import type { Emulator } from '../../emulator.js';
import { registerWebIdentityIssuer } from '../sts/webIdentity.js';
import { findIdentityPool, type CognitoIdentityState } from './state.js';

/** The issuer of identity pools' OpenID tokens, as in AWS; STS trusts it through the emulator, offline. */
export const OPENID_ISSUER = 'https://cognito-identity.amazonaws.com';
export const PRINCIPAL = 'cognito-identity.amazonaws.com';

async function keyOf(state: CognitoIdentityState, region: string): Promise<NonNullable<CognitoIdentityState['key']>> {
  if (!state.key) {
    const { publicKey, privateKey } = await generateKeyPair('RS512', { extractable: true, modulusLength: 2048 });
    const pub = await exportJWK(publicKey);
    // AWS's kids look like "us-east-11": the region and a number.
    const kid = `${region}${parseInt(createHash('sha256').update(pub.n ?? '').digest('hex').slice(0, 4), 16) % 9 + 1}`;
    state.key ??= { kid, privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS512' }, publicJwk: { ...pub, kid, alg: 'RS512', use: 'sig' } };
  }
  return state.key;
}

/** An OpenID token for an identity: `sub` the identity, `aud` its pool, `amr` how it signed in. */
export async function openIdToken(
  emulator: Emulator,
  state: CognitoIdentityState,
  region: string,
  claims: { sub: string; aud: string; amr: string[] },
  seconds: number,
): Promise<string> {
  const key = await keyOf(state, region);
  const now = Math.floor(emulator.clock.now() / 1000);
  return new SignJWT({ ...claims, iss: OPENID_ISSUER, exp: now + seconds, iat: now } as JWTPayload)
    .setProtectedHeader({ kid: key.kid, typ: 'JWS', alg: 'RS512' })
    .sign(await importJWK(key.privateJwk as JWK, 'RS512'));
}

/** Verifies an OpenID token the emulator issued; returns its claims or throws as `fail` says. */
export async function verifyOpenIdToken(emulator: Emulator, token: string, fail: (why: string) => AwsError) {
  let claims: JWTPayload;
  try {
    claims = decodeJwt(token);
  } catch {
    throw fail('The token is not a valid JWT.');
  }
  const ref = await findIdentityPool(emulator, String(claims.aud ?? ''));
  if (!ref?.state.key) throw fail('The token was not issued for an identity pool of the sandbox.');
  try {
    const { payload } = await jwtVerify(token, await importJWK(ref.state.key.publicJwk as JWK, 'RS512'), {
      issuer: OPENID_ISSUER,
      audience: ref.pool.IdentityPoolId,
      currentDate: new Date(emulator.clock.now()),
    });
    return { ref, claims: payload };
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_JWT_EXPIRED') throw new AwsError('ExpiredTokenException', 'Token expired', 400);
    throw fail(`The token's signature or claims are not valid: ${(e as Error).message}`);
  }
}

/**
 * The basic (classic) flow: STS AssumeRoleWithWebIdentity accepts the tokens GetOpenIdToken
 * hands out, for pools that allow that flow, and the role's trust policy sees aud, sub and amr.
 */
export function registerWithSts(emulator: Emulator): void {
  registerWebIdentityIssuer(emulator, OPENID_ISSUER, async (token) => {
    const { ref, claims } = await verifyOpenIdToken(emulator, token, (why) => new AwsError('InvalidIdentityToken', why, 400));
    if (ref.pool.AllowClassicFlow !== true) {
      throw new AwsError('InvalidIdentityToken', 'Basic (classic) flow is not enabled, please use enhanced flow.', 400);
    }
    return { claims, federated: PRINCIPAL, keyPrefix: PRINCIPAL, provider: PRINCIPAL, audience: ref.pool.IdentityPoolId };
  });
}
