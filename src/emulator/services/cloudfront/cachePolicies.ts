import type { CachePolicy, CachePolicyConfig, GetCachePolicyConfigRequest, GetCachePolicyConfigResult, GetCachePolicyRequest, GetCachePolicyResult, ListCachePoliciesRequest, ListCachePoliciesResult } from '@aws-sdk/client-cloudfront';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';

const none = { HeaderBehavior: 'none' as const };

function managed(Id: string, Name: string, Comment: string, MinTTL: number, DefaultTTL: number, MaxTTL: number, compress: boolean): CachePolicy {
  const config: CachePolicyConfig = {
    Name,
    Comment,
    MinTTL,
    DefaultTTL,
    MaxTTL,
    ParametersInCacheKeyAndForwardedToOrigin: {
      EnableAcceptEncodingGzip: compress,
      EnableAcceptEncodingBrotli: compress,
      HeadersConfig: none,
      CookiesConfig: { CookieBehavior: 'none' },
      QueryStringsConfig: { QueryStringBehavior: 'none' },
    },
  };
  return { Id, LastModifiedTime: new Date('2020-09-01T00:00:00Z'), CachePolicyConfig: config };
}

/** AWS's managed cache policies (the ids are AWS's own, so templates that name them work). */
export const MANAGED_CACHE_POLICIES: CachePolicy[] = [
  managed('658327ea-f89d-4fab-a63d-7e88639e58f6', 'Managed-CachingOptimized', 'Policy with caching enabled. Supports Gzip and Brotli compression.', 1, 86400, 31536000, true),
  managed('4135ea2d-6df8-44a3-9df3-4b5a84be39ad', 'Managed-CachingDisabled', 'Policy with caching disabled', 0, 0, 0, false),
  managed(
    'b2884449-e4de-46a7-ac36-70bc7f1ddd6d',
    'Managed-CachingOptimizedForUncompressedObjects',
    'Default policy when compression is disabled',
    1,
    86400,
    31536000,
    false,
  ),
  managed('83da9c7e-98b4-4e11-a168-04f0df8e2c65', 'Managed-UseOriginCacheControlHeaders', 'Policy for origins that return Cache-Control headers', 0, 0, 31536000, true),
];

const etagOf = (id: string) => `E${id.replace(/-/g, '').slice(0, 13).toUpperCase()}`;

function policyOf(id: string | undefined): CachePolicy {
  const p = MANAGED_CACHE_POLICIES.find((x) => x.Id === id);
  if (!p) throw new AwsError('NoSuchCachePolicy', 'The cache policy does not exist.', 404);
  return p;
}

export const GetCachePolicy = operation<GetCachePolicyRequest, GetCachePolicyResult>({
  handler: (input) => ({ CachePolicy: policyOf(input.Id), ETag: etagOf(input.Id!) }),
});

export const GetCachePolicyConfig = operation<GetCachePolicyConfigRequest, GetCachePolicyConfigResult>({
  handler: (input) => ({ CachePolicyConfig: policyOf(input.Id).CachePolicyConfig, ETag: etagOf(input.Id!) }),
});

export const ListCachePolicies = operation<ListCachePoliciesRequest, ListCachePoliciesResult>({
  handler(input) {
    // The sandbox has AWS's managed policies only: custom ones would come from CreateCachePolicy.
    const items = input.Type === 'custom' ? [] : MANAGED_CACHE_POLICIES;
    return { CachePolicyList: { MaxItems: input.MaxItems ?? 100, Quantity: items.length, Items: items.map((p) => ({ Type: 'managed', CachePolicy: p })) } };
  },
});
