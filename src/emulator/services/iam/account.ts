/** Account-level IAM: OIDC identity providers, console login profiles and account aliases. */
import type {
  CreateAccountAliasRequest,
  CreateLoginProfileRequest,
  CreateLoginProfileResponse,
  CreateOpenIDConnectProviderRequest,
  CreateOpenIDConnectProviderResponse,
  DeleteAccountAliasRequest,
  DeleteLoginProfileRequest,
  DeleteOpenIDConnectProviderRequest,
  GetAccountSummaryResponse,
  GetLoginProfileRequest,
  GetLoginProfileResponse,
  GetOpenIDConnectProviderRequest,
  GetOpenIDConnectProviderResponse,
  ListAccountAliasesRequest,
  ListAccountAliasesResponse,
  ListOpenIDConnectProvidersResponse,
} from '@aws-sdk/client-iam';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import { iamState } from './state.js';
import { alreadyExists, date, mergeTags, noSuchEntity, nowIso, touch } from './common.js';
import { getUserRecord } from './users.js';

export const CreateOpenIDConnectProvider = operation<CreateOpenIDConnectProviderRequest, CreateOpenIDConnectProviderResponse>({
  handler(input, ctx) {
    const state = iamState(ctx);
    const url = input.Url!;
    if (!/^https?:\/\/[^\s/]+/.test(url)) {
      throw new AwsError('ValidationError', `1 validation error detected: Value '${url}' at 'url' failed to satisfy constraint: Member must be an https URL`, 400);
    }
    const hostPath = url.replace(/^https?:\/\//, '').replace(/\/$/, '');
    const arn = `arn:aws:iam::${ctx.accountId}:oidc-provider/${hostPath}`;
    if (state.oidcProviders[arn]) throw alreadyExists(`Provider with url ${url} already exists.`);
    state.oidcProviders[arn] = {
      Arn: arn,
      Url: url,
      ClientIDList: input.ClientIDList ?? [],
      ThumbprintList: input.ThumbprintList ?? [],
      CreateDate: nowIso(ctx),
      Tags: mergeTags([], input.Tags),
    };
    touch(state);
    return { OpenIDConnectProviderArn: arn, Tags: input.Tags };
  },
});

export const GetOpenIDConnectProvider = operation<GetOpenIDConnectProviderRequest, GetOpenIDConnectProviderResponse>({
  handler(input, ctx) {
    const p = iamState(ctx).oidcProviders[input.OpenIDConnectProviderArn!];
    if (!p) throw noSuchEntity(`OpenIDConnect Provider not found for arn ${input.OpenIDConnectProviderArn}`);
    return {
      Url: p.Url.replace(/^https?:\/\//, ''),
      ClientIDList: p.ClientIDList,
      ThumbprintList: p.ThumbprintList,
      CreateDate: date(p.CreateDate),
      Tags: p.Tags,
    };
  },
});

export const ListOpenIDConnectProviders = operation<object, ListOpenIDConnectProvidersResponse>({
  handler: (_input, ctx) => ({ OpenIDConnectProviderList: Object.keys(iamState(ctx).oidcProviders).map((Arn) => ({ Arn })) }),
});

export const DeleteOpenIDConnectProvider = operation<DeleteOpenIDConnectProviderRequest, object>({
  handler(input, ctx) {
    const state = iamState(ctx);
    if (!state.oidcProviders[input.OpenIDConnectProviderArn!]) {
      throw noSuchEntity(`OpenIDConnect Provider not found for arn ${input.OpenIDConnectProviderArn}`);
    }
    delete state.oidcProviders[input.OpenIDConnectProviderArn!];
    touch(state);
    return {};
  },
});

export const CreateLoginProfile = operation<CreateLoginProfileRequest, CreateLoginProfileResponse>({
  handler(input, ctx) {
    const user = getUserRecord(ctx, input.UserName);
    if (user.loginProfile) throw alreadyExists(`Login Profile for user ${user.UserName} already exists.`);
    if (!input.Password || input.Password.length < 8) {
      throw new AwsError('PasswordPolicyViolation', 'Password should have a minimum length of 8', 400);
    }
    user.loginProfile = { CreateDate: nowIso(ctx), PasswordResetRequired: !!input.PasswordResetRequired, password: input.Password };
    touch(iamState(ctx));
    return { LoginProfile: { UserName: user.UserName, CreateDate: date(user.loginProfile.CreateDate), PasswordResetRequired: user.loginProfile.PasswordResetRequired } };
  },
});

export const GetLoginProfile = operation<GetLoginProfileRequest, GetLoginProfileResponse>({
  handler(input, ctx) {
    const user = getUserRecord(ctx, input.UserName);
    if (!user.loginProfile) throw noSuchEntity(`Login Profile for User ${user.UserName} cannot be found.`);
    return { LoginProfile: { UserName: user.UserName, CreateDate: date(user.loginProfile.CreateDate), PasswordResetRequired: user.loginProfile.PasswordResetRequired } };
  },
});

export const DeleteLoginProfile = operation<DeleteLoginProfileRequest, object>({
  handler(input, ctx) {
    const user = getUserRecord(ctx, input.UserName);
    if (!user.loginProfile) throw noSuchEntity(`Login Profile for User ${user.UserName} cannot be found.`);
    delete user.loginProfile;
    touch(iamState(ctx));
    return {};
  },
});

export const CreateAccountAlias = operation<CreateAccountAliasRequest, object>({
  handler(input, ctx) {
    const state = iamState(ctx);
    if (!/^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$/.test(input.AccountAlias!)) {
      throw new AwsError('ValidationError', `1 validation error detected: Value '${input.AccountAlias}' at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`, 400);
    }
    state.accountAliases = [input.AccountAlias!];
    touch(state);
    return {};
  },
});

export const DeleteAccountAlias = operation<DeleteAccountAliasRequest, object>({
  handler(input, ctx) {
    const state = iamState(ctx);
    if (!state.accountAliases.includes(input.AccountAlias!)) throw noSuchEntity(`The account alias ${input.AccountAlias} cannot be found.`);
    state.accountAliases = [];
    touch(state);
    return {};
  },
});

export const ListAccountAliases = operation<ListAccountAliasesRequest, ListAccountAliasesResponse>({
  handler: (_input, ctx) => ({ AccountAliases: iamState(ctx).accountAliases, IsTruncated: false }),
});

export const GetAccountSummary = operation<object, GetAccountSummaryResponse>({
  handler(_input, ctx) {
    const s = iamState(ctx);
    return {
      SummaryMap: {
        Users: Object.keys(s.users).length,
        UsersQuota: 5000,
        Groups: Object.keys(s.groups).length,
        GroupsQuota: 300,
        Roles: Object.keys(s.roles).length,
        RolesQuota: 1000,
        Policies: Object.keys(s.policies).length,
        PoliciesQuota: 1500,
        InstanceProfiles: Object.keys(s.instanceProfiles).length,
        InstanceProfilesQuota: 1000,
        AccessKeysPerUserQuota: 2,
        AttachedPoliciesPerUserQuota: 10,
        AttachedPoliciesPerGroupQuota: 10,
        AttachedPoliciesPerRoleQuota: 10,
        PolicyVersionsInUseQuota: 10000,
        AccountMFAEnabled: 0,
      },
    };
  },
});

