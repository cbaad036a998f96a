import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as C from '@aws-sdk/client-cognito-identity-provider';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
let idp: C.CognitoIdentityProviderClient;
/** The same client without credentials: the operations AWS accepts unsigned go out unsigned. */
let anon: C.CognitoIdentityProviderClient;

const PASSWORD = 'Correct-Horse-9';

interface Outboxed {
  to: string[];
  subject?: string;
  text?: string;
  code?: string;
  channel: string;
  meta?: Record<string, string>;
}

async function outbox(to: string): Promise<Outboxed[]> {
  const res = await fetch(`${emu.url}/_awslings/outbox?to=${encodeURIComponent(to)}`);
  return ((await res.json()) as { messages: Outboxed[] }).messages;
}

const lastCode = async (to: string) => (await outbox(to)).at(-1)!.code!;

async function pool(input: Partial<C.CreateUserPoolRequest> = {}) {
  const p = await idp.send(new C.CreateUserPoolCommand({ PoolName: 'test-pool', AutoVerifiedAttributes: ['email'], ...input }));
  return p.UserPool!.Id!;
}

async function appClient(poolId: string, input: Partial<C.CreateUserPoolClientRequest> = {}) {
  const c = await idp.send(
    new C.CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: 'web',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH'],
      ...input,
    }),
  );
  return c.UserPoolClient!;
}

async function confirmedUser(poolId: string, username: string, email: string, password = PASSWORD) {
  await idp.send(new C.AdminCreateUserCommand({ UserPoolId: poolId, Username: username, UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }], MessageAction: 'SUPPRESS' }));
  await idp.send(new C.AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: password, Permanent: true }));
}

const passwordAuth = (clientId: string, username: string, password: string, extra: Record<string, string> = {}) =>
  anon.send(new C.InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password, ...extra } }));

beforeAll(async () => {
  emu = await startTestEmulator();
  idp = new C.CognitoIdentityProviderClient(emu.config());
  anon = new C.CognitoIdentityProviderClient({ ...emu.config(), credentials: { accessKeyId: '', secretAccessKey: '' }, signer: { sign: async (r: unknown) => r } as never });
});
afterAll(() => emu.close());

describe('user pools', () => {
  it('CreateUserPool gives an id carrying the region, AWS defaults, and Describe/List/Update/Delete work', async () => {
    const created = await idp.send(new C.CreateUserPoolCommand({ PoolName: 'shop', UserPoolTags: { team: 'a' } }));
    const p = created.UserPool!;
    expect(p.Id).toMatch(/^us-east-1_[0-9A-Za-z]{9}$/);
    expect(p.Arn).toBe(`arn:aws:cognito-idp:us-east-1:000000000000:userpool/${p.Id}`);
    expect(p.Policies!.PasswordPolicy).toEqual({ MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 7 });
    expect(p).toMatchObject({ MfaConfiguration: 'OFF', DeletionProtection: 'INACTIVE', EstimatedNumberOfUsers: 0, UserPoolTags: { team: 'a' }, AdminCreateUserConfig: { AllowAdminCreateUserOnly: false, UnusedAccountValidityDays: 7 } });
    expect(p.SchemaAttributes!.map((a) => a.Name)).toContain('email_verified');
    expect(p.SchemaAttributes!.find((a) => a.Name === 'sub')).toMatchObject({ Mutable: false, Required: true });

    const listed = await idp.send(new C.ListUserPoolsCommand({ MaxResults: 60 }));
    expect(listed.UserPools!.map((x) => x.Id)).toContain(p.Id);

    await idp.send(new C.UpdateUserPoolCommand({ UserPoolId: p.Id, Policies: { PasswordPolicy: { MinimumLength: 12 } }, DeletionProtection: 'ACTIVE' }));
    const d = (await idp.send(new C.DescribeUserPoolCommand({ UserPoolId: p.Id }))).UserPool!;
    // UpdateUserPool replaces the settings it is given, as in AWS: the other password rules fall back to false.
    expect(d.Policies!.PasswordPolicy).toMatchObject({ MinimumLength: 12, RequireUppercase: false });
    await expect(idp.send(new C.DeleteUserPoolCommand({ UserPoolId: p.Id }))).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringContaining('deletion protection') });
    await idp.send(new C.UpdateUserPoolCommand({ UserPoolId: p.Id, DeletionProtection: 'INACTIVE' }));
    await idp.send(new C.DeleteUserPoolCommand({ UserPoolId: p.Id }));
    await expect(idp.send(new C.DescribeUserPoolCommand({ UserPoolId: p.Id }))).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: `User pool ${p.Id} does not exist.`, $metadata: { httpStatusCode: 400 } });
  });

  it('validates the password policy and pool ids as AWS words it', async () => {
    await expect(idp.send(new C.CreateUserPoolCommand({ PoolName: 'x', Policies: { PasswordPolicy: { MinimumLength: 5 } } }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: "1 validation error detected: Value '5' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have value greater than or equal to 6",
    });
    await expect(idp.send(new C.DescribeUserPoolCommand({ UserPoolId: 'us-east-1_nothere12' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(idp.send(new C.ListUsersCommand({ UserPoolId: undefined as never }))).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringContaining("Value null at 'userPoolId'") });
  });

  it('custom attributes, tags and MFA configuration', async () => {
    const id = await pool({ Schema: [{ Name: 'tier', AttributeDataType: 'String', Mutable: true }] });
    await idp.send(new C.AddCustomAttributesCommand({ UserPoolId: id, CustomAttributes: [{ Name: 'score', AttributeDataType: 'Number' }] }));
    const d = (await idp.send(new C.DescribeUserPoolCommand({ UserPoolId: id }))).UserPool!;
    expect(d.SchemaAttributes!.filter((a) => a.Name!.startsWith('custom:')).map((a) => a.Name)).toEqual(['custom:tier', 'custom:score']);
    const arn = d.Arn!;
    await idp.send(new C.TagResourceCommand({ ResourceArn: arn, Tags: { env: 'dev', owner: 'me' } }));
    await idp.send(new C.UntagResourceCommand({ ResourceArn: arn, TagKeys: ['owner'] }));
    expect((await idp.send(new C.ListTagsForResourceCommand({ ResourceArn: arn }))).Tags).toEqual({ env: 'dev' });
    await idp.send(new C.SetUserPoolMfaConfigCommand({ UserPoolId: id, SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: 'OPTIONAL' }));
    expect(await idp.send(new C.GetUserPoolMfaConfigCommand({ UserPoolId: id }))).toMatchObject({ MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } });
  });
});

