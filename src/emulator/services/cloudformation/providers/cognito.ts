import type {
  CreateGroupResponse,
  CreateUserPoolClientResponse,
  CreateUserPoolResponse,
  DescribeUserPoolDomainResponse,
} from '@aws-sdk/client-cognito-identity-provider';
import { isAwsError } from '../../../core/errors.js';
import { physicalName, tagMap, type ResourceProvider } from './types.js';

async function ignoreMissing(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(isAwsError(e) && e.code === 'ResourceNotFoundException')) throw e;
  }
}

const pick = (p: Record<string, any>, keys: string[]) => Object.fromEntries(keys.filter((k) => p[k] !== undefined).map((k) => [k, p[k]]));
const num = (v: unknown): number | undefined => (v === undefined || v === null || v === '' ? undefined : Number(v));
const bool = (v: unknown): boolean | undefined => (v === undefined || v === null ? undefined : v === true || String(v).toLowerCase() === 'true');

/**
 * Template values reach the API without the wire's decoding, and parameters are strings: give the
 * numbers and booleans their types (`MinimumLength: !Ref MinLength` is "12").
 */
function typed(p: Record<string, any>, numbers: string[], booleans: string[]): Record<string, any> {
  const out = { ...p };
  for (const k of numbers) if (out[k] !== undefined) out[k] = num(out[k]);
  for (const k of booleans) if (out[k] !== undefined) out[k] = bool(out[k]);
  return out;
}

// CloudFormation's property names are the API's, so they pass through.
const POOL_UPDATABLE = [
  'Policies', 'DeletionProtection', 'LambdaConfig', 'AutoVerifiedAttributes', 'SmsVerificationMessage', 'EmailVerificationMessage', 'EmailVerificationSubject',
  'VerificationMessageTemplate', 'SmsAuthenticationMessage', 'UserAttributeUpdateSettings', 'MfaConfiguration', 'DeviceConfiguration', 'EmailConfiguration',
  'SmsConfiguration', 'UserPoolTags', 'AdminCreateUserConfig', 'UserPoolAddOns', 'AccountRecoverySetting', 'UserPoolTier',
];
const POOL_CREATE = [...POOL_UPDATABLE, 'AliasAttributes', 'UsernameAttributes', 'Schema', 'UsernameConfiguration'];

function poolInput(p: Record<string, any>, keys: string[]): Record<string, any> {
  const out = pick(p, keys);
  const pw = out.Policies?.PasswordPolicy;
  if (pw) {
    out.Policies = {
      ...out.Policies,
      PasswordPolicy: typed(pw, ['MinimumLength', 'TemporaryPasswordValidityDays', 'PasswordHistorySize'], ['RequireLowercase', 'RequireUppercase', 'RequireNumbers', 'RequireSymbols']),
    };
  }
  if (out.AdminCreateUserConfig) out.AdminCreateUserConfig = typed(out.AdminCreateUserConfig, ['UnusedAccountValidityDays'], ['AllowAdminCreateUserOnly']);
  if (out.DeviceConfiguration) out.DeviceConfiguration = typed(out.DeviceConfiguration, [], ['ChallengeRequiredOnNewDevice', 'DeviceOnlyRememberedOnUserPrompt']);
  if (out.UsernameConfiguration) out.UsernameConfiguration = typed(out.UsernameConfiguration, [], ['CaseSensitive']);
  if (out.AccountRecoverySetting?.RecoveryMechanisms) {
    out.AccountRecoverySetting = { RecoveryMechanisms: out.AccountRecoverySetting.RecoveryMechanisms.map((m: Record<string, any>) => typed(m, ['Priority'], [])) };
  }
  if (out.Schema) out.Schema = out.Schema.map((a: Record<string, any>) => typed(a, [], ['Mutable', 'Required', 'DeveloperOnlyAttribute']));
  return out;
}

