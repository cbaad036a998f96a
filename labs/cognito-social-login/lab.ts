import { createHash, randomBytes } from 'node:crypto';
import {
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  DeleteUserPoolCommand,
  DeleteUserPoolDomainCommand,
  DescribeIdentityProviderCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  type UserPoolClientType,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { assert, defineLab, type CheckContext } from 'awslings/labkit';

const POOL = 'awslings-social';
const CLIENT = 'web';
const CALLBACK = 'http://localhost:3000/callback';

const cognito = (ctx: CheckContext) => ctx.client(CognitoIdentityProviderClient);

async function pool(ctx: CheckContext): Promise<UserPoolType> {
  if (ctx.shared.pool) return ctx.shared.pool as UserPoolType;
  const named = [];
  let NextToken: string | undefined;
  do {
    const page = await cognito(ctx).send(new ListUserPoolsCommand({ MaxResults: 60, NextToken }));
    named.push(...(page.UserPools ?? []).filter((p) => p.Name === POOL));
    NextToken = page.NextToken;
  } while (NextToken);
  if (!named.length) ctx.fail(`There is no user pool named ${POOL}: run npx awslings deploy cognito-social-login.`);
  const described = (await cognito(ctx).send(new DescribeUserPoolCommand({ UserPoolId: named.at(-1)!.Id }))).UserPool!;
  ctx.shared.pool = described;
  return described;
}

async function client(ctx: CheckContext): Promise<UserPoolClientType> {
  if (ctx.shared.client) return ctx.shared.client as UserPoolClientType;
  const p = await pool(ctx);
  const found = (await cognito(ctx).send(new ListUserPoolClientsCommand({ UserPoolId: p.Id, MaxResults: 60 }))).UserPoolClients?.find((c) => c.ClientName === CLIENT);
  if (!found) ctx.fail(`The pool ${POOL} has no app client named ${CLIENT}.`);
  const described = (await cognito(ctx).send(new DescribeUserPoolClientCommand({ UserPoolId: p.Id, ClientId: found.ClientId }))).UserPoolClient!;
  ctx.shared.client = described;
  return described;
}

const form = (body: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(body),
  redirect: 'manual',
});

/** Follows one redirect by hand, and says where it went. */
async function redirected(ctx: CheckContext, res: Response, step: string): Promise<URL> {
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) {
    const text = (await res.text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
    ctx.fail(`The hosted UI did not redirect at ${step}.`, { expected: 'HTTP 302 with a Location', found: `HTTP ${res.status}: ${text.slice(0, 300)}` });
  }
  return new URL(location);
}

/**
 * A whole sign-in through the hosted UI and the stand-in Google, as a browser would make it, with a
 * random Google account: authorize (code + PKCE) → the stand-in's form → the pool's idpresponse →
 * the app's callback with a code → the token endpoint.
 */
async function signInWithGoogle(ctx: CheckContext, domain: string, clientId: string, redirectUri: string, who: { email: string; name: string }): Promise<Record<string, string>> {
  const hostedUi = `${ctx.target.endpoint}/_aws/cognito-idp/${domain}`;
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(8).toString('hex');
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: 'openid email',
    identity_provider: 'Google',
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const toGoogle = await redirected(ctx, await fetch(`${hostedUi}/oauth2/authorize?${q}`, { redirect: 'manual' }), '/oauth2/authorize');
  ctx.log(`authorize → ${toGoogle.origin}${toGoogle.pathname}`);
  // The stand-in's page is a form that posts its query back with the account's email and name.
  const toPool = await redirected(ctx, await fetch(`${toGoogle.origin}${toGoogle.pathname}`, form({ ...Object.fromEntries(toGoogle.searchParams), ...who })), 'the stand-in Google page');
  ctx.log(`Google → ${toPool.origin}${toPool.pathname}`);
  const toApp = await redirected(ctx, await fetch(toPool, { redirect: 'manual' }), '/oauth2/idpresponse');
  ctx.log(`idpresponse → ${toApp.origin}${toApp.pathname}`);
  if (toApp.searchParams.get('error')) ctx.fail('The pool sent the browser back with an error.', { found: `${toApp.searchParams.get('error')}: ${toApp.searchParams.get('error_description')}` });
  assert(`${toApp.origin}${toApp.pathname}` === redirectUri, 'The pool sent the browser somewhere else than the callback.', { expected: redirectUri, found: toApp.toString() });
  assert(toApp.searchParams.get('state') === state, 'The state came back changed.', { expected: state, found: toApp.searchParams.get('state') });
  const code = toApp.searchParams.get('code');
  if (!code) ctx.fail('The callback got no code.', { found: toApp.toString() });
  const res = await fetch(`${hostedUi}/oauth2/token`, form({ grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: redirectUri, code_verifier: verifier }));
  const tokens = (await res.json()) as Record<string, string>;
  assert(res.ok && tokens.id_token, 'The token endpoint did not trade the code for tokens.', { expected: 'id_token, access_token, refresh_token', found: tokens });
  return tokens;
}

