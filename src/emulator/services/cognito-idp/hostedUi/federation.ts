import { randomBytes, randomUUID } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { HttpResponse } from '../../../core/http.js';
import { findPool, type PoolProvider, type PoolRef, type PoolUser } from '../state.js';
import { nowIso, userKey } from '../common.js';
import { poolIdOfSealed, seal, unseal } from '../secrets.js';
import { issuerBase } from '../tokens.js';
import { newUser, postConfirmation } from '../signUp.js';
import { runTrigger } from '../triggers.js';
import { siteCtx, siteUrl, type Site } from './index.js';
import { finishSignIn, type AuthRequest } from './oauth.js';
import { errorPage, redirect } from './pages.js';
import { GOOGLE_ISSUER, standInBase } from './standIn.js';

/** How the pool talks to one identity provider: where the browser goes, and where the pool itself calls. */
interface Endpoints {
  kind: 'oidc' | 'facebook';
  authorize: string;
  token: string;
  tokenMethod: 'GET' | 'POST';
  attributes?: string;
  jwks?: string;
  issuer?: string;
}

/**
 * Google and Facebook are their stand-ins (the sandbox is offline); OIDC providers are whatever
 * their details say, reached over HTTP like any other.
 */
function endpointsOf(site: Site, p: PoolProvider): Endpoints | undefined {
  const browser = issuerBase(site.origin);
  const self = issuerBase(site.emulator.endpoint);
  if (p.ProviderType === 'Google') {
    return {
      kind: 'oidc',
      authorize: `${standInBase(browser, 'google')}/authorize`,
      token: `${standInBase(self, 'google')}/token`,
      tokenMethod: 'POST',
      attributes: `${standInBase(self, 'google')}/userinfo`,
      jwks: `${standInBase(self, 'google')}/jwks`,
      issuer: GOOGLE_ISSUER,
    };
  }
  if (p.ProviderType === 'Facebook') {
    return {
      kind: 'facebook',
      authorize: `${standInBase(browser, 'facebook')}/dialog/oauth`,
      token: `${standInBase(self, 'facebook')}/oauth/access_token`,
      tokenMethod: 'GET',
      attributes: `${standInBase(self, 'facebook')}/me`,
    };
  }
  if (p.ProviderType === 'OIDC') {
    const d = p.ProviderDetails;
    return { kind: 'oidc', authorize: d.authorize_url, token: d.token_url, tokenMethod: 'POST', attributes: d.attributes_url, jwks: d.jwks_uri, issuer: d.oidc_issuer };
  }
  return undefined;
}

/** What travels through the identity provider in `state`, sealed: the app's own authorization request. */
interface FederationState {
  c: string;
  r: string;
  rt: 'code' | 'token';
  sc: string[];
  s?: string;
  n?: string;
  cc?: string;
  p: string;
  cb: string;
  idpNonce: string;
  exp: number;
}

/** `/oauth2/authorize?identity_provider=...`: off to the provider's sign-in page. */
export async function federate(site: Site, ar: AuthRequest, name: string): Promise<HttpResponse> {
  const provider = ar.ref.pool.providers[name];
  if (!provider || !(ar.client.SupportedIdentityProviders ?? []).includes(name)) {
    return errorPage(`Login option is not available: ${name} is not an identity provider of this app client.`);
  }
  const ep = endpointsOf(site, provider);
  if (!ep?.authorize || !ep.token) return errorPage(`awslings: sign-in through ${provider.ProviderType} providers is not available in the sandbox (Google, Facebook and OIDC are).`);
  const cb = siteUrl(site, '/oauth2/idpresponse');
  const st: FederationState = {
    c: ar.client.ClientId,
    r: ar.redirectUri,
    rt: ar.responseType,
    sc: ar.scopes,
    s: ar.state,
    n: ar.nonce,
    cc: ar.codeChallenge,
    p: name,
    cb,
    idpNonce: randomBytes(16).toString('base64url'),
    exp: Math.floor(site.emulator.clock.now() / 1000) + 600,
  };
  const u = new URL(ep.authorize);
  u.searchParams.set('client_id', provider.ProviderDetails.client_id);
  u.searchParams.set('redirect_uri', cb);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('scope', (provider.ProviderDetails.authorize_scopes ?? '').replace(/,/g, ' '));
  u.searchParams.set('state', await seal(ar.ref.pool, st));
  if (ep.kind === 'oidc') u.searchParams.set('nonce', st.idpNonce);
  return redirect(u.toString());
}

const jwksSets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

