import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import * as C from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/**
 * The hosted UI: /oauth2/authorize, the sign-in page, the stand-in Google and Facebook pages, and
 * /oauth2/token, in a real browser (Debian's Chromium, headless) and over plain HTTP.
 */
let emu: TestEmulator;
let idp: C.CognitoIdentityProviderClient;
let poolId: string;
let clientId: string;
let callback: Server;
let callbackUrl: string;
let browser: BrowserContext;
let profileDir: string;

const DOMAIN = 'my-shop';
const PASSWORD = 'Hosted-UI-pass-1';
/** PKCE verifiers by state, as a browser app keeps them between the redirect and the callback. */
const verifiers = new Map<string, string>();
const received: { query: Record<string, string>; tokens?: Record<string, unknown>; status?: number }[] = [];

const ui = () => `${emu.url}/_aws/cognito-idp/${DOMAIN}`;
const challengeOf = (v: string) => createHash('sha256').update(v).digest('base64url');
const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, any>;

function authorizeUrl(base: string, extra: Record<string, string> = {}): string {
  const state = randomBytes(8).toString('hex');
  const verifier = randomBytes(32).toString('base64url');
  verifiers.set(state, verifier);
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: callbackUrl,
    scope: 'openid email profile',
    state,
    code_challenge: challengeOf(verifier),
    code_challenge_method: 'S256',
    ...extra,
  });
  return `${base}/oauth2/authorize?${q}`;
}

