import type {
  CreateIdentityPoolInput,
  DeleteIdentityPoolInput,
  DescribeIdentityPoolInput,
  GetIdentityPoolRolesInput,
  GetIdentityPoolRolesResponse,
  IdentityPool,
  ListIdentityPoolsInput,
  ListIdentityPoolsResponse,
  ListTagsForResourceInput,
  ListTagsForResourceResponse,
  RoleMapping,
  SetIdentityPoolRolesInput,
  TagResourceInput,
  TagResourceResponse,
  UntagResourceInput,
  UntagResourceResponse,
} from '@aws-sdk/client-cognito-identity';
import { AwsError } from '../../core/errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { newRegionalId, poolArn, poolOf, type CognitoIdentityState, type StoredIdentityPool } from './state.js';

const invalid = (message: string) => new AwsError('InvalidParameterException', message, 400);

export function describePool(p: StoredIdentityPool): IdentityPool {
  const out: IdentityPool = {
    IdentityPoolId: p.IdentityPoolId,
    IdentityPoolName: p.IdentityPoolName,
    AllowUnauthenticatedIdentities: p.AllowUnauthenticatedIdentities,
    AllowClassicFlow: p.AllowClassicFlow,
    SupportedLoginProviders: p.SupportedLoginProviders,
    DeveloperProviderName: p.DeveloperProviderName,
    OpenIdConnectProviderARNs: p.OpenIdConnectProviderARNs,
    CognitoIdentityProviders: p.CognitoIdentityProviders,
    SamlProviderARNs: p.SamlProviderARNs,
    IdentityPoolTags: p.tags,
  };
  for (const k of Object.keys(out) as (keyof IdentityPool)[]) if (out[k] === undefined) delete out[k];
  return out;
}

function checkName(name: string | undefined): string {
  const n = name ?? '';
  if (!/^[\w\s+=,.@-]+$/.test(n) || n.length > 128) {
    throw new AwsError('ValidationException', `1 validation error detected: Value '${n}' at 'identityPoolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+`, 400);
  }
  return n;
}

/** The settings a Create or Update request gives; Update replaces them all, as AWS does. */
function settings(input: CreateIdentityPoolInput): Omit<StoredIdentityPool, 'IdentityPoolId' | 'tags' | 'roles' | 'roleMappings' | 'created'> {
  for (const p of input.CognitoIdentityProviders ?? []) {
    if (!/^cognito-idp\.[\w-]+\.amazonaws\.com\/[\w-]+_[0-9a-zA-Z]+$/.test(p.ProviderName ?? '')) {
      throw invalid(`Invalid Cognito Identity Provider name: ${p.ProviderName}. It must look like cognito-idp.<region>.amazonaws.com/<userPoolId>.`);
    }
  }
  if (input.DeveloperProviderName && !/^[\w._-]{1,128}$/.test(input.DeveloperProviderName)) throw invalid('Invalid DeveloperProviderName.');
  return {
    IdentityPoolName: checkName(input.IdentityPoolName),
    AllowUnauthenticatedIdentities: !!input.AllowUnauthenticatedIdentities,
    AllowClassicFlow: input.AllowClassicFlow,
    SupportedLoginProviders: input.SupportedLoginProviders,
    DeveloperProviderName: input.DeveloperProviderName,
    OpenIdConnectProviderARNs: input.OpenIdConnectProviderARNs,
    CognitoIdentityProviders: input.CognitoIdentityProviders?.map((p) => ({ ProviderName: p.ProviderName, ClientId: p.ClientId, ServerSideTokenCheck: p.ServerSideTokenCheck ?? false })),
    SamlProviderARNs: input.SamlProviderARNs,
  };
}

export const CreateIdentityPool = operation<CreateIdentityPoolInput, IdentityPool>({
  handler(input, ctx) {
    const state = ctx.emulator.stateFor<CognitoIdentityState>('cognito-identity', ctx.accountId, ctx.region);
    if (Object.keys(state.pools).length >= 1000) throw new AwsError('LimitExceededException', 'The number of identity pools has reached its limit.', 400);
    const s = settings(input);
    let id = newRegionalId(ctx.accountId, ctx.region);
    while (state.pools[id]) id = newRegionalId(ctx.accountId, ctx.region);
    const pool: StoredIdentityPool = { IdentityPoolId: id, ...s, tags: { ...input.IdentityPoolTags }, roles: {}, roleMappings: {}, created: new Date(ctx.emulator.clock.now()).toISOString() };
    state.pools[id] = pool;
    return describePool(pool);
  },
});

export const DescribeIdentityPool = operation<DescribeIdentityPoolInput, IdentityPool>({
  handler: (input, ctx) => describePool(poolOf(ctx, input.IdentityPoolId).pool),
});

export const UpdateIdentityPool = operation<IdentityPool, IdentityPool>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.IdentityPoolId);
    const s = settings(input);
    // A developer provider name, once set, stays.
    Object.assign(pool, s, { DeveloperProviderName: pool.DeveloperProviderName ?? s.DeveloperProviderName });
    if (input.IdentityPoolTags) pool.tags = { ...input.IdentityPoolTags };
    return describePool(pool);
  },
});

