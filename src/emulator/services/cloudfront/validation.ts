import type { CacheBehavior, DefaultCacheBehavior, DistributionConfig, LambdaFunctionAssociation } from '@aws-sdk/client-cloudfront';
import type { FunctionConfiguration as LambdaConfiguration } from '@aws-sdk/client-lambda';
import { AwsError, isAwsError } from '../../core/errors.js';
import { checkServiceCanAssume } from '../sts/serviceRole.js';
import { invalidArgument, invalidAssociation, itemsOf, type Ctx } from './common.js';
import { MANAGED_CACHE_POLICIES } from './cachePolicies.js';

export const EVENT_TYPES = ['viewer-request', 'origin-request', 'origin-response', 'viewer-response'] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export const isViewerEvent = (t: string) => t === 'viewer-request' || t === 'viewer-response';

/** Lambda@Edge quotas: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-functions-restrictions.html */
export const EDGE_LIMITS = {
  viewer: { memoryMb: 128, timeoutSec: 5, codeBytes: 1_048_576, generatedBodyBytes: 40 * 1024 },
  origin: { memoryMb: 10_240, timeoutSec: 30, codeBytes: 52_428_800, generatedBodyBytes: 1024 * 1024 },
};

const FUNCTION_VERSION_ARN = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]+)(?::([^:]+))?$/;

/**
 * Checks one Lambda@Edge association as CloudFront does when a distribution is created or updated:
 * a numbered version (not $LATEST or an alias), in us-east-1, whose role edgelambda.amazonaws.com
 * may assume, within the limits of its event type, without environment variables.
 */
async function checkAssociation(ctx: Ctx, a: LambdaFunctionAssociation): Promise<void> {
  const arn = a.LambdaFunctionARN ?? '';
  const eventType = a.EventType ?? '';
  if (!(EVENT_TYPES as readonly string[]).includes(eventType)) {
    throw invalidArgument(`The event type ${eventType} is not valid. Valid event types are viewer-request, origin-request, origin-response and viewer-response.`);
  }
  const m = FUNCTION_VERSION_ARN.exec(arn);
  if (!m || !m[4] || !/^\d+$/.test(m[4])) {
    throw invalidAssociation(`The function ARN must reference a specific function version. (The ARN must end with the version number.) ARN: ${arn}`);
  }
  const [, region, accountId] = m;
  if (region !== 'us-east-1') throw invalidAssociation(`The function must be in region 'us-east-1'. ARN: ${arn}`);
  if (a.IncludeBody && !eventType.endsWith('-request')) {
    throw invalidAssociation(`IncludeBody is only supported for viewer-request and origin-request events. ARN: ${arn}`);
  }
  let fn: LambdaConfiguration;
  try {
    fn = await ctx.emulator.call<LambdaConfiguration>('lambda', 'GetFunctionConfiguration', { FunctionName: arn }, { accountId, region });
  } catch (e) {
    if (isAwsError(e) && e.code === 'ResourceNotFoundException') throw invalidAssociation(`The function ARN must reference a valid function: ${arn}`);
    throw e;
  }
  const limits = isViewerEvent(eventType) ? EDGE_LIMITS.viewer : EDGE_LIMITS.origin;
  if ((fn.MemorySize ?? 128) > limits.memoryMb) {
    throw invalidAssociation(
      `The function memory size is larger than the maximum allowed size for functions that are triggered by a CloudFront event: ${fn.MemorySize} Max allowed: ${limits.memoryMb} Function: ${arn}`,
    );
  }
  if ((fn.Timeout ?? 3) > limits.timeoutSec) {
    throw invalidAssociation(
      `The function timeout is larger than the maximum allowed for functions that are triggered by a CloudFront event: ${fn.Timeout} Max allowed: ${limits.timeoutSec} Function: ${arn}`,
    );
  }
  if ((fn.CodeSize ?? 0) > limits.codeBytes) {
    throw invalidAssociation(
      `The function code size is larger than the maximum allowed size for functions that are triggered by a CloudFront event: ${fn.CodeSize} Max allowed: ${limits.codeBytes} Function: ${arn}`,
    );
  }
  if (fn.Environment?.Variables && Object.keys(fn.Environment.Variables).length) {
    throw invalidAssociation(`The function cannot have environment variables. Function: ${arn}`);
  }
  if (fn.Runtime && !/^(nodejs|python)/.test(fn.Runtime)) {
    throw invalidAssociation(`The function runtime ${fn.Runtime} is not supported by Lambda@Edge. Function: ${arn}`);
  }
  const trust = await checkServiceCanAssume(ctx.emulator, fn.Role ?? '', 'edgelambda.amazonaws.com');
  if (trust.problem) {
    throw invalidAssociation(
      `The function execution role must be assumable with edgelambda.amazonaws.com as well as lambda.amazonaws.com principals. Update the IAM role and try again. Role: ${fn.Role}`,
    );
  }
}

