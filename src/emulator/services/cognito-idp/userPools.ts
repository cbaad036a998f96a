import type {
  AddCustomAttributesRequest,
  AddCustomAttributesResponse,
  CreateUserPoolRequest,
  CreateUserPoolResponse,
  DeleteUserPoolRequest,
  DescribeUserPoolRequest,
  DescribeUserPoolResponse,
  GetUserPoolMfaConfigRequest,
  GetUserPoolMfaConfigResponse,
  ListTagsForResourceRequest,
  ListTagsForResourceResponse,
  ListUserPoolsRequest,
  ListUserPoolsResponse,
  PasswordPolicyType,
  SchemaAttributeType,
  SetUserPoolMfaConfigRequest,
  SetUserPoolMfaConfigResponse,
  TagResourceRequest,
  TagResourceResponse,
  UntagResourceRequest,
  UntagResourceResponse,
  UpdateUserPoolRequest,
  UpdateUserPoolResponse,
  UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognitoError } from './errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { date, invalidParameter, nowIso, page } from './common.js';
import { newPoolId, poolArn, poolOf, type CognitoIdpState, type PoolConfig, type StoredPool } from './state.js';
import { newPoolKey, newPoolSecret } from './tokens.js';

const str = (Name: string, extra: Partial<SchemaAttributeType> = {}): SchemaAttributeType => ({
  Name,
  AttributeDataType: 'String',
  DeveloperOnlyAttribute: false,
  Mutable: true,
  Required: false,
  StringAttributeConstraints: { MinLength: '0', MaxLength: '2048' },
  ...extra,
});
const bool = (Name: string): SchemaAttributeType => ({ Name, AttributeDataType: 'Boolean', DeveloperOnlyAttribute: false, Mutable: true, Required: false });

/** The standard attributes every pool has, in the order DescribeUserPool lists them. */
function standardSchema(): SchemaAttributeType[] {
  return [
    str('sub', { Mutable: false, Required: true, StringAttributeConstraints: { MinLength: '1', MaxLength: '2048' } }),
    str('name'),
    str('given_name'),
    str('family_name'),
    str('middle_name'),
    str('nickname'),
    str('preferred_username'),
    str('profile'),
    str('picture'),
    str('website'),
    str('email'),
    bool('email_verified'),
    str('gender'),
    str('birthdate', { StringAttributeConstraints: { MinLength: '10', MaxLength: '10' } }),
    str('zoneinfo'),
    str('locale'),
    str('phone_number'),
    bool('phone_number_verified'),
    str('address'),
    { Name: 'updated_at', AttributeDataType: 'Number', DeveloperOnlyAttribute: false, Mutable: true, Required: false, NumberAttributeConstraints: { MinValue: '0' } },
    { Name: 'identities', AttributeDataType: 'String', DeveloperOnlyAttribute: false, Mutable: true, Required: false, StringAttributeConstraints: {} },
  ];
}

/** Adds custom attributes (`custom:` prefixed, or `dev:custom:` for developer-only ones) to a schema. */
function addCustom(schema: SchemaAttributeType[], extra: SchemaAttributeType[] | undefined, creating: boolean): void {
  for (const a of extra ?? []) {
    const name = a.Name ?? '';
    if (!/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,20}$/u.test(name)) {
      throw invalidParameter(`1 validation error detected: Value '${name}' at 'schema.name' failed to satisfy constraint: Member must have length less than or equal to 20`);
    }
    const standard = schema.find((s) => s.Name === name && !name.startsWith('custom:'));
    if (standard && creating) {
      // Standard attributes may be made required (and immutable) when the pool is created.
      if (a.AttributeDataType && a.AttributeDataType !== standard.AttributeDataType) {
        throw invalidParameter(`You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute ${name}`);
      }
      if (a.Required !== undefined) standard.Required = a.Required;
      if (a.Mutable !== undefined) standard.Mutable = a.Mutable;
      if (a.StringAttributeConstraints && standard.AttributeDataType === 'String') standard.StringAttributeConstraints = { ...standard.StringAttributeConstraints, ...a.StringAttributeConstraints };
      continue;
    }
    if (a.Required) throw invalidParameter('Required custom attributes are not supported currently.');
    const full = `${a.DeveloperOnlyAttribute ? 'dev:' : ''}custom:${name}`;
    if (schema.some((s) => s.Name === full)) throw invalidParameter(`Existing attribute already has name ${full}.`);
    const type = a.AttributeDataType ?? 'String';
    const attr: SchemaAttributeType = { Name: full, AttributeDataType: type, DeveloperOnlyAttribute: a.DeveloperOnlyAttribute ?? false, Mutable: a.Mutable ?? true, Required: false };
    if (type === 'String') attr.StringAttributeConstraints = { MinLength: '0', MaxLength: '2048', ...a.StringAttributeConstraints };
    if (type === 'Number') attr.NumberAttributeConstraints = { ...a.NumberAttributeConstraints };
    schema.push(attr);
  }
  if (schema.length > 50 + 21) throw cognitoError('LimitExceededException', 'The number of custom attributes has reached its limit.');
}

