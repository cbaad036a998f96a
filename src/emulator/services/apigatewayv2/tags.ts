import type { GetTagsRequest, GetTagsResponse, TagResourceRequest, UntagResourceRequest } from '@aws-sdk/client-apigatewayv2';
import { operation } from '../../core/service.js';
import { apigatewayv2State } from './state.js';
import { badRequest, notFound, type Ctx } from './common.js';

/** The record an ARN names: an API (`/apis/<id>`) or one of its stages (`/apis/<id>/stages/<name>`). */
function taggable(ctx: Ctx, arn: string | undefined): { Tags: Record<string, string> } {
  const m = /^arn:aws[a-z-]*:apigateway:[a-z0-9-]*::\/apis\/([^/]+)(?:\/stages\/([^/]+))?$/.exec(arn ?? '');
  if (!m) throw badRequest(`Invalid ARN specified in the request: ${arn}`);
  const api = apigatewayv2State(ctx).apis[m[1]];
  const record = m[2] ? api?.stages[m[2]] : api;
  if (!record) throw notFound(`Invalid resource identifier specified ${arn}`);
  return record;
}

export const TagResource = operation<TagResourceRequest, Record<string, never>>({
  handler(input, ctx) {
    const r = taggable(ctx, input.ResourceArn);
    Object.assign(r.Tags, input.Tags ?? {});
    return {};
  },
});

export const UntagResource = operation<UntagResourceRequest, Record<string, never>>({
  handler(input, ctx) {
    const r = taggable(ctx, input.ResourceArn);
    for (const k of input.TagKeys ?? []) delete r.Tags[k];
    return {};
  },
});

export const GetTags = operation<GetTagsRequest, GetTagsResponse>({
  handler: (input, ctx) => ({ Tags: { ...taggable(ctx, input.ResourceArn).Tags } }),
});
