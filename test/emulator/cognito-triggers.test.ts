import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as C from '@aws-sdk/client-cognito-identity-provider';
import * as IAM from '@aws-sdk/client-iam';
import * as Lambda from '@aws-sdk/client-lambda';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { createFunction, executionRole } from '../helpers/lambda.js';

/** Lambda triggers run in the emulator's Lambda, with Cognito's event shapes, as real functions. */
let emu: TestEmulator;
let idp: C.CognitoIdentityProviderClient;
let lambda: Lambda.LambdaClient;
let role: string;
let dir: string;

const PASSWORD = 'Trigger-happy-1';

/** Every trigger function appends the event it got to a file, so the test sees exactly what Cognito sent. */
const RECORD = `import { appendFileSync } from 'node:fs';
const record = (event) => appendFileSync(process.env.OUT, JSON.stringify(event) + '\\n');`;

const FUNCTIONS: Record<string, string> = {
  preSignUp: `${RECORD}
export const handler = async (event) => {
  record(event);
  if (!event.request.userAttributes.email?.endsWith('@example.com')) throw new Error('Only example.com addresses may sign up');
  event.response.autoConfirmUser = true;
  event.response.autoVerifyEmail = true;
  return event;
};`,
  recorder: `${RECORD}
export const handler = async (event) => { record(event); return event; };`,
  preToken: `${RECORD}
export const handler = async (event) => {
  record(event);
  event.response = { claimsOverrideDetails: { claimsToAddOrOverride: { plan: 'gold', 'cognito:username': 'impostor' }, claimsToSuppress: ['email'], groupOverrideDetails: { groupsToOverride: ['vip'] } } };
  return event;
};`,
  customMessage: `${RECORD}
export const handler = async (event) => {
  record(event);
  if (event.triggerSource === 'CustomMessage_SignUp') {
    event.response.emailSubject = 'Welcome to the shop';
    event.response.emailMessage = 'Hello ' + event.userName + ', your code is ' + event.request.codeParameter;
  }
  return event;
};`,
};

const arns: Record<string, string> = {};

function events(name: string): Record<string, any>[] {
  const file = join(dir, `${name}.jsonl`);
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];
}

async function poolWith(lambdaConfig: C.LambdaConfigType, permit = true) {
  const poolId = (await idp.send(new C.CreateUserPoolCommand({ PoolName: 'triggers', AutoVerifiedAttributes: ['email'], LambdaConfig: lambdaConfig }))).UserPool!.Id!;
  if (permit) {
    const arnsUsed = new Set(Object.values(lambdaConfig).map((v) => (typeof v === 'string' ? v : (v as { LambdaArn?: string }).LambdaArn)).filter(Boolean));
    for (const fn of arnsUsed) {
      await lambda.send(
        new Lambda.AddPermissionCommand({
          FunctionName: fn,
          StatementId: `cognito-${poolId}`,
          Action: 'lambda:InvokeFunction',
          Principal: 'cognito-idp.amazonaws.com',
          SourceArn: `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${poolId}`,
        }),
      );
    }
  }
  const clientId = (await idp.send(new C.CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
  return { poolId, clientId };
}

beforeAll(async () => {
  emu = await startTestEmulator();
  dir = mkdtempSync(join(tmpdir(), 'awslings-triggers-'));
  idp = new C.CognitoIdentityProviderClient(emu.config());
  lambda = new Lambda.LambdaClient(emu.config());
  role = await executionRole(new IAM.IAMClient(emu.config()), 'trigger-role');
  for (const [name, code] of Object.entries(FUNCTIONS)) {
    const f = await createFunction(lambda, name, role, code, { Environment: { Variables: { OUT: join(dir, `${name}.jsonl`) } } });
    arns[name] = f.FunctionArn!;
  }
  for (const name of Object.keys(FUNCTIONS)) await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 20 }, { FunctionName: name });
}, 60_000);

