import type {
  CreateGroupResponse,
  CreateUserPoolClientResponse,
  CreateUserPoolDomainResponse,
  CreateUserPoolResponse,
} from '@aws-sdk/client-cognito-identity-provider';
import { isAwsError } from '../../../core/errors.js';
import { physicalName, type ResourceProvider } from './types.js';

async function ignoreMissing(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(isAwsError(e) && e.code === 'ResourceNotFoundException')) throw e;
  }
}

const pick = (p: Record<string, any>, keys: string[]) => Object.fromEntries(keys.filter((k) => p[k] !== undefined).map((k) => [k, p[k]]));

// CloudFormation's property names are the API's, so they pass through.
const POOL_UPDATABLE = [
  'Policies', 'DeletionProtection', 'LambdaConfig', 'AutoVerifiedAttributes', 'SmsVerificationMessage', 'EmailVerificationMessage', 'EmailVerificationSubject',
  'VerificationMessageTemplate', 'SmsAuthenticationMessage', 'UserAttributeUpdateSettings', 'MfaConfiguration', 'DeviceConfiguration', 'EmailConfiguration',
  'SmsConfiguration', 'UserPoolTags', 'AdminCreateUserConfig', 'UserPoolAddOns', 'AccountRecoverySetting', 'UserPoolTier',
];
const POOL_CREATE = [...POOL_UPDATABLE, 'AliasAttributes', 'UsernameAttributes', 'Schema', 'UsernameConfiguration'];

export const userPool: ResourceProvider = {
  type: 'AWS::Cognito::UserPool',
  service: 'cognito-idp',
  replaceOn: ['AliasAttributes', 'UsernameAttributes', 'UsernameConfiguration'],
  async create(ctx, p) {
    const out = await ctx.call<CreateUserPoolResponse>('cognito-idp', 'CreateUserPool', { PoolName: p.UserPoolName ?? physicalName(ctx, { max: 128 }), ...pick(p, POOL_CREATE) });
    const id = out.UserPool!.Id!;
    return {
      physicalId: id,
      attributes: {
        Arn: out.UserPool!.Arn,
        UserPoolId: id,
        ProviderName: `cognito-idp.${ctx.region}.amazonaws.com/${id}`,
        ProviderURL: `https://cognito-idp.${ctx.region}.amazonaws.com/${id}`,
      },
    };
  },
  async update(ctx, id, p) {
    await ctx.call('cognito-idp', 'UpdateUserPool', { UserPoolId: id, ...pick(p, POOL_UPDATABLE) });
  },
  async delete(ctx, id) {
    await ignoreMissing(ctx.call('cognito-idp', 'DeleteUserPool', { UserPoolId: id }));
  },
};

const CLIENT_KEYS = [
  'RefreshTokenValidity', 'AccessTokenValidity', 'IdTokenValidity', 'TokenValidityUnits', 'ReadAttributes', 'WriteAttributes', 'ExplicitAuthFlows',
  'SupportedIdentityProviders', 'CallbackURLs', 'LogoutURLs', 'DefaultRedirectURI', 'AllowedOAuthFlows', 'AllowedOAuthScopes', 'AllowedOAuthFlowsUserPoolClient',
  'AnalyticsConfiguration', 'PreventUserExistenceErrors', 'EnableTokenRevocation', 'EnablePropagateAdditionalUserContextData', 'AuthSessionValidity',
];

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
      GenerateSecret: p.GenerateSecret === true || p.GenerateSecret === 'true',
      ...pick(p, CLIENT_KEYS),
    });
    const c = out.UserPoolClient!;
    return { physicalId: c.ClientId!, attributes: { ClientId: c.ClientId, ClientSecret: c.ClientSecret, Name: c.ClientName } };
  },
  async update(ctx, id, p) {
    await ctx.call('cognito-idp', 'UpdateUserPoolClient', { UserPoolId: p.UserPoolId, ClientId: id, ClientName: p.ClientName, ...pick(p, CLIENT_KEYS) });
    return { attributes: { Name: p.ClientName } };
  },
  async delete(ctx, id, p) {
    await ignoreMissing(ctx.call('cognito-idp', 'DeleteUserPoolClient', { UserPoolId: p.UserPoolId, ClientId: id }));
  },
};

