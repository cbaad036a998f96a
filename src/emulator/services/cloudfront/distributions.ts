import type {
  CreateDistributionRequest,
  CreateDistributionResult,
  CreateDistributionWithTagsRequest,
  CreateDistributionWithTagsResult,
  DeleteDistributionRequest,
  Distribution,
  DistributionConfig,
  DistributionSummary,
  GetDistributionConfigRequest,
  GetDistributionConfigResult,
  GetDistributionRequest,
  GetDistributionResult,
  ListDistributionsRequest,
  ListDistributionsResult,
  Tag,
  UpdateDistributionRequest,
  UpdateDistributionResult,
} from '@aws-sdk/client-cloudfront';
import { AwsError } from '../../core/errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { cloudfrontState, type DistributionRecord } from './state.js';
import { checkIfMatch, distributionOf, invalidArgument, newDistributionId, newDomainPrefix, newETag, nowIso, type Ctx } from './common.js';
import { checkDistributionConfig } from './validation.js';
import { forgetDistribution } from './cache.js';

const empty = { Enabled: false, Quantity: 0 };

/** Fills the members AWS always returns (empty lists as `{Quantity: 0}`), as GetDistributionConfig shows them. */
function normalize(c: DistributionConfig): DistributionConfig {
  const q0 = { Quantity: 0 };
  const behavior = <B extends object>(b: B): B => ({
    LambdaFunctionAssociations: q0,
    FunctionAssociations: q0,
    FieldLevelEncryptionId: '',
    SmoothStreaming: false,
    Compress: false,
    AllowedMethods: { Quantity: 2, Items: ['HEAD', 'GET'], CachedMethods: { Quantity: 2, Items: ['HEAD', 'GET'] } },
    TrustedSigners: { Enabled: false, Quantity: 0 },
    TrustedKeyGroups: { Enabled: false, Quantity: 0 },
    ...b,
  });
  return {
    Aliases: q0,
    DefaultRootObject: '',
    OriginGroups: q0,
    CacheBehaviors: q0,
    CustomErrorResponses: q0,
    Logging: { Enabled: false, IncludeCookies: false, Bucket: '', Prefix: '' },
    PriceClass: 'PriceClass_All',
    ViewerCertificate: { CloudFrontDefaultCertificate: true, SSLSupportMethod: 'vip', MinimumProtocolVersion: 'TLSv1', CertificateSource: 'cloudfront' },
    Restrictions: { GeoRestriction: { RestrictionType: 'none', Quantity: 0 } },
    WebACLId: '',
    HttpVersion: 'http2',
    IsIPV6Enabled: true,
    Staging: false,
    ...c,
    Origins: {
      Quantity: c.Origins?.Items?.length ?? 0,
      Items: (c.Origins?.Items ?? []).map((o) => ({
        OriginPath: '',
        CustomHeaders: q0,
        ConnectionAttempts: 3,
        ConnectionTimeout: 10,
        OriginShield: { Enabled: false },
        OriginAccessControlId: '',
        ...o,
      })),
    },
    DefaultCacheBehavior: behavior(c.DefaultCacheBehavior!),
    ...(c.CacheBehaviors?.Items?.length ? { CacheBehaviors: { Quantity: c.CacheBehaviors.Items.length, Items: c.CacheBehaviors.Items.map(behavior) } } : {}),
  };
}

function toDistribution(d: DistributionRecord): Distribution {
  return {
    Id: d.Id,
    ARN: d.ARN,
    Status: d.Status,
    LastModifiedTime: new Date(d.LastModifiedTime),
    InProgressInvalidationBatches: d.invalidations.filter((i) => i.Status === 'InProgress').length,
    DomainName: d.DomainName,
    ActiveTrustedSigners: empty,
    ActiveTrustedKeyGroups: empty,
    DistributionConfig: d.config,
  };
}

function toSummary(d: DistributionRecord): DistributionSummary {
  const c = d.config;
  return {
    Id: d.Id,
    ARN: d.ARN,
    ETag: d.ETag,
    Status: d.Status,
    LastModifiedTime: new Date(d.LastModifiedTime),
    DomainName: d.DomainName,
    Aliases: c.Aliases!,
    Origins: c.Origins!,
    OriginGroups: c.OriginGroups,
    DefaultCacheBehavior: c.DefaultCacheBehavior!,
    CacheBehaviors: c.CacheBehaviors!,
    CustomErrorResponses: c.CustomErrorResponses!,
    Comment: c.Comment!,
    PriceClass: c.PriceClass!,
    Enabled: c.Enabled!,
    ViewerCertificate: c.ViewerCertificate!,
    Restrictions: c.Restrictions!,
    WebACLId: c.WebACLId!,
    HttpVersion: c.HttpVersion!,
    IsIPV6Enabled: c.IsIPV6Enabled!,
    Staging: c.Staging!,
  };
}

