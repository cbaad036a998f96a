import type {
  ListTagsForResourceRequest,
  ListTagsForResourceResponse,
  ListTagsLogGroupRequest,
  ListTagsLogGroupResponse,
  TagLogGroupRequest,
  TagResourceRequest,
  UntagLogGroupRequest,
  UntagResourceRequest,
} from '@aws-sdk/client-cloudwatch-logs';
import { AwsError } from '../../core/errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { getGroup, groupArn, groupNotFound, invalidParameter, type LogGroupRecord } from './state.js';

export function checkTags(existing: Record<string, string>, incoming: Record<string, string> | undefined): Record<string, string> {
  const out = { ...existing };
  for (const [k, v] of Object.entries(incoming ?? {})) {
    if (!/^([\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128})$/u.test(k)) {
      throw invalidParameter(`1 validation error detected: Value '${k}' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+)$]`);
    }
    if (String(v).length > 256) throw invalidParameter(`Tag value for key ${k} exceeds 256 characters.`);
    out[k] = String(v);
  }
  if (Object.keys(out).length > 50) throw new AwsError('TooManyTagsException', 'A resource can have no more than 50 tags.', 400);
  return out;
}

/** TagResource and friends name a log group by ARN (with or without the trailing `:*`). */
function groupOfArn(ctx: RequestContext, arn: string | undefined): LogGroupRecord {
  const m = /^arn:aws[\w-]*:logs:([^:]*):(\d{12}):log-group:([^:]+)(:\*)?$/.exec(arn ?? '');
  if (!m || m[1] !== ctx.region || m[2] !== ctx.accountId) throw groupNotFound();
  return getGroup(ctx, { logGroupName: m[3] });
}

const byName = (ctx: RequestContext, action: string, name: string | undefined) => ({ action, resource: `${groupArn(ctx, name ?? '*')}:*` });
const byArn = (action: string, arn: string | undefined) => ({ action, resource: arn ?? '*' });

export const TagLogGroup = operation<TagLogGroupRequest, object>({
  authorize: (i, ctx) => byName(ctx, 'logs:TagLogGroup', i.logGroupName),
  handler(input, ctx) {
    const g = getGroup(ctx, input);
    g.tags = checkTags(g.tags, input.tags);
    return {};
  },
});

export const UntagLogGroup = operation<UntagLogGroupRequest, object>({
  authorize: (i, ctx) => byName(ctx, 'logs:UntagLogGroup', i.logGroupName),
  handler(input, ctx) {
    const g = getGroup(ctx, input);
    for (const k of input.tags ?? []) delete g.tags[k];
    return {};
  },
});

export const ListTagsLogGroup = operation<ListTagsLogGroupRequest, ListTagsLogGroupResponse>({
  authorize: (i, ctx) => byName(ctx, 'logs:ListTagsLogGroup', i.logGroupName),
  handler: (input, ctx) => ({ tags: { ...getGroup(ctx, input).tags } }),
});

export const TagResource = operation<TagResourceRequest, object>({
  authorize: (i) => byArn('logs:TagResource', i.resourceArn),
  handler(input, ctx) {
    const g = groupOfArn(ctx, input.resourceArn);
    g.tags = checkTags(g.tags, input.tags);
    return {};
  },
});

export const UntagResource = operation<UntagResourceRequest, object>({
  authorize: (i) => byArn('logs:UntagResource', i.resourceArn),
  handler(input, ctx) {
    const g = groupOfArn(ctx, input.resourceArn);
    for (const k of input.tagKeys ?? []) delete g.tags[k];
    return {};
  },
});

export const ListTagsForResource = operation<ListTagsForResourceRequest, ListTagsForResourceResponse>({
  authorize: (i) => byArn('logs:ListTagsForResource', i.resourceArn),
  handler: (input, ctx) => ({ tags: { ...groupOfArn(ctx, input.resourceArn).tags } }),
});
