import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as CFN from '@aws-sdk/client-cloudformation';
import * as C from '@aws-sdk/client-cognito-identity-provider';
import * as I from '@aws-sdk/client-cognito-identity';
import * as STS from '@aws-sdk/client-sts';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/*
 * CloudFormation providers for Cognito: a user pool with its clients, a group, a domain, Google as
 * an identity provider, an identity pool and its role attachment, in one template; Ref and
 * Fn::GetAtt as CloudFormation documents them; in-place updates, a replacement, and deletion. The deployed pools are then used for real: sign-in,
 * the hosted UI, and credentials from the identity pool for the role the group's token mapping picks.
 */
let emu: TestEmulator;
let cfn: CFN.CloudFormationClient;
let idp: C.CognitoIdentityProviderClient;
let ci: I.CognitoIdentityClient;

beforeAll(async () => {
  emu = await startTestEmulator();
  cfn = new CFN.CloudFormationClient(emu.config());
  idp = new C.CognitoIdentityProviderClient(emu.config());
  ci = new I.CognitoIdentityClient(emu.config());
});
afterAll(() => emu?.close());

async function settle(StackName: string): Promise<CFN.Stack> {
  for (let i = 0; i < 600; i++) {
    const s = (await cfn.send(new CFN.DescribeStacksCommand({ StackName }))).Stacks![0];
    if (!s.StackStatus!.endsWith('_IN_PROGRESS')) return s;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${StackName} did not settle`);
}

async function failures(StackName: string): Promise<string> {
  const events = (await cfn.send(new CFN.DescribeStackEventsCommand({ StackName }))).StackEvents!;
  return events.filter((e) => e.ResourceStatusReason).map((e) => `${e.LogicalResourceId}: ${e.ResourceStatusReason}`).join('; ');
}

async function deploy(StackName: string, TemplateBody: string, Parameters: Record<string, string> = {}, update = false): Promise<Record<string, string>> {
  const input = { StackName, TemplateBody, Capabilities: ['CAPABILITY_IAM' as const], Parameters: Object.entries(Parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })) };
  await cfn.send(update ? new CFN.UpdateStackCommand(input) : new CFN.CreateStackCommand(input));
  const s = await settle(StackName);
  if (!['CREATE_COMPLETE', 'UPDATE_COMPLETE'].includes(s.StackStatus!)) throw new Error(`${StackName}: ${s.StackStatus}: ${await failures(StackName)}`);
  return Object.fromEntries((s.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));
}

const DOMAIN = 'shop-login-7f3c';

/** The template; `v2` is the updated version. */
const template = (v2 = false) => `
Parameters:
  MinLength:
    Type: Number
    Default: 12
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: ${v2 ? 'shop-customers' : 'shop-users'}
      AutoVerifiedAttributes: [email]
      Policies:
        PasswordPolicy:
          MinimumLength: !Ref MinLength
          RequireLowercase: true
          RequireUppercase: 'false'
          RequireNumbers: true
          RequireSymbols: true
          PasswordHistorySize: 5
      Schema:
        - Name: email
          AttributeDataType: String
          Required: true
          Mutable: true${v2 ? `
        - Name: tier
          AttributeDataType: String
          Mutable: true` : ''}
      UserPoolTags:
        app: shop
  Google:
    Type: AWS::Cognito::UserPoolIdentityProvider
    Properties:
      UserPoolId: !Ref Pool
      ProviderName: Google
      ProviderType: Google
      ProviderDetails:
        client_id: shop.apps.googleusercontent.com
        client_secret: google-secret
        authorize_scopes: openid email
      AttributeMapping:
        email: email${v2 ? `
        name: name` : ''}
  WebClient:
    Type: AWS::Cognito::UserPoolClient
    DependsOn: Google
    Properties:
      UserPoolId: !Ref Pool
      ExplicitAuthFlows: [ALLOW_USER_SRP_AUTH, ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
      AccessTokenValidity: ${v2 ? 45 : 30}
      TokenValidityUnits:
        AccessToken: minutes
      AllowedOAuthFlowsUserPoolClient: 'true'
      AllowedOAuthFlows: [code]
      AllowedOAuthScopes: [openid, email]
      CallbackURLs: [http://localhost:3000/callback]
      SupportedIdentityProviders: [COGNITO, Google]
  ServerClient:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      ClientName: server
      GenerateSecret: ${v2 ? 'false' : 'true'}
      ExplicitAuthFlows: [ALLOW_REFRESH_TOKEN_AUTH]
  AdminRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Federated: cognito-identity.amazonaws.com }
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals: { 'cognito-identity.amazonaws.com:aud': !Ref Identities }
              'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': authenticated }
  UserRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Federated: cognito-identity.amazonaws.com }
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals: { 'cognito-identity.amazonaws.com:aud': !Ref Identities }
              'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': authenticated }
  Admins:
    Type: AWS::Cognito::UserPoolGroup
    Properties:
      UserPoolId: !Ref Pool
      GroupName: admins
      Description: ${v2 ? 'People who run the shop' : 'Shop staff'}
      Precedence: '1'
      RoleArn: !GetAtt AdminRole.Arn
  Domain:
    Type: AWS::Cognito::UserPoolDomain
    Properties:
      UserPoolId: !Ref Pool
      Domain: ${DOMAIN}
  Identities:
    Type: AWS::Cognito::IdentityPool
    Properties:
      AllowUnauthenticatedIdentities: false
      AllowClassicFlow: ${v2 ? 'true' : 'false'}
      CognitoIdentityProviders:
        - ClientId: !Ref WebClient
          ProviderName: !GetAtt Pool.ProviderName
          ServerSideTokenCheck: 'true'
      IdentityPoolTags:
        - Key: app
          Value: shop
  Roles:
    Type: AWS::Cognito::IdentityPoolRoleAttachment
    Properties:
      IdentityPoolId: !Ref Identities
      Roles:
        authenticated: !GetAtt UserRole.Arn
      RoleMappings:
        shopUsers:
          IdentityProvider: !Sub '\${Pool.ProviderName}:\${WebClient}'
          Type: Token
          AmbiguousRoleResolution: ${v2 ? 'Deny' : 'AuthenticatedRole'}