/** `EnabledMfas` exists only in templates: the API sets MFA methods with SetUserPoolMfaConfig. */
async function setMfas(ctx: Parameters<ResourceProvider['create']>[0], id: string, p: Record<string, any>): Promise<void> {
  if (p.EnabledMfas === undefined) return;
  const enabled: string[] = p.EnabledMfas;
  await ctx.call('cognito-idp', 'SetUserPoolMfaConfig', {
    UserPoolId: id,
    SoftwareTokenMfaConfiguration: { Enabled: enabled.includes('SOFTWARE_TOKEN_MFA') },
    ...(enabled.includes('SMS_MFA') && p.SmsConfiguration ? { SmsMfaConfiguration: { SmsConfiguration: p.SmsConfiguration, SmsAuthenticationMessage: p.SmsAuthenticationMessage } } : {}),
    MfaConfiguration: p.MfaConfiguration ?? 'OFF',
  });
}

const poolAttributes = (region: string, id: string, arn: unknown) => ({
  Arn: arn,
  UserPoolId: id,
  ProviderName: `cognito-idp.${region}.amazonaws.com/${id}`,
  ProviderURL: `https://cognito-idp.${region}.amazonaws.com/${id}`,
});

export const userPool: ResourceProvider = {
  type: 'AWS::Cognito::UserPool',
  service: 'cognito-idp',
  replaceOn: ['AliasAttributes', 'UsernameAttributes', 'UsernameConfiguration'],
  async create(ctx, p) {
    const out = await ctx.call<CreateUserPoolResponse>('cognito-idp', 'CreateUserPool', { PoolName: p.UserPoolName ?? physicalName(ctx, { max: 128 }), ...poolInput(p, POOL_CREATE) });
    const id = out.UserPool!.Id!;
    await setMfas(ctx, id, p);
    return { physicalId: id, attributes: poolAttributes(ctx.region, id, out.UserPool!.Arn) };
  },
  async update(ctx, id, p, previous) {
    await ctx.call('cognito-idp', 'UpdateUserPool', { UserPoolId: id, ...(p.UserPoolName !== undefined ? { PoolName: p.UserPoolName } : {}), ...poolInput(p, POOL_UPDATABLE) });
    // Custom attributes can be added to a pool, never removed or changed.
    const had = new Set(((previous.Schema ?? []) as { Name: string }[]).map((a) => a.Name));
    const added = ((p.Schema ?? []) as { Name: string }[]).filter((a) => !had.has(a.Name));
    if (added.length) await ctx.call('cognito-idp', 'AddCustomAttributes', { UserPoolId: id, CustomAttributes: poolInput({ Schema: added }, ['Schema']).Schema });
    await setMfas(ctx, id, p);
  },
  async delete(ctx, id) {
    await ignoreMissing(ctx.call('cognito-idp', 'DeleteUserPool', { UserPoolId: id }));
  },
};

const CLIENT_KEYS = [
  'RefreshTokenValidity', 'AccessTokenValidity', 'IdTokenValidity', 'TokenValidityUnits', 'ReadAttributes', 'WriteAttributes', 'ExplicitAuthFlows',
  'SupportedIdentityProviders', 'CallbackURLs', 'LogoutURLs', 'DefaultRedirectURI', 'AllowedOAuthFlows', 'AllowedOAuthScopes', 'AllowedOAuthFlowsUserPoolClient',
  'AnalyticsConfiguration', 'PreventUserExistenceErrors', 'EnableTokenRevocation', 'EnablePropagateAdditionalUserContextData', 'AuthSessionValidity', 'RefreshTokenRotation',
];
const clientInput = (p: Record<string, any>) =>
  typed(
    pick(p, CLIENT_KEYS),
    ['RefreshTokenValidity', 'AccessTokenValidity', 'IdTokenValidity', 'AuthSessionValidity'],
    ['AllowedOAuthFlowsUserPoolClient', 'EnableTokenRevocation', 'EnablePropagateAdditionalUserContextData'],
  );