export const DeleteIdentityPool = operation<DeleteIdentityPoolInput, object>({
  handler(input, ctx) {
    const { state, pool } = poolOf(ctx, input.IdentityPoolId);
    delete state.pools[pool.IdentityPoolId];
    for (const [id, identity] of Object.entries(state.identities)) if (identity.poolId === pool.IdentityPoolId) delete state.identities[id];
    return {};
  },
});

export const ListIdentityPools = operation<ListIdentityPoolsInput, ListIdentityPoolsResponse>({
  handler(input, ctx) {
    const max = input.MaxResults ?? 0;
    if (max < 1 || max > 60) {
      throw new AwsError('ValidationException', `1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value ${max < 1 ? 'greater than or equal to 1' : 'less than or equal to 60'}`, 400);
    }
    const state = ctx.emulator.stateFor<CognitoIdentityState>('cognito-identity', ctx.accountId, ctx.region);
    const pools = Object.values(state.pools).sort((a, b) => a.created.localeCompare(b.created));
    const start = input.NextToken ? Number(Buffer.from(input.NextToken, 'base64').toString()) || 0 : 0;
    const page = pools.slice(start, start + max);
    return {
      IdentityPools: page.map((p) => ({ IdentityPoolId: p.IdentityPoolId, IdentityPoolName: p.IdentityPoolName })),
      NextToken: start + max < pools.length ? Buffer.from(String(start + max)).toString('base64') : undefined,
    };
  },
});

const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

function checkMapping(key: string, m: RoleMapping): RoleMapping {
  if (m.Type !== 'Token' && m.Type !== 'Rules') throw invalid(`Invalid role mapping type for ${key}: ${m.Type}`);
  if (m.AmbiguousRoleResolution !== 'AuthenticatedRole' && m.AmbiguousRoleResolution !== 'Deny') {
    throw invalid(`AmbiguousRoleResolution must be provided for role mapping ${key}.`);
  }
  if (m.Type === 'Rules') {
    const rules = m.RulesConfiguration?.Rules ?? [];
    if (!rules.length) throw invalid(`RulesConfiguration must contain at least one rule for role mapping ${key}.`);
    for (const r of rules) {
      if (!r.Claim || !r.MatchType || r.Value === undefined || !ROLE_ARN.test(r.RoleARN ?? '')) throw invalid(`Invalid rule in the role mapping ${key}.`);
    }
  }
  return m;
}

export const SetIdentityPoolRoles = operation<SetIdentityPoolRolesInput, object>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.IdentityPoolId);
    for (const [k, arn] of Object.entries(input.Roles ?? {})) {
      if (k !== 'authenticated' && k !== 'unauthenticated') throw invalid(`Invalid role type: ${k}. Use authenticated or unauthenticated.`);
      if (!ROLE_ARN.test(arn)) throw invalid(`Invalid role ARN: ${arn}`);
    }
    const mappings: Record<string, RoleMapping> = {};
    for (const [k, m] of Object.entries(input.RoleMappings ?? {})) mappings[k] = checkMapping(k, m);
    pool.roles = { ...input.Roles };
    pool.roleMappings = mappings;
    return {};
  },
});

export const GetIdentityPoolRoles = operation<GetIdentityPoolRolesInput, GetIdentityPoolRolesResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.IdentityPoolId);
    return {
      IdentityPoolId: pool.IdentityPoolId,
      Roles: pool.roles,
      ...(Object.keys(pool.roleMappings).length ? { RoleMappings: pool.roleMappings } : {}),
    };
  },
});

function poolByArn(ctx: RequestContext, arn: string | undefined): StoredIdentityPool {
  const m = /^arn:aws[\w-]*:cognito-identity:([\w-]+):(\d{12}):identitypool\/([\w-]+:[0-9a-f-]+)$/.exec(arn ?? '');
  if (!m || m[1] !== ctx.region || m[2] !== ctx.accountId) throw new AwsError('ResourceNotFoundException', `IdentityPool '${m?.[3] ?? arn}' not found.`, 400);
  const { pool } = poolOf(ctx, m[3]);
  if (poolArn(ctx, pool.IdentityPoolId) !== arn) throw new AwsError('ResourceNotFoundException', `IdentityPool '${m[3]}' not found.`, 400);
  return pool;
}

export const TagResource = operation<TagResourceInput, TagResourceResponse>({
  handler(input, ctx) {
    const pool = poolByArn(ctx, input.ResourceArn);
    pool.tags = { ...pool.tags, ...input.Tags };
    if (Object.keys(pool.tags).length > 50) throw new AwsError('LimitExceededException', 'The number of tags has reached its limit.', 400);
    return {};
  },
});

export const UntagResource = operation<UntagResourceInput, UntagResourceResponse>({
  handler(input, ctx) {
    const pool = poolByArn(ctx, input.ResourceArn);
    for (const k of input.TagKeys ?? []) delete pool.tags[k];
    return {};
  },
});

export const ListTagsForResource = operation<ListTagsForResourceInput, ListTagsForResourceResponse>({
  handler: (input, ctx) => ({ Tags: { ...poolByArn(ctx, input.ResourceArn).tags } }),
});
