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
// TODO: when the pool has no domain yet (current.Domain is undefined), create one:
//       CreateUserPoolDomainCommand with the UserPoolId and the Domain above.
void CreateUserPoolDomainCommand;
const poolDomain = current.Domain ?? domain;

// 2. Google as an identity provider. On AWS, client_id and client_secret come from an OAuth client you
//    register in Google Cloud; the sandbox's stand-in Google accepts any values.
const google = {
  // TODO: ask Google for the email address too (authorize_scopes is a space-separated list).
  ProviderDetails: { client_id: 'awslings-lab.apps.googleusercontent.com', client_secret: 'not-a-real-secret', authorize_scopes: 'openid profile' },
  // Google's claims, copied into the pool's attributes at each sign-in: { <pool attribute>: <Google claim> }.
  // TODO: map Google's email claim to the pool's email attribute.
  AttributeMapping: { name: 'name' },
};
const providers = (await cognito.send(new ListIdentityProvidersCommand({ UserPoolId: userPoolId }))).Providers ?? [];
if (providers.some((p) => p.ProviderName === 'Google')) {
  await cognito.send(new UpdateIdentityProviderCommand({ UserPoolId: userPoolId, ProviderName: 'Google', ...google }));
} else {
  await cognito.send(new CreateIdentityProviderCommand({ UserPoolId: userPoolId, ProviderName: 'Google', ProviderType: 'Google', ...google }));
}

// 3. The app client: a public client (no secret) that signs users in through the hosted UI.
// TODO: offer Google (SupportedIdentityProviders), use the authorization code grant ("code"), not
//       "implicit" (which puts the tokens in the browser's address bar), and ask for the openid,
//       email and profile scopes.
const oauthFlows: OAuthFlowType[] = ['implicit'];
const client = {
  ClientName: CLIENT,
  SupportedIdentityProviders: ['COGNITO'],
  AllowedOAuthFlowsUserPoolClient: true,
  AllowedOAuthFlows: oauthFlows,
  AllowedOAuthScopes: ['openid'],
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
