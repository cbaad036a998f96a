import type { GetTagsRequest, TagResourceRequest, Tags, UntagResourceRequest } from '@aws-sdk/client-api-gateway';
import { operation } from '../../core/service.js';
import { apigatewayState } from './state.js';
import { badRequest, notFound, type Ctx } from './common.js';

/** The record whose `tags` an ARN names: a REST API, a stage, an API key or a usage plan. */
function taggable(ctx: Ctx, arn: string | undefined): { tags?: Record<string, string> } {
  const m = /^arn:aws[a-z-]*:apigateway:([a-z0-9-]*)::\/(restapis|apikeys|usageplans)\/([^/]+)(?:\/stages\/([^/]+))?$/.exec(arn ?? '');
  if (!m) throw badRequest(`Invalid ARN specified in the request: ${arn}`);
  const [, , kind, id, stage] = m;
  const state = apigatewayState(ctx);
  const record =
    kind === 'restapis'
      ? stage
        ? state.restApis[id]?.stages[stage]
        : state.restApis[id]
      : kind === 'apikeys'
        ? state.apiKeys[id]
        : state.usagePlans[id];
  if (!record) throw notFound('Invalid resource identifier specified');
  return record;
}

export const TagResource = operation<TagResourceRequest, Record<string, never>>({
  handler(input, ctx) {
    const r = taggable(ctx, input.resourceArn);
    r.tags = { ...(r.tags ?? {}), ...(input.tags ?? {}) };
    return {};
  },
});

export const UntagResource = operation<UntagResourceRequest, Record<string, never>>({
  handler(input, ctx) {
    const r = taggable(ctx, input.resourceArn);
    for (const k of input.tagKeys ?? []) delete r.tags?.[k];
    return {};
  },
});

export const GetTags = operation<GetTagsRequest, Tags>({
  handler: (input, ctx) => ({ tags: { ...(taggable(ctx, input.resourceArn).tags ?? {}) } }),
});