afterAll(async () => {
  await emu?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Lambda triggers', () => {
  it('PreSignUp: refuses with the function\'s message, or auto-confirms and verifies; its event has Cognito\'s shape', async () => {
    const { poolId, clientId } = await poolWith({ PreSignUp: arns.preSignUp });
    await expect(
      idp.send(new C.SignUpCommand({ ClientId: clientId, Username: 'mallory', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'mallory@evil.test' }] })),
    ).rejects.toMatchObject({ name: 'UserLambdaValidationException', message: 'PreSignUp failed with error Only example.com addresses may sign up.' });
    const ok = await idp.send(
      new C.SignUpCommand({ ClientId: clientId, Username: 'olga', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'olga@example.com' }], ClientMetadata: { source: 'test' } }),
    );
    expect(ok.UserConfirmed).toBe(true);
    expect(ok.CodeDeliveryDetails).toBeUndefined();
    const user = await idp.send(new C.AdminGetUserCommand({ UserPoolId: poolId, Username: 'olga' }));
    expect(user.UserStatus).toBe('CONFIRMED');
    expect(user.UserAttributes).toContainEqual({ Name: 'email_verified', Value: 'true' });
    const event = events('preSignUp').at(-1)!;
    expect(event).toEqual({
      version: '1',
      triggerSource: 'PreSignUp_SignUp',
      region: 'us-east-1',
      userPoolId: poolId,
      userName: 'olga',
      callerContext: { awsSdkVersion: expect.any(String), clientId },
      request: { userAttributes: { email: 'olga@example.com' }, validationData: {}, clientMetadata: { source: 'test' } },
      response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
    });
  });

  it('PostConfirmation after ConfirmSignUp, PreAuthentication and PostAuthentication at sign-in', async () => {
    const { poolId, clientId } = await poolWith({ PostConfirmation: arns.recorder, PreAuthentication: arns.recorder, PostAuthentication: arns.recorder });
    await idp.send(new C.SignUpCommand({ ClientId: clientId, Username: 'pia', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'pia@example.com' }] }));
    const mail = (await (await fetch(`${emu.url}/_awslings/outbox?to=pia@example.com`)).json()) as { messages: { code: string }[] };
    await idp.send(new C.ConfirmSignUpCommand({ ClientId: clientId, Username: 'pia', ConfirmationCode: mail.messages.at(-1)!.code }));
    await idp.send(new C.InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'pia', PASSWORD } }));
    const seen = events('recorder').filter((e) => e.userPoolId === poolId);
    expect(seen.map((e) => e.triggerSource)).toEqual(['PostConfirmation_ConfirmSignUp', 'PreAuthentication_Authentication', 'PostAuthentication_Authentication']);
    expect(seen[0].request.userAttributes).toMatchObject({ email: 'pia@example.com', email_verified: 'true', 'cognito:user_status': 'CONFIRMED', sub: expect.any(String) });
    expect(seen[2].request.newDeviceUsed).toBe(false);
  });

  it('PreTokenGeneration adds and suppresses claims and overrides groups, but cannot touch protected claims', async () => {
    const { poolId, clientId } = await poolWith({ PreTokenGeneration: arns.preToken });
    await idp.send(new C.AdminCreateUserCommand({ UserPoolId: poolId, Username: 'quinn', UserAttributes: [{ Name: 'email', Value: 'quinn@example.com' }], MessageAction: 'SUPPRESS' }));
    await idp.send(new C.AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'quinn', Password: PASSWORD, Permanent: true }));
    const t = (await idp.send(new C.InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'quinn', PASSWORD } }))).AuthenticationResult!;
    const id = JSON.parse(Buffer.from(t.IdToken!.split('.')[1], 'base64url').toString());
    expect(id).toMatchObject({ plan: 'gold', 'cognito:username': 'quinn', 'cognito:groups': ['vip'] });
    expect(id.email).toBeUndefined();
    const access = JSON.parse(Buffer.from(t.AccessToken!.split('.')[1], 'base64url').toString());
    expect(access['cognito:groups']).toEqual(['vip']);
    expect(events('preToken').at(-1)).toMatchObject({ triggerSource: 'TokenGeneration_Authentication', request: { groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [], preferredRole: null } } });
  });

  it('CustomMessage rewrites the sign-up mail in the outbox', async () => {
    const { clientId } = await poolWith({ CustomMessage: arns.customMessage });
    await idp.send(new C.SignUpCommand({ ClientId: clientId, Username: 'rosa', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'rosa@example.com' }] }));
    const mail = ((await (await fetch(`${emu.url}/_awslings/outbox?to=rosa@example.com`)).json()) as { messages: { subject: string; text: string; code: string }[] }).messages.at(-1)!;
    expect(mail.subject).toBe('Welcome to the shop');
    expect(mail.text).toBe(`Hello rosa, your code is ${mail.code}`);
    expect(events('customMessage').at(-1)).toMatchObject({ triggerSource: 'CustomMessage_SignUp', request: { codeParameter: '{####}', usernameParameter: null } });
  });

  it('a function Cognito may not invoke (no lambda add-permission) fails the request as in AWS', async () => {
    const { clientId } = await poolWith({ PreSignUp: arns.recorder }, false);
    await expect(idp.send(new C.SignUpCommand({ ClientId: clientId, Username: 'sven', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'sven@example.com' }] }))).rejects.toMatchObject({
      name: 'UnexpectedLambdaException',
      message: 'PreSignUp invocation failed due to error AccessDeniedException.',
    });
  });
});