export const userPoolClient: ResourceProvider = {
  type: 'AWS::Cognito::UserPoolClient',
  service: 'cognito-idp',
  replaceOn: ['UserPoolId', 'GenerateSecret'],
  required: ['UserPoolId'],
  async create(ctx, p) {
    const name = p.ClientName ?? physicalName(ctx, { max: 128 });
    const out = await ctx.call<CreateUserPoolClientResponse>('cognito-idp', 'CreateUserPoolClient', {
      UserPoolId: p.UserPoolId,
      ClientName: name,
      GenerateSecret: bool(p.GenerateSecret) ?? false,
      ...clientInput(p),
    });
    const c = out.UserPoolClient!;
    // ClientSecret exists only for a client that generated one; Fn::GetAtt on it fails otherwise.
    return { physicalId: c.ClientId!, attributes: { ClientId: c.ClientId, ClientSecret: c.ClientSecret, Name: c.ClientName } };
  },
  async update(ctx, id, p, _previous, attributes) {
    // Without a ClientName in the template, the client keeps the name CloudFormation gave it.
    const name = p.ClientName ?? attributes.Name;
    await ctx.call('cognito-idp', 'UpdateUserPoolClient', { UserPoolId: p.UserPoolId, ClientId: id, ClientName: name, ...clientInput(p) });
    return { attributes: { Name: name } };
  },
  async delete(ctx, id, p) {
    await ignoreMissing(ctx.call('cognito-idp', 'DeleteUserPoolClient', { UserPoolId: p.UserPoolId, ClientId: id }));
  },
};

const groupInput = (p: Record<string, any>) => typed(pick(p, ['Description', 'Precedence', 'RoleArn']), ['Precedence'], []);

export const userPoolGroup: ResourceProvider = {
  type: 'AWS::Cognito::UserPoolGroup',
  service: 'cognito-idp',
  replaceOn: ['GroupName', 'UserPoolId'],
  required: ['UserPoolId'],
  async create(ctx, p) {
    const name = p.GroupName ?? physicalName(ctx, { max: 128 });
    await ctx.call<CreateGroupResponse>('cognito-idp', 'CreateGroup', { UserPoolId: p.UserPoolId, GroupName: name, ...groupInput(p) });
    return { physicalId: name };
  },
  async update(ctx, name, p) {
    await ctx.call('cognito-idp', 'UpdateGroup', { UserPoolId: p.UserPoolId, GroupName: name, ...groupInput(p) });
  },
  async delete(ctx, name, p) {
    await ignoreMissing(ctx.call('cognito-idp', 'DeleteGroup', { UserPoolId: p.UserPoolId, GroupName: name }));
  },
};

export const userPoolDomain: ResourceProvider = {
  type: 'AWS::Cognito::UserPoolDomain',
  service: 'cognito-idp',
  replaceOn: ['Domain', 'UserPoolId'],
  required: ['Domain', 'UserPoolId'],
  async create(ctx, p) {
    await ctx.call('cognito-idp', 'CreateUserPoolDomain', typed(pick(p, ['Domain', 'UserPoolId', 'CustomDomainConfig', 'ManagedLoginVersion']), ['ManagedLoginVersion'], []));
    const d = await ctx.call<DescribeUserPoolDomainResponse>('cognito-idp', 'DescribeUserPoolDomain', { Domain: p.Domain });
    return { physicalId: p.Domain, attributes: { CloudFrontDistribution: d.DomainDescription?.CloudFrontDistribution } };
  },
  async update(ctx, _domain, p) {
    await ctx.call('cognito-idp', 'UpdateUserPoolDomain', typed(pick(p, ['Domain', 'UserPoolId', 'CustomDomainConfig', 'ManagedLoginVersion']), ['ManagedLoginVersion'], []));
  },
  async delete(ctx, domain, p) {
    await ignoreMissing(ctx.call('cognito-idp', 'DeleteUserPoolDomain', { Domain: domain, UserPoolId: p.UserPoolId }));
  },
};

export const userPoolIdentityProvider: ResourceProvider = {
  type: 'AWS::Cognito::UserPoolIdentityProvider',
  service: 'cognito-idp',
  replaceOn: ['UserPoolId', 'ProviderName', 'ProviderType'],
  required: ['UserPoolId', 'ProviderName', 'ProviderType', 'ProviderDetails'],
  async create(ctx, p) {
    await ctx.call('cognito-idp', 'CreateIdentityProvider', pick(p, ['UserPoolId', 'ProviderName', 'ProviderType', 'ProviderDetails', 'AttributeMapping', 'IdpIdentifiers']));
    return { physicalId: p.ProviderName };
  },
  async update(ctx, name, p) {
    await ctx.call('cognito-idp', 'UpdateIdentityProvider', { ProviderName: name, ...pick(p, ['UserPoolId', 'ProviderDetails', 'AttributeMapping', 'IdpIdentifiers']) });
  },
  async delete(ctx, name, p) {
    await ignoreMissing(ctx.call('cognito-idp', 'DeleteIdentityProvider', { UserPoolId: p.UserPoolId, ProviderName: name }));
  },
};

