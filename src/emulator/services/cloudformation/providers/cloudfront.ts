import type {
  CacheBehavior,
  CreateDistributionResult,
  CreateOriginAccessControlResult,
  DefaultCacheBehavior,
  DistributionConfig,
  GetDistributionConfigResult,
  Origin,
} from '@aws-sdk/client-cloudfront';
import { isAwsError } from '../../../core/errors.js';
import { randomString } from '../../../core/ids.js';
import type { ProviderContext, ResourceProvider } from './types.js';

/*
 * AWS::CloudFront::Distribution and AWS::CloudFront::OriginAccessControl. CloudFormation writes
 * lists as plain arrays where the API wants `{Quantity, Items}`, and a few names differ.
 */

type Cfn = Record<string, any>;

const list = <T>(items: T[] | undefined) => ({ Quantity: items?.length ?? 0, Items: items?.length ? items : undefined });
const num = (v: unknown) => (v === undefined ? undefined : Number(v));
const bool = (v: unknown) => (v === undefined ? undefined : v === true || v === 'true');

function origin(o: Cfn): Origin {
  const custom = o.CustomOriginConfig;
  return {
    Id: o.Id,
    DomainName: o.DomainName,
    OriginPath: o.OriginPath,
    OriginAccessControlId: o.OriginAccessControlId,
    ConnectionAttempts: num(o.ConnectionAttempts),
    ConnectionTimeout: num(o.ConnectionTimeout),
    CustomHeaders: list((o.OriginCustomHeaders ?? []).map((h: Cfn) => ({ HeaderName: h.HeaderName, HeaderValue: h.HeaderValue }))),
    S3OriginConfig: o.S3OriginConfig ? { OriginAccessIdentity: o.S3OriginConfig.OriginAccessIdentity ?? '' } : custom ? undefined : { OriginAccessIdentity: '' },
    CustomOriginConfig: custom
      ? {
          HTTPPort: num(custom.HTTPPort) ?? 80,
          HTTPSPort: num(custom.HTTPSPort) ?? 443,
          OriginProtocolPolicy: custom.OriginProtocolPolicy,
          OriginSslProtocols: custom.OriginSSLProtocols ? { Quantity: custom.OriginSSLProtocols.length, Items: custom.OriginSSLProtocols } : undefined,
          OriginReadTimeout: num(custom.OriginReadTimeout),
          OriginKeepaliveTimeout: num(custom.OriginKeepaliveTimeout),
        }
      : undefined,
  };
}

function behavior<B extends DefaultCacheBehavior | CacheBehavior>(b: Cfn): B {
  const fv = b.ForwardedValues;
  return {
    PathPattern: b.PathPattern,
    TargetOriginId: b.TargetOriginId,
    ViewerProtocolPolicy: b.ViewerProtocolPolicy,
    AllowedMethods: b.AllowedMethods ? { ...list(b.AllowedMethods), CachedMethods: list(b.CachedMethods ?? ['GET', 'HEAD']) } : undefined,
    Compress: bool(b.Compress),
    CachePolicyId: b.CachePolicyId,
    OriginRequestPolicyId: b.OriginRequestPolicyId,
    ResponseHeadersPolicyId: b.ResponseHeadersPolicyId,
    MinTTL: num(b.MinTTL) ?? (fv ? 0 : undefined),
    DefaultTTL: num(b.DefaultTTL),
    MaxTTL: num(b.MaxTTL),
    ForwardedValues: fv
      ? {
          QueryString: bool(fv.QueryString) ?? false,
          Cookies: fv.Cookies ? { Forward: fv.Cookies.Forward, WhitelistedNames: fv.Cookies.WhitelistedNames ? list(fv.Cookies.WhitelistedNames) : undefined } : { Forward: 'none' },
          Headers: fv.Headers ? list(fv.Headers) : undefined,
          QueryStringCacheKeys: fv.QueryStringCacheKeys ? list(fv.QueryStringCacheKeys) : undefined,
        }
      : undefined,
    LambdaFunctionAssociations: list((b.LambdaFunctionAssociations ?? []).map((a: Cfn) => ({ EventType: a.EventType, LambdaFunctionARN: a.LambdaFunctionARN, IncludeBody: bool(a.IncludeBody) }))),
    FunctionAssociations: list((b.FunctionAssociations ?? []).map((a: Cfn) => ({ EventType: a.EventType, FunctionARN: a.FunctionARN }))),
  } as B;
}