function checkPasswordPolicyInput(p: PasswordPolicyType | undefined): PasswordPolicyType {
  if (!p) {
    return { MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 7 };
  }
  const n = p.MinimumLength ?? 8;
  const range = (v: number, lo: number, hi: number, at: string) => {
    if (v < lo || v > hi) {
      throw invalidParameter(`1 validation error detected: Value '${v}' at '${at}' failed to satisfy constraint: Member must have value ${v < lo ? `greater than or equal to ${lo}` : `less than or equal to ${hi}`}`);
    }
  };
  range(n, 6, 99, 'policies.passwordPolicy.minimumLength');
  if (p.TemporaryPasswordValidityDays !== undefined) range(p.TemporaryPasswordValidityDays, 0, 365, 'policies.passwordPolicy.temporaryPasswordValidityDays');
  if (p.PasswordHistorySize !== undefined) range(p.PasswordHistorySize, 0, 24, 'policies.passwordPolicy.passwordHistorySize');
  return {
    MinimumLength: n,
    RequireUppercase: p.RequireUppercase ?? false,
    RequireLowercase: p.RequireLowercase ?? false,
    RequireNumbers: p.RequireNumbers ?? false,
    RequireSymbols: p.RequireSymbols ?? false,
    ...(p.PasswordHistorySize !== undefined ? { PasswordHistorySize: p.PasswordHistorySize } : {}),
    TemporaryPasswordValidityDays: p.TemporaryPasswordValidityDays ?? 7,
  };
}

function checkPoolName(name: string | undefined): string {
  const n = name ?? '';
  if (!/^[\w\s+=,.@-]+$/.test(n) || n.length > 128) {
    throw invalidParameter(`1 validation error detected: Value '${n}' at 'poolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+`);
  }
  return n;
}

/** The settings UpdateUserPool replaces: anything left out of the request returns to its default, as in AWS. */
function mutableSettings(input: CreateUserPoolRequest | UpdateUserPoolRequest): Partial<PoolConfig> {
  const verification = { DefaultEmailOption: 'CONFIRM_WITH_CODE' as const, ...input.VerificationMessageTemplate };
  if (input.EmailVerificationMessage && !verification.EmailMessage) verification.EmailMessage = input.EmailVerificationMessage;
  if (input.EmailVerificationSubject && !verification.EmailSubject) verification.EmailSubject = input.EmailVerificationSubject;
  if (input.SmsVerificationMessage && !verification.SmsMessage) verification.SmsMessage = input.SmsVerificationMessage;
  return {
    Policies: { PasswordPolicy: checkPasswordPolicyInput(input.Policies?.PasswordPolicy), SignInPolicy: input.Policies?.SignInPolicy ?? { AllowedFirstAuthFactors: ['PASSWORD'] } },
    DeletionProtection: input.DeletionProtection ?? 'INACTIVE',
    LambdaConfig: input.LambdaConfig ?? {},
    AutoVerifiedAttributes: input.AutoVerifiedAttributes,
    SmsVerificationMessage: input.SmsVerificationMessage ?? verification.SmsMessage,
    EmailVerificationMessage: input.EmailVerificationMessage ?? verification.EmailMessage,
    EmailVerificationSubject: input.EmailVerificationSubject ?? verification.EmailSubject,
    VerificationMessageTemplate: verification,
    SmsAuthenticationMessage: input.SmsAuthenticationMessage,
    UserAttributeUpdateSettings: input.UserAttributeUpdateSettings ?? { AttributesRequireVerificationBeforeUpdate: [] },
    MfaConfiguration: input.MfaConfiguration ?? 'OFF',
    DeviceConfiguration: input.DeviceConfiguration,
    EmailConfiguration: input.EmailConfiguration ?? { EmailSendingAccount: 'COGNITO_DEFAULT' },
    SmsConfiguration: input.SmsConfiguration,
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: false, UnusedAccountValidityDays: 7, ...input.AdminCreateUserConfig },
    UserPoolAddOns: input.UserPoolAddOns,
    AccountRecoverySetting: input.AccountRecoverySetting,
    UserPoolTier: input.UserPoolTier ?? 'ESSENTIALS',
  };
}