describe('app clients', () => {
  it('with and without a secret; Update resets what it is not given; List and Delete', async () => {
    const id = await pool();
    const plain = await appClient(id);
    expect(plain.ClientId).toMatch(/^[a-z0-9]{26}$/);
    expect(plain.ClientSecret).toBeUndefined();
    expect(plain).toMatchObject({ RefreshTokenValidity: 30, AuthSessionValidity: 3, EnableTokenRevocation: true, AllowedOAuthFlowsUserPoolClient: false });
    const secret = await appClient(id, { ClientName: 'server', GenerateSecret: true });
    expect(secret.ClientSecret).toMatch(/^[a-z0-9]{51}$/);
    const updated = (await idp.send(new C.UpdateUserPoolClientCommand({ UserPoolId: id, ClientId: secret.ClientId, AccessTokenValidity: 2 }))).UserPoolClient!;
    expect(updated.ClientSecret).toBe(secret.ClientSecret);
    expect(updated.AccessTokenValidity).toBe(2);
    expect(updated.ExplicitAuthFlows).toBeUndefined();
    const listed = await idp.send(new C.ListUserPoolClientsCommand({ UserPoolId: id }));
    expect(listed.UserPoolClients!.map((c) => c.ClientName).sort()).toEqual(['server', 'web']);
    await idp.send(new C.DeleteUserPoolClientCommand({ UserPoolId: id, ClientId: plain.ClientId }));
    await expect(idp.send(new C.DescribeUserPoolClientCommand({ UserPoolId: id, ClientId: plain.ClientId }))).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: `User pool client ${plain.ClientId} does not exist.` });
  });

  it('checks OAuth settings: client_credentials needs a secret and custom scopes', async () => {
    const id = await pool();
    await expect(appClient(id, { AllowedOAuthFlows: ['client_credentials'], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: ['api/read'] })).rejects.toMatchObject({
      message: 'client_credentials flow can not be selected if client does not have a client secret.',
    });
    await expect(appClient(id, { GenerateSecret: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: ['api/read'] })).rejects.toMatchObject({
      name: 'ScopeDoesNotExistException',
    });
    await idp.send(new C.CreateResourceServerCommand({ UserPoolId: id, Identifier: 'api', Name: 'API', Scopes: [{ ScopeName: 'read', ScopeDescription: 'read things' }] }));
    const c = await appClient(id, { GenerateSecret: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: ['api/read'] });
    expect(c.AllowedOAuthScopes).toEqual(['api/read']);
  });
});

