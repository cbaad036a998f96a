// What your back end does before it trusts an ID token: check its signature against the pool's
// public keys (the JWKS), then its claims. Anyone can write a JWT; only the pool can sign one.
// Try it on its own: npx tsx verify.ts <an ID token>   (exit code 0 means valid)
import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

export interface PoolInfo {
  userPoolId: string;
  clientId: string;
}

/** The pool's issuer URL: the sandbox serves it under its endpoint; AWS at cognito-idp.<region>.amazonaws.com. */
export function issuerOf(userPoolId: string): string {
  const region = userPoolId.split('_')[0];
  const endpoint = process.env.AWS_ENDPOINT_URL?.replace(/\/$/, '');
  return endpoint ? `${endpoint}/${userPoolId}` : `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
}

/** Returns the token's claims if the pool signed it for this app client and it is an unexpired ID token; throws otherwise. */
export async function verifyIdToken(token: string, pool: PoolInfo): Promise<JWTPayload> {
  const issuer = issuerOf(pool.userPoolId);
  const keys = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  // The signature, the algorithm, iss, aud (this app client) and exp, all at once.
  const { payload } = await jwtVerify(token, keys, { issuer, audience: pool.clientId, algorithms: ['RS256'] });
  // An access token is signed by the same key: it must not pass for an ID token.
  if (payload.token_use !== 'id') throw new Error(`not an ID token (token_use is ${String(payload.token_use)})`);
  return payload;
}

if (process.argv[2]) {
  const pool = JSON.parse(readFileSync('pool.json', 'utf8')) as PoolInfo;
  try {
    const claims = await verifyIdToken(process.argv[2], pool);
    console.log(`valid: ${String(claims['cognito:username'])} (${String(claims.email)})`);
  } catch (e) {
    console.log(`refused: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}
