// Signs in through the hosted UI, as a web app would: the authorization code grant with PKCE.
// Run it with: npx tsx signin.ts   then open the address it prints in your browser.
//
// 1. This script makes a random secret (the PKCE "code verifier") and sends the browser to the
//    hosted UI's /oauth2/authorize with only its hash (the "code challenge").
// 2. identity_provider=Google sends the browser on to Google's sign-in page (in the sandbox, a
//    stand-in that says so), which sends it back to the pool's /oauth2/idpresponse.
// 3. The pool signs the user in (creating a Google_<id> user the first time) and sends the browser
//    to the callback, here, with a one-time code.
// 4. This script trades the code, with the verifier, for tokens at /oauth2/token. A code stolen on
//    the way is useless without the verifier, which never left this process.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const { userPoolId, clientId, domain, callback } = JSON.parse(readFileSync('pool.json', 'utf8')) as { userPoolId: string; clientId: string; domain: string; callback: string };
const region = userPoolId.split('_')[0];
const endpoint = process.env.AWS_ENDPOINT_URL?.replace(/\/$/, '');
// The sandbox serves the hosted UI under its endpoint; AWS at https://<domain>.auth.<region>.amazoncognito.com.
const hostedUi = endpoint ? `${endpoint}/_aws/cognito-idp/${domain}` : `https://${domain}.auth.${region}.amazoncognito.com`;

const verifier = randomBytes(32).toString('base64url');
const challenge = createHash('sha256').update(verifier).digest('base64url');
const state = randomBytes(16).toString('hex');
const authorize = `${hostedUi}/oauth2/authorize?${new URLSearchParams({
  response_type: 'code',
  client_id: clientId,
  redirect_uri: callback,
  scope: 'openid email profile',
  identity_provider: 'Google',
  state,
  code_challenge: challenge,
  code_challenge_method: 'S256',
})}`;

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
const port = Number(new URL(callback).port || 80);

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', callback);
  if (url.pathname !== new URL(callback).pathname) return void res.writeHead(404).end();
  void (async () => {
    const page = (title: string, body: string) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><title>${title}</title><main><h1>${title}</h1><pre>${body.replace(/</g, '&lt;')}</pre></main></html>`);
    };
    if (url.searchParams.get('state') !== state) return page('Refused', 'The state does not match: this answer is not for the request this app made.');
    const code = url.searchParams.get('code');
    if (!code) {
      // The hosted UI sends errors back to the app, as OAuth 2.0 says, with few words: here are some more.
      const error = url.searchParams.get('error') ?? 'no code';
      const why: Record<string, string> = {
        unauthorized_client: 'the app client may not use this grant: is "code" among its AllowedOAuthFlows?',
        invalid_scope: 'the app client does not allow one of the scopes asked for (AllowedOAuthScopes)',
        invalid_request: 'the request is incomplete or malformed',
      };
      const text = `${error}: ${url.searchParams.get('error_description') ?? why[error] ?? ''}`;
      page('Sign-in failed', text);
      console.log(`Sign-in failed: ${text}`);
      server.close();
      return;
    }
    const r = await fetch(`${hostedUi}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: callback, code_verifier: verifier }),
    });
    const tokens = (await r.json()) as Record<string, string>;
    if (!r.ok) {
      page('Token exchange failed', JSON.stringify(tokens, null, 2));
      console.log('The token endpoint refused the code:', tokens);
    } else {
      const id = claimsOf(tokens.id_token);
      const summary = { 'cognito:username': id['cognito:username'], email: id.email, name: id.name, identities: id.identities, token_use: id.token_use, expires_in: tokens.expires_in };
      page('Signed in', JSON.stringify(summary, null, 2));
      console.log('Signed in. The ID token says:', summary);
    }
    server.close();
  })();
});

server.on('error', (e: NodeJS.ErrnoException) => {
  console.log(e.code === 'EADDRINUSE' ? `Port ${port} is busy: is another signin.ts still waiting? Stop it (Ctrl+C) and try again.` : e.message);
  process.exitCode = 1;
});
server.listen(port, 'localhost', () => {
  console.log(`Waiting for the browser at ${callback}.\nOpen this address in your browser, and sign in with the (stand-in) Google:\n\n${authorize}\n`);
});