/** The pool's side of the provider's code flow: the code for tokens, then the user's attributes. */
async function providerAttributes(ep: Endpoints, p: PoolProvider, code: string, st: FederationState): Promise<Record<string, unknown>> {
  const d = p.ProviderDetails;
  const params = new URLSearchParams({ grant_type: 'authorization_code', code, client_id: d.client_id, redirect_uri: st.cb, ...(d.client_secret ? { client_secret: d.client_secret } : {}) });
  const res =
    ep.tokenMethod === 'GET'
      ? await fetch(`${ep.token}?${params}`, { signal: AbortSignal.timeout(10_000) })
      : await fetch(ep.token, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: params, signal: AbortSignal.timeout(10_000) });
  const body = (await res.json().catch(() => ({}))) as { access_token?: string; id_token?: string; error?: unknown };
  if (!res.ok || !body.access_token) throw new Error(`the provider refused the code (${res.status} ${JSON.stringify(body.error ?? body)})`);
  let attrs: Record<string, unknown> = {};
  if (ep.kind === 'oidc') {
    if (!body.id_token) throw new Error('the provider returned no id_token');
    if (!ep.jwks) throw new Error('the provider has no jwks_uri');
    let jwks = jwksSets.get(ep.jwks);
    if (!jwks) jwksSets.set(ep.jwks, (jwks = createRemoteJWKSet(new URL(ep.jwks))));
    const { payload } = await jwtVerify(body.id_token, jwks, { issuer: ep.issuer, audience: d.client_id });
    if (payload.nonce !== undefined && payload.nonce !== st.idpNonce) throw new Error('the ID token nonce does not match');
    attrs = { ...(payload as JWTPayload) };
  }
  if (ep.attributes) {
    const fields = Object.values(p.AttributeMapping).concat(['id', 'name', 'email']).join(',');
    const url = ep.kind === 'facebook' ? `${ep.attributes}?fields=${encodeURIComponent(fields)}` : ep.attributes;
    const info = await fetch(url, { headers: { authorization: `Bearer ${body.access_token}` }, signal: AbortSignal.timeout(10_000) });
    if (info.ok) attrs = { ...attrs, ...((await info.json()) as Record<string, unknown>) };
    else if (ep.kind === 'facebook') throw new Error(`the provider refused the attributes request (${info.status})`);
  }
  return attrs;
}

/**
 * The federated user: `<Provider>_<id>`, status EXTERNAL_PROVIDER, attributes from the provider
 * through the attribute mapping, an `identities` attribute, and the pool's group for the provider.
 */
async function federatedUser(site: Site, ref: PoolRef, p: PoolProvider, attrs: Record<string, unknown>, clientId: string): Promise<PoolUser> {
  const pool = ref.pool;
  const idpUserId = String(attrs[p.AttributeMapping.username ?? 'sub'] ?? attrs.sub ?? attrs.id ?? '');
  if (!idpUserId) throw new Error('the provider gave no user id');
  const username = `${p.ProviderName}_${idpUserId}`;
  const mapped: Record<string, string> = {};
  for (const [poolAttr, idpAttr] of Object.entries(p.AttributeMapping)) {
    if (poolAttr === 'username' || attrs[idpAttr] === undefined) continue;
    if (!pool.config.SchemaAttributes?.some((s) => s.Name === poolAttr)) continue;
    mapped[poolAttr] = typeof attrs[idpAttr] === 'string' ? (attrs[idpAttr] as string) : JSON.stringify(attrs[idpAttr]);
  }
  const ctx = siteCtx(site, ref);
  let user = pool.users[userKey(pool, username)];
  if (user) {
    Object.assign(user.attributes, mapped);
    user.modified = nowIso(ctx);
    return user;
  }
  await runTrigger(site.emulator, ref, 'PreSignUp', 'PreSignUp_ExternalProvider', username, clientId, { userAttributes: { ...mapped }, validationData: {} }, { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false });
  user = newUser(ctx, { username, sub: randomUUID() }, mapped, 'EXTERNAL_PROVIDER');
  user.attributes.identities = JSON.stringify([
    { userId: idpUserId, providerName: p.ProviderName, providerType: p.ProviderType, issuer: null, primary: true, dateCreated: site.emulator.clock.now() },
  ]);
  const group = `${pool.Id}_${p.ProviderName}`;
  if (!pool.groups[group]) {
    pool.groups[group] = { GroupName: group, Description: `Autogenerated group for users who sign in using ${p.ProviderName}`, created: user.created, modified: user.created };
  }
  user.groups.push(group);
  pool.users[userKey(pool, username)] = user;
  await postConfirmation(ctx, ref, user, 'PostConfirmation_ConfirmSignUp', clientId);
  return user;
}

/** `/oauth2/idpresponse`: the provider sends the browser back here with a code. */
export async function idpResponse(site: Site): Promise<HttpResponse> {
  const stateParam = site.params.get('state') ?? '';
  const ref = await findPool(site.emulator, poolIdOfSealed(stateParam) ?? '');
  const st = ref ? await unseal<FederationState>(ref.pool, stateParam) : undefined;
  if (!ref || !st || ref.pool.domain?.Domain !== site.domain) return errorPage('Invalid state: this sign-in did not start here, or it is too old.');
  const client = ref.pool.clients[st.c];
  const provider = ref.pool.providers[st.p];
  const back = (error: string, description: string) => {
    const u = new URL(st.r);
    u.searchParams.set('error', error);
    u.searchParams.set('error_description', description);
    if (st.s) u.searchParams.set('state', st.s);
    return redirect(u.toString());
  };
  if (!client || !provider) return errorPage('The app client or the identity provider of this sign-in no longer exists.');
  if (st.exp < site.emulator.clock.now() / 1000) return back('invalid_request', 'The sign-in took too long; try again.');
  const idpError = site.params.get('error');
  if (idpError) return back(idpError, site.params.get('error_description') ?? `${st.p} refused the sign-in`);
  const ep = endpointsOf(site, provider)!;
  let user: PoolUser;
  try {
    const attrs = await providerAttributes(ep, provider, site.params.get('code') ?? '', st);
    user = await federatedUser(site, ref, provider, attrs, client.ClientId);
  } catch (e) {
    return back('invalid_request', `Error from the identity provider ${st.p}: ${(e as Error).message}`);
  }
  site.emulator.store.flush();
  const ar: AuthRequest = { ref, client, redirectUri: st.r, responseType: st.rt, scopes: st.sc, state: st.s, nonce: st.n, codeChallenge: st.cc, codeChallengeMethod: st.cc ? 'S256' : undefined, params: {} };
  return finishSignIn(site, ar, user, Math.floor(site.emulator.clock.now() / 1000));
}