/** The API's DistributionConfig from CloudFormation's. */
function distributionConfig(c: Cfn, callerReference: string): DistributionConfig {
  return {
    CallerReference: callerReference,
    Comment: c.Comment ?? '',
    Enabled: bool(c.Enabled) ?? false,
    Aliases: list(c.Aliases),
    DefaultRootObject: c.DefaultRootObject,
    HttpVersion: c.HttpVersion,
    IsIPV6Enabled: bool(c.IPV6Enabled),
    PriceClass: c.PriceClass,
    WebACLId: c.WebACLId,
    Origins: list((c.Origins ?? []).map(origin)),
    DefaultCacheBehavior: c.DefaultCacheBehavior ? behavior<DefaultCacheBehavior>(c.DefaultCacheBehavior) : undefined,
    CacheBehaviors: list((c.CacheBehaviors ?? []).map((b: Cfn) => behavior<CacheBehavior>(b))),
    CustomErrorResponses: list(
      (c.CustomErrorResponses ?? []).map((e: Cfn) => ({ ErrorCode: num(e.ErrorCode), ResponseCode: e.ResponseCode !== undefined ? String(e.ResponseCode) : undefined, ResponsePagePath: e.ResponsePagePath, ErrorCachingMinTTL: num(e.ErrorCachingMinTTL) })),
    ),
    Logging: c.Logging ? { Enabled: true, Bucket: c.Logging.Bucket, IncludeCookies: bool(c.Logging.IncludeCookies) ?? false, Prefix: c.Logging.Prefix ?? '' } : undefined,
    Restrictions: c.Restrictions?.GeoRestriction
      ? { GeoRestriction: { RestrictionType: c.Restrictions.GeoRestriction.RestrictionType, ...list(c.Restrictions.GeoRestriction.Locations) } }
      : undefined,
    ViewerCertificate: c.ViewerCertificate
      ? {
          CloudFrontDefaultCertificate: bool(c.ViewerCertificate.CloudFrontDefaultCertificate),
          ACMCertificateArn: c.ViewerCertificate.AcmCertificateArn,
          SSLSupportMethod: c.ViewerCertificate.SslSupportMethod,
          MinimumProtocolVersion: c.ViewerCertificate.MinimumProtocolVersion,
        }
      : undefined,
  } as DistributionConfig;
}

async function currentConfig(ctx: ProviderContext, id: string): Promise<GetDistributionConfigResult> {
  return ctx.call<GetDistributionConfigResult>('cloudfront', 'GetDistributionConfig', { Id: id });
}

export const distribution: ResourceProvider = {
  type: 'AWS::CloudFront::Distribution',
  service: 'cloudfront',
  replaceOn: [],
  required: ['DistributionConfig'],
  async create(ctx, p) {
    const config = distributionConfig(p.DistributionConfig, `${ctx.stackName}-${ctx.logicalId}-${randomString(12)}`);
    const tags = p.Tags?.length ? { Items: p.Tags.map((t: Cfn) => ({ Key: t.Key, Value: String(t.Value) })) } : undefined;
    const out = tags
      ? await ctx.call<CreateDistributionResult>('cloudfront', 'CreateDistributionWithTags', { DistributionConfigWithTags: { DistributionConfig: config, Tags: tags } })
      : await ctx.call<CreateDistributionResult>('cloudfront', 'CreateDistribution', { DistributionConfig: config });
    const d = out.Distribution!;
    return { physicalId: d.Id!, attributes: { Id: d.Id, DomainName: d.DomainName } };
  },
  async update(ctx, id, p) {
    const current = await currentConfig(ctx, id);
    const config = distributionConfig(p.DistributionConfig, current.DistributionConfig!.CallerReference!);
    await ctx.call('cloudfront', 'UpdateDistribution', { Id: id, IfMatch: current.ETag, DistributionConfig: config });
  },
  async delete(ctx, id) {
    try {
      // As CloudFormation does: disable the distribution, then delete it.
      let current = await currentConfig(ctx, id);
      if (current.DistributionConfig!.Enabled) {
        await ctx.call('cloudfront', 'UpdateDistribution', { Id: id, IfMatch: current.ETag, DistributionConfig: { ...current.DistributionConfig, Enabled: false } });
        current = await currentConfig(ctx, id);
      }
      await ctx.call('cloudfront', 'DeleteDistribution', { Id: id, IfMatch: current.ETag });
    } catch (e) {
      if (!(isAwsError(e) && e.code === 'NoSuchDistribution')) throw e;
    }
  },
};

export const originAccessControl: ResourceProvider = {
  type: 'AWS::CloudFront::OriginAccessControl',
  service: 'cloudfront',
  replaceOn: [],
  required: ['OriginAccessControlConfig'],
  async create(ctx, p) {
    const c = p.OriginAccessControlConfig;
    const out = await ctx.call<CreateOriginAccessControlResult>('cloudfront', 'CreateOriginAccessControl', {
      OriginAccessControlConfig: { Name: c.Name, Description: c.Description, SigningBehavior: c.SigningBehavior, SigningProtocol: c.SigningProtocol, OriginAccessControlOriginType: c.OriginAccessControlOriginType },
    });
    return { physicalId: out.OriginAccessControl!.Id!, attributes: { Id: out.OriginAccessControl!.Id } };
  },
  async delete(ctx, id) {
    try {
      const got = await ctx.call<{ ETag?: string }>('cloudfront', 'GetOriginAccessControl', { Id: id });
      await ctx.call('cloudfront', 'DeleteOriginAccessControl', { Id: id, IfMatch: got.ETag });
    } catch (e) {
      if (!(isAwsError(e) && e.code === 'NoSuchOriginAccessControl')) throw e;
    }
  },
};
