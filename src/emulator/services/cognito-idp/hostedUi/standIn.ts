import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { HttpRequest, HttpResponse } from '../../../core/http.js';
import { jsonResponse } from '../../../core/http.js';
import type { Emulator } from '../../../emulator.js';
import { errorBox, errorPage, esc, field, hidden, page, redirect } from './pages.js';

/**
 * Stand-ins for Google's and Facebook's sign-in, served by the sandbox so a learner can do a whole
 * federated sign-in offline. They speak the real protocols to the user pool (Google: OpenID Connect
 * with a signed ID token; Facebook: OAuth 2.0 and a Graph API `/me`), and say plainly what they are.
 */
export const STAND_IN_PATH = '/_aws/cognito-idp/_stand-in/';
export const GOOGLE_ISSUER = 'https://accounts.google.com';

interface Profile {
  sub: string;
  email: string;
  name: string;
}

interface Grant {
  provider: 'google' | 'facebook';
  clientId: string;
  redirectUri: string;
  scope: string;
  nonce?: string;
  profile: Profile;
  exp: number;
}

interface StandInState {
  key: Promise<{ privateKey: CryptoKey; jwk: JWK }>;
  codes: Map<string, Grant>;
  tokens: Map<string, Grant>;
}

const states = new WeakMap<Emulator, StandInState>();

function stateOf(emulator: Emulator): StandInState {
  let s = states.get(emulator);
  if (!s) {
    const key = generateKeyPair('RS256', { extractable: true }).then(async ({ privateKey, publicKey }) => {
      const jwk = await exportJWK(publicKey);
      const kid = createHash('sha256').update(jwk.n ?? '').digest('hex').slice(0, 40);
      return { privateKey, jwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } };
    });
    s = { key, codes: new Map(), tokens: new Map() };
    states.set(emulator, s);
  }
  return s;
}

/** The same email always gets the same account id, as a real provider's account would. */
function accountId(provider: string, email: string, digits: number): string {
  const h = BigInt('0x' + createHash('sha256').update(`${provider}:${email.toLowerCase()}`).digest('hex'));
  return ('1' + (h % 10n ** BigInt(digits - 1)).toString().padStart(digits - 1, '0')).slice(0, digits);
}

const token = () => randomBytes(24).toString('base64url');

function form(req: HttpRequest): URLSearchParams {
  return new URLSearchParams(req.body.toString('utf8'));
}

function query(req: HttpRequest): URLSearchParams {
  return new URLSearchParams(req.rawQuery);
}

function splitName(name: string): { given: string; family: string } {
  const parts = name.trim().split(/\s+/);
  return { given: parts[0] ?? '', family: parts.slice(1).join(' ') };
}

const LABEL = { google: 'Google', facebook: 'Facebook' } as const;

function signInPage(provider: 'google' | 'facebook', params: URLSearchParams, action: string, error?: string): HttpResponse {
  const name = LABEL[provider];
  return page(
    `Sign in with ${name} (stand-in)`,
    `<p class="note" id="stand-in-notice"><strong>This is not ${name}.</strong> The awslings sandbox serves this stand-in for ${name}'s sign-in page so that you can
practise federated sign-in offline. Enter any name and email address: nothing is sent to ${name} and nothing leaves your computer.</p>
<p>The application <strong>${esc(params.get('client_id'))}</strong> asks to see your name and email address (scopes: ${esc(params.get('scope') ?? 'none')}).</p>
${errorBox(error)}
<form method="post" action="${esc(action)}">
${hidden(Object.fromEntries(params))}
${field('email', 'Email address', 'email', 'email', 'learner@example.com')}
${field('name', 'Full name', 'text', 'name', 'Alex Learner')}
<button type="submit">Continue as this ${name} user</button>
</form>`,
  );
}

/** The authorization page: shows the form, and on submit sends the browser back with a code. */
function authorize(emulator: Emulator, req: HttpRequest, provider: 'google' | 'facebook', action: string): HttpResponse {
  const params = req.method === 'POST' ? form(req) : query(req);
  const clientId = params.get('client_id');
  const redirectUri = params.get('redirect_uri');
  if (!clientId || !redirectUri) return errorPage(`The stand-in ${LABEL[provider]} sign-in needs client_id and redirect_uri.`);
  if (params.get('response_type') !== 'code') return errorPage(`The stand-in ${LABEL[provider]} sign-in supports response_type=code only.`);
  if (req.method !== 'POST') return signInPage(provider, params, action);
  const email = (params.get('email') ?? '').trim();
  const name = (params.get('name') ?? '').trim();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) || !name) {
    params.delete('email');
    params.delete('name');
    return signInPage(provider, params, action, 'Enter an email address and a name.');
  }
  const code = token();
  const profile: Profile = { sub: accountId(provider, email, provider === 'google' ? 21 : 17), email, name };
  stateOf(emulator).codes.set(code, {
    provider,
    clientId,
    redirectUri,
    scope: params.get('scope') ?? '',
    nonce: params.get('nonce') ?? undefined,
    profile,
    exp: emulator.clock.now() + 300_000,
  });
  const back = new URL(redirectUri);
  back.searchParams.set('code', code);
  if (params.get('state')) back.searchParams.set('state', params.get('state')!);
  return redirect(back.toString());
}