export const userPoolGroup: ResourceProvider = {
  type: 'AWS::Cognito::UserPoolGroup',
  service: 'cognito-idp',
  replaceOn: ['GroupName', 'UserPoolId'],
  required: ['UserPoolId'],
  async create(ctx, p) {
    const name = p.GroupName ?? physicalName(ctx, { max: 128 });
    await ctx.call<CreateGroupResponse>('cognito-idp', 'CreateGroup', { UserPoolId: p.UserPoolId, GroupName: name, ...pick(p, ['Description', 'Precedence', 'RoleArn']) });
    return { physicalId: name };
  },
  async update(ctx, name, p) {
    await ctx.call('cognito-idp', 'UpdateGroup', { UserPoolId: p.UserPoolId, GroupName: name, ...pick(p, ['Description', 'Precedence', 'RoleArn']) });
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
    const out = await ctx.call<CreateUserPoolDomainResponse>('cognito-idp', 'CreateUserPoolDomain', pick(p, ['Domain', 'UserPoolId', 'CustomDomainConfig', 'ManagedLoginVersion']));
    return { physicalId: p.Domain, attributes: { CloudFrontDistribution: out.CloudFrontDomain ?? `${p.Domain}.auth.${ctx.region}.amazoncognito.com` } };
  },
  async update(ctx, _domain, p) {
    await ctx.call('cognito-idp', 'UpdateUserPoolDomain', pick(p, ['Domain', 'UserPoolId', 'CustomDomainConfig', 'ManagedLoginVersion']));
  },
  async delete(ctx, domain, p) {
    await ignoreMissing(ctx.call('cognito-idp', 'DeleteUserPoolDomain', { Domain: domain, UserPoolId: p.UserPoolId }));
  },
};

export const identityPool: ResourceProvider = {
  type: 'AWS::Cognito::IdentityPool',
  service: 'cognito-identity',
  replaceOn: [],
  required: ['AllowUnauthenticatedIdentities'],
  async create(ctx, p) {
    const out = await ctx.call<{ IdentityPoolId?: string; IdentityPoolName?: string }>('cognito-identity', 'CreateIdentityPool', {
      IdentityPoolName: p.IdentityPoolName ?? physicalName(ctx, { max: 128, separator: '_' }).replace(/-/g, '_'),
      AllowUnauthenticatedIdentities: p.AllowUnauthenticatedIdentities === true || p.AllowUnauthenticatedIdentities === 'true',
      ...pick(p, ['AllowClassicFlow', 'SupportedLoginProviders', 'DeveloperProviderName', 'CognitoIdentityProviders', 'OpenIdConnectProviderARNs', 'SamlProviderARNs']),
    });
    return { physicalId: out.IdentityPoolId!, attributes: { Name: out.IdentityPoolName, Id: out.IdentityPoolId } };
  },
  async update(ctx, id, p) {
    await ctx.call('cognito-identity', 'UpdateIdentityPool', {
      IdentityPoolId: id,
      IdentityPoolName: p.IdentityPoolName,
      AllowUnauthenticatedIdentities: p.AllowUnauthenticatedIdentities === true || p.AllowUnauthenticatedIdentities === 'true',
      ...pick(p, ['AllowClassicFlow', 'SupportedLoginProviders', 'DeveloperProviderName', 'CognitoIdentityProviders', 'OpenIdConnectProviderARNs', 'SamlProviderARNs']),
    });
  },
  async delete(ctx, id) {
    await ignoreMissing(ctx.call('cognito-identity', 'DeleteIdentityPool', { IdentityPoolId: id }));
  },
};

export const identityPoolRoleAttachment: ResourceProvider = {
  type: 'AWS::Cognito::IdentityPoolRoleAttachment',
  service: 'cognito-identity',
  replaceOn: ['IdentityPoolId'],
  required: ['IdentityPoolId'],
  async create(ctx, p) {
    await ctx.call('cognito-identity', 'SetIdentityPoolRoles', { IdentityPoolId: p.IdentityPoolId, Roles: p.Roles ?? {}, RoleMappings: p.RoleMappings });
    return { physicalId: p.IdentityPoolId };
  },
  async update(ctx, _id, p) {
    await ctx.call('cognito-identity', 'SetIdentityPoolRoles', { IdentityPoolId: p.IdentityPoolId, Roles: p.Roles ?? {}, RoleMappings: p.RoleMappings });
  },
  async delete(ctx, _id, p) {
    await ignoreMissing(ctx.call('cognito-identity', 'SetIdentityPoolRoles', { IdentityPoolId: p.IdentityPoolId, Roles: {} }));
  },
};
