// The application's side: what a web page or a phone app does for its user. It has no AWS
// credentials and needs none: signing up, confirming and signing in are open to anyone who knows
// the app client's id, and prove themselves with the user's password and code.
// `npx awslings deploy cognito-user-pool` runs it after deploy.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { verifyIdToken, type PoolInfo } from './verify';

const pool = JSON.parse(readFileSync('pool.json', 'utf8')) as PoolInfo;
const me = JSON.parse(readFileSync('learner.json', 'utf8')) as { username: string; email: string; password: string };

// In the sandbox the library talks to AWS_ENDPOINT_URL; on AWS, leave `endpoint` out.
const endpoint = process.env.AWS_ENDPOINT_URL;
const userPool = new CognitoUserPool({ UserPoolId: pool.userPoolId, ClientId: pool.clientId, endpoint });
const user = new CognitoUser({ Username: me.username, Pool: userPool });

type CognitoError = Error & { code?: string };

function signUp(): Promise<void> {
  const email = new CognitoUserAttribute({ Name: 'email', Value: me.email });
  return new Promise((resolve, reject) => userPool.signUp(me.username, me.password, [email], [], (err) => (err ? reject(err) : resolve())));
}

/**
 * The code Cognito sent to the user's address. The sandbox sends no real mail: it keeps every
 * message in its outbox (GET /_awslings/outbox). On AWS, the user would type the code from their inbox.
 */
async function latestCode(): Promise<string> {
  const res = await fetch(`${endpoint}/_awslings/outbox?to=${encodeURIComponent(me.email)}`);
  const { messages } = (await res.json()) as { messages: { code?: string; meta?: { userPoolId?: string } }[] };
  const code = messages.filter((m) => m.code && m.meta?.userPoolId === pool.userPoolId).at(-1)?.code;
  if (!code) throw new Error(`no code for ${me.email} in the outbox`);
  return code;
}

function confirm(code: string): Promise<void> {
  return new Promise((resolve, reject) => user.confirmRegistration(code, true, (err) => (err ? reject(err) : resolve())));
}

function resendCode(): Promise<void> {
  return new Promise((resolve, reject) => user.resendConfirmationCode((err) => (err ? reject(err) : resolve())));
}

/** SRP: the library proves it knows the password without sending it (USER_SRP_AUTH, then PASSWORD_VERIFIER). */
function signIn(): Promise<CognitoUserSession> {
  const details = new AuthenticationDetails({ Username: me.username, Password: me.password });
  return new Promise((resolve, reject) =>
    user.authenticateUser(details, {
      onSuccess: resolve,
      onFailure: reject,
      newPasswordRequired: () => reject(new Error('this user must choose a new password first')),
    }),
  );
}

// 1. Sign up, and confirm the email address with the code the pool sent.
try {
  await signUp();
  console.log(`Signed up ${me.username}; a code went to ${me.email}.`);
  await confirm(await latestCode());
  console.log('Confirmed with the code from the outbox.');
} catch (e) {
  if ((e as CognitoError).code !== 'UsernameExistsException') throw e;
  console.log(`${me.username} has already signed up.`);
}

// 2. Sign in with SRP. A user who never confirmed gets a new code first.
let session: CognitoUserSession;
try {
  session = await signIn();
} catch (e) {
  if ((e as CognitoError).code !== 'UserNotConfirmedException') throw e;
  await resendCode();
  await confirm(await latestCode());
  session = await signIn();
}

// 3. Verify the ID token as a back end would, and show what it says. (The token is also saved to
//    id-token.txt for you to experiment with; a real app keeps tokens in memory.)
const idToken = session.getIdToken().getJwtToken();
writeFileSync('id-token.txt', idToken + '\n');
const claims = await verifyIdToken(idToken, pool);
console.log(`Signed in as ${String(claims['cognito:username'])} (${String(claims.email)}, email_verified: ${String(claims.email_verified)}).`);
console.log(`The ID token is valid until ${new Date(claims.exp! * 1000).toISOString()}; the access token says scope "${String(session.getAccessToken().decodePayload().scope)}".`);