const drop = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export function describePool(pool: StoredPool): UserPoolType {
  return drop({
    ...pool.config,
    LastModifiedDate: date(pool.modified),
    CreationDate: date(pool.created),
    EstimatedNumberOfUsers: Object.keys(pool.users).length,
    UserPoolTags: pool.tags,
    Domain: pool.domain?.Domain,
  });
}

export const CreateUserPool = operation<CreateUserPoolRequest, CreateUserPoolResponse>({
  async handler(input, ctx) {
    const name = checkPoolName(input.PoolName);
    if (input.UsernameAttributes?.length && input.AliasAttributes?.length) {
      throw invalidParameter('Only one of AliasAttributes or UsernameAttributes can be specified.');
    }
    const state = ctx.emulator.stateFor<CognitoIdpState>('cognito-idp', ctx.accountId, ctx.region);
    if (Object.keys(state.pools).length >= 1000) throw cognitoError('LimitExceededException', 'The number of user pools has reached its limit.');
    const schema = standardSchema();
    addCustom(schema, input.Schema, true);
    let id = newPoolId(ctx.accountId, ctx.region);
    while (state.pools[id]) id = newPoolId(ctx.accountId, ctx.region);
    const now = nowIso(ctx);
    const settings = mutableSettings(input);
    const pool: StoredPool = {
      Id: id,
      config: drop({
        Id: id,
        Name: name,
        ...settings,
        SchemaAttributes: schema,
        AliasAttributes: input.AliasAttributes,
        UsernameAttributes: input.UsernameAttributes,
        UsernameConfiguration: input.UsernameConfiguration,
        Arn: poolArn(ctx, id),
      }),
      created: now,
      modified: now,
      tags: { ...input.UserPoolTags },
      mfa: { SoftwareTokenMfaEnabled: false, SmsMfaEnabled: !!input.SmsConfiguration, EmailMfaEnabled: false },
      clients: {},
      users: {},
      groups: {},
      resourceServers: {},
      providers: {},
      key: await newPoolKey(),
      secret: newPoolSecret(),
      revoked: {},
    };
    // Key generation yields: look again, in case a concurrent create took the id.
    while (state.pools[pool.Id]) pool.Id = pool.config.Id = newPoolId(ctx.accountId, ctx.region);
    pool.config.Arn = poolArn(ctx, pool.Id);
    state.pools[pool.Id] = pool;
    return { UserPool: describePool(pool) };
  },
});

export const DescribeUserPool = operation<DescribeUserPoolRequest, DescribeUserPoolResponse>({
  handler: (input, ctx) => ({ UserPool: describePool(poolOf(ctx, input.UserPoolId).pool) }),
});

export const UpdateUserPool = operation<UpdateUserPoolRequest, UpdateUserPoolResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    const settings = mutableSettings(input);
    pool.config = drop({ ...pool.config, ...settings, Name: input.PoolName !== undefined ? checkPoolName(input.PoolName) : pool.config.Name });
    for (const k of Object.keys(settings) as (keyof PoolConfig)[]) if (settings[k] === undefined) delete pool.config[k];
    if (input.UserPoolTags) pool.tags = { ...input.UserPoolTags };
    pool.modified = nowIso(ctx);
    return {};
  },
});

export const DeleteUserPool = operation<DeleteUserPoolRequest, object>({
  handler(input, ctx) {
    const ref = poolOf(ctx, input.UserPoolId);
    if (ref.pool.config.DeletionProtection === 'ACTIVE') {
      throw invalidParameter('The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.');
    }
    if (ref.pool.domain) throw invalidParameter('User pool cannot be deleted. It has a domain configured that should be deleted first.');
    delete ref.state.pools[ref.pool.Id];
    return {};
  },
});

export const ListUserPools = operation<ListUserPoolsRequest, ListUserPoolsResponse>({
  handler(input, ctx) {
    const max = input.MaxResults ?? 0;
    if (max < 1 || max > 60) {
      throw invalidParameter(`1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value ${max < 1 ? 'greater than or equal to 1' : 'less than or equal to 60'}`);
    }
    const state = ctx.emulator.stateFor<CognitoIdpState>('cognito-idp', ctx.accountId, ctx.region);
    const pools = Object.values(state.pools).sort((a, b) => a.created.localeCompare(b.created));
    const { items, next } = page(pools, input.NextToken, max);
    return {
      UserPools: items.map((p) => drop({ Id: p.Id, Name: p.config.Name, LambdaConfig: p.config.LambdaConfig, LastModifiedDate: date(p.modified), CreationDate: date(p.created) })),
      NextToken: next,
    };
  },
});

