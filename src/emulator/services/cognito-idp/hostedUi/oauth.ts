import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { HttpResponse } from '../../../core/http.js';
import { jsonResponse } from '../../../core/http.js';
import { isAwsError } from '../../../core/errors.js';
import type { Emulator } from '../../../emulator.js';
import type { PoolClient, PoolRef, PoolUser } from '../state.js';
import { familyRevoked, issueTokens, issuerOf, lifetimes, openRefreshToken, signClaims, userBySub, verifyPoolToken, type RefreshClaims } from '../tokens.js';
import { poolIdOfSealed, seal, unseal } from '../secrets.js';
import { clientOfSite, cookies, siteCtx, siteUrl, type Site } from './index.js';
import { errorPage, redirect } from './pages.js';
import { allowsFlow } from '../common.js';
import { federate } from './federation.js';

/** The parameters of an authorization request, carried through the sign-in pages as hidden fields. */
export const AUTH_PARAMS = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'identity_provider', 'idp_identifier'] as const;

export interface AuthRequest {
  ref: PoolRef;
  client: PoolClient;
  redirectUri: string;
  responseType: 'code' | 'token';
  scopes: string[];
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  params: Record<string, string>;
}

export const authParams = (site: Site): Record<string, string> =>
  Object.fromEntries(AUTH_PARAMS.map((k) => [k, site.params.get(k) ?? '']).filter(([, v]) => v !== ''));

const withParams = (url: string, params: Record<string, string | undefined>, fragment = false): string => {
  const u = new URL(url);
  const q = new URLSearchParams(fragment ? '' : u.search);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  if (fragment) u.hash = q.toString();
  else u.search = q.toString();
  return u.toString();
};

