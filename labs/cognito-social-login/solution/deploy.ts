// Sets up sign-in with Google for a user pool: a domain for the hosted UI, Google as an identity
// provider, and an app client that offers it. Run it with: npx awslings deploy cognito-social-login
// Then sign in once in your browser: npx tsx signin.ts
import { writeFileSync } from 'node:fs';
import {
  CognitoIdentityProviderClient,
  CreateIdentityProviderCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DescribeUserPoolCommand,
  ListIdentityProvidersCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  UpdateIdentityProviderCommand,
  UpdateUserPoolClientCommand,
  type OAuthFlowType,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

const cognito = new CognitoIdentityProviderClient({});
const POOL = 'awslings-social';
const CLIENT = 'web';
/** Where the hosted UI sends the browser back with a code: signin.ts listens there. */
const CALLBACK = 'http://localhost:3000/callback';

const account = (await new STSClient({}).send(new GetCallerIdentityCommand({}))).Account!;

/** The pool named POOL, made if it does not exist yet (so you can deploy again). */
async function ensurePool(): Promise<string> {
  let NextToken: string | undefined;
  do {
    const page = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60, NextToken }));
    const found = page.UserPools?.find((p) => p.Name === POOL);
    if (found) return found.Id!;
    NextToken = page.NextToken;
  } while (NextToken);
  return (await cognito.send(new CreateUserPoolCommand({ PoolName: POOL }))).UserPool!.Id!;
}

const userPoolId = await ensurePool();

// 1. A domain: the hosted UI's address. A prefix is unique in its region across all of AWS (and may
//    not contain "aws", "amazon" or "cognito"), so it carries your account id.
const domain = `social-${account}`;
const current = (await cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))).UserPool!;
if (!current.Domain) await cognito.send(new CreateUserPoolDomainCommand({ UserPoolId: userPoolId, Domain: domain }));
const poolDomain = current.Domain ?? domain;

// 2. Google as an identity provider. On AWS, client_id and client_secret come from an OAuth client you
//    register in Google Cloud; the sandbox's stand-in Google accepts any values.
const google = {
  ProviderDetails: { client_id: 'awslings-lab.apps.googleusercontent.com', client_secret: 'not-a-real-secret', authorize_scopes: 'openid email profile' },
  // Google's claims, copied into the pool's attributes at each sign-in: email (Google's) -> email (the pool's).
  AttributeMapping: { email: 'email', name: 'name' },
};
const providers = (await cognito.send(new ListIdentityProvidersCommand({ UserPoolId: userPoolId }))).Providers ?? [];
if (providers.some((p) => p.ProviderName === 'Google')) {
  await cognito.send(new UpdateIdentityProviderCommand({ UserPoolId: userPoolId, ProviderName: 'Google', ...google }));
} else {
  await cognito.send(new CreateIdentityProviderCommand({ UserPoolId: userPoolId, ProviderName: 'Google', ProviderType: 'Google', ...google }));
}

// 3. The app client: a public client (no secret) that signs users in through the hosted UI with Google,
//    using the authorization code grant, and gets back an ID token with the user's email.
const oauthFlows: OAuthFlowType[] = ['code'];
const client = {
  ClientName: CLIENT,
  SupportedIdentityProviders: ['Google'],
  AllowedOAuthFlowsUserPoolClient: true,
  AllowedOAuthFlows: oauthFlows,
  AllowedOAuthScopes: ['openid', 'email', 'profile'],
  CallbackURLs: [CALLBACK],
  LogoutURLs: ['http://localhost:3000/'],
  ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH' as const],
};
const existing = (await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }))).UserPoolClients?.find((c) => c.ClientName === CLIENT);
const clientId = existing
  ? (await cognito.send(new UpdateUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: existing.ClientId, ...client }))).UserPoolClient!.ClientId!
  : (await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, GenerateSecret: false, ...client }))).UserPoolClient!.ClientId!;

writeFileSync('pool.json', JSON.stringify({ userPoolId, clientId, domain: poolDomain, callback: CALLBACK }, null, 2) + '\n');
console.log(`User pool ${userPoolId}, app client ${clientId}, hosted UI domain ${poolDomain} (written to pool.json).`);
console.log('Now sign in once through the hosted UI: npx tsx signin.ts');
