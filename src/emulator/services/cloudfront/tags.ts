import type { ListTagsForResourceRequest, ListTagsForResourceResult, TagResourceRequest, UntagResourceRequest } from '@aws-sdk/client-cloudfront';
import { operation } from '../../core/service.js';
import { cloudfrontState, type DistributionRecord } from './state.js';
import { invalidArgument, noSuchDistribution, type Ctx } from './common.js';

function distributionByArn(ctx: Ctx, arn: string | undefined): DistributionRecord {
  const m = /^arn:aws[a-z-]*:cloudfront::(\d{12}):distribution\/([A-Z0-9]+)$/.exec(arn ?? '');
  if (!m) throw invalidArgument(`The specified resource ARN is not valid: ${arn}`);
  const d = m[1] === ctx.accountId ? cloudfrontState(ctx).distributions[m[2]] : undefined;
  if (!d) throw noSuchDistribution();
  return d;
}

export const TagResource = operation<TagResourceRequest, Record<string, never>>({
  handler(input, ctx) {
    const d = distributionByArn(ctx, input.Resource);
    for (const t of input.Tags?.Items ?? []) {
      d.tags = d.tags.filter((x) => x.Key !== t.Key);
      d.tags.push({ Key: t.Key, Value: t.Value });
    }
    return {};
  },
});

export const UntagResource = operation<UntagResourceRequest, Record<string, never>>({
  handler(input, ctx) {
    const d = distributionByArn(ctx, input.Resource);
    const keys = new Set(input.TagKeys?.Items ?? []);
    d.tags = d.tags.filter((t) => !keys.has(t.Key!));
    return {};
  },
});

export const ListTagsForResource = operation<ListTagsForResourceRequest, ListTagsForResourceResult>({
  handler: (input, ctx) => ({ Tags: { Items: distributionByArn(ctx, input.Resource).tags } }),
});