describe('sign-up and confirmation', () => {
  it('SignUp sends a code to the outbox with Cognito\'s text; ConfirmSignUp confirms and verifies the email', async () => {
    const id = await pool();
    const c = await appClient(id);
    const res = await anon.send(new C.SignUpCommand({ ClientId: c.ClientId, Username: 'ada', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'ada@example.com' }] }));
    expect(res.UserConfirmed).toBe(false);
    expect(res.UserSub).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.CodeDeliveryDetails).toEqual({ Destination: 'a***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    const mail = (await outbox('ada@example.com')).at(-1)!;
    expect(mail).toMatchObject({ channel: 'email', subject: 'Your verification code', meta: { userPoolId: id, username: 'ada' } });
    expect(mail.text).toBe(`Your verification code is ${mail.code}. `);

    await expect(passwordAuth(c.ClientId!, 'ada', PASSWORD)).rejects.toMatchObject({ name: 'UserNotConfirmedException', message: 'User is not confirmed.' });
    await expect(anon.send(new C.ConfirmSignUpCommand({ ClientId: c.ClientId, Username: 'ada', ConfirmationCode: '000000' === mail.code ? '111111' : '000000' }))).rejects.toMatchObject({
      name: 'CodeMismatchException',
      message: 'Invalid verification code provided, please try again.',
    });
    await anon.send(new C.ResendConfirmationCodeCommand({ ClientId: c.ClientId, Username: 'ada' }));
    const code = await lastCode('ada@example.com');
    expect(code).not.toBe(mail.code);
    await anon.send(new C.ConfirmSignUpCommand({ ClientId: c.ClientId, Username: 'ada', ConfirmationCode: code }));
    const u = await idp.send(new C.AdminGetUserCommand({ UserPoolId: id, Username: 'ada' }));
    expect(u.UserStatus).toBe('CONFIRMED');
    expect(u.UserAttributes).toContainEqual({ Name: 'email_verified', Value: 'true' });
    await expect(anon.send(new C.ConfirmSignUpCommand({ ClientId: c.ClientId, Username: 'ada', ConfirmationCode: code }))).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'User cannot be confirmed. Current status is CONFIRMED',
    });
  });

  it('refuses existing usernames, weak passwords and unknown attributes', async () => {
    const id = await pool({ Policies: { PasswordPolicy: { MinimumLength: 10, RequireNumbers: true } } });
    const c = await appClient(id);
    await anon.send(new C.SignUpCommand({ ClientId: c.ClientId, Username: 'bob', Password: 'long-enough-1', UserAttributes: [{ Name: 'email', Value: 'bob@example.com' }] }));
    await expect(anon.send(new C.SignUpCommand({ ClientId: c.ClientId, Username: 'bob', Password: 'long-enough-1' }))).rejects.toMatchObject({ name: 'UsernameExistsException', message: 'User already exists' });
    await expect(anon.send(new C.SignUpCommand({ ClientId: c.ClientId, Username: 'bo2', Password: 'short-1' }))).rejects.toMatchObject({
      name: 'InvalidPasswordException',
      message: 'Password did not conform with policy: Password not long enough',
    });
    await expect(anon.send(new C.SignUpCommand({ ClientId: c.ClientId, Username: 'bo2', Password: 'no-numbers-here' }))).rejects.toMatchObject({
      message: 'Password did not conform with policy: Password must have numeric characters',
    });
    await expect(anon.send(new C.SignUpCommand({ ClientId: c.ClientId, Username: 'bo3', Password: 'long-enough-1', UserAttributes: [{ Name: 'custom:nope', Value: 'x' }] }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Attributes did not conform to the schema: Type for attribute {custom:nope} could not be determined',
    });
    await expect(anon.send(new C.SignUpCommand({ ClientId: 'abcdefghijklmnopqrstuvwxyz', Username: 'x', Password: 'long-enough-1' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('pools with email as username keep a UUID username and sign in by email', async () => {
    const id = await pool({ UsernameAttributes: ['email'] });
    const c = await appClient(id);
    await expect(anon.send(new C.SignUpCommand({ ClientId: c.ClientId, Username: 'not-an-email', Password: PASSWORD }))).rejects.toMatchObject({ message: 'Username should be an email.' });
    const res = await anon.send(new C.SignUpCommand({ ClientId: c.ClientId, Username: 'eve@example.com', Password: PASSWORD }));
    await anon.send(new C.ConfirmSignUpCommand({ ClientId: c.ClientId, Username: 'eve@example.com', ConfirmationCode: await lastCode('eve@example.com') }));
    await expect(anon.send(new C.SignUpCommand({ ClientId: c.ClientId, Username: 'eve@example.com', Password: PASSWORD }))).rejects.toMatchObject({
      name: 'UsernameExistsException',
      message: 'An account with the given email already exists.',
    });
    const u = await idp.send(new C.AdminGetUserCommand({ UserPoolId: id, Username: 'eve@example.com' }));
    expect(u.Username).toBe(res.UserSub);
    const signed = await passwordAuth(c.ClientId!, 'eve@example.com', PASSWORD);
    expect(signed.AuthenticationResult!.AccessToken).toBeTruthy();
  });

  it('SECRET_HASH is required and checked for clients with a secret', async () => {
    const id = await pool();
    const c = await appClient(id, { GenerateSecret: true });
    const hash = (u: string) => createHmac('sha256', c.ClientSecret!).update(u + c.ClientId).digest('base64');
    await expect(anon.send(new C.SignUpCommand({ ClientId: c.ClientId, Username: 'sam', Password: PASSWORD }))).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: `Client ${c.ClientId} is configured for secret but secret was not received`,
    });
    await expect(anon.send(new C.SignUpCommand({ ClientId: c.ClientId, Username: 'sam', Password: PASSWORD, SecretHash: hash('other') }))).rejects.toMatchObject({
      message: `Unable to verify secret hash for client ${c.ClientId}`,
    });
    await anon.send(new C.SignUpCommand({ ClientId: c.ClientId, Username: 'sam', Password: PASSWORD, SecretHash: hash('sam'), UserAttributes: [{ Name: 'email', Value: 'sam@example.com' }] }));
    await idp.send(new C.AdminConfirmSignUpCommand({ UserPoolId: id, Username: 'sam' }));
    await expect(passwordAuth(c.ClientId!, 'sam', PASSWORD)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    const ok = await passwordAuth(c.ClientId!, 'sam', PASSWORD, { SECRET_HASH: hash('sam') });
    expect(ok.AuthenticationResult!.IdToken).toBeTruthy();
  });
});

describe('sign-in', () => {
  it('USER_PASSWORD_AUTH gives tokens; wrong passwords and unknown users fail as in Cognito', async () => {
    const id = await pool();
    const c = await appClient(id);
    await confirmedUser(id, 'carol', 'carol@example.com');
    const res = await passwordAuth(c.ClientId!, 'carol', PASSWORD);
    expect(res.ChallengeParameters).toEqual({});
    expect(res.AuthenticationResult).toMatchObject({ ExpiresIn: 3600, TokenType: 'Bearer' });
    expect(res.AuthenticationResult!.RefreshToken!.split('.')).toHaveLength(5);
    await expect(passwordAuth(c.ClientId!, 'carol', 'Wrong-pass-1')).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.', $metadata: { httpStatusCode: 400 } });
    await expect(passwordAuth(c.ClientId!, 'nobody', PASSWORD)).rejects.toMatchObject({ name: 'UserNotFoundException', message: 'User does not exist.' });

    const hiding = await appClient(id, { PreventUserExistenceErrors: 'ENABLED' });
    await expect(passwordAuth(hiding.ClientId!, 'nobody', PASSWORD)).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });

    const me = await anon.send(new C.GetUserCommand({ AccessToken: res.AuthenticationResult!.AccessToken }));
    expect(me.Username).toBe('carol');
    expect(me.UserAttributes).toContainEqual({ Name: 'email', Value: 'carol@example.com' });
  });

  it('refuses flows the client does not allow', async () => {
    const id = await pool();
    const c = await appClient(id, { ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
    await confirmedUser(id, 'dan', 'dan@example.com');
    await expect(passwordAuth(c.ClientId!, 'dan', PASSWORD)).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'USER_PASSWORD_AUTH flow not enabled for this client' });
    await expect(
      idp.send(new C.AdminInitiateAuthCommand({ UserPoolId: id, ClientId: c.ClientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'dan', PASSWORD } })),
    ).rejects.toMatchObject({ message: 'Auth flow not enabled for this client' });
  });

  it('AdminCreateUser: temporary password by mail, NEW_PASSWORD_REQUIRED, then tokens', async () => {
    const id = await pool();
    const c = await appClient(id);
    const created = await idp.send(
      new C.AdminCreateUserCommand({ UserPoolId: id, Username: 'erin', UserAttributes: [{ Name: 'email', Value: 'erin@example.com' }], DesiredDeliveryMediums: ['EMAIL'] }),
    );
    expect(created.User).toMatchObject({ Username: 'erin', UserStatus: 'FORCE_CHANGE_PASSWORD', Enabled: true });
    const mail = (await outbox('erin@example.com')).at(-1)!;
    expect(mail.subject).toBe('Your temporary password');
    expect(mail.text).toBe(`Your username is erin and temporary password is ${mail.code}. `);
    const first = await passwordAuth(c.ClientId!, 'erin', mail.code!);
    expect(first.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    expect(JSON.parse(first.ChallengeParameters!.userAttributes)).toEqual({ email: 'erin@example.com' });
    await expect(
      anon.send(new C.RespondToAuthChallengeCommand({ ClientId: c.ClientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: first.Session, ChallengeResponses: { USERNAME: 'erin', NEW_PASSWORD: 'weak' } })),
    ).rejects.toMatchObject({ name: 'InvalidPasswordException' });
    const done = await anon.send(
      new C.RespondToAuthChallengeCommand({ ClientId: c.ClientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: first.Session, ChallengeResponses: { USERNAME: 'erin', NEW_PASSWORD: PASSWORD } }),
    );
    expect(done.AuthenticationResult!.AccessToken).toBeTruthy();
    expect((await idp.send(new C.AdminGetUserCommand({ UserPoolId: id, Username: 'erin' }))).UserStatus).toBe('CONFIRMED');
    await expect(
      anon.send(new C.RespondToAuthChallengeCommand({ ClientId: c.ClientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 'garbage', ChallengeResponses: { USERNAME: 'erin', NEW_PASSWORD: PASSWORD } })),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid session for the user, session is expired.' });
  });

  it('REFRESH_TOKEN_AUTH, GlobalSignOut and RevokeToken', async () => {
    const id = await pool();
    const c = await appClient(id);
    await confirmedUser(id, 'fay', 'fay@example.com');
    const t1 = (await passwordAuth(c.ClientId!, 'fay', PASSWORD)).AuthenticationResult!;
    const r = await anon.send(new C.InitiateAuthCommand({ ClientId: c.ClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: t1.RefreshToken! } }));
    expect(r.AuthenticationResult!.AccessToken).toBeTruthy();
    expect(r.AuthenticationResult!.RefreshToken).toBeUndefined();

    await anon.send(new C.RevokeTokenCommand({ ClientId: c.ClientId, Token: t1.RefreshToken }));
    await expect(anon.send(new C.InitiateAuthCommand({ ClientId: c.ClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: t1.RefreshToken! } }))).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Refresh Token has been revoked',
    });
    await expect(anon.send(new C.GetUserCommand({ AccessToken: r.AuthenticationResult!.AccessToken }))).rejects.toMatchObject({ message: 'Access Token has been revoked' });

    const t2 = (await passwordAuth(c.ClientId!, 'fay', PASSWORD)).AuthenticationResult!;
    await anon.send(new C.GlobalSignOutCommand({ AccessToken: t2.AccessToken }));
    await expect(anon.send(new C.GetUserCommand({ AccessToken: t2.AccessToken }))).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
    const t3 = (await passwordAuth(c.ClientId!, 'fay', PASSWORD)).AuthenticationResult!;
    expect((await anon.send(new C.GetUserCommand({ AccessToken: t3.AccessToken }))).Username).toBe('fay');
  });

  it('disabled users cannot sign in; ChangePassword and ForgotPassword', async () => {
    const id = await pool();
    const c = await appClient(id);
    await confirmedUser(id, 'gus', 'gus@example.com');
    await idp.send(new C.AdminDisableUserCommand({ UserPoolId: id, Username: 'gus' }));
    await expect(passwordAuth(c.ClientId!, 'gus', PASSWORD)).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'User is disabled.' });
    await idp.send(new C.AdminEnableUserCommand({ UserPoolId: id, Username: 'gus' }));
    const t = (await passwordAuth(c.ClientId!, 'gus', PASSWORD)).AuthenticationResult!;
    await expect(anon.send(new C.ChangePasswordCommand({ AccessToken: t.AccessToken, PreviousPassword: 'Wrong-pass-1', ProposedPassword: 'New-Passw0rd!' }))).rejects.toMatchObject({
      message: 'Incorrect username or password.',
    });
    await anon.send(new C.ChangePasswordCommand({ AccessToken: t.AccessToken, PreviousPassword: PASSWORD, ProposedPassword: 'New-Passw0rd!' }));
    await passwordAuth(c.ClientId!, 'gus', 'New-Passw0rd!');

    const fp = await anon.send(new C.ForgotPasswordCommand({ ClientId: c.ClientId, Username: 'gus' }));
    expect(fp.CodeDeliveryDetails).toMatchObject({ DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    const code = await lastCode('gus@example.com');
    await expect(anon.send(new C.ConfirmForgotPasswordCommand({ ClientId: c.ClientId, Username: 'gus', ConfirmationCode: code, Password: 'short' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await anon.send(new C.ConfirmForgotPasswordCommand({ ClientId: c.ClientId, Username: 'gus', ConfirmationCode: code, Password: 'Reset-Passw0rd!' }));
    await passwordAuth(c.ClientId!, 'gus', 'Reset-Passw0rd!');
    await expect(anon.send(new C.ConfirmForgotPasswordCommand({ ClientId: c.ClientId, Username: 'gus', ConfirmationCode: code, Password: 'Again-Passw0rd!' }))).rejects.toMatchObject({
      name: 'ExpiredCodeException',
      message: 'Invalid code provided, please request a code again.',
    });
  });
});

describe('user administration', () => {
  it('ListUsers with Cognito\'s filter syntax, limits and pagination, and AttributesToGet', async () => {
    const id = await pool();
    for (const [u, email, name] of [['u1', 'anna@example.com', 'Anna'], ['u2', 'anton@example.com', 'Anton'], ['u3', 'berta@other.org', 'Berta']]) {
      await idp.send(new C.AdminCreateUserCommand({ UserPoolId: id, Username: u, UserAttributes: [{ Name: 'email', Value: email }, { Name: 'name', Value: name }], MessageAction: 'SUPPRESS' }));
    }
    await idp.send(new C.AdminDisableUserCommand({ UserPoolId: id, Username: 'u3' }));
    const names = async (Filter?: string) => (await idp.send(new C.ListUsersCommand({ UserPoolId: id, Filter }))).Users!.map((u) => u.Username);
    expect(await names()).toEqual(['u1', 'u2', 'u3']);
    expect(await names('email ^= "an"')).toEqual(['u1', 'u2']);
    expect(await names('email = "berta@other.org"')).toEqual(['u3']);
    expect(await names('name = "Anna"')).toEqual(['u1']);
    expect(await names('status = "Disabled"')).toEqual(['u3']);
    expect(await names('cognito:user_status = "FORCE_CHANGE_PASSWORD"')).toEqual(['u1', 'u2', 'u3']);
    expect(await names('username ^= "u"')).toHaveLength(3);
    await expect(names('email contains "a"')).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'Invalid search filter' });
    await expect(names('address = "x"')).rejects.toMatchObject({ name: 'InvalidParameterException' });
    const p1 = await idp.send(new C.ListUsersCommand({ UserPoolId: id, Limit: 2, AttributesToGet: ['email'] }));
    expect(p1.Users).toHaveLength(2);
    expect(p1.Users![0].Attributes).toEqual([{ Name: 'email', Value: 'anna@example.com' }]);
    const p2 = await idp.send(new C.ListUsersCommand({ UserPoolId: id, Limit: 2, PaginationToken: p1.PaginationToken }));
    expect(p2.Users!.map((u) => u.Username)).toEqual(['u3']);
    expect(p2.PaginationToken).toBeUndefined();
  });

  it('attributes: AdminUpdateUserAttributes sends a code for a new email; UpdateUserAttributes, verification, deletion', async () => {
    const id = await pool();
    const c = await appClient(id);
    await confirmedUser(id, 'hugo', 'hugo@example.com');
    await idp.send(new C.AdminUpdateUserAttributesCommand({ UserPoolId: id, Username: 'hugo', UserAttributes: [{ Name: 'email', Value: 'hugo@new.example' }, { Name: 'given_name', Value: 'Hugo' }] }));
    let u = await idp.send(new C.AdminGetUserCommand({ UserPoolId: id, Username: 'hugo' }));
    expect(u.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'email', Value: 'hugo@new.example' }, { Name: 'email_verified', Value: 'false' }, { Name: 'given_name', Value: 'Hugo' }]));
    const t = (await passwordAuth(c.ClientId!, 'hugo', PASSWORD)).AuthenticationResult!;
    const code = await lastCode('hugo@new.example');
    await expect(anon.send(new C.VerifyUserAttributeCommand({ AccessToken: t.AccessToken, AttributeName: 'email', Code: code === '123456' ? '654321' : '123456' }))).rejects.toMatchObject({ name: 'CodeMismatchException' });
    await anon.send(new C.VerifyUserAttributeCommand({ AccessToken: t.AccessToken, AttributeName: 'email', Code: code }));
    u = await idp.send(new C.AdminGetUserCommand({ UserPoolId: id, Username: 'hugo' }));
    expect(u.UserAttributes).toContainEqual({ Name: 'email_verified', Value: 'true' });

    const upd = await anon.send(new C.UpdateUserAttributesCommand({ AccessToken: t.AccessToken, UserAttributes: [{ Name: 'email', Value: 'hugo@third.example' }] }));
    expect(upd.CodeDeliveryDetailsList).toEqual([{ Destination: 'h***@t***', DeliveryMedium: 'EMAIL', AttributeName: 'email' }]);
    const again = await anon.send(new C.GetUserAttributeVerificationCodeCommand({ AccessToken: t.AccessToken, AttributeName: 'email' }));
    expect(again.CodeDeliveryDetails!.AttributeName).toBe('email');
    await anon.send(new C.VerifyUserAttributeCommand({ AccessToken: t.AccessToken, AttributeName: 'email', Code: await lastCode('hugo@third.example') }));
    await expect(anon.send(new C.UpdateUserAttributesCommand({ AccessToken: t.AccessToken, UserAttributes: [{ Name: 'sub', Value: 'x' }] }))).rejects.toMatchObject({ name: 'InvalidParameterException' });

    await anon.send(new C.DeleteUserAttributesCommand({ AccessToken: t.AccessToken, UserAttributeNames: ['given_name'] }));
    await idp.send(new C.AdminDeleteUserAttributesCommand({ UserPoolId: id, Username: 'hugo', UserAttributeNames: ['email'] }));
    const me = await anon.send(new C.GetUserCommand({ AccessToken: t.AccessToken }));
    expect(me.UserAttributes!.map((a) => a.Name)).toEqual(['sub']);
  });

  it('AdminResetUserPassword, AdminUserGlobalSignOut, DeleteUser and AdminDeleteUser', async () => {
    const id = await pool();
    const c = await appClient(id);
    await confirmedUser(id, 'ivy', 'ivy@example.com');
    const t = (await passwordAuth(c.ClientId!, 'ivy', PASSWORD)).AuthenticationResult!;
    await idp.send(new C.AdminUserGlobalSignOutCommand({ UserPoolId: id, Username: 'ivy' }));
    await expect(anon.send(new C.GetUserCommand({ AccessToken: t.AccessToken }))).rejects.toMatchObject({ message: 'Access Token has been revoked' });
    await expect(anon.send(new C.InitiateAuthCommand({ ClientId: c.ClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: t.RefreshToken! } }))).rejects.toMatchObject({
      message: 'Refresh Token has been revoked',
    });

    await idp.send(new C.AdminResetUserPasswordCommand({ UserPoolId: id, Username: 'ivy' }));
    expect((await idp.send(new C.AdminGetUserCommand({ UserPoolId: id, Username: 'ivy' }))).UserStatus).toBe('RESET_REQUIRED');
    await expect(passwordAuth(c.ClientId!, 'ivy', PASSWORD)).rejects.toMatchObject({ name: 'PasswordResetRequiredException', message: 'Password reset required for the user' });
    await anon.send(new C.ConfirmForgotPasswordCommand({ ClientId: c.ClientId, Username: 'ivy', ConfirmationCode: await lastCode('ivy@example.com'), Password: 'After-Reset-1' }));
    const t2 = (await passwordAuth(c.ClientId!, 'ivy', 'After-Reset-1')).AuthenticationResult!;
    await anon.send(new C.DeleteUserCommand({ AccessToken: t2.AccessToken }));
    await expect(idp.send(new C.AdminGetUserCommand({ UserPoolId: id, Username: 'ivy' }))).rejects.toMatchObject({ name: 'UserNotFoundException', message: 'User does not exist.' });

    await confirmedUser(id, 'jay', 'jay@example.com');
    await idp.send(new C.AdminDeleteUserCommand({ UserPoolId: id, Username: 'jay' }));
    await expect(idp.send(new C.AdminDeleteUserCommand({ UserPoolId: id, Username: 'jay' }))).rejects.toMatchObject({ name: 'UserNotFoundException' });
  });

  it('password history, and the admin wording of policy errors', async () => {
    const id = await pool({ Policies: { PasswordPolicy: { MinimumLength: 8, RequireNumbers: true, PasswordHistorySize: 2 } } });
    const c = await appClient(id);
    await confirmedUser(id, 'kai', 'kai@example.com', 'first-pass-1');
    await expect(idp.send(new C.AdminSetUserPasswordCommand({ UserPoolId: id, Username: 'kai', Password: 'no-digits-here', Permanent: true }))).rejects.toMatchObject({
      name: 'InvalidPasswordException',
      message: 'Password did not conform with password policy: Password must have numeric characters',
    });
    const t = (await passwordAuth(c.ClientId!, 'kai', 'first-pass-1')).AuthenticationResult!;
    await anon.send(new C.ChangePasswordCommand({ AccessToken: t.AccessToken, PreviousPassword: 'first-pass-1', ProposedPassword: 'second-pass-2' }));
    await expect(anon.send(new C.ChangePasswordCommand({ AccessToken: t.AccessToken, PreviousPassword: 'second-pass-2', ProposedPassword: 'first-pass-1' }))).rejects.toMatchObject({
      message: 'Password did not conform with policy: Password has previously been used',
    });
  });

  it('MFA required: MFA_SETUP with a session, AssociateSoftwareToken and VerifySoftwareToken, through the admin auth calls', async () => {
    const { totp } = await import('../../src/emulator/services/cognito-idp/secrets.js');
    const id = await pool();
    await idp.send(new C.SetUserPoolMfaConfigCommand({ UserPoolId: id, SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: 'ON' }));
    const c = await appClient(id);
    await confirmedUser(id, 'lou', 'lou@example.com');
    const start = await idp.send(new C.AdminInitiateAuthCommand({ UserPoolId: id, ClientId: c.ClientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'lou', PASSWORD } }));
    expect(start.ChallengeName).toBe('MFA_SETUP');
    const assoc = await anon.send(new C.AssociateSoftwareTokenCommand({ Session: start.Session }));
    const verified = await anon.send(new C.VerifySoftwareTokenCommand({ Session: assoc.Session, UserCode: totp(assoc.SecretCode!, Date.now()) }));
    expect(verified.Status).toBe('SUCCESS');
    const done = await idp.send(new C.AdminRespondToAuthChallengeCommand({ UserPoolId: id, ClientId: c.ClientId, ChallengeName: 'MFA_SETUP', Session: verified.Session, ChallengeResponses: { USERNAME: 'lou' } }));
    expect(done.AuthenticationResult!.IdToken).toBeTruthy();
    const next = await idp.send(new C.AdminInitiateAuthCommand({ UserPoolId: id, ClientId: c.ClientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'lou', PASSWORD } }));
    expect(next.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    await idp.send(new C.AdminSetUserMFAPreferenceCommand({ UserPoolId: id, Username: 'lou', SoftwareTokenMfaSettings: { Enabled: false } }));
    expect((await idp.send(new C.AdminGetUserCommand({ UserPoolId: id, Username: 'lou' }))).UserMFASettingList).toBeUndefined();
  });

  it('domains, resource servers and identity providers: update and delete', async () => {
    const id = await pool();
    await idp.send(new C.CreateUserPoolDomainCommand({ UserPoolId: id, Domain: 'admin-test-domain' }));
    await expect(idp.send(new C.DeleteUserPoolCommand({ UserPoolId: id }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect((await idp.send(new C.UpdateUserPoolDomainCommand({ UserPoolId: id, Domain: 'admin-test-domain', ManagedLoginVersion: 2 }))).ManagedLoginVersion).toBe(2);
    await idp.send(new C.DeleteUserPoolDomainCommand({ UserPoolId: id, Domain: 'admin-test-domain' }));
    expect((await idp.send(new C.DescribeUserPoolDomainCommand({ Domain: 'admin-test-domain' }))).DomainDescription).toEqual({});

    await idp.send(new C.CreateResourceServerCommand({ UserPoolId: id, Identifier: 'inventory', Name: 'Inventory', Scopes: [{ ScopeName: 'read', ScopeDescription: 'r' }] }));
    await idp.send(new C.UpdateResourceServerCommand({ UserPoolId: id, Identifier: 'inventory', Name: 'Inventory v2', Scopes: [{ ScopeName: 'write', ScopeDescription: 'w' }] }));
    expect((await idp.send(new C.DescribeResourceServerCommand({ UserPoolId: id, Identifier: 'inventory' }))).ResourceServer).toEqual({ UserPoolId: id, Identifier: 'inventory', Name: 'Inventory v2', Scopes: [{ ScopeName: 'write', ScopeDescription: 'w' }] });
    await idp.send(new C.DeleteResourceServerCommand({ UserPoolId: id, Identifier: 'inventory' }));
    await expect(idp.send(new C.DescribeResourceServerCommand({ UserPoolId: id, Identifier: 'inventory' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

    await idp.send(
      new C.CreateIdentityProviderCommand({ UserPoolId: id, ProviderName: 'Facebook', ProviderType: 'Facebook', ProviderDetails: { client_id: '1', client_secret: 's', authorize_scopes: 'email' }, IdpIdentifiers: ['fb'] }),
    );
    expect((await idp.send(new C.GetIdentityProviderByIdentifierCommand({ UserPoolId: id, IdpIdentifier: 'fb' }))).IdentityProvider!.ProviderName).toBe('Facebook');
    await idp.send(new C.DeleteIdentityProviderCommand({ UserPoolId: id, ProviderName: 'Facebook' }));
    await expect(idp.send(new C.DescribeIdentityProviderCommand({ UserPoolId: id, ProviderName: 'Facebook' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('accounts, IAM and persistence', () => {
  it('unsigned calls find pools of any account from the client id alone; IAM users are limited to the pools their policy names', async () => {
    const other = new C.CognitoIdentityProviderClient(emu.config({ accessKeyId: '111122223333', secretAccessKey: 'x' }));
    const id = (await other.send(new C.CreateUserPoolCommand({ PoolName: 'other-account' }))).UserPool!.Id!;
    const c = (await other.send(new C.CreateUserPoolClientCommand({ UserPoolId: id, ClientName: 'c', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] }))).UserPoolClient!;
    await anon.send(new C.SignUpCommand({ ClientId: c.ClientId, Username: 'mona', Password: PASSWORD }));
    await other.send(new C.AdminConfirmSignUpCommand({ UserPoolId: id, Username: 'mona' }));
    const t = (await passwordAuth(c.ClientId!, 'mona', PASSWORD)).AuthenticationResult!;
    expect(JSON.parse(Buffer.from(t.IdToken!.split('.')[1], 'base64url').toString()).iss).toBe(`${emu.url}/${id}`);
    // The pool is another account's: the default account's admin calls do not see it.
    await expect(idp.send(new C.DescribeUserPoolCommand({ UserPoolId: id }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

    const { IAMClient, CreateUserCommand, PutUserPolicyCommand, CreateAccessKeyCommand } = await import('@aws-sdk/client-iam');
    const iam = new IAMClient(emu.config());
    const mine = await pool();
    const theirs = await pool();
    await iam.send(new CreateUserCommand({ UserName: 'pool-admin' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'pool-admin',
        PolicyName: 'one-pool',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'cognito-idp:ListUsers', Resource: `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${mine}` }] }),
      }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'pool-admin' }))).AccessKey!;
    const asAdmin = new C.CognitoIdentityProviderClient(emu.config({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }));
    await asAdmin.send(new C.ListUsersCommand({ UserPoolId: mine }));
    await expect(asAdmin.send(new C.ListUsersCommand({ UserPoolId: theirs }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(`cognito-idp:ListUsers on resource: arn:aws:cognito-idp:us-east-1:000000000000:userpool/${theirs}`),
    });
  });

  it('pools, users, passwords and keys survive a restart; tokens issued before it still verify', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'awslings-cognito-state-'));
    try {
      let e = await startTestEmulator({ stateDir: dir });
      let admin = new C.CognitoIdentityProviderClient(e.config({ accessKeyId: '222233334444', secretAccessKey: 'x' }));
      const id = (await admin.send(new C.CreateUserPoolCommand({ PoolName: 'durable' }))).UserPool!.Id!;
      const c = (await admin.send(new C.CreateUserPoolClientCommand({ UserPoolId: id, ClientName: 'c', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] }))).UserPoolClient!;
      await admin.send(new C.AdminCreateUserCommand({ UserPoolId: id, Username: 'nico', MessageAction: 'SUPPRESS' }));
      await admin.send(new C.AdminSetUserPasswordCommand({ UserPoolId: id, Username: 'nico', Password: PASSWORD, Permanent: true }));
      const signIn = (client: C.CognitoIdentityProviderClient) =>
        client.send(new C.InitiateAuthCommand({ ClientId: c.ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'nico', PASSWORD } }));
      const before = (await signIn(new C.CognitoIdentityProviderClient(e.config()))).AuthenticationResult!;
      await e.close();

      e = await startTestEmulator({ stateDir: dir, port: 0 });
      admin = new C.CognitoIdentityProviderClient(e.config({ accessKeyId: '222233334444', secretAccessKey: 'x' }));
      const after = (await signIn(new C.CognitoIdentityProviderClient(e.config()))).AuthenticationResult!;
      expect(after.IdToken).toBeTruthy();
      expect((await new C.CognitoIdentityProviderClient(e.config()).send(new C.GetUserCommand({ AccessToken: before.AccessToken }))).Username).toBe('nico');
      const state = readFileSync(join(dir, 'accounts', '222233334444', 'cognito-idp', 'us-east-1.json'), 'utf8');
      expect(state).not.toContain(PASSWORD);
      expect((await admin.send(new C.DescribeUserPoolCommand({ UserPoolId: id }))).UserPool!.EstimatedNumberOfUsers).toBe(1);
      await e.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('aliases and account recovery', () => {
  it('a verified email is an alias to sign in with; an unverified one is not', async () => {
    const id = await pool({ AliasAttributes: ['email', 'preferred_username'] });
    const c = await appClient(id);
    await confirmedUser(id, 'olive', 'olive@example.com');
    await idp.send(new C.AdminCreateUserCommand({ UserPoolId: id, Username: 'otto', UserAttributes: [{ Name: 'email', Value: 'otto@example.com' }, { Name: 'preferred_username', Value: 'ottokar' }], MessageAction: 'SUPPRESS' }));
    await idp.send(new C.AdminSetUserPasswordCommand({ UserPoolId: id, Username: 'otto', Password: PASSWORD, Permanent: true }));
    const viaEmail = await passwordAuth(c.ClientId!, 'olive@example.com', PASSWORD);
    expect(JSON.parse(Buffer.from(viaEmail.AuthenticationResult!.IdToken!.split('.')[1], 'base64url').toString())['cognito:username']).toBe('olive');
    await expect(passwordAuth(c.ClientId!, 'otto@example.com', PASSWORD)).rejects.toMatchObject({ name: 'UserNotFoundException' });
    expect((await passwordAuth(c.ClientId!, 'ottokar', PASSWORD)).AuthenticationResult).toBeDefined();
    // Verifying an email another user holds as a verified alias fails, as in AWS.
    await expect(
      idp.send(new C.AdminUpdateUserAttributesCommand({ UserPoolId: id, Username: 'otto', UserAttributes: [{ Name: 'email', Value: 'olive@example.com' }, { Name: 'email_verified', Value: 'true' }] })),
    ).rejects.toMatchObject({ name: 'AliasExistsException', message: 'An account with the given email already exists.' });
  });

  it('ForgotPassword follows AccountRecoverySetting, and needs a verified channel', async () => {
    const id = await pool({ AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] } });
    const c = await appClient(id);
    await idp.send(new C.AdminCreateUserCommand({ UserPoolId: id, Username: 'pete', UserAttributes: [{ Name: 'email', Value: 'pete@example.com' }], MessageAction: 'SUPPRESS' }));
    await idp.send(new C.AdminSetUserPasswordCommand({ UserPoolId: id, Username: 'pete', Password: PASSWORD, Permanent: true }));
    await expect(anon.send(new C.ForgotPasswordCommand({ ClientId: c.ClientId, Username: 'pete' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Cannot reset password for the user as there is no registered/verified email or phone_number',
    });
    await idp.send(new C.AdminUpdateUserAttributesCommand({ UserPoolId: id, Username: 'pete', UserAttributes: [{ Name: 'email_verified', Value: 'true' }] }));
    const fp = await anon.send(new C.ForgotPasswordCommand({ ClientId: c.ClientId, Username: 'pete' }));
    expect(fp.CodeDeliveryDetails).toEqual({ Destination: 'p***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    for (let i = 0; i < 4; i++) await anon.send(new C.ForgotPasswordCommand({ ClientId: c.ClientId, Username: 'pete' }));
    await expect(anon.send(new C.ForgotPasswordCommand({ ClientId: c.ClientId, Username: 'pete' }))).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: 'Attempt limit exceeded, please try after some time.',
    });
  });
});

describe('attribute permissions', () => {
  it('users cannot mark their own email verified; WriteAttributes limits what a client writes', async () => {
    const id = await pool();
    const c = await appClient(id, { WriteAttributes: ['email', 'name'] });
    await expect(
      anon.send(new C.SignUpCommand({ ClientId: c.ClientId, Username: 'quentin', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'q@example.com' }, { Name: 'email_verified', Value: 'true' }] })),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'A client attempted to write unauthorized attribute' });
    await expect(anon.send(new C.SignUpCommand({ ClientId: c.ClientId, Username: 'quentin', Password: PASSWORD, UserAttributes: [{ Name: 'nickname', Value: 'q' }] }))).rejects.toMatchObject({
      message: 'A client attempted to write unauthorized attribute',
    });
    await anon.send(new C.SignUpCommand({ ClientId: c.ClientId, Username: 'quentin', Password: PASSWORD, UserAttributes: [{ Name: 'name', Value: 'Q' }] }));
  });
});