const IDENTITY_POOL_KEYS = ['AllowClassicFlow', 'SupportedLoginProviders', 'DeveloperProviderName', 'OpenIdConnectProviderARNs', 'SamlProviderARNs'];

function identityPoolInput(p: Record<string, any>): Record<string, any> {
  return {
    AllowUnauthenticatedIdentities: bool(p.AllowUnauthenticatedIdentities) ?? false,
    ...typed(pick(p, IDENTITY_POOL_KEYS), [], ['AllowClassicFlow']),
    ...(p.CognitoIdentityProviders ? { CognitoIdentityProviders: p.CognitoIdentityProviders.map((c: Record<string, any>) => typed(c, [], ['ServerSideTokenCheck'])) } : {}),
    // Templates give tags as [{Key, Value}]; the API takes a map.
    ...(p.IdentityPoolTags ? { IdentityPoolTags: tagMap(p.IdentityPoolTags) ?? {} } : {}),
  };
}

export const identityPool: ResourceProvider = {
  type: 'AWS::Cognito::IdentityPool',
  service: 'cognito-identity',
  replaceOn: [],
  required: ['AllowUnauthenticatedIdentities'],
  async create(ctx, p) {
    const out = await ctx.call<{ IdentityPoolId?: string; IdentityPoolName?: string }>('cognito-identity', 'CreateIdentityPool', {
      IdentityPoolName: p.IdentityPoolName ?? physicalName(ctx, { max: 128, separator: '_' }).replace(/-/g, '_'),
      ...identityPoolInput(p),
    });
    return { physicalId: out.IdentityPoolId!, attributes: { Name: out.IdentityPoolName, Id: out.IdentityPoolId } };
  },
  async update(ctx, id, p, _previous, attributes) {
    // UpdateIdentityPool replaces every setting and needs the name: keep the generated one when the template has none.
    const name = p.IdentityPoolName ?? attributes.Name;
    await ctx.call('cognito-identity', 'UpdateIdentityPool', { IdentityPoolId: id, IdentityPoolName: name, ...identityPoolInput(p) });
    return { attributes: { Name: name } };
  },
  async delete(ctx, id) {
    await ignoreMissing(ctx.call('cognito-identity', 'DeleteIdentityPool', { IdentityPoolId: id }));
  },
};

/**
 * Templates name each role mapping (any key) and say its provider in `IdentityProvider`; the API
 * keys the mappings by provider (`cognito-idp.<region>.amazonaws.com/<poolId>:<clientId>`).
 */
function roleMappings(m: Record<string, Record<string, any>> | undefined): Record<string, unknown> | undefined {
  if (!m) return undefined;
  return Object.fromEntries(
    Object.entries(m).map(([key, { IdentityProvider, ...mapping }]) => [IdentityProvider ?? key, mapping]),
  );
}

export const identityPoolRoleAttachment: ResourceProvider = {
  type: 'AWS::Cognito::IdentityPoolRoleAttachment',
  service: 'cognito-identity',
  replaceOn: ['IdentityPoolId'],
  required: ['IdentityPoolId'],
  async create(ctx, p) {
    await ctx.call('cognito-identity', 'SetIdentityPoolRoles', { IdentityPoolId: p.IdentityPoolId, Roles: p.Roles ?? {}, RoleMappings: roleMappings(p.RoleMappings) });
    return { physicalId: p.IdentityPoolId, attributes: { Id: p.IdentityPoolId } };
  },
  async update(ctx, _id, p) {
    await ctx.call('cognito-identity', 'SetIdentityPoolRoles', { IdentityPoolId: p.IdentityPoolId, Roles: p.Roles ?? {}, RoleMappings: roleMappings(p.RoleMappings) });
  },
  async delete(ctx, _id, p) {
    await ignoreMissing(ctx.call('cognito-identity', 'SetIdentityPoolRoles', { IdentityPoolId: p.IdentityPoolId, Roles: {} }));
  },
};