/** Trades a code once, for the client and redirect URI it was issued to. */
function redeem(emulator: Emulator, provider: 'google' | 'facebook', params: URLSearchParams, basic: string | undefined): Grant | undefined {
  const s = stateOf(emulator);
  const code = params.get('code') ?? '';
  const grant = s.codes.get(code);
  s.codes.delete(code);
  let clientId = params.get('client_id');
  if (!clientId && basic?.startsWith('Basic ')) clientId = Buffer.from(basic.slice(6), 'base64').toString().split(':')[0];
  if (!grant || grant.provider !== provider || grant.exp < emulator.clock.now()) return undefined;
  if (grant.clientId !== clientId || grant.redirectUri !== params.get('redirect_uri')) return undefined;
  return grant;
}

function bearer(emulator: Emulator, req: HttpRequest, provider: 'google' | 'facebook'): Grant | undefined {
  const auth = req.headers['authorization'] ?? '';
  const t = auth.startsWith('Bearer ') ? auth.slice(7) : (query(req).get('access_token') ?? '');
  const g = stateOf(emulator).tokens.get(t);
  return g && g.provider === provider && g.exp > emulator.clock.now() ? g : undefined;
}

async function google(emulator: Emulator, req: HttpRequest, rest: string, base: string): Promise<HttpResponse> {
  if (rest === 'authorize') return authorize(emulator, req, 'google', `${base}/authorize`);
  if (rest === 'token' && req.method === 'POST') {
    const grant = redeem(emulator, 'google', form(req), req.headers['authorization']);
    if (!grant) return jsonResponse(400, { error: 'invalid_grant', error_description: 'Bad Request' });
    const access = token();
    stateOf(emulator).tokens.set(access, { ...grant, exp: emulator.clock.now() + 3600_000 });
    const { given, family } = splitName(grant.profile.name);
    const now = Math.floor(emulator.clock.now() / 1000);
    const { privateKey, jwk } = await stateOf(emulator).key;
    const idToken = await new SignJWT({
      iss: GOOGLE_ISSUER,
      azp: grant.clientId,
      aud: grant.clientId,
      sub: grant.profile.sub,
      email: grant.profile.email,
      email_verified: true,
      name: grant.profile.name,
      given_name: given,
      family_name: family,
      ...(grant.nonce ? { nonce: grant.nonce } : {}),
      iat: now,
      exp: now + 3600,
    })
      .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' })
      .sign(privateKey);
    return jsonResponse(200, { access_token: access, expires_in: 3599, scope: grant.scope, token_type: 'Bearer', id_token: idToken });
  }
  if (rest === 'userinfo') {
    const g = bearer(emulator, req, 'google');
    if (!g) return jsonResponse(401, { error: 'invalid_token' });
    const { given, family } = splitName(g.profile.name);
    return jsonResponse(200, { sub: g.profile.sub, name: g.profile.name, given_name: given, family_name: family, email: g.profile.email, email_verified: true });
  }
  if (rest === 'jwks') return jsonResponse(200, { keys: [(await stateOf(emulator).key).jwk] });
  if (rest === '.well-known/openid-configuration') {
    return jsonResponse(200, {
      issuer: GOOGLE_ISSUER,
      authorization_endpoint: `${base}/authorize`,
      token_endpoint: `${base}/token`,
      userinfo_endpoint: `${base}/userinfo`,
      jwks_uri: `${base}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
  }
  return errorPage('Not found.', 404);
}

function facebook(emulator: Emulator, req: HttpRequest, rest: string, base: string): HttpResponse {
  if (rest === 'dialog/oauth') return authorize(emulator, req, 'facebook', `${base}/dialog/oauth`);
  if (rest === 'oauth/access_token') {
    const params = req.method === 'POST' ? form(req) : query(req);
    const grant = redeem(emulator, 'facebook', params, req.headers['authorization']);
    if (!grant) return jsonResponse(400, { error: { message: 'This authorization code has been used.', type: 'OAuthException', code: 100 } });
    const access = token();
    stateOf(emulator).tokens.set(access, { ...grant, exp: emulator.clock.now() + 3600_000 });
    return jsonResponse(200, { access_token: access, token_type: 'bearer', expires_in: 5183944 });
  }
  if (rest === 'me') {
    const g = bearer(emulator, req, 'facebook');
    if (!g) return jsonResponse(400, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
    const { given, family } = splitName(g.profile.name);
    const all: Record<string, string> = { id: g.profile.sub, name: g.profile.name, email: g.profile.email, first_name: given, last_name: family };
    const fields = (query(req).get('fields') ?? 'id,name').split(',').map((f) => f.trim());
    return jsonResponse(200, Object.fromEntries(Object.entries(all).filter(([k]) => k === 'id' || fields.includes(k))));
  }
  return errorPage('Not found.', 404);
}

/** `/_aws/cognito-idp/_stand-in/<google|facebook>/...` */
export async function standIn(emulator: Emulator, req: HttpRequest, origin: string): Promise<HttpResponse> {
  const m = /^\/_aws\/cognito-idp\/_stand-in\/(google|facebook)\/(.*)$/.exec(req.rawPath);
  if (!m) return errorPage('Not found.', 404);
  const base = `${origin}/_aws/cognito-idp/_stand-in/${m[1]}`;
  return m[1] === 'google' ? google(emulator, req, m[2], base) : facebook(emulator, req, m[2], base);
}

/** Where the pool finds a stand-in: the browser at `origin`, the pool itself at the emulator's own endpoint. */
export const standInBase = (origin: string, provider: 'google' | 'facebook') => `${origin}/_aws/cognito-idp/_stand-in/${provider}`;
