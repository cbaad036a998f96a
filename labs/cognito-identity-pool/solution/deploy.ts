// An identity pool that turns a user pool sign-in into short-lived AWS credentials for one role,
// which may invoke one function. Run it with: npx awslings deploy cognito-identity-pool
// (it runs this file, then app.ts, which signs in and uses the credentials).
import { writeFileSync } from 'node:fs';
import {
  CognitoIdentityProviderClient,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoIdentityClient, CreateIdentityPoolCommand, ListIdentityPoolsCommand, SetIdentityPoolRolesCommand, UpdateIdentityPoolCommand } from '@aws-sdk/client-cognito-identity';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { waitForFunctionActive, zipFiles } from 'awslings/labkit';

const region = process.env.AWS_REGION ?? 'us-east-1';
const account = (await new STSClient({}).send(new GetCallerIdentityCommand({}))).Account!;
const cognito = new CognitoIdentityProviderClient({});
const identity = new CognitoIdentityClient({});
const iam = new IAMClient({});
const lambda = new LambdaClient({});

const USER_POOL = 'awslings-reports-users';
const APP_CLIENT = 'reports-app';
const IDENTITY_POOL = 'awslings_reports';
const ROLE = 'awslings-reports-reader';
const FUNCTION_ROLE = 'awslings-reports-fn';
const ALLOWED = 'reports-daily';
const FORBIDDEN = 'payroll-admin';
const DEMO_USER = { username: 'reader', password: 'Daily-reports-4u!' };

/** Creates a role, or brings the trust policy of an existing one up to date. */
async function ensureRole(name: string, trust: object): Promise<string> {
  try {
    return (await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }))).Role!.Arn!;
  } catch (e) {
    if ((e as Error).name !== 'EntityAlreadyExistsException') throw e;
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: name, PolicyDocument: JSON.stringify(trust) }));
    return `arn:aws:iam::${account}:role/${name}`;
  }
}

// 1. The user pool, its app client and a user (the pattern of the user pool lab).
let userPoolId = (await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools?.find((p) => p.Name === USER_POOL)?.Id;
userPoolId ??= (await cognito.send(new CreateUserPoolCommand({ PoolName: USER_POOL }))).UserPool!.Id!;
let clientId = (await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }))).UserPoolClients?.find((c) => c.ClientName === APP_CLIENT)?.ClientId;
clientId ??= (
  await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: APP_CLIENT, ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))
).UserPoolClient!.ClientId!;
await cognito.send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: DEMO_USER.username, MessageAction: 'SUPPRESS' })).catch((e: Error) => {
  if (e.name !== 'UsernameExistsException') throw e;
});
await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: DEMO_USER.username, Password: DEMO_USER.password, Permanent: true }));

// 2. Two functions: the one signed-in users may call, and one they must not.
const fnRole = await ensureRole(FUNCTION_ROLE, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const code = {
  [ALLOWED]: "export const handler = async () => ({ report: 'daily sales', total: 1280 });",
  [FORBIDDEN]: "export const handler = async () => ({ payroll: 'nobody should see this' });",
};
for (const [name, source] of Object.entries(code)) {
  await lambda
    .send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: fnRole, Code: { ZipFile: zipFiles({ 'index.mjs': source }) } }))
    .catch((e: Error) => {
      if (e.name !== 'ResourceConflictException') throw e;
    });
  await waitForFunctionActive(lambda, name);
}

// 3. The identity pool. It trusts one provider: this user pool, through this app client. No guests.
const provider = `cognito-idp.${region}.amazonaws.com/${userPoolId}`;
const poolSettings = {
  IdentityPoolName: IDENTITY_POOL,
  AllowUnauthenticatedIdentities: false,
  CognitoIdentityProviders: [{ ProviderName: provider, ClientId: clientId }],
};
let identityPoolId = (await identity.send(new ListIdentityPoolsCommand({ MaxResults: 60 }))).IdentityPools?.find((p) => p.IdentityPoolName === IDENTITY_POOL)?.IdentityPoolId;
if (identityPoolId) await identity.send(new UpdateIdentityPoolCommand({ IdentityPoolId: identityPoolId, ...poolSettings }));
else identityPoolId = (await identity.send(new CreateIdentityPoolCommand(poolSettings))).IdentityPoolId!;

// 4. The role signed-in users get. Its trust policy: the Cognito identity service may hand it out,
//    for this identity pool only (aud), and to authenticated identities only (amr).
const roleArn = await ensureRole(ROLE, {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: 'cognito-identity.amazonaws.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'cognito-identity.amazonaws.com:aud': identityPoolId },
        'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
      },
    },
  ],
});
// What the role may do: invoke the one function, nothing else.
await iam.send(
  new PutRolePolicyCommand({
    RoleName: ROLE,
    PolicyName: 'invoke-reports',
    PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: `arn:aws:lambda:${region}:${account}:function:${ALLOWED}` }],
    }),
  }),
);

// 5. Attach the role to the identity pool as its authenticated role: the pool does not make roles.
await identity.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: identityPoolId, Roles: { authenticated: roleArn } }));

writeFileSync('app.json', JSON.stringify({ userPoolId, clientId, identityPoolId, allowed: ALLOWED, forbidden: FORBIDDEN, user: DEMO_USER }, null, 2) + '\n');
console.log(`User pool ${userPoolId} (client ${clientId}), identity pool ${identityPoolId}, role ${roleArn} (written to app.json).`);