/** The app's callback: it trades the code (with its PKCE verifier) for tokens and shows them. */
function startCallback(): Promise<void> {
  callback = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    const entry: (typeof received)[number] = { query };
    received.push(entry);
    void (async () => {
      if (query.code) {
        const r = await fetch(`${ui()}/oauth2/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code: query.code, redirect_uri: callbackUrl, code_verifier: verifiers.get(query.state) ?? '' }),
        });
        entry.status = r.status;
        entry.tokens = (await r.json()) as Record<string, unknown>;
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><html lang="en"><title>Signed in</title><main><h1>Callback</h1><pre id="result">${JSON.stringify({ query, tokens: entry.tokens ?? null })}</pre></main></html>`);
    })();
  });
  return new Promise((resolve) =>
    callback.listen(0, '127.0.0.1', () => {
      callbackUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`;
      resolve();
    }),
  );
}

async function result(page: Page): Promise<{ query: Record<string, string>; tokens: Record<string, string> | null }> {
  await page.waitForSelector('#result', { timeout: 15_000 });
  return JSON.parse((await page.textContent('#result'))!);
}

beforeAll(async () => {
  emu = await startTestEmulator();
  idp = new C.CognitoIdentityProviderClient(emu.config());
  await startCallback();
  poolId = (await idp.send(new C.CreateUserPoolCommand({ PoolName: 'shop-customers', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
  await idp.send(new C.CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: DOMAIN }));
  await idp.send(
    new C.CreateIdentityProviderCommand({
      UserPoolId: poolId,
      ProviderName: 'Google',
      ProviderType: 'Google',
      ProviderDetails: { client_id: 'google-app-id.apps.googleusercontent.com', client_secret: 'google-secret', authorize_scopes: 'openid email profile' },
      AttributeMapping: { email: 'email', name: 'name', email_verified: 'email_verified' },
    }),
  );
  await idp.send(
    new C.CreateIdentityProviderCommand({
      UserPoolId: poolId,
      ProviderName: 'Facebook',
      ProviderType: 'Facebook',
      ProviderDetails: { client_id: '1234567890', client_secret: 'fb-secret', authorize_scopes: 'public_profile,email' },
      AttributeMapping: { email: 'email', name: 'name' },
    }),
  );
  clientId = (
    await idp.send(
      new C.CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'spa',
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
        CallbackURLs: [callbackUrl],
        LogoutURLs: ['http://127.0.0.1:9/bye'],
        SupportedIdentityProviders: ['COGNITO', 'Google', 'Facebook'],
        ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH'],
      }),
    )
  ).UserPoolClient!.ClientId!;
  await idp.send(new C.AdminCreateUserCommand({ UserPoolId: poolId, Username: 'maria', UserAttributes: [{ Name: 'email', Value: 'maria@example.com' }, { Name: 'email_verified', Value: 'true' }], MessageAction: 'SUPPRESS' }));
  await idp.send(new C.AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'maria', Password: PASSWORD, Permanent: true }));

  profileDir = mkdtempSync(join(tmpdir(), 'awslings-chromium-'));
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  await new Promise((r) => callback?.close(r));
  await emu?.close();
});

describe('hosted UI in a browser', () => {
  it('authorization code + PKCE through the stand-in Google: a federated user, tokens at the callback', async () => {
    const page = await browser.newPage();
    await page.goto(authorizeUrl(ui(), { identity_provider: 'Google' }));
    await expect(page.textContent('#stand-in-notice')).resolves.toContain('This is not Google');
    await page.fill('#email', 'nina@example.com');
    await page.fill('#name', 'Nina Simone');
    await page.click('button[type=submit]');
    const { query, tokens } = await result(page);
    expect(query.code).toBeTruthy();
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const issuer = `${emu.url}/${poolId}`;
    const { payload: id } = await jwtVerify(tokens!.id_token, createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)), { issuer, audience: clientId });
    expect(id['cognito:username']).toMatch(/^Google_\d{21}$/);
    expect(id).toMatchObject({ email: 'nina@example.com', name: 'Nina Simone', email_verified: true, token_use: 'id', 'cognito:groups': [`${poolId}_Google`] });
    expect(id.identities).toEqual([{ userId: String(id['cognito:username']).slice(7), providerName: 'Google', providerType: 'Google', issuer: null, primary: 'true', dateCreated: expect.stringMatching(/^\d+$/) }]);
    expect(claims(tokens!.access_token)).toMatchObject({ scope: 'openid email profile', version: 2, client_id: clientId, token_use: 'access' });
    const user = await idp.send(new C.AdminGetUserCommand({ UserPoolId: poolId, Username: String(id['cognito:username']) }));
    expect(user.UserStatus).toBe('EXTERNAL_PROVIDER');
    const signedIn = received.find((r) => r.query.code === query.code)!;
    expect(signedIn.status).toBe(200);

    // The same Google account signs in again as the same user.
    await page.goto(authorizeUrl(ui(), { identity_provider: 'Google' }));
    await page.fill('#email', 'nina@example.com');
    await page.click('button[type=submit]');
    const again = await result(page);
    expect(claims(again.tokens!.id_token)['cognito:username']).toBe(id['cognito:username']);
    await page.close();
  });

  it('the sign-in page (host-style URL) signs in a pool user, then single sign-on skips it; /logout ends it', async () => {
    const page = await browser.newPage();
    const host = `http://${DOMAIN}.auth.us-east-1.localhost:${emu.port}`;
    await page.goto(authorizeUrl(host));
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.title()).toBe('Sign in');
    expect(await page.getByRole('button', { name: 'Continue with Google' }).count()).toBe(1);
    expect(await page.getByLabel('Password').count()).toBe(1);

    // The page passes an accessibility audit (axe-core).
    await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
    const violations = await page.evaluate(async () => (await (window as unknown as { axe: { run: () => Promise<{ violations: { id: string }[] }> } }).axe.run()).violations.map((v) => v.id));
    expect(violations).toEqual([]);

    await page.fill('#username', 'maria');
    await page.fill('#password', 'Wrong-password-1');
    await page.click('button[type=submit]');
    await expect(page.textContent('[role=alert]')).resolves.toContain('Incorrect username or password.');
    await page.fill('#password', PASSWORD);
    await page.click('form[method=post] button[type=submit]');
    const first = await result(page);
    expect(claims(first.tokens!.id_token)).toMatchObject({ 'cognito:username': 'maria', iss: `${emu.url}/${poolId}` });

    await page.goto(authorizeUrl(host));
    const sso = await result(page);
    expect(claims(sso.tokens!.id_token)['cognito:username']).toBe('maria');

    await page.goto(`${host}/logout?client_id=${clientId}&redirect_uri=${encodeURIComponent(callbackUrl)}&response_type=code`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.goto(authorizeUrl(host));
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.close();
  });

  it('the stand-in Facebook page, through the sign-in page\'s button', async () => {
    const page = await browser.newPage();
    await page.goto(authorizeUrl(ui(), { prompt: 'login' }));
    await page.getByRole('button', { name: 'Continue with Facebook' }).click();
    await expect(page.textContent('#stand-in-notice')).resolves.toContain('This is not Facebook');
    await page.fill('#email', 'omar@example.com');
    await page.fill('#name', 'Omar Khayyam');
    await page.click('button[type=submit]');
    const { tokens } = await result(page);
    expect(claims(tokens!.id_token)).toMatchObject({ 'cognito:username': expect.stringMatching(/^Facebook_\d{17}$/), email: 'omar@example.com', name: 'Omar Khayyam' });
    await page.close();
  });
});