Outputs:
  PoolId: { Value: !Ref Pool }
  PoolArn: { Value: !GetAtt Pool.Arn }
  PoolIdAtt: { Value: !GetAtt Pool.UserPoolId }
  ProviderName: { Value: !GetAtt Pool.ProviderName }
  ProviderURL: { Value: !GetAtt Pool.ProviderURL }
  WebClientId: { Value: !Ref WebClient }
  WebClientName: { Value: !GetAtt WebClient.Name }
  ServerClientId: { Value: !GetAtt ServerClient.ClientId }
  ${v2 ? '' : 'ServerSecret: { Value: !GetAtt ServerClient.ClientSecret }'}
  Group: { Value: !Ref Admins }
  GoogleRef: { Value: !Ref Google }
  DomainRef: { Value: !Ref Domain }
  CloudFront: { Value: !GetAtt Domain.CloudFrontDistribution }
  IdentityPoolId: { Value: !Ref Identities }
  IdentityPoolName: { Value: !GetAtt Identities.Name }
  Attachment: { Value: !Ref Roles }
  UserRoleArn: { Value: !GetAtt UserRole.Arn }
  AdminRoleArn: { Value: !GetAtt AdminRole.Arn }
`;

const PASSWORD = 'Correct-horse-42';

/** Signs a user in and trades the ID token for identity pool credentials; returns who they are to STS. */
async function whoAmI(out: Record<string, string>, username: string): Promise<string> {
  const auth = await idp.send(new C.InitiateAuthCommand({ ClientId: out.WebClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD } }));
  const Logins = { [out.ProviderName]: auth.AuthenticationResult!.IdToken! };
  const { IdentityId } = await ci.send(new I.GetIdCommand({ IdentityPoolId: out.IdentityPoolId, Logins }));
  const c = (await ci.send(new I.GetCredentialsForIdentityCommand({ IdentityId, Logins }))).Credentials!;
  const sts = new STS.STSClient(emu.config({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretKey!, sessionToken: c.SessionToken }));
  return (await sts.send(new STS.GetCallerIdentityCommand({}))).Arn!;
}

describe('CloudFormation providers for Cognito', () => {
  let out: Record<string, string>;

  it('creates a pool, clients, a group, a domain, an identity pool and its roles; Ref and Fn::GetAtt as documented', async () => {
    out = await deploy('shop-auth', template());
    const poolId = out.PoolId;
    expect(poolId).toMatch(/^us-east-1_[0-9A-Za-z]+$/);
    expect(out).toMatchObject({
      PoolArn: `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${poolId}`,
      PoolIdAtt: poolId,
      ProviderName: `cognito-idp.us-east-1.amazonaws.com/${poolId}`,
      ProviderURL: `https://cognito-idp.us-east-1.amazonaws.com/${poolId}`,
      ServerClientId: expect.stringMatching(/^[a-z0-9]{26}$/),
      Group: 'admins',
      GoogleRef: 'Google',
      DomainRef: DOMAIN,
      CloudFront: expect.stringMatching(/^d[0-9a-f]+\.cloudfront\.net$/),
      IdentityPoolId: expect.stringMatching(/^us-east-1:[0-9a-f-]{36}$/),
      Attachment: out.IdentityPoolId,
    });
    // Names CloudFormation made up follow its pattern: <stack>-<logical id>-<random>, and underscores for identity pools.
    expect(out.WebClientName).toMatch(/^shop-auth-WebClient-[A-Z0-9]{12}$/);
    expect(out.IdentityPoolName).toMatch(/^shop_auth_Identities_[A-Z0-9]{12}$/);

    const pool = (await idp.send(new C.DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!;
    expect(pool.Name).toBe('shop-users');
    // The parameter is the string "12" and the template's booleans are mixed: the API sees numbers and booleans.
    expect(pool.Policies!.PasswordPolicy).toMatchObject({ MinimumLength: 12, RequireLowercase: true, RequireUppercase: false, RequireNumbers: true, RequireSymbols: true, PasswordHistorySize: 5 });
    expect(pool.AutoVerifiedAttributes).toEqual(['email']);
    expect(pool.SchemaAttributes!.find((a) => a.Name === 'email')).toMatchObject({ Required: true, Mutable: true });
    expect(pool.UserPoolTags).toEqual({ app: 'shop' });
    expect(pool.Domain).toBe(DOMAIN);

    const web = (await idp.send(new C.DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: out.WebClientId }))).UserPoolClient!;
    expect(web).toMatchObject({
      ClientName: out.WebClientName,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      AccessTokenValidity: 30,
      TokenValidityUnits: { AccessToken: 'minutes' },
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      CallbackURLs: ['http://localhost:3000/callback'],
      SupportedIdentityProviders: ['COGNITO', 'Google'],
    });
    expect((await idp.send(new C.DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Google' }))).IdentityProvider).toMatchObject({
      ProviderType: 'Google',
      ProviderDetails: { client_id: 'shop.apps.googleusercontent.com', authorize_scopes: 'openid email' },
      AttributeMapping: { email: 'email' },
    });
    expect(web.ClientSecret).toBeUndefined();
    const server = (await idp.send(new C.DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: out.ServerClientId }))).UserPoolClient!;
    expect(server.ClientSecret).toBe(out.ServerSecret);

    expect((await idp.send(new C.GetGroupCommand({ UserPoolId: poolId, GroupName: 'admins' }))).Group).toMatchObject({ Precedence: 1, RoleArn: out.AdminRoleArn, Description: 'Shop staff' });
    expect((await idp.send(new C.DescribeUserPoolDomainCommand({ Domain: DOMAIN }))).DomainDescription).toMatchObject({ UserPoolId: poolId, Status: 'ACTIVE', CloudFrontDistribution: out.CloudFront });

    const ip = await ci.send(new I.DescribeIdentityPoolCommand({ IdentityPoolId: out.IdentityPoolId }));
    expect(ip).toMatchObject({
      IdentityPoolName: out.IdentityPoolName,
      AllowUnauthenticatedIdentities: false,
      AllowClassicFlow: false,
      CognitoIdentityProviders: [{ ProviderName: out.ProviderName, ClientId: out.WebClientId, ServerSideTokenCheck: true }],
      IdentityPoolTags: { app: 'shop' },
    });
    expect(await ci.send(new I.GetIdentityPoolRolesCommand({ IdentityPoolId: out.IdentityPoolId }))).toMatchObject({
      Roles: { authenticated: out.UserRoleArn },
      RoleMappings: { [`${out.ProviderName}:${out.WebClientId}`]: { Type: 'Token', AmbiguousRoleResolution: 'AuthenticatedRole' } },
    });
  });

  it('the deployed pools work: the password policy, the hosted UI, and the role each user gets through the token mapping', async () => {
    const poolId = out.PoolId;
    await expect(idp.send(new C.SignUpCommand({ ClientId: out.WebClientId, Username: 'weak', Password: 'short-1!', UserAttributes: [{ Name: 'email', Value: 'weak@example.com' }] }))).rejects.toMatchObject({
      name: 'InvalidPasswordException',
    });
    for (const u of ['ada', 'ben']) {
      await idp.send(new C.AdminCreateUserCommand({ UserPoolId: poolId, Username: u, UserAttributes: [{ Name: 'email', Value: `${u}@example.com` }], MessageAction: 'SUPPRESS' }));
      await idp.send(new C.AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: u, Password: PASSWORD, Permanent: true }));
    }
    await idp.send(new C.AdminAddUserToGroupCommand({ UserPoolId: poolId, GroupName: 'admins', Username: 'ada' }));
    // The group's role is the token's preferred role: ada gets it; ben, in no group, gets the authenticated role.
    expect(await whoAmI(out, 'ada')).toMatch(new RegExp(`:assumed-role/${out.AdminRoleArn.split('/').pop()}/`));
    expect(await whoAmI(out, 'ben')).toMatch(new RegExp(`:assumed-role/${out.UserRoleArn.split('/').pop()}/`));

    const authorize = `${emu.url}/_aws/cognito-idp/${DOMAIN}/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: out.WebClientId, redirect_uri: 'http://localhost:3000/callback', scope: 'openid email' })}`;
    const res = await fetch(authorize, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location')!).pathname).toBe(`/_aws/cognito-idp/${DOMAIN}/login`);
  });

  it('updates in place, keeps generated names, replaces a client whose GenerateSecret changes', async () => {
    const before = out;
    out = await deploy('shop-auth', template(true), { MinLength: '14' }, true);
    expect(out.PoolId).toBe(before.PoolId);
    expect(out.WebClientId).toBe(before.WebClientId);
    expect(out.WebClientName).toBe(before.WebClientName);
    expect(out.IdentityPoolId).toBe(before.IdentityPoolId);
    expect(out.IdentityPoolName).toBe(before.IdentityPoolName);

    const pool = (await idp.send(new C.DescribeUserPoolCommand({ UserPoolId: out.PoolId }))).UserPool!;
    expect(pool.Name).toBe('shop-customers');
    expect(pool.Policies!.PasswordPolicy!.MinimumLength).toBe(14);
    expect(pool.SchemaAttributes!.map((a) => a.Name)).toContain('custom:tier');
    const web = (await idp.send(new C.DescribeUserPoolClientCommand({ UserPoolId: out.PoolId, ClientId: out.WebClientId }))).UserPoolClient!;
    expect(web).toMatchObject({ ClientName: before.WebClientName, AccessTokenValidity: 45 });
    expect((await idp.send(new C.GetGroupCommand({ UserPoolId: out.PoolId, GroupName: 'admins' }))).Group!.Description).toBe('People who run the shop');
    expect((await idp.send(new C.DescribeIdentityProviderCommand({ UserPoolId: out.PoolId, ProviderName: 'Google' }))).IdentityProvider!.AttributeMapping).toMatchObject({ email: 'email', name: 'name' });
    expect(await ci.send(new I.DescribeIdentityPoolCommand({ IdentityPoolId: out.IdentityPoolId }))).toMatchObject({ IdentityPoolName: before.IdentityPoolName, AllowClassicFlow: true });
    expect((await ci.send(new I.GetIdentityPoolRolesCommand({ IdentityPoolId: out.IdentityPoolId }))).RoleMappings).toMatchObject({
      [`${out.ProviderName}:${out.WebClientId}`]: { AmbiguousRoleResolution: 'Deny' },
    });

    // GenerateSecret cannot change in place: a new client, and the old one is gone.
    expect(out.ServerClientId).not.toBe(before.ServerClientId);
    expect((await idp.send(new C.DescribeUserPoolClientCommand({ UserPoolId: out.PoolId, ClientId: out.ServerClientId }))).UserPoolClient!.ClientSecret).toBeUndefined();
    await expect(idp.send(new C.DescribeUserPoolClientCommand({ UserPoolId: out.PoolId, ClientId: before.ServerClientId }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('deletes everything, the domain before its pool', async () => {
    await cfn.send(new CFN.DeleteStackCommand({ StackName: 'shop-auth' }));
    const s = await settle('shop-auth').catch(() => undefined);
    expect(s?.StackStatus ?? 'DELETE_COMPLETE').toBe('DELETE_COMPLETE');
    await expect(idp.send(new C.DescribeUserPoolCommand({ UserPoolId: out.PoolId }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect((await idp.send(new C.DescribeUserPoolDomainCommand({ Domain: DOMAIN }))).DomainDescription).toEqual({});
    await expect(ci.send(new I.DescribeIdentityPoolCommand({ IdentityPoolId: out.IdentityPoolId }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('Fn::GetAtt ClientSecret of a client without a secret fails the stack, and says why', async () => {
    await cfn.send(
      new CFN.CreateStackCommand({
        StackName: 'no-secret',
        TemplateBody: `
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
Outputs:
  Secret: { Value: !GetAtt Client.ClientSecret }
`,
      }),
    );
    const s = await settle('no-secret');
    expect(s.StackStatus).toBe('ROLLBACK_COMPLETE');
    expect(`${s.StackStatusReason} ${await failures('no-secret')}`).toMatch(/Client does not support attribute type ClientSecret/);
  });
});
