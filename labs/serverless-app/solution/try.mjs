// Try the app as a person would: node try.mjs "a note to keep"
// 1. calls GET /notes without a token (expect 401);
// 2. signs a new user up through the app client, confirms the e-mail address with the code the
//    sandbox "mailed" (its outbox), and signs in (USER_PASSWORD_AUTH);
// 3. calls POST /notes and GET /notes with the user's ID token.
// It finds the pool, the client and the API among the resources of the stack notes-app.
import { randomBytes } from 'node:crypto';
import { CloudFormationClient, DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CognitoIdentityProviderClient, ConfirmSignUpCommand, InitiateAuthCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';

const endpoint = process.env.AWS_ENDPOINT_URL ?? 'http://localhost:4566';
const text = process.argv[2] ?? 'Buy milk';

const { StackResources = [] } = await new CloudFormationClient({}).send(new DescribeStackResourcesCommand({ StackName: 'notes-app' }));
const idOf = (type) => StackResources.find((r) => r.ResourceType === type)?.PhysicalResourceId;
const apiId = idOf('AWS::ApiGatewayV2::Api');
const clientId = idOf('AWS::Cognito::UserPoolClient');
if (!apiId || !clientId) {
  console.log('The stack has no HTTP API or no app client yet: add them to template.yaml and deploy.');
  process.exit(1);
}
// In the sandbox, Node reaches the API path-style; on AWS it is https://<apiId>.execute-api.<region>.amazonaws.com.
const api = `${endpoint}/_aws/execute-api/${apiId}`;

async function request(method, path, token, body) {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  console.log(`${method} ${path}${token ? ' (signed in)' : ' (no token)'} -> ${res.status} ${await res.text()}`);
}

await request('GET', '/notes');

const idp = new CognitoIdentityProviderClient({});
const email = `try-${randomBytes(3).toString('hex')}@example.com`;
const password = `Try-${randomBytes(6).toString('hex')}-Pw9!`;
const up = await idp.send(new SignUpCommand({ ClientId: clientId, Username: email, Password: password, UserAttributes: [{ Name: 'email', Value: email }] }));
console.log(`signed up ${email} (sub ${up.UserSub}); confirmed: ${up.UserConfirmed}`);
if (!up.UserConfirmed) {
  const mail = await (await fetch(`${endpoint}/_awslings/outbox?to=${encodeURIComponent(email)}`)).json();
  const code = mail.messages.at(-1)?.code;
  if (!code) throw new Error('No code in the outbox: does the pool verify e-mail addresses (AutoVerifiedAttributes: [email])?');
  await idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: code }));
  console.log(`confirmed with the code ${code} from the outbox`);
}
const auth = await idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: password } }));
const token = auth.AuthenticationResult.IdToken;
const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
console.log(`signed in: an ID token for sub ${claims.sub}, issued by ${claims.iss}, for the client ${claims.aud}`);

await request('POST', '/notes', token, { text });
await request('GET', '/notes', token);
