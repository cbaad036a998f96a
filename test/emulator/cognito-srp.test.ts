import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as C from '@aws-sdk/client-cognito-identity-provider';
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserAttribute,
  CognitoUserPool,
  type CognitoUserSession,
  type ISignUpResult,
} from 'amazon-cognito-identity-js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { totp } from '../../src/emulator/services/cognito-idp/secrets.js';

/**
 * Sign-in with amazon-cognito-identity-js, a Cognito client library awslings did not write: its
 * SRP-6a (USER_SRP_AUTH, then PASSWORD_VERIFIER) must work against the sandbox unchanged.
 */
let emu: TestEmulator;
let idp: C.CognitoIdentityProviderClient;

beforeAll(async () => {
  emu = await startTestEmulator();
  idp = new C.CognitoIdentityProviderClient(emu.config());
});
afterAll(() => emu.close());

const PASSWORD = 'Sr9-sign-in!';

async function poolAndClient(input: Partial<C.CreateUserPoolRequest> = {}) {
  const poolId = (await idp.send(new C.CreateUserPoolCommand({ PoolName: 'srp', AutoVerifiedAttributes: ['email'], ...input }))).UserPool!.Id!;
  const client = (await idp.send(new C.CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'spa', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_PASSWORD_AUTH'] })))
    .UserPoolClient!;
  const userPool = new CognitoUserPool({ UserPoolId: poolId, ClientId: client.ClientId!, endpoint: emu.url });
  return { poolId, clientId: client.ClientId!, userPool };
}

function signIn(user: CognitoUser, password: string): Promise<{ session?: CognitoUserSession; challenge?: string; attrs?: unknown; error?: Error & { code?: string } }> {
  return new Promise((resolve) => {
    user.authenticateUser(new AuthenticationDetails({ Username: user.getUsername(), Password: password }), {
      onSuccess: (session) => resolve({ session }),
      onFailure: (error) => resolve({ error }),
      newPasswordRequired: (attrs) => resolve({ challenge: 'NEW_PASSWORD_REQUIRED', attrs }),
      totpRequired: (challenge) => resolve({ challenge }),
      mfaSetup: (challenge) => resolve({ challenge }),
    });
  });
}

async function code(to: string): Promise<string> {
  const res = await fetch(`${emu.url}/_awslings/outbox?to=${encodeURIComponent(to)}`);
  return ((await res.json()) as { messages: { code: string }[] }).messages.at(-1)!.code;
}

describe('SRP with amazon-cognito-identity-js', () => {
  it('signs up, confirms and signs in with USER_SRP_AUTH', async () => {
    const { poolId, clientId, userPool } = await poolAndClient();
    const signedUp = await new Promise<ISignUpResult>((resolve, reject) =>
      userPool.signUp('grace', PASSWORD, [new CognitoUserAttribute({ Name: 'email', Value: 'grace@example.com' })], [], (err, r) => (err ? reject(err) : resolve(r!))),
    );
    expect(signedUp.userConfirmed).toBe(false);
    const user = new CognitoUser({ Username: 'grace', Pool: userPool });
    const sent = await code('grace@example.com');
    const bad = await new Promise<Error & { code?: string }>((resolve) => user.confirmRegistration(sent === '000000' ? '111111' : '000000', true, (err) => resolve(err)));
    expect(bad).toMatchObject({ code: 'CodeMismatchException' });
    await new Promise<void>((resolve, reject) => user.confirmRegistration(sent, true, (err) => (err ? reject(err) : resolve())));

    const { session, error } = await signIn(user, PASSWORD);
    expect(error).toBeUndefined();
    const id = session!.getIdToken().decodePayload();
    expect(id).toMatchObject({ 'cognito:username': 'grace', email: 'grace@example.com', email_verified: true, aud: clientId, token_use: 'id' });
    expect(id.iss).toBe(`${emu.url}/${poolId}`);
    expect(session!.isValid()).toBe(true);

    const wrong = await signIn(new CognitoUser({ Username: 'grace', Pool: userPool }), 'Not-the-Passw0rd');
    expect(wrong.error).toMatchObject({ code: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  });

  it('AdminCreateUser with a temporary password: NEW_PASSWORD_REQUIRED through SRP, then completeNewPasswordChallenge', async () => {
    const { poolId, userPool } = await poolAndClient();
    await idp.send(
      new C.AdminCreateUserCommand({ UserPoolId: poolId, Username: 'henry', TemporaryPassword: 'Temp-Passw0rd!', UserAttributes: [{ Name: 'email', Value: 'henry@example.com' }], MessageAction: 'SUPPRESS' }),
    );
    const user = new CognitoUser({ Username: 'henry', Pool: userPool });
    const first = await signIn(user, 'Temp-Passw0rd!');
    expect(first.challenge).toBe('NEW_PASSWORD_REQUIRED');
    expect(first.attrs).toMatchObject({ email: 'henry@example.com' });
    const session = await new Promise<CognitoUserSession>((resolve, reject) =>
      user.completeNewPasswordChallenge(PASSWORD, {}, { onSuccess: resolve, onFailure: reject }),
    );
    expect(session.getAccessToken().decodePayload()).toMatchObject({ username: 'henry', token_use: 'access', scope: 'aws.cognito.signin.user.admin' });
    expect((await idp.send(new C.AdminGetUserCommand({ UserPoolId: poolId, Username: 'henry' }))).UserStatus).toBe('CONFIRMED');
    const again = await signIn(new CognitoUser({ Username: 'henry', Pool: userPool }), PASSWORD);
    expect(again.session?.isValid()).toBe(true);
  });

  it('signs in by email in a pool whose usernames are emails (USER_ID_FOR_SRP is the UUID username)', async () => {
    const { poolId, clientId, userPool } = await poolAndClient({ UsernameAttributes: ['email'] });
    const up = await idp.send(new C.SignUpCommand({ ClientId: clientId, Username: 'iris@example.com', Password: PASSWORD }));
    await idp.send(new C.AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'iris@example.com' }));
    const { session, error } = await signIn(new CognitoUser({ Username: 'iris@example.com', Pool: userPool }), PASSWORD);
    expect(error).toBeUndefined();
    expect(session!.getIdToken().decodePayload()['cognito:username']).toBe(up.UserSub);
  });

  it('refreshes a session (REFRESH_TOKEN_AUTH) and uses USER_PASSWORD_AUTH when asked', async () => {
    const { poolId, userPool } = await poolAndClient();
    await idp.send(new C.AdminCreateUserCommand({ UserPoolId: poolId, Username: 'jack', MessageAction: 'SUPPRESS' }));
    await idp.send(new C.AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'jack', Password: PASSWORD, Permanent: true }));
    const user = new CognitoUser({ Username: 'jack', Pool: userPool });
    user.setAuthenticationFlowType('USER_PASSWORD_AUTH');
    const { session } = await signIn(user, PASSWORD);
    const refreshed = await new Promise<CognitoUserSession>((resolve, reject) => user.refreshSession(session!.getRefreshToken(), (err, s) => (err ? reject(err) : resolve(s))));
    expect(refreshed.getAccessToken().getJwtToken()).not.toBe(session!.getAccessToken().getJwtToken());
    expect(refreshed.getIdToken().decodePayload().origin_jti).toBe(session!.getIdToken().decodePayload().origin_jti);
  });

  it('TOTP: associate, verify, prefer, then SOFTWARE_TOKEN_MFA at sign-in; a code works once', async () => {
    let now = Date.now();
    const clock = { now: () => now };
    const local = await startTestEmulator({ clock });
    try {
      const admin = new C.CognitoIdentityProviderClient(local.config());
      const poolId = (await admin.send(new C.CreateUserPoolCommand({ PoolName: 'mfa', MfaConfiguration: 'OPTIONAL' }))).UserPool!.Id!;
      await admin.send(new C.SetUserPoolMfaConfigCommand({ UserPoolId: poolId, SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: 'OPTIONAL' }));
      const clientId = (await admin.send(new C.CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'spa', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] })))
        .UserPoolClient!.ClientId!;
      await admin.send(new C.AdminCreateUserCommand({ UserPoolId: poolId, Username: 'kim', MessageAction: 'SUPPRESS' }));
      await admin.send(new C.AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'kim', Password: PASSWORD, Permanent: true }));
      const userPool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: local.url });
      const user = new CognitoUser({ Username: 'kim', Pool: userPool });
      expect((await signIn(user, PASSWORD)).session).toBeDefined();

      const secret = await new Promise<string>((resolve, reject) => user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject }));
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      await new Promise((resolve, reject) => user.verifySoftwareToken(totp(secret, now), 'phone', { onSuccess: resolve, onFailure: reject }));
      await new Promise((resolve, reject) => user.setUserMfaPreference(null, { Enabled: true, PreferredMfa: true }, (err, r) => (err ? reject(err) : resolve(r))));
      expect(await admin.send(new C.AdminGetUserCommand({ UserPoolId: poolId, Username: 'kim' }))).toMatchObject({ PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA', UserMFASettingList: ['SOFTWARE_TOKEN_MFA'] });

      now += 60_000;
      const second = new CognitoUser({ Username: 'kim', Pool: userPool });
      expect((await signIn(second, PASSWORD)).challenge).toBe('SOFTWARE_TOKEN_MFA');
      const wrong = await new Promise<Error & { code?: string }>((resolve) => second.sendMFACode('000000' === totp(secret, now) ? '111111' : '000000', { onSuccess: () => resolve(new Error('accepted')), onFailure: resolve }, 'SOFTWARE_TOKEN_MFA'));
      expect(wrong).toMatchObject({ code: 'CodeMismatchException', message: 'Invalid code received for user' });
      const session = await new Promise<CognitoUserSession>((resolve, reject) => second.sendMFACode(totp(secret, now), { onSuccess: resolve, onFailure: reject }, 'SOFTWARE_TOKEN_MFA'));
      expect(session.isValid()).toBe(true);

      const third = new CognitoUser({ Username: 'kim', Pool: userPool });
      expect((await signIn(third, PASSWORD)).challenge).toBe('SOFTWARE_TOKEN_MFA');
      const reused = await new Promise<Error & { code?: string }>((resolve) => third.sendMFACode(totp(secret, now), { onSuccess: () => resolve(new Error('accepted')), onFailure: resolve }, 'SOFTWARE_TOKEN_MFA'));
      expect(reused).toMatchObject({ code: 'ExpiredCodeException', message: 'Your software token has already been used once.' });
    } finally {
      await local.close();
    }
  });
});
