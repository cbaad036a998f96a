import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as C from '@aws-sdk/client-cognito-identity-provider';
import * as I from '@aws-sdk/client-cognito-identity';
import * as IAM from '@aws-sdk/client-iam';
import * as STS from '@aws-sdk/client-sts';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
let idp: C.CognitoIdentityProviderClient;
let ci: I.CognitoIdentityClient;
let anonCi: I.CognitoIdentityClient;
let iam: IAM.IAMClient;

const PASSWORD = 'Identity-Pool-1';
const unsignedConfig = () => ({ ...emu.config(), credentials: { accessKeyId: '', secretAccessKey: '' }, signer: { sign: async (r: unknown) => r } as never });

let userPoolId: string;
let clientId: string;
let providerName: string;

const trust = (poolId: string, amr: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': poolId }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': amr } },
      },
    ],
  });

async function role(name: string, trustPolicy: string, actions: string[]) {
  const r = await iam.send(new IAM.CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustPolicy }));
  await iam.send(new IAM.PutRolePolicyCommand({ RoleName: name, PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] }) }));
  return r.Role!.Arn!;
}

async function idToken(username: string) {
  const r = await idp.send(new C.InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD } }));
  return r.AuthenticationResult!.IdToken!;
}

async function identityPool(extra: Partial<I.CreateIdentityPoolInput> = {}) {
  return ci.send(
    new I.CreateIdentityPoolCommand({ IdentityPoolName: 'app_identities', AllowUnauthenticatedIdentities: false, CognitoIdentityProviders: [{ ProviderName: providerName, ClientId: clientId }], ...extra }),
  );
}

const clientsFor = (c: I.Credentials) => {
  const credentials = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretKey!, sessionToken: c.SessionToken };
  return { sts: new STS.STSClient(emu.config(credentials)), iam: new IAM.IAMClient(emu.config(credentials)) };
};

beforeAll(async () => {
  emu = await startTestEmulator();
  idp = new C.CognitoIdentityProviderClient(emu.config());
  ci = new I.CognitoIdentityClient(emu.config());
  anonCi = new I.CognitoIdentityClient(unsignedConfig());
  iam = new IAM.IAMClient(emu.config());
  userPoolId = (await idp.send(new C.CreateUserPoolCommand({ PoolName: 'people' }))).UserPool!.Id!;
  providerName = `cognito-idp.us-east-1.amazonaws.com/${userPoolId}`;
  clientId = (await idp.send(new C.CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
  for (const u of ['alice', 'bob']) {
    await idp.send(new C.AdminCreateUserCommand({ UserPoolId: userPoolId, Username: u, MessageAction: 'SUPPRESS' }));
    await idp.send(new C.AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: u, Password: PASSWORD, Permanent: true }));
  }
});
afterAll(() => emu.close());

