// The administrator's side: creates the user pool and its app client, with your AWS credentials.
// `npx awslings deploy cognito-user-pool` runs this file, then app.ts.
import { writeFileSync } from 'node:fs';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
  type ExplicitAuthFlowsType,
  type PasswordPolicyType,
} from '@aws-sdk/client-cognito-identity-provider';

const cognito = new CognitoIdentityProviderClient({});
const POOL = 'awslings-users';
const CLIENT = 'web';

// 1. The password policy.
// TODO: at least 12 characters, and symbols required (keep the other classes required too).
const passwordPolicy: PasswordPolicyType = {
  MinimumLength: 8,
  RequireUppercase: true,
  RequireLowercase: true,
  RequireNumbers: true,
  RequireSymbols: false,
  TemporaryPasswordValidityDays: 7,
};

// 2. The app client.
// TODO: the app runs in a browser or on a phone, which cannot keep a secret: no client secret.
// TODO: sign users in with SRP (ALLOW_USER_SRP_AUTH), so the password never leaves the device,
//       and keep ALLOW_REFRESH_TOKEN_AUTH; drop ALLOW_USER_PASSWORD_AUTH, which sends the password.
const generateSecret = true;
const authFlows: ExplicitAuthFlowsType[] = ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];

const poolSettings = {
  Policies: { PasswordPolicy: passwordPolicy },
  // Cognito mails a code to the address a user signs up with; the code proves the address is theirs.
  AutoVerifiedAttributes: ['email' as const],
  VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_CODE' as const },
};

/** The pool named POOL, if there is one (deploying again updates it instead of making another). */
async function findPool(): Promise<string | undefined> {
  let NextToken: string | undefined;
  do {
    const page = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60, NextToken }));
    const found = page.UserPools?.find((p) => p.Name === POOL);
    if (found) return found.Id;
    NextToken = page.NextToken;
  } while (NextToken);
  return undefined;
}

let userPoolId = await findPool();
if (userPoolId) {
  await cognito.send(new UpdateUserPoolCommand({ UserPoolId: userPoolId, ...poolSettings }));
} else {
  const created = await cognito.send(new CreateUserPoolCommand({ PoolName: POOL, ...poolSettings, UsernameConfiguration: { CaseSensitive: false } }));
  userPoolId = created.UserPool!.Id!;
}

const clientSettings = { ClientName: CLIENT, ExplicitAuthFlows: authFlows };
const existing = (await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }))).UserPoolClients?.find((c) => c.ClientName === CLIENT);
let clientId = existing?.ClientId;
if (clientId) {
  // A client's secret is decided when it is created: to add or remove one, the client is made again.
  const current = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }))).UserPoolClient!;
  if (!!current.ClientSecret !== generateSecret) {
    await cognito.send(new DeleteUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
    clientId = undefined;
  } else {
    await cognito.send(new UpdateUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId, ...clientSettings }));
  }
}
if (!clientId) {
  const created = await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, GenerateSecret: generateSecret, ...clientSettings }));
  clientId = created.UserPoolClient!.ClientId!;
}

// What the app needs to know: neither is a secret (a web page would carry both).
writeFileSync('pool.json', JSON.stringify({ userPoolId, clientId }, null, 2) + '\n');
console.log(`User pool ${POOL}: ${userPoolId}, app client ${CLIENT}: ${clientId} (written to pool.json)`);
