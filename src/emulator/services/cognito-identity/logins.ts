import type { JWTPayload } from 'jose';
import { AwsError } from '../../core/errors.js';
import type { Emulator } from '../../emulator.js';
import { verifyPoolToken } from '../cognito-idp/tokens.js';
import { verifyWebIdentity } from '../sts/webIdentity.js';
import type { IdentityPoolRef } from './state.js';
import { PRINCIPAL, verifyOpenIdToken } from './openIdToken.js';

/** One verified login: the provider key, the subject it vouches for, and what `amr` says of it. */
export interface Login {
  key: string;
  subject: string;
  amr: string[];
  claims: JWTPayload;
}

const invalidLogin = (why: string) => new AwsError('NotAuthorizedException', `Invalid login token. ${why}`, 400);

const USER_POOL_KEY = /^cognito-idp\.([\w-]+)\.amazonaws\.com\/([\w-]+_[0-9a-zA-Z]+)$/;

/**
 * Checks each token of a `Logins` map against the identity pool's providers: a user pool's ID
 * token (its signature, expiry, issuer and audience, and whether its user signed out), an OpenID
 * Connect provider of the account, or the pool's own developer-authenticated token.
 */
export async function verifyLogins(emulator: Emulator, ref: IdentityPoolRef, logins: Record<string, string> | undefined): Promise<Login[]> {
  const out: Login[] = [];
  const pool = ref.pool;
  for (const [key, token] of Object.entries(logins ?? {})) {
    const userPool = USER_POOL_KEY.exec(key);
    if (userPool) {
      const provider = pool.CognitoIdentityProviders?.find((p) => p.ProviderName === key);
      if (!provider) throw invalidLogin('Token is not from a supported provider of this identity pool.');
      let v;
      try {
        // Only with ServerSideTokenCheck does the identity pool ask the user pool whether the user signed out.
        v = await verifyPoolToken(emulator, token, 'id', { revocation: provider.ServerSideTokenCheck === true });
      } catch (e) {
        const message = (e as Error).message;
        throw invalidLogin(/expired/.test(message) ? 'Token expired.' : /revoked/.test(message) ? 'Token has been revoked.' : 'Signature verification failed or the token is malformed.');
      }
      if (v.ref.pool.Id !== userPool[2] || v.ref.accountId !== ref.accountId) throw invalidLogin('Issuer does not match providerName');
      if (v.claims.aud !== provider.ClientId) throw invalidLogin('Incorrect token audience.');
      const sub = String(v.claims.sub);
      out.push({ key, subject: sub, amr: [key, `${key}:CognitoSignIn:${sub}`], claims: v.claims });
      continue;
    }
    if (key === PRINCIPAL) {
      const { ref: tokenPool, claims } = await verifyOpenIdToken(emulator, token, (why) => invalidLogin(why));
      if (tokenPool.pool.IdentityPoolId !== pool.IdentityPoolId) throw invalidLogin('Incorrect token audience.');
      out.push({ key, subject: String(claims.sub), amr: (claims.amr as string[] | undefined)?.filter((a) => a !== 'authenticated') ?? [], claims });
      continue;
    }
    const oidcArn = pool.OpenIdConnectProviderARNs?.find((arn) => arn.endsWith(`:oidc-provider/${key}`));
    if (oidcArn) {
      let v;
      try {
        v = await verifyWebIdentity(emulator, token, ref.accountId);
      } catch (e) {
        throw invalidLogin((e as Error).message);
      }
      if (v.provider !== oidcArn) throw invalidLogin('Issuer does not match providerName');
      out.push({ key, subject: String(v.claims.sub), amr: [key, `${key}:OAuth:${v.claims.sub}`], claims: v.claims });
      continue;
    }
    if (pool.SupportedLoginProviders?.[key] !== undefined) {
      throw new AwsError('NotAuthorizedException', `awslings: logins through ${key} are not available in the sandbox (user pools, OpenID Connect providers and developer-authenticated identities are).`, 400);
    }
    throw invalidLogin('Token is not from a supported provider of this identity pool.');
  }
  return out;
}