async function verified(ctx: CheckContext, token: string, poolId: string, clientId: string): Promise<JWTPayload> {
  const issuer = `${ctx.target.endpoint}/${poolId}`;
  const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)), { issuer, audience: clientId }).catch((e: Error) =>
    ctx.fail('The ID token does not verify against the pool\'s JWKS.', { found: e.message }),
  );
  return payload;
}

export default defineLab({
  id: 'cognito-social-login',
  title: 'Sign in with Google: a federated identity provider and the hosted UI',
  module: '07-cognito-user-pools',
  objectives: [
    'Add Google as an identity provider of a user pool, with an attribute mapping',
    'Give the pool a domain for its hosted UI',
    'Configure an app client for the authorization code grant with Google',
    'Sign in through the hosted UI and see the federated user it creates',
  ],
  minutes: 30,
  services: ['cognito-idp', 'sts'],
  files: ['deploy.ts', 'signin.ts'],
  checks: [
    {
      id: 'google-provider',
      title: 'Google is an identity provider of the pool, and its email becomes the user\'s email',
      points: 2,
      hint: 'CreateIdentityProviderCommand with ProviderName "Google", ProviderType "Google", ProviderDetails { client_id, client_secret, authorize_scopes: "openid email profile" } and AttributeMapping { email: "email" } (the pool\'s attribute: Google\'s claim).',
      async run(ctx: CheckContext) {
        const p = await pool(ctx);
        const google = (
          await cognito(ctx)
            .send(new DescribeIdentityProviderCommand({ UserPoolId: p.Id, ProviderName: 'Google' }))
            .catch((e: Error) => ctx.fail(`${POOL} has no identity provider named Google.`, { found: e.name }))
        ).IdentityProvider!;
        assert(google.ProviderType === 'Google', 'The provider named Google is not of type Google.', { expected: 'Google', found: google.ProviderType });
        const scopes = (google.ProviderDetails?.authorize_scopes ?? '').split(/[\s,]+/);
        assert(scopes.includes('openid') && scopes.includes('email'), 'Google is not asked for the email (authorize_scopes).', { expected: 'openid and email among authorize_scopes', found: google.ProviderDetails?.authorize_scopes });
        assert(google.AttributeMapping?.email === 'email', 'Google\'s email claim is not mapped to the pool\'s email attribute.', { expected: { email: 'email' }, found: google.AttributeMapping });
      },
    },
    {
      id: 'domain',
      title: 'The pool has a domain for its hosted UI',
      points: 1,
      hint: 'CreateUserPoolDomainCommand({ UserPoolId, Domain }): a prefix of lower-case letters, digits and hyphens, without "aws", "amazon" or "cognito".',
      async run(ctx: CheckContext) {
        const p = await pool(ctx);
        assert(p.Domain, `${POOL} has no domain.`, { expected: 'a domain prefix', found: 'none' });
        const d = (await cognito(ctx).send(new DescribeUserPoolDomainCommand({ Domain: p.Domain }))).DomainDescription;
        assert(d?.Status === 'ACTIVE' && d.UserPoolId === p.Id, `The domain ${p.Domain} is not active for ${POOL}.`, { expected: 'ACTIVE', found: d });
      },
    },
    {
      id: 'client-allows-google',
      title: `The app client ${CLIENT} signs in with Google, with the code grant, to ${CALLBACK}`,
      points: 2,
      hint: `The client: SupportedIdentityProviders ["Google"], AllowedOAuthFlowsUserPoolClient true, AllowedOAuthFlows ["code"] (not "implicit", which hands tokens to the browser's address bar), AllowedOAuthScopes with "openid" and "email", CallbackURLs ["${CALLBACK}"], and no secret.`,
      async run(ctx: CheckContext) {
        const c = await client(ctx);
        const found = {
          SupportedIdentityProviders: c.SupportedIdentityProviders,
          AllowedOAuthFlowsUserPoolClient: c.AllowedOAuthFlowsUserPoolClient,
          AllowedOAuthFlows: c.AllowedOAuthFlows,
          AllowedOAuthScopes: c.AllowedOAuthScopes,
          CallbackURLs: c.CallbackURLs,
          ClientSecret: c.ClientSecret ? 'set' : 'none',
        };
        const expected = {
          SupportedIdentityProviders: 'includes Google',
          AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthFlows: ['code'],
          AllowedOAuthScopes: 'includes openid and email',
          CallbackURLs: `includes ${CALLBACK}`,
          ClientSecret: 'none',
        };
        const scopes = c.AllowedOAuthScopes ?? [];
        const problems = [
          !(c.SupportedIdentityProviders ?? []).includes('Google') && 'Google is not among the client\'s identity providers',
          c.AllowedOAuthFlowsUserPoolClient !== true && 'the client may not use OAuth flows (AllowedOAuthFlowsUserPoolClient)',
          !(c.AllowedOAuthFlows ?? []).includes('code') && 'the code grant is not allowed',
          (c.AllowedOAuthFlows ?? []).includes('implicit') && 'the implicit grant is still allowed',
          !(scopes.includes('openid') && scopes.includes('email')) && 'the scopes lack openid or email',
          !(c.CallbackURLs ?? []).includes(CALLBACK) && `${CALLBACK} is not a callback URL`,
          c.ClientSecret && 'the client has a secret, which a browser app cannot keep',
        ].filter(Boolean);
        assert(problems.length === 0, `${CLIENT} is not ready for Google sign-in: ${problems.join('; ')}.`, { expected, found });
      },
    },
    {
      id: 'hosted-ui-sign-in',
      title: 'A sign-in through the hosted UI and the stand-in Google page ends with tokens',
      points: 3,
      services: ['stand-in-idps'],
      timeoutMs: 20_000,
      hint: 'The checker follows the same path as signin.ts, with a new Google account. Run npx tsx signin.ts and sign in in your browser to see where it stops; the error page or the error in the callback says why.',
      async run(ctx: CheckContext) {
        const p = await pool(ctx);
        const c = await client(ctx);
        if (!p.Domain) ctx.fail(`${POOL} has no domain, so it has no hosted UI yet.`);
        const who = { email: `${ctx.random('ada-')}@example.com`, name: `Ada ${ctx.random('L')}` };
        const tokens = await signInWithGoogle(ctx, p.Domain, c.ClientId!, CALLBACK, who);
        const id = await verified(ctx, tokens.id_token, p.Id!, c.ClientId!);
        ctx.log(`signed in as ${String(id['cognito:username'])}`);
        ctx.shared.federated = String(id['cognito:username']);
        assert(/^Google_\d+$/.test(String(id['cognito:username'])), 'The user in the token is not a Google user of the pool.', { expected: 'cognito:username Google_<Google account id>', found: id['cognito:username'] });
        assert(id.email === who.email, 'The ID token does not carry the Google account\'s email: check the attribute mapping and the scopes.', { expected: who.email, found: id.email ?? 'no email claim' });
        const identities = (id.identities as { providerName?: string }[] | undefined) ?? [];
        assert(identities.some((i) => i.providerName === 'Google'), 'The ID token does not name Google among the user\'s identities.', { found: id.identities });
        ctx.shared.who = who;
      },
    },
    {
      id: 'federated-user',
      title: 'The pool now has a Google_… user, with the email from Google',
      points: 2,
      services: ['stand-in-idps'],
      hint: 'This follows from the sign-in of the previous check: make that one pass first.',
      async run(ctx: CheckContext) {
        const username = ctx.shared.federated as string | undefined;
        const who = ctx.shared.who as { email: string } | undefined;
        if (!username || !who) ctx.fail('No federated sign-in happened in the previous check.');
        const p = await pool(ctx);
        const u = await cognito(ctx)
          .send(new AdminGetUserCommand({ UserPoolId: p.Id, Username: username }))
          .catch((e: Error) => ctx.fail(`There is no user ${username} in ${POOL}.`, { found: e.name }));
        const email = u.UserAttributes?.find((a) => a.Name === 'email')?.Value;
        assert(u.UserStatus === 'EXTERNAL_PROVIDER', `${username} is not a federated user.`, { expected: 'EXTERNAL_PROVIDER', found: u.UserStatus });
        assert(email === who.email, `${username}'s email attribute is not the one Google gave.`, { expected: who.email, found: email ?? 'no email' });
      },
    },
  ],
  async afterChecks(ctx) {
    const p = ctx.shared.pool as UserPoolType | undefined;
    const username = ctx.shared.federated as string | undefined;
    if (p?.Id && username) await cognito(ctx).send(new AdminDeleteUserCommand({ UserPoolId: p.Id, Username: username })).catch(() => undefined);
  },
  async cleanup(ctx) {
    const idp = cognito(ctx);
    for (const p of ((await idp.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools ?? []).filter((x) => x.Name === POOL)) {
      const domain = (await idp.send(new DescribeUserPoolCommand({ UserPoolId: p.Id })).catch(() => undefined))?.UserPool?.Domain;
      if (domain) await idp.send(new DeleteUserPoolDomainCommand({ UserPoolId: p.Id, Domain: domain })).catch(() => undefined);
      await idp.send(new DeleteUserPoolCommand({ UserPoolId: p.Id })).catch(() => undefined);
    }
  },
});
