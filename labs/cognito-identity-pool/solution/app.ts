// The app: signs a user in, trades the ID token for AWS credentials at the identity pool (the
// enhanced flow: GetId, then GetCredentialsForIdentity), and calls Lambda with those credentials.
// It has no AWS credentials of its own.
import { readFileSync } from 'node:fs';
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand, type Credentials } from '@aws-sdk/client-cognito-identity';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

const app = JSON.parse(readFileSync('app.json', 'utf8')) as {
  userPoolId: string;
  clientId: string;
  identityPoolId: string;
  allowed: string;
  forbidden: string;
  user: { username: string; password: string };
};
const region = app.userPoolId.split('_')[0];
const endpoint = process.env.AWS_ENDPOINT_URL;

// 1. Sign in to the user pool with SRP: an ID token.
const userPool = new CognitoUserPool({ UserPoolId: app.userPoolId, ClientId: app.clientId, endpoint });
const user = new CognitoUser({ Username: app.user.username, Pool: userPool });
const idToken = await new Promise<string>((resolve, reject) =>
  user.authenticateUser(new AuthenticationDetails({ Username: app.user.username, Password: app.user.password }), {
    onSuccess: (s) => resolve(s.getIdToken().getJwtToken()),
    onFailure: reject,
  }),
);
console.log(`Signed in to the user pool as ${app.user.username}.`);

// 2. The enhanced flow. The identity pool knows the user pool by its provider name; the login is
//    { <provider name>: <ID token> }. GetId and GetCredentialsForIdentity need no AWS credentials.
const identity = new CognitoIdentityClient({ region });
const logins = { [`cognito-idp.${region}.amazonaws.com/${app.userPoolId}`]: idToken };

async function exchangeToken(): Promise<{ IdentityId?: string; Credentials?: Credentials }> {
  const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: app.identityPoolId, Logins: logins }));
  const { Credentials } = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }));
  return { IdentityId, Credentials };
}

const { IdentityId, Credentials } = await exchangeToken();
console.log(`Identity ${IdentityId}: credentials ${Credentials!.AccessKeyId}, valid until ${Credentials!.Expiration!.toISOString()}.`);

// 3. Call Lambda as that identity: the role's policy decides.
const lambda = new LambdaClient({
  region,
  credentials: { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretKey!, sessionToken: Credentials!.SessionToken },
});
for (const name of [app.allowed, app.forbidden]) {
  try {
    const r = await lambda.send(new InvokeCommand({ FunctionName: name }));
    console.log(`${name}: ${new TextDecoder().decode(r.Payload)}`);
  } catch (e) {
    console.log(`${name}: ${(e as Error).name}: ${(e as Error).message}`);
  }
}