/** Checks an authorization request as Cognito does; problems it can report to the app go back to the app. */
export async function readAuthRequest(site: Site): Promise<AuthRequest | HttpResponse> {
  const p = site.params;
  const found = await clientOfSite(site, p.get('client_id'));
  if (!found) return errorPage(p.get('client_id') ? 'Invalid client_id: no such app client on this domain.' : 'The request needs a client_id.');
  const { ref, client } = found;
  const redirectUri = p.get('redirect_uri') ?? client.DefaultRedirectURI;
  if (!redirectUri || !client.CallbackURLs?.includes(redirectUri)) return errorPage('redirect_mismatch: the redirect_uri is not one of the app client\'s callback URLs.');
  const state = p.get('state') ?? undefined;
  const fail = (error: string, description?: string) => redirect(withParams(redirectUri, { error, error_description: description, state }));
  if (!client.AllowedOAuthFlowsUserPoolClient) return fail('unauthorized_client', 'Client is not enabled for OAuth2.0 flows.');
  const rt = p.get('response_type');
  if (rt !== 'code' && rt !== 'token') return fail('unsupported_response_type');
  if (!client.AllowedOAuthFlows?.includes(rt === 'code' ? 'code' : 'implicit')) return fail('unauthorized_client');
  const allowed = client.AllowedOAuthScopes ?? [];
  const scopes = p.get('scope') ? p.get('scope')!.split(/\s+/).filter(Boolean) : [...allowed];
  if (scopes.some((s) => !allowed.includes(s))) return fail('invalid_scope');
  const method = p.get('code_challenge_method') ?? undefined;
  if (p.get('code_challenge') && method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
  return {
    ref,
    client,
    redirectUri,
    responseType: rt,
    scopes,
    state,
    nonce: p.get('nonce') ?? undefined,
    codeChallenge: p.get('code_challenge') ?? undefined,
    codeChallengeMethod: method,
    params: authParams(site),
  };
}

/** The signed-in session of the hosted UI (single sign-on across the pool's apps), sealed with the pool's key. */
const SSO = 'cognito-sso';

export async function ssoCookie(site: Site, ref: PoolRef, user: PoolUser, authTime: number): Promise<string> {
  const value = await seal(ref.pool, { s: user.sub, at: authTime, ms: site.emulator.clock.now(), exp: authTime + 3600 });
  return `${SSO}=${value}; Path=${site.base || '/'}; HttpOnly; SameSite=Lax`;
}

export const clearSso = (site: Site): string => `${SSO}=; Path=${site.base || '/'}; HttpOnly; SameSite=Lax; Max-Age=0`;

async function ssoUser(site: Site, ref: PoolRef): Promise<{ user: PoolUser; at: number } | undefined> {
  const v = cookies(site.req)[SSO];
  if (!v || poolIdOfSealed(v) !== ref.pool.Id) return undefined;
  const c = await unseal<{ s: string; at: number; ms: number; exp: number }>(ref.pool, v);
  const user = c && c.exp > site.emulator.clock.now() / 1000 ? userBySub(ref.pool, c.s) : undefined;
  // A sign-out after this session began (GlobalSignOut, AdminUserGlobalSignOut, disabling) ends it.
  const signedOut = user?.signedOutAt !== undefined && user.signedOutAt >= c!.ms;
  return user && user.enabled && user.status !== 'UNCONFIRMED' && !signedOut ? { user, at: c!.at } : undefined;
}

interface CodeGrant {
  poolId: string;
  clientId: string;
  sub: string;
  redirectUri: string;
  scopes: string[];
  nonce?: string;
  challenge?: string;
  authTime: number;
  exp: number;
}

const codes = new WeakMap<Emulator, Map<string, CodeGrant>>();

function codeStore(emulator: Emulator): Map<string, CodeGrant> {
  let m = codes.get(emulator);
  if (!m) codes.set(emulator, (m = new Map()));
  const now = emulator.clock.now();
  for (const [k, g] of m) if (g.exp < now) m.delete(k);
  return m;
}

/** Signed in: back to the app with a code (or, for the implicit flow, the tokens), and the SSO cookie. */
export async function finishSignIn(site: Site, ar: AuthRequest, user: PoolUser, authTime: number): Promise<HttpResponse> {
  const cookie = await ssoCookie(site, ar.ref, user, authTime);
  if (ar.responseType === 'code') {
    const code = randomBytes(24).toString('base64url');
    codeStore(site.emulator).set(code, {
      poolId: ar.ref.pool.Id,
      clientId: ar.client.ClientId,
      sub: user.sub,
      redirectUri: ar.redirectUri,
      scopes: ar.scopes,
      nonce: ar.nonce,
      challenge: ar.codeChallenge,
      authTime,
      exp: site.emulator.clock.now() + 300_000,
    });
    return redirect(withParams(ar.redirectUri, { code, state: ar.state }), { 'set-cookie': cookie });
  }
  const t = await issueTokens(site.emulator, {
    ref: ar.ref,
    client: ar.client,
    user,
    endpoint: site.origin,
    authTime,
    triggerSource: 'TokenGeneration_HostedAuth',
    scopes: ar.scopes,
    oauth: true,
    nonce: ar.nonce,
    refresh: false,
  });
  const fragment: Record<string, string | undefined> = {
    ...(ar.scopes.includes('openid') ? { id_token: t.IdToken } : {}),
    access_token: t.AccessToken,
    expires_in: String(t.ExpiresIn),
    token_type: 'Bearer',
    state: ar.state,
  };
  return redirect(withParams(ar.redirectUri, fragment, true), { 'set-cookie': cookie });
}

/** `/oauth2/authorize`: straight to an identity provider, through a still-valid session, or to the sign-in page. */
export async function authorize(site: Site): Promise<HttpResponse> {
  const ar = await readAuthRequest(site);
  if (!('ref' in ar)) return ar;
  const idp = site.params.get('identity_provider') ?? undefined;
  const byIdentifier = site.params.get('idp_identifier');
  const provider = idp ?? (byIdentifier ? Object.values(ar.ref.pool.providers).find((p) => p.IdpIdentifiers.includes(byIdentifier))?.ProviderName : undefined);
  if (provider && provider !== 'COGNITO') return federate(site, ar, provider);
  const sso = site.params.get('prompt') === 'login' ? undefined : await ssoUser(site, ar.ref);
  if (sso) return finishSignIn(site, ar, sso.user, sso.at);
  return redirect(siteUrl(site, '/login', ar.params));
}

function clientAuth(site: Site): { id?: string; secret?: string } {
  const h = site.req.headers['authorization'] ?? '';
  if (h.startsWith('Basic ')) {
    const [id, secret] = Buffer.from(h.slice(6), 'base64').toString('utf8').split(':');
    return { id: decodeURIComponent(id ?? ''), secret: decodeURIComponent(secret ?? '') };
  }
  return { id: site.params.get('client_id') ?? undefined, secret: site.params.get('client_secret') ?? undefined };
}

const secretOk = (client: PoolClient, given: string | undefined): boolean => {
  if (!client.ClientSecret) return true;
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(client.ClientSecret);
  return a.length === b.length && timingSafeEqual(a, b);
};

const oauthError = (status: number, error: string, description?: string) =>
  jsonResponse(status, { error, ...(description ? { error_description: description } : {}) }, { 'cache-control': 'no-store', pragma: 'no-cache' });

const tokenBody = (t: { IdToken?: string; AccessToken?: string; RefreshToken?: string; ExpiresIn?: number }, openid: boolean) =>
  jsonResponse(
    200,
    { ...(openid && t.IdToken ? { id_token: t.IdToken } : {}), access_token: t.AccessToken, ...(t.RefreshToken ? { refresh_token: t.RefreshToken } : {}), expires_in: t.ExpiresIn, token_type: 'Bearer' },
    { 'cache-control': 'no-store', pragma: 'no-cache' },
  );

/** `/oauth2/token`: authorization code (with PKCE), refresh token, and client credentials grants. */
export async function tokenEndpoint(site: Site): Promise<HttpResponse> {
  if (site.req.method !== 'POST') return oauthError(405, 'invalid_request', 'The token endpoint takes POST requests.');
  if (!(site.req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    return oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
  }
  const auth = clientAuth(site);
  const found = await clientOfSite(site, auth.id ?? null);
  if (!found || !secretOk(found.client, auth.secret)) return oauthError(401, 'invalid_client');
  const { ref, client } = found;
  const grant = site.params.get('grant_type');
  const ctx = siteCtx(site, ref);

  if (grant === 'authorization_code') {
    const code = site.params.get('code') ?? '';
    const store = codeStore(site.emulator);
    const g = store.get(code);
    store.delete(code);
    if (!g || g.clientId !== client.ClientId || g.poolId !== ref.pool.Id) return oauthError(400, 'invalid_grant');
    if (g.redirectUri !== site.params.get('redirect_uri')) return oauthError(400, 'invalid_grant', 'redirect_uri does not match the authorization request');
    if (g.challenge) {
      const verifier = site.params.get('code_verifier') ?? '';
      if (createHash('sha256').update(verifier).digest('base64url') !== g.challenge) return oauthError(400, 'invalid_grant', 'code_verifier does not match the code_challenge');
    }
    const user = userBySub(ref.pool, g.sub);
    if (!user || !user.enabled) return oauthError(400, 'invalid_grant');
    const t = await issueTokens(site.emulator, { ref, client, user, endpoint: ctx.endpoint, authTime: g.authTime, triggerSource: 'TokenGeneration_HostedAuth', scopes: g.scopes, oauth: true, nonce: g.nonce, refresh: true });
    return tokenBody(t, g.scopes.includes('openid'));
  }

  if (grant === 'refresh_token') {
    const token = site.params.get('refresh_token') ?? '';
    if (!allowsFlow(client, 'ALLOW_REFRESH_TOKEN_AUTH')) return oauthError(400, 'unauthorized_client');
    let r: RefreshClaims;
    try {
      if (poolIdOfSealed(token) !== ref.pool.Id) return oauthError(400, 'invalid_grant');
      r = await openRefreshToken(site.emulator, ref, token);
    } catch (e) {
      if (isAwsError(e)) return oauthError(400, 'invalid_grant', e.message);
      throw e;
    }
    const user = userBySub(ref.pool, r.s);
    if (r.c !== client.ClientId || !user || !user.enabled || familyRevoked(ref.pool, user, r.o)) return oauthError(400, 'invalid_grant');
    const t = await issueTokens(site.emulator, { ref, client, user, endpoint: ctx.endpoint, authTime: r.t, originJti: r.o, triggerSource: 'TokenGeneration_RefreshTokens', scopes: r.sc, oauth: r.oa === 1, refresh: client.RefreshTokenRotation?.Feature === 'ENABLED' });
    return tokenBody(t, r.sc.includes('openid') || r.oa === 0);
  }

  if (grant === 'client_credentials') {
    if (!client.AllowedOAuthFlows?.includes('client_credentials') || !client.ClientSecret) return oauthError(400, 'unauthorized_client');
    const allowed = client.AllowedOAuthScopes ?? [];
    const asked = site.params.get('scope');
    const scopes = asked ? asked.split(/\s+/).filter(Boolean) : allowed;
    if (!scopes.length || scopes.some((s) => !allowed.includes(s))) return oauthError(400, 'invalid_scope');
    return tokenBody(await machineToken(site, ref, client, scopes), false);
  }
  return oauthError(400, 'unsupported_grant_type');
}

/** A client-credentials access token: the app itself is the subject. */
async function machineToken(site: Site, ref: PoolRef, client: PoolClient, scopes: string[]) {
  const now = Math.floor(site.emulator.clock.now() / 1000);
  const life = lifetimes(client).access;
  const claims = {
    sub: client.ClientId,
    token_use: 'access',
    scope: scopes.join(' '),
    auth_time: now,
    iss: issuerOf(site.origin, ref.pool.Id),
    exp: now + life,
    iat: now,
    version: 2,
    jti: randomUUID(),
    client_id: client.ClientId,
  };
  return { AccessToken: await signClaims(ref.pool, claims), ExpiresIn: life };
}

/** `/oauth2/userInfo`: the signed-in user's attributes, for an access token with the openid scope. */
export async function userInfo(site: Site): Promise<HttpResponse> {
  const h = site.req.headers['authorization'] ?? '';
  const bad = (status: number, error: string, description: string) =>
    jsonResponse(status, { error, error_description: description }, { 'www-authenticate': `Bearer error="${error}", error_description="${description}"` });
  if (!h.startsWith('Bearer ')) return bad(401, 'invalid_request', 'Access token is missing');
  let v;
  try {
    v = await verifyPoolToken(site.emulator, h.slice(7), 'access');
  } catch (e) {
    if (isAwsError(e)) return bad(401, 'invalid_token', e.message.replace('Access Token', 'Access token'));
    throw e;
  }
  if (v.ref.pool.domain?.Domain !== site.domain) return bad(401, 'invalid_token', 'Access token was issued by another user pool');
  const scopes = String(v.claims.scope ?? '').split(' ');
  if (!scopes.includes('openid') && !scopes.includes('aws.cognito.signin.user.admin')) return bad(403, 'insufficient_scope', 'Access token does not contain openid scope');
  const all = scopes.includes('aws.cognito.signin.user.admin') || scopes.includes('profile');
  const byScope: Record<string, string[]> = { email: ['email', 'email_verified'], phone: ['phone_number', 'phone_number_verified'] };
  const out: Record<string, unknown> = { sub: v.user.sub };
  for (const [name, value] of Object.entries(v.user.attributes)) {
    const granted = all || Object.entries(byScope).some(([s, names]) => scopes.includes(s) && names.includes(name));
    // userInfo gives attributes as Cognito stores them: strings, "true" and "false" included.
    if (granted) out[name] = value;
  }
  out.username = v.user.Username;
  return jsonResponse(200, out);
}

/** `/logout`: ends the hosted UI's session, then back to a logout URL (or to sign-in again). */
export async function logout(site: Site): Promise<HttpResponse> {
  const found = await clientOfSite(site, site.params.get('client_id'));
  if (!found) return errorPage('Invalid client_id: no such app client on this domain.');
  const logoutUri = site.params.get('logout_uri');
  if (logoutUri) {
    if (!found.client.LogoutURLs?.includes(logoutUri)) return errorPage('The logout_uri is not one of the app client\'s sign-out URLs.');
    return redirect(logoutUri, { 'set-cookie': clearSso(site) });
  }
  const ar = await readAuthRequest(site);
  if (!('ref' in ar)) return ar;
  return redirect(siteUrl(site, '/login', ar.params), { 'set-cookie': clearSso(site) });
}

/** `/oauth2/revoke`: revokes a refresh token, and the access tokens it produced. */
export async function revoke(site: Site): Promise<HttpResponse> {
  if (site.req.method !== 'POST') return oauthError(405, 'invalid_request');
  const auth = clientAuth(site);
  const found = await clientOfSite(site, auth.id ?? null);
  if (!found || !secretOk(found.client, auth.secret)) return oauthError(401, 'invalid_client');
  const { ref, client } = found;
  if (client.EnableTokenRevocation === false) return oauthError(400, 'unsupported_operation', 'Token revocation is not enabled for this client');
  const token = site.params.get('token') ?? '';
  const r = poolIdOfSealed(token) === ref.pool.Id ? await unseal<RefreshClaims>(ref.pool, token) : undefined;
  if (!r) return oauthError(400, 'unsupported_token_type');
  if (r.c !== client.ClientId) return oauthError(400, 'invalid_request');
  ref.pool.revoked[r.o] = r.exp;
  site.emulator.store.flush();
  return { status: 200, headers: {}, body: '' };
}