describe('identity pools', () => {
  it('Create, Describe, List, Update, tags and Delete', async () => {
    const p = await identityPool({ IdentityPoolTags: { app: 'shop' } });
    expect(p.IdentityPoolId).toMatch(/^us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(p).toMatchObject({ IdentityPoolName: 'app_identities', AllowUnauthenticatedIdentities: false, CognitoIdentityProviders: [{ ProviderName: providerName, ClientId: clientId, ServerSideTokenCheck: false }] });
    expect((await ci.send(new I.DescribeIdentityPoolCommand({ IdentityPoolId: p.IdentityPoolId }))).IdentityPoolTags).toEqual({ app: 'shop' });
    expect((await ci.send(new I.ListIdentityPoolsCommand({ MaxResults: 60 }))).IdentityPools).toContainEqual({ IdentityPoolId: p.IdentityPoolId, IdentityPoolName: 'app_identities' });
    const u = await ci.send(new I.UpdateIdentityPoolCommand({ IdentityPoolId: p.IdentityPoolId, IdentityPoolName: 'renamed', AllowUnauthenticatedIdentities: true }));
    expect(u).toMatchObject({ IdentityPoolName: 'renamed', AllowUnauthenticatedIdentities: true });
    expect(u.CognitoIdentityProviders).toBeUndefined();
    const arn = `arn:aws:cognito-identity:us-east-1:000000000000:identitypool/${p.IdentityPoolId}`;
    await ci.send(new I.TagResourceCommand({ ResourceArn: arn, Tags: { env: 'dev' } }));
    expect((await ci.send(new I.ListTagsForResourceCommand({ ResourceArn: arn }))).Tags).toEqual({ app: 'shop', env: 'dev' });
    await ci.send(new I.DeleteIdentityPoolCommand({ IdentityPoolId: p.IdentityPoolId }));
    await expect(ci.send(new I.DescribeIdentityPoolCommand({ IdentityPoolId: p.IdentityPoolId }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: `IdentityPool '${p.IdentityPoolId}' not found.`,
    });
    await expect(ci.send(new I.DescribeIdentityPoolCommand({ IdentityPoolId: 'us-east-1_notanidpool' }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('ID token → identity → credentials: the role allows iam:ListUsers and denies iam:CreateUser', async () => {
    const p = await identityPool();
    const authRole = await role('IdentityAuth', trust(p.IdentityPoolId!, 'authenticated'), ['iam:ListUsers']);
    await ci.send(new I.SetIdentityPoolRolesCommand({ IdentityPoolId: p.IdentityPoolId, Roles: { authenticated: authRole } }));
    expect(await ci.send(new I.GetIdentityPoolRolesCommand({ IdentityPoolId: p.IdentityPoolId }))).toMatchObject({ IdentityPoolId: p.IdentityPoolId, Roles: { authenticated: authRole } });

    const token = await idToken('alice');
    const logins = { [providerName]: token };
    const { IdentityId } = await anonCi.send(new I.GetIdCommand({ IdentityPoolId: p.IdentityPoolId, Logins: logins }));
    expect((await anonCi.send(new I.GetIdCommand({ IdentityPoolId: p.IdentityPoolId, Logins: { [providerName]: await idToken('alice') } }))).IdentityId).toBe(IdentityId);
    const creds = await anonCi.send(new I.GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }));
    expect(creds.IdentityId).toBe(IdentityId);
    expect(creds.Credentials!.AccessKeyId).toMatch(/^ASIA/);

    const as = clientsFor(creds.Credentials!);
    expect((await as.sts.send(new STS.GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:sts::000000000000:assumed-role/IdentityAuth/CognitoIdentityCredentials');
    await as.iam.send(new IAM.ListUsersCommand({}));
    await expect(as.iam.send(new IAM.CreateUserCommand({ UserName: 'intruder' }))).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });

    await expect(anonCi.send(new I.GetCredentialsForIdentityCommand({ IdentityId }))).rejects.toMatchObject({ name: 'NotAuthorizedException', message: `Access to Identity '${IdentityId}' is forbidden.` });
    await expect(anonCi.send(new I.GetCredentialsForIdentityCommand({ IdentityId, Logins: { [providerName]: await idToken('bob') } }))).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: "Logins don't match. Please include at least one valid login for this identity or identity pool.",
    });
    expect((await ci.send(new I.DescribeIdentityCommand({ IdentityId }))).Logins).toEqual([providerName]);
    const listed = await ci.send(new I.ListIdentitiesCommand({ IdentityPoolId: p.IdentityPoolId, MaxResults: 10 }));
    expect(listed.Identities!.map((i) => i.IdentityId)).toEqual([IdentityId]);
  });

  it('refuses tokens of other clients, forged tokens, and roles whose trust policy does not match', async () => {
    const p = await identityPool();
    const other = (await idp.send(new C.CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'other', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] }))).UserPoolClient!.ClientId!;
    const foreign = (await idp.send(new C.InitiateAuthCommand({ ClientId: other, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD } }))).AuthenticationResult!.IdToken!;
    await expect(anonCi.send(new I.GetIdCommand({ IdentityPoolId: p.IdentityPoolId, Logins: { [providerName]: foreign } }))).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Invalid login token. Incorrect token audience.',
    });
    const good = await idToken('alice');
    const [h, body] = good.split('.');
    const forged = `${h}.${body}.${Buffer.from('not the signature').toString('base64url')}`;
    await expect(anonCi.send(new I.GetIdCommand({ IdentityPoolId: p.IdentityPoolId, Logins: { [providerName]: forged } }))).rejects.toMatchObject({ name: 'NotAuthorizedException' });

    const wrongAud = await role('WrongAudience', trust('us-east-1:00000000-0000-0000-0000-000000000000', 'authenticated'), ['iam:ListUsers']);
    await ci.send(new I.SetIdentityPoolRolesCommand({ IdentityPoolId: p.IdentityPoolId, Roles: { authenticated: wrongAud } }));
    const { IdentityId } = await anonCi.send(new I.GetIdCommand({ IdentityPoolId: p.IdentityPoolId, Logins: { [providerName]: good } }));
    await expect(anonCi.send(new I.GetCredentialsForIdentityCommand({ IdentityId, Logins: { [providerName]: good } }))).rejects.toMatchObject({
      name: 'InvalidIdentityPoolConfigurationException',
      message: 'Invalid identity pool configuration. Check assigned IAM roles for this pool.',
    });
  });

  it('ServerSideTokenCheck: only then does a user pool sign-out end the ID token\'s use at the identity pool', async () => {
    const loose = await identityPool();
    const strict = await identityPool({ CognitoIdentityProviders: [{ ProviderName: providerName, ClientId: clientId, ServerSideTokenCheck: true }] });
    const t = (await idp.send(new C.InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'bob', PASSWORD } }))).AuthenticationResult!;
    await idp.send(new C.GlobalSignOutCommand({ AccessToken: t.AccessToken }));
    await anonCi.send(new I.GetIdCommand({ IdentityPoolId: loose.IdentityPoolId, Logins: { [providerName]: t.IdToken! } }));
    await expect(anonCi.send(new I.GetIdCommand({ IdentityPoolId: strict.IdentityPoolId, Logins: { [providerName]: t.IdToken! } }))).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Invalid login token. Token has been revoked.',
    });
  });

  it('guests only when the pool allows unauthenticated identities, with the unauthenticated role', async () => {
    const p = await identityPool();
    await expect(anonCi.send(new I.GetIdCommand({ IdentityPoolId: p.IdentityPoolId }))).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Unauthenticated access is not supported for this identity pool.',
    });
    await ci.send(new I.UpdateIdentityPoolCommand({ IdentityPoolId: p.IdentityPoolId, IdentityPoolName: 'guests', AllowUnauthenticatedIdentities: true, CognitoIdentityProviders: [{ ProviderName: providerName, ClientId: clientId }] }));
    const { IdentityId } = await anonCi.send(new I.GetIdCommand({ IdentityPoolId: p.IdentityPoolId }));
    await expect(anonCi.send(new I.GetCredentialsForIdentityCommand({ IdentityId }))).rejects.toMatchObject({ name: 'InvalidIdentityPoolConfigurationException' });
    // A role that trusts only authenticated identities refuses guests.
    const authOnly = await role('AuthOnly', trust(p.IdentityPoolId!, 'authenticated'), ['sts:GetCallerIdentity']);
    await ci.send(new I.SetIdentityPoolRolesCommand({ IdentityPoolId: p.IdentityPoolId, Roles: { unauthenticated: authOnly } }));
    await expect(anonCi.send(new I.GetCredentialsForIdentityCommand({ IdentityId }))).rejects.toMatchObject({ name: 'InvalidIdentityPoolConfigurationException' });
    const guestRole = await role('Guest', trust(p.IdentityPoolId!, 'unauthenticated'), ['iam:ListRoles']);
    await ci.send(new I.SetIdentityPoolRolesCommand({ IdentityPoolId: p.IdentityPoolId, Roles: { unauthenticated: guestRole } }));
    const creds = await anonCi.send(new I.GetCredentialsForIdentityCommand({ IdentityId }));
    const as = clientsFor(creds.Credentials!);
    expect((await as.sts.send(new STS.GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:sts::000000000000:assumed-role/Guest/CognitoIdentityCredentials');
    await as.iam.send(new IAM.ListRolesCommand({}));
    await expect(as.iam.send(new IAM.ListUsersCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('role mappings: Token (the preferred role of the user pool group) and Rules (a claim)', async () => {
    const p = await identityPool();
    const admins = await role('PoolAdmins', trust(p.IdentityPoolId!, 'authenticated'), ['iam:ListUsers', 'iam:ListRoles']);
    const fallback = await role('PoolDefault', trust(p.IdentityPoolId!, 'authenticated'), ['iam:ListRoles']);
    await idp.send(new C.CreateGroupCommand({ UserPoolId: userPoolId, GroupName: 'admins', RoleArn: admins, Precedence: 1 }));
    await idp.send(new C.AdminAddUserToGroupCommand({ UserPoolId: userPoolId, GroupName: 'admins', Username: 'bob' }));
    await ci.send(
      new I.SetIdentityPoolRolesCommand({ IdentityPoolId: p.IdentityPoolId, Roles: { authenticated: fallback }, RoleMappings: { [providerName]: { Type: 'Token', AmbiguousRoleResolution: 'AuthenticatedRole' } } }),
    );
    const who = async (user: string) => {
      const logins = { [providerName]: await idToken(user) };
      const { IdentityId } = await anonCi.send(new I.GetIdCommand({ IdentityPoolId: p.IdentityPoolId, Logins: logins }));
      const creds = await anonCi.send(new I.GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }));
      return (await clientsFor(creds.Credentials!).sts.send(new STS.GetCallerIdentityCommand({}))).Arn;
    };
    expect(await who('bob')).toContain('assumed-role/PoolAdmins/');
    expect(await who('alice')).toContain('assumed-role/PoolDefault/');

    await ci.send(
      new I.SetIdentityPoolRolesCommand({
        IdentityPoolId: p.IdentityPoolId,
        Roles: { authenticated: fallback },
        RoleMappings: { [providerName]: { Type: 'Rules', AmbiguousRoleResolution: 'Deny', RulesConfiguration: { Rules: [{ Claim: 'cognito:username', MatchType: 'Equals', Value: 'alice', RoleARN: admins }] } } },
      }),
    );
    expect(await who('alice')).toContain('assumed-role/PoolAdmins/');
    await expect(who('bob')).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('basic (classic) flow: GetOpenIdToken, then STS AssumeRoleWithWebIdentity, only when AllowClassicFlow is set', async () => {
    const p = await identityPool();
    const logins = { [providerName]: await idToken('alice') };
    const { IdentityId } = await anonCi.send(new I.GetIdCommand({ IdentityPoolId: p.IdentityPoolId, Logins: logins }));
    await expect(anonCi.send(new I.GetOpenIdTokenCommand({ IdentityId, Logins: logins }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Basic (classic) flow is not enabled, please use enhanced flow.',
    });
    await ci.send(
      new I.UpdateIdentityPoolCommand({ IdentityPoolId: p.IdentityPoolId, IdentityPoolName: 'classic', AllowUnauthenticatedIdentities: false, AllowClassicFlow: true, CognitoIdentityProviders: [{ ProviderName: providerName, ClientId: clientId }] }),
    );
    const { Token } = await anonCi.send(new I.GetOpenIdTokenCommand({ IdentityId, Logins: logins }));
    const payload = JSON.parse(Buffer.from(Token!.split('.')[1], 'base64url').toString());
    expect(payload).toMatchObject({ iss: 'https://cognito-identity.amazonaws.com', sub: IdentityId, aud: p.IdentityPoolId });
    expect(payload.amr).toEqual(['authenticated', providerName, expect.stringMatching(new RegExp(`^${providerName}:CognitoSignIn:`))]);

    const classic = await role('Classic', trust(p.IdentityPoolId!, 'authenticated'), ['iam:ListUsers']);
    const anonSts = new STS.STSClient(unsignedConfig());
    const res = await anonSts.send(new STS.AssumeRoleWithWebIdentityCommand({ RoleArn: classic, RoleSessionName: 'web', WebIdentityToken: Token }));
    expect(res.SubjectFromWebIdentityToken).toBe(IdentityId);
    expect(res.Audience).toBe(p.IdentityPoolId);
    const as = new IAM.IAMClient(emu.config({ accessKeyId: res.Credentials!.AccessKeyId!, secretAccessKey: res.Credentials!.SecretAccessKey!, sessionToken: res.Credentials!.SessionToken }));
    await as.send(new IAM.ListUsersCommand({}));

    const wrongAud = await role('ClassicWrong', trust('us-east-1:00000000-0000-0000-0000-000000000000', 'authenticated'), ['iam:ListUsers']);
    await expect(anonSts.send(new STS.AssumeRoleWithWebIdentityCommand({ RoleArn: wrongAud, RoleSessionName: 'web', WebIdentityToken: Token }))).rejects.toMatchObject({ name: 'AccessDenied' });

    // Turning classic flow off again makes its tokens useless at STS too.
    await ci.send(new I.UpdateIdentityPoolCommand({ IdentityPoolId: p.IdentityPoolId, IdentityPoolName: 'classic', AllowUnauthenticatedIdentities: false, AllowClassicFlow: false, CognitoIdentityProviders: [{ ProviderName: providerName, ClientId: clientId }] }));
    await expect(anonSts.send(new STS.AssumeRoleWithWebIdentityCommand({ RoleArn: classic, RoleSessionName: 'web', WebIdentityToken: Token }))).rejects.toMatchObject({ name: 'InvalidIdentityTokenException', message: 'Basic (classic) flow is not enabled, please use enhanced flow.' });
  });

  it('developer-authenticated identities and DeleteIdentities', async () => {
    const p = await identityPool({ DeveloperProviderName: 'login.example.app' });
    const authRole = await role('Developer', trust(p.IdentityPoolId!, 'authenticated'), ['iam:ListUsers']);
    await ci.send(new I.SetIdentityPoolRolesCommand({ IdentityPoolId: p.IdentityPoolId, Roles: { authenticated: authRole } }));
    const dev = await ci.send(new I.GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: p.IdentityPoolId, Logins: { 'login.example.app': 'user-42' } }));
    const again = await ci.send(new I.GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: p.IdentityPoolId, Logins: { 'login.example.app': 'user-42' } }));
    expect(again.IdentityId).toBe(dev.IdentityId);
    const creds = await anonCi.send(new I.GetCredentialsForIdentityCommand({ IdentityId: dev.IdentityId, Logins: { 'cognito-identity.amazonaws.com': dev.Token! } }));
    expect((await clientsFor(creds.Credentials!).sts.send(new STS.GetCallerIdentityCommand({}))).Arn).toContain('assumed-role/Developer/');
    const del = await ci.send(new I.DeleteIdentitiesCommand({ IdentityIdsToDelete: [dev.IdentityId!] }));
    expect(del.UnprocessedIdentityIds).toEqual([]);
    await expect(ci.send(new I.DescribeIdentityCommand({ IdentityId: dev.IdentityId }))).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: `Identity '${dev.IdentityId}' not found.` });
  });
});