describe('OAuth2 endpoints over HTTP', () => {
  const form = (body: Record<string, string>, headers: Record<string, string> = {}) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body),
  });

  /** Signs in through the sign-in page's form, as a browser would post it, and returns the code sent back. */
  async function signInOverHttp(): Promise<{ code: string; verifier: string }> {
    const url = authorizeUrl(ui());
    const state = new URL(url).searchParams.get('state')!;
    const login = await fetch(url, { redirect: 'manual' });
    expect(login.status).toBe(302);
    const params = Object.fromEntries(new URL(login.headers.get('location')!).searchParams);
    const res = await fetch(`${ui()}/login`, { ...form({ ...params, step: 'password', username: 'maria', password: PASSWORD }), redirect: 'manual' });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location')!);
    expect(back.origin + back.pathname).toBe(callbackUrl);
    expect(back.searchParams.get('state')).toBe(state);
    return { code: back.searchParams.get('code')!, verifier: verifiers.get(state)! };
  }

  const exchange = (code: string, verifier: string) =>
    fetch(`${ui()}/oauth2/token`, form({ grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: callbackUrl, code_verifier: verifier }));

  it('code + PKCE over fetch; a code works once, with its verifier; refresh_token; userInfo; revoke', async () => {
    const first = await signInOverHttp();
    const bad = await exchange(first.code, 'wrong-verifier');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_grant' });
    // A failed exchange spends the code, as in AWS.
    expect(await (await exchange(first.code, first.verifier)).json()).toEqual({ error: 'invalid_grant' });

    const second = await signInOverHttp();
    const ok = await exchange(second.code, second.verifier);
    expect(ok.status).toBe(200);
    const tokens = (await ok.json()) as Record<string, string>;
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(await (await exchange(second.code, second.verifier)).json()).toEqual({ error: 'invalid_grant' });

    const info = await fetch(`${ui()}/oauth2/userInfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(await info.json()).toMatchObject({ sub: claims(tokens.id_token).sub, email: 'maria@example.com', email_verified: 'true', username: 'maria' });
    expect((await fetch(`${ui()}/oauth2/userInfo`)).status).toBe(401);

    const refreshed = await fetch(`${ui()}/oauth2/token`, form({ grant_type: 'refresh_token', client_id: clientId, refresh_token: tokens.refresh_token }));
    const r = (await refreshed.json()) as Record<string, string>;
    expect(r.access_token).toBeTruthy();
    expect(r.refresh_token).toBeUndefined();
    expect(claims(r.access_token).origin_jti).toBe(claims(tokens.access_token).origin_jti);

    expect((await fetch(`${ui()}/oauth2/revoke`, form({ token: tokens.refresh_token, client_id: clientId }))).status).toBe(200);
    const after = await fetch(`${ui()}/oauth2/token`, form({ grant_type: 'refresh_token', client_id: clientId, refresh_token: tokens.refresh_token }));
    expect(after.status).toBe(400);
    expect((await fetch(`${ui()}/oauth2/userInfo`, { headers: { authorization: `Bearer ${r.access_token}` } })).status).toBe(401);
  });

  it('client_credentials with a resource server\'s custom scopes', async () => {
    await idp.send(new C.CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'https://api.shop.example', Name: 'Shop API', Scopes: [{ ScopeName: 'orders.read', ScopeDescription: 'read orders' }, { ScopeName: 'orders.write', ScopeDescription: 'write orders' }] }));
    expect((await idp.send(new C.ListResourceServersCommand({ UserPoolId: poolId, MaxResults: 10 }))).ResourceServers!.map((s) => s.Identifier)).toEqual(['https://api.shop.example']);
    const m2m = (
      await idp.send(
        new C.CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: 'worker',
          GenerateSecret: true,
          AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthFlows: ['client_credentials'],
          AllowedOAuthScopes: ['https://api.shop.example/orders.read'],
        }),
      )
    ).UserPoolClient!;
    const basic = `Basic ${Buffer.from(`${m2m.ClientId}:${m2m.ClientSecret}`).toString('base64')}`;
    const ok = await fetch(`${ui()}/oauth2/token`, form({ grant_type: 'client_credentials', scope: 'https://api.shop.example/orders.read' }, { authorization: basic }));
    expect(ok.status).toBe(200);
    const t = (await ok.json()) as Record<string, string>;
    expect(t.id_token).toBeUndefined();
    expect(t.refresh_token).toBeUndefined();
    const issuer = `${emu.url}/${poolId}`;
    const { payload } = await jwtVerify(t.access_token, createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)), { issuer });
    expect(payload).toMatchObject({ sub: m2m.ClientId, client_id: m2m.ClientId, token_use: 'access', scope: 'https://api.shop.example/orders.read', version: 2 });
    const wrongScope = await fetch(`${ui()}/oauth2/token`, form({ grant_type: 'client_credentials', scope: 'https://api.shop.example/orders.write' }, { authorization: basic }));
    expect(await wrongScope.json()).toEqual({ error: 'invalid_scope' });
    const wrongSecret = await fetch(`${ui()}/oauth2/token`, form({ grant_type: 'client_credentials' }, { authorization: `Basic ${Buffer.from(`${m2m.ClientId}:nope`).toString('base64')}` }));
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toEqual({ error: 'invalid_client' });
  });

  it('refuses unknown redirect URIs on an error page, and sends other problems back to the app', async () => {
    const wrong = await fetch(authorizeUrl(ui(), { redirect_uri: 'http://127.0.0.1:1/evil' }), { redirect: 'manual' });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('redirect_mismatch');
    const scope = await fetch(authorizeUrl(ui(), { scope: 'openid phone' }), { redirect: 'manual' });
    expect(scope.status).toBe(302);
    expect(new URL(scope.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
    const logout = await fetch(`${ui()}/logout?client_id=${clientId}&logout_uri=${encodeURIComponent('http://127.0.0.1:9/bye')}`, { redirect: 'manual' });
    expect(logout.status).toBe(302);
    expect(logout.headers.get('location')).toBe('http://127.0.0.1:9/bye');
    expect(logout.headers.get('set-cookie')).toContain('Max-Age=0');
  });

  it('a generic OIDC provider, reached over HTTP: discovery, code, ID token signature, attribute mapping', async () => {
    const { generateKeyPair, exportJWK, SignJWT } = await import('jose');
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const codes = new Map<string, string>();
    let issuer = '';
    const oidc = createServer((req, res) => {
      const url = new URL(req.url ?? '/', issuer);
      const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (url.pathname === '/.well-known/openid-configuration') {
        return json({ issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, userinfo_endpoint: `${issuer}/userinfo`, jwks_uri: `${issuer}/jwks` });
      }
      if (url.pathname === '/jwks') return json({ keys: [jwk] });
      if (url.pathname === '/authorize') {
        // This provider signs everyone in at once as the same person, and remembers the nonce for the ID token.
        const code = randomBytes(8).toString('hex');
        codes.set(code, url.searchParams.get('nonce') ?? '');
        const back = new URL(url.searchParams.get('redirect_uri')!);
        back.searchParams.set('code', code);
        back.searchParams.set('state', url.searchParams.get('state')!);
        return res.writeHead(302, { location: back.toString() }).end();
      }
      if (url.pathname === '/token') {
        let body = '';
        req.on('data', (d) => (body += d));
        req.on('end', () => {
          const form = new URLSearchParams(body);
          const nonce = codes.get(form.get('code') ?? '');
          if (nonce === undefined || form.get('client_secret') !== 'oidc-secret') return res.writeHead(400).end('{"error":"invalid_grant"}');
          void new SignJWT({ sub: 'emp-7', email: 'pat@corp.example', preferred_username: 'pat', nonce })
            .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
            .setIssuer(issuer)
            .setAudience('corp-client')
            .setIssuedAt()
            .setExpirationTime('5m')
            .sign(privateKey)
            .then((id_token) => json({ access_token: 'at-1', token_type: 'Bearer', id_token }));
        });
        return;
      }
      if (url.pathname === '/userinfo') return json({ sub: 'emp-7', department: 'R&D' });
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => oidc.listen(0, '127.0.0.1', r));
    issuer = `http://127.0.0.1:${(oidc.address() as AddressInfo).port}`;
    try {
      await idp.send(new C.AddCustomAttributesCommand({ UserPoolId: poolId, CustomAttributes: [{ Name: 'department', AttributeDataType: 'String' }] }));
      await idp.send(
        new C.CreateIdentityProviderCommand({
          UserPoolId: poolId,
          ProviderName: 'CorpIdP',
          ProviderType: 'OIDC',
          ProviderDetails: { client_id: 'corp-client', client_secret: 'oidc-secret', attributes_request_method: 'GET', oidc_issuer: issuer, authorize_scopes: 'openid email' },
          AttributeMapping: { email: 'email', 'custom:department': 'department' },
        }),
      );
      const described = (await idp.send(new C.DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'CorpIdP' }))).IdentityProvider!;
      expect(described.ProviderDetails).toMatchObject({ authorize_url: `${issuer}/authorize`, token_url: `${issuer}/token`, jwks_uri: `${issuer}/jwks` });
      const c = (await idp.send(new C.DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))).UserPoolClient!;
      await idp.send(new C.UpdateUserPoolClientCommand({ ...c, ClientSecret: undefined, CreationDate: undefined, LastModifiedDate: undefined, SupportedIdentityProviders: ['COGNITO', 'Google', 'Facebook', 'CorpIdP'] } as C.UpdateUserPoolClientRequest));

      const url = authorizeUrl(ui(), { identity_provider: 'CorpIdP' });
      const state = new URL(url).searchParams.get('state')!;
      const toIdp = await fetch(url, { redirect: 'manual' });
      expect(new URL(toIdp.headers.get('location')!).origin).toBe(issuer);
      const idpBack = await fetch(toIdp.headers.get('location')!, { redirect: 'manual' });
      const toApp = await fetch(idpBack.headers.get('location')!, { redirect: 'manual' });
      const back = new URL(toApp.headers.get('location')!);
      expect(back.searchParams.get('error_description')).toBeNull();
      expect(back.searchParams.get('state')).toBe(state);
      const tokens = (await (
        await fetch(`${ui()}/oauth2/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code: back.searchParams.get('code')!, redirect_uri: callbackUrl, code_verifier: verifiers.get(state)! }),
        })
      ).json()) as Record<string, string>;
      expect(claims(tokens.id_token)).toMatchObject({ 'cognito:username': 'CorpIdP_emp-7', email: 'pat@corp.example', 'custom:department': 'R&D' });
    } finally {
      oidc.close();
    }
  });

  it('domains and identity providers through the API', async () => {
    expect((await idp.send(new C.DescribeUserPoolDomainCommand({ Domain: DOMAIN }))).DomainDescription).toMatchObject({ UserPoolId: poolId, Domain: DOMAIN, Status: 'ACTIVE', AWSAccountId: '000000000000' });
    expect((await idp.send(new C.DescribeUserPoolDomainCommand({ Domain: 'nobody-has-this' }))).DomainDescription).toEqual({});
    expect((await idp.send(new C.DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!.Domain).toBe(DOMAIN);
    await expect(idp.send(new C.CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'my-cognito-app' }))).rejects.toMatchObject({ message: 'Domain cannot contain reserved word: cognito' });
    const google = (await idp.send(new C.DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Google' }))).IdentityProvider!;
    expect(google.ProviderDetails).toMatchObject({ authorize_url: 'https://accounts.google.com/o/oauth2/v2/auth', oidc_issuer: 'https://accounts.google.com', client_id: 'google-app-id.apps.googleusercontent.com' });
    expect(google.AttributeMapping).toMatchObject({ username: 'sub', email: 'email' });
    await expect(
      idp.send(new C.CreateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Google', ProviderType: 'Google', ProviderDetails: { client_id: 'a', client_secret: 'b', authorize_scopes: 'openid' } })),
    ).rejects.toMatchObject({ name: 'DuplicateProviderException', message: 'A provider with the name Google already exists in this user pool.' });
    await idp.send(new C.UpdateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Facebook', AttributeMapping: { given_name: 'first_name' } }));
    expect((await idp.send(new C.DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Facebook' }))).IdentityProvider!.AttributeMapping).toMatchObject({ given_name: 'first_name', email: 'email' });
    expect((await idp.send(new C.ListIdentityProvidersCommand({ UserPoolId: poolId }))).Providers!.map((p) => p.ProviderName)).toEqual(['Google', 'Facebook', 'CorpIdP']);
  });
});
