import type { ListQueueTagsRequest, ListQueueTagsResult, TagQueueRequest, UntagQueueRequest } from '@aws-sdk/client-sqs';
import { operation } from '../../core/service.js';
import { invalidParameterValue } from './errors.js';
import { getQueue, queueAuthorization } from './state.js';

/** Adds tags to a queue's tags, with SQS's limits (50 tags, keys of 1 to 128 characters). */
export function checkTags(existing: Record<string, string>, incoming: Record<string, string> | undefined): Record<string, string> {
  const out = { ...existing };
  for (const [k, v] of Object.entries(incoming ?? {})) {
    if (k.length < 1 || k.length > 128) throw invalidParameterValue(`Tag key ${k} must be between 1 and 128 characters.`);
    if (String(v ?? '').length > 256) throw invalidParameterValue(`Tag value for key ${k} must be at most 256 characters.`);
    out[k] = String(v ?? '');
  }
  if (Object.keys(out).length > 50) throw invalidParameterValue('Too many tags added for queue. Maximum number of tags allowed is 50.');
  return out;
}

export const TagQueue = operation<TagQueueRequest, object>({
  authorize: (i, ctx) => queueAuthorization(ctx, 'sqs:TagQueue', i.QueueUrl),
  handler(input, ctx) {
    const q = getQueue(ctx, input.QueueUrl);
    q.tags = checkTags(q.tags, input.Tags);
    return {};
  },
});

export const UntagQueue = operation<UntagQueueRequest, object>({
  authorize: (i, ctx) => queueAuthorization(ctx, 'sqs:UntagQueue', i.QueueUrl),
  handler(input, ctx) {
    const q = getQueue(ctx, input.QueueUrl);
    for (const k of input.TagKeys ?? []) delete q.tags[k];
    return {};
  },
});

export const ListQueueTags = operation<ListQueueTagsRequest, ListQueueTagsResult>({
  authorize: (i, ctx) => queueAuthorization(ctx, 'sqs:ListQueueTags', i.QueueUrl),
  handler(input, ctx) {
    const q = getQueue(ctx, input.QueueUrl);
    return Object.keys(q.tags).length ? { Tags: { ...q.tags } } : {};
  },
});