async function checkBehavior(ctx: Ctx, b: DefaultCacheBehavior | CacheBehavior, originIds: Set<string>, where: string): Promise<void> {
  if (!b.TargetOriginId || !originIds.has(b.TargetOriginId)) {
    throw new AwsError('NoSuchOrigin', 'One or more of your origins or origin groups do not exist.', 404);
  }
  if (!['allow-all', 'https-only', 'redirect-to-https'].includes(b.ViewerProtocolPolicy ?? '')) {
    throw invalidArgument(`The parameter ViewerProtocolPolicy is required in ${where}, one of allow-all, https-only and redirect-to-https.`);
  }
  if (b.CachePolicyId) {
    if (!MANAGED_CACHE_POLICIES.some((p) => p.Id === b.CachePolicyId)) {
      throw new AwsError('NoSuchCachePolicy', 'The cache policy does not exist.', 404);
    }
    if (b.ForwardedValues) throw invalidArgument('The parameter ForwardedValues cannot be used when a cache policy is associated to the cache behavior.');
  } else if (!b.ForwardedValues) {
    throw invalidArgument('The parameter ForwardedValues is required.');
  } else if (b.MinTTL === undefined) {
    throw invalidArgument('The parameter MinTTL is required.');
  }
  const associations = itemsOf(b.LambdaFunctionAssociations, 'LambdaFunctionAssociations');
  const seen = new Set<string>();
  for (const a of associations) {
    if (seen.has(a.EventType ?? '')) {
      throw invalidAssociation(`Only one association per event type is allowed: ${a.EventType} appears twice in ${where}.`);
    }
    seen.add(a.EventType ?? '');
    await checkAssociation(ctx, a);
  }
  itemsOf(b.FunctionAssociations, 'FunctionAssociations');
}

/** Checks a DistributionConfig before it is stored (CreateDistribution, UpdateDistribution). */
export async function checkDistributionConfig(ctx: Ctx, c: DistributionConfig | undefined): Promise<DistributionConfig> {
  if (!c) throw invalidArgument('The request must contain a DistributionConfig.');
  if (!c.CallerReference) throw invalidArgument('The parameter CallerReference is required.');
  if (c.Enabled === undefined) throw invalidArgument('The parameter Enabled is required.');
  if (c.Comment === undefined) throw invalidArgument('The parameter Comment is required.');
  const origins = itemsOf(c.Origins, 'Origins');
  if (!origins.length) throw invalidArgument('The parameter Origins must contain at least one origin.');
  const ids = new Set<string>();
  for (const o of origins) {
    if (!o.Id) throw invalidArgument('The parameter origin Id is required.');
    if (ids.has(o.Id)) throw invalidArgument(`The parameter origin Id must be unique: ${o.Id}`);
    if (!o.DomainName) throw invalidArgument('The parameter origin DomainName is required.');
    if (!o.S3OriginConfig && !o.CustomOriginConfig) {
      if (!/\.s3[.-]/.test(o.DomainName)) throw invalidArgument(`Origin ${o.Id}: S3OriginConfig or CustomOriginConfig is required.`);
    }
    if (o.OriginPath && (!o.OriginPath.startsWith('/') || o.OriginPath.endsWith('/'))) {
      throw invalidArgument('The parameter origin path must start with a slash and must not end with a slash.');
    }
    ids.add(o.Id);
  }
  for (const g of itemsOf(c.OriginGroups, 'OriginGroups')) if (g.Id) ids.add(g.Id);
  if (!c.DefaultCacheBehavior) throw invalidArgument('The parameter DefaultCacheBehavior is required.');
  await checkBehavior(ctx, c.DefaultCacheBehavior, ids, 'DefaultCacheBehavior');
  for (const b of itemsOf(c.CacheBehaviors, 'CacheBehaviors')) {
    if (!b.PathPattern) throw invalidArgument('The parameter PathPattern is required.');
    await checkBehavior(ctx, b, ids, `CacheBehavior ${b.PathPattern}`);
  }
  if (c.DefaultRootObject?.startsWith('/')) throw invalidArgument('The parameter DefaultRootObject must not begin with a slash.');
  return c;
}