export const AddCustomAttributes = operation<AddCustomAttributesRequest, AddCustomAttributesResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    const schema = pool.config.SchemaAttributes ?? [];
    for (const a of input.CustomAttributes ?? []) {
      if (schema.some((s) => s.Name === a.Name && !a.Name!.startsWith('custom:'))) throw invalidParameter(`Existing attribute already has name ${a.Name}.`);
    }
    addCustom(schema, input.CustomAttributes, false);
    pool.config.SchemaAttributes = schema;
    pool.modified = nowIso(ctx);
    return {};
  },
});

/** Tags: user pools are the taggable Cognito resource (the ARN names the pool). */
function poolByArn(ctx: RequestContext, arn: string | undefined): StoredPool {
  const m = /^arn:aws[\w-]*:cognito-idp:([\w-]+):(\d{12}):userpool\/([\w-]+_[0-9a-zA-Z]+)$/.exec(arn ?? '');
  const state = ctx.emulator.stateFor<CognitoIdpState>('cognito-idp', ctx.accountId, ctx.region);
  const pool = m && m[2] === ctx.accountId && m[1] === ctx.region ? state.pools[m[3]] : undefined;
  if (!pool) throw cognitoError('ResourceNotFoundException', `User pool ${m?.[3] ?? arn} does not exist.`);
  return pool;
}

export const TagResource = operation<TagResourceRequest, TagResourceResponse>({
  handler(input, ctx) {
    const pool = poolByArn(ctx, input.ResourceArn);
    const tags = { ...pool.tags, ...input.Tags };
    if (Object.keys(tags).length > 50) throw invalidParameter('The number of tags has reached its limit.');
    pool.tags = tags;
    return {};
  },
});

export const UntagResource = operation<UntagResourceRequest, UntagResourceResponse>({
  handler(input, ctx) {
    const pool = poolByArn(ctx, input.ResourceArn);
    for (const k of input.TagKeys ?? []) delete pool.tags[k];
    return {};
  },
});

export const ListTagsForResource = operation<ListTagsForResourceRequest, ListTagsForResourceResponse>({
  handler: (input, ctx) => ({ Tags: { ...poolByArn(ctx, input.ResourceArn).tags } }),
});

export const GetUserPoolMfaConfig = operation<GetUserPoolMfaConfigRequest, GetUserPoolMfaConfigResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    return drop({
      SmsMfaConfiguration: pool.config.SmsConfiguration ? { SmsAuthenticationMessage: pool.config.SmsAuthenticationMessage, SmsConfiguration: pool.config.SmsConfiguration } : undefined,
      SoftwareTokenMfaConfiguration: { Enabled: pool.mfa.SoftwareTokenMfaEnabled },
      EmailMfaConfiguration: pool.mfa.EmailMfaEnabled ? {} : undefined,
      MfaConfiguration: pool.config.MfaConfiguration ?? 'OFF',
      WebAuthnConfiguration: { UserVerification: 'preferred' },
    });
  },
});

export const SetUserPoolMfaConfig = operation<SetUserPoolMfaConfigRequest, SetUserPoolMfaConfigResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    if (input.SoftwareTokenMfaConfiguration) pool.mfa.SoftwareTokenMfaEnabled = !!input.SoftwareTokenMfaConfiguration.Enabled;
    if (input.SmsMfaConfiguration) {
      pool.mfa.SmsMfaEnabled = !!input.SmsMfaConfiguration.SmsConfiguration;
      if (input.SmsMfaConfiguration.SmsConfiguration) pool.config.SmsConfiguration = input.SmsMfaConfiguration.SmsConfiguration;
      if (input.SmsMfaConfiguration.SmsAuthenticationMessage) pool.config.SmsAuthenticationMessage = input.SmsMfaConfiguration.SmsAuthenticationMessage;
    }
    const mode = input.MfaConfiguration ?? pool.config.MfaConfiguration ?? 'OFF';
    if (mode !== 'OFF' && !pool.mfa.SoftwareTokenMfaEnabled && !pool.mfa.SmsMfaEnabled && !pool.mfa.EmailMfaEnabled) {
      throw invalidParameter('At least one MFA method must be enabled when MFA is ON or OPTIONAL.');
    }
    pool.config.MfaConfiguration = mode;
    pool.modified = nowIso(ctx);
    return {
      SoftwareTokenMfaConfiguration: { Enabled: pool.mfa.SoftwareTokenMfaEnabled },
      SmsMfaConfiguration: pool.config.SmsConfiguration ? { SmsAuthenticationMessage: pool.config.SmsAuthenticationMessage, SmsConfiguration: pool.config.SmsConfiguration } : undefined,
      MfaConfiguration: mode,
    };
  },
});