async function create(ctx: RequestContext, input: DistributionConfig | undefined, tags: Tag[]): Promise<{ d: DistributionRecord; location: string }> {
  const config = normalize(await checkDistributionConfig(ctx, input));
  const state = cloudfrontState(ctx);
  if (Object.values(state.distributions).some((x) => x.config.CallerReference === config.CallerReference)) {
    throw new AwsError('DistributionAlreadyExists', 'The caller reference that you are using to create a distribution is associated with another distribution.', 409);
  }
  const id = newDistributionId(ctx.accountId);
  const d: DistributionRecord = {
    Id: id,
    ARN: `arn:aws:cloudfront::${ctx.accountId}:distribution/${id}`,
    DomainName: `${newDomainPrefix(ctx.accountId)}.cloudfront.net`,
    Status: 'InProgress',
    LastModifiedTime: nowIso(ctx),
    ETag: newETag(),
    config,
    tags,
    invalidations: [],
  };
  state.distributions[id] = d;
  return { d, location: `https://cloudfront.amazonaws.com/2020-05-31/distribution/${id}` };
}

export const CreateDistribution = operation<CreateDistributionRequest, CreateDistributionResult>({
  async handler(input, ctx) {
    const { d, location } = await create(ctx, input.DistributionConfig, []);
    return { Distribution: toDistribution(d), Location: location, ETag: d.ETag };
  },
});

export const CreateDistributionWithTags = operation<CreateDistributionWithTagsRequest, CreateDistributionWithTagsResult>({
  authorize: (_input, ctx) => [
    { action: 'cloudfront:CreateDistribution', resource: '*' },
    { action: 'cloudfront:TagResource', resource: `arn:aws:cloudfront::${ctx.accountId}:distribution/*` },
  ],
  async handler(input, ctx) {
    const { d, location } = await create(ctx, input.DistributionConfigWithTags?.DistributionConfig, input.DistributionConfigWithTags?.Tags?.Items ?? []);
    return { Distribution: toDistribution(d), Location: location, ETag: d.ETag };
  },
});

const arnOf = (ctx: Ctx, id: string | undefined) => `arn:aws:cloudfront::${ctx.accountId}:distribution/${id}`;

export const GetDistribution = operation<GetDistributionRequest, GetDistributionResult>({
  authorize: (input, ctx) => ({ action: 'cloudfront:GetDistribution', resource: arnOf(ctx, input.Id) }),
  handler(input, ctx) {
    const d = distributionOf(ctx, input.Id);
    return { Distribution: toDistribution(d), ETag: d.ETag };
  },
});

export const GetDistributionConfig = operation<GetDistributionConfigRequest, GetDistributionConfigResult>({
  authorize: (input, ctx) => ({ action: 'cloudfront:GetDistributionConfig', resource: arnOf(ctx, input.Id) }),
  handler(input, ctx) {
    const d = distributionOf(ctx, input.Id);
    return { DistributionConfig: d.config, ETag: d.ETag };
  },
});

export const UpdateDistribution = operation<UpdateDistributionRequest, UpdateDistributionResult>({
  authorize: (input, ctx) => ({ action: 'cloudfront:UpdateDistribution', resource: arnOf(ctx, input.Id) }),
  async handler(input, ctx) {
    const d = distributionOf(ctx, input.Id);
    checkIfMatch(d, input.IfMatch);
    const config = normalize(await checkDistributionConfig(ctx, input.DistributionConfig));
    if (config.CallerReference !== d.config.CallerReference) {
      throw new AwsError('IllegalUpdate', 'Origin and CallerReference cannot be updated.', 400);
    }
    d.config = config;
    d.ETag = newETag();
    d.Status = 'InProgress';
    d.LastModifiedTime = nowIso(ctx);
    forgetDistribution(ctx.emulator, d.Id);
    return { Distribution: toDistribution(d), ETag: d.ETag };
  },
});

export const DeleteDistribution = operation<DeleteDistributionRequest, Record<string, never>>({
  authorize: (input, ctx) => ({ action: 'cloudfront:DeleteDistribution', resource: arnOf(ctx, input.Id) }),
  handler(input, ctx) {
    const d = distributionOf(ctx, input.Id);
    checkIfMatch(d, input.IfMatch);
    if (d.config.Enabled) throw new AwsError('DistributionNotDisabled', 'The distribution you are trying to delete has not been disabled.', 409);
    delete cloudfrontState(ctx).distributions[d.Id];
    forgetDistribution(ctx.emulator, d.Id);
    return {};
  },
});

export const ListDistributions = operation<ListDistributionsRequest, ListDistributionsResult>({
  handler(input, ctx) {
    const all = Object.values(cloudfrontState(ctx).distributions);
    for (const d of all) distributionOf(ctx, d.Id);
    const max = input.MaxItems ?? 100;
    if (max < 1) throw invalidArgument('MaxItems must be at least 1.');
    const start = input.Marker ? Math.max(0, all.findIndex((d) => d.Id === input.Marker) + 1) : 0;
    const items = all.slice(start, start + max);
    const truncated = start + max < all.length;
    return {
      DistributionList: {
        Marker: input.Marker ?? '',
        MaxItems: max,
        IsTruncated: truncated,
        Quantity: items.length,
        NextMarker: truncated ? items[items.length - 1].Id : undefined,
        Items: items.length ? items.map(toSummary) : undefined,
      },
    };
  },
});
