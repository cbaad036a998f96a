import type {
  CreateQueueRequest,
  CreateQueueResult,
  DeleteQueueRequest,
  GetQueueUrlRequest,
  GetQueueUrlResult,
  ListQueuesRequest,
  ListQueuesResult,
  PurgeQueueRequest,
} from '@aws-sdk/client-sqs';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import { checkAttributes, FIFO_DEFAULTS, STANDARD_DEFAULTS } from './attributes.js';
import { invalidParameterValue, invalidValue, queueDoesNotExist } from './errors.js';
import { notify } from './messages.js';
import { checkTags } from './tags.js';
import { getQueue, queueArn, queueAuthorization, queueUrl, sqsStateOf, type SqsQueue } from './state.js';

const DELETED_NAME_BLOCK_MS = 60_000;

function checkName(name: string, fifo: boolean): void {
  if (fifo) {
    if (!/^[\w-]{1,75}\.fifo$/.test(name)) {
      throw invalidParameterValue(
        'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.',
      );
    }
  } else if (!/^[\w-]{1,80}$/.test(name)) {
    throw invalidParameterValue('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
  }
}

export const CreateQueue = operation<CreateQueueRequest, CreateQueueResult>({
  authorize: (i, ctx) => ({ action: 'sqs:CreateQueue', resource: queueArn(ctx.region, ctx.accountId, i.QueueName ?? '') }),
  handler(input, ctx) {
    const name = input.QueueName!;
    const given = (input.Attributes ?? {}) as Record<string, string>;
    const fifo = given.FifoQueue === 'true';
    const attributes = checkAttributes(ctx, given, fifo);
    checkName(name, fifo);
    const state = sqsStateOf(ctx.emulator, ctx.accountId, ctx.region);
    const now = ctx.emulator.clock.now();
    const existing = state.queues[name];
    if (existing) {
      // Creating an existing queue is idempotent only when every attribute given matches.
      const current = { ...STANDARD_DEFAULTS, ...(existing.fifo ? FIFO_DEFAULTS : {}), ...existing.attributes };
      for (const [k, v] of Object.entries(attributes)) {
        if ((current[k] ?? '') !== v) {
          throw new AwsError('QueueNameExists', `A queue already exists with the same name and a different value for attribute ${k}`, 400);
        }
      }
      return { QueueUrl: queueUrl(ctx.endpoint, ctx.accountId, name) };
    }
    for (const [n, at] of Object.entries(state.deleted)) if (now - at >= DELETED_NAME_BLOCK_MS) delete state.deleted[n];
    if (state.deleted[name] !== undefined) {
      throw new AwsError('QueueDeletedRecently', 'You must wait 60 seconds after deleting a queue before you can create another with the same name.', 400);
    }
    const queue: SqsQueue = {
      name,
      accountId: ctx.accountId,
      region: ctx.region,
      arn: queueArn(ctx.region, ctx.accountId, name),
      fifo,
      attributes: { ...STANDARD_DEFAULTS, ...(fifo ? FIFO_DEFAULTS : {}), ...attributes },
      createdAt: now,
      modifiedAt: now,
      tags: checkTags({}, input.tags),
      messages: [],
      dedup: {},
      sequence: 0,
    };
    if (attributes.KmsMasterKeyId) {
      queue.attributes.SqsManagedSseEnabled = 'false';
      queue.attributes.KmsDataKeyReusePeriodSeconds ??= '300';
    }
    for (const k of ['Policy', 'RedrivePolicy', 'RedriveAllowPolicy', 'KmsMasterKeyId']) if (queue.attributes[k] === '') delete queue.attributes[k];
    state.queues[name] = queue;
    return { QueueUrl: queueUrl(ctx.endpoint, ctx.accountId, name) };
  },
});

export const GetQueueUrl = operation<GetQueueUrlRequest, GetQueueUrlResult>({
  authorize: (i, ctx) => {
    const owner = i.QueueOwnerAWSAccountId ?? ctx.accountId;
    return queueAuthorization(ctx, 'sqs:GetQueueUrl', queueUrl(ctx.endpoint, owner, i.QueueName ?? ''));
  },
  handler(input, ctx) {
    const owner = input.QueueOwnerAWSAccountId ?? ctx.accountId;
    const q = sqsStateOf(ctx.emulator, owner, ctx.region).queues[input.QueueName!];
    if (!q) throw queueDoesNotExist(ctx);
    return { QueueUrl: queueUrl(ctx.endpoint, owner, q.name) };
  },
});

export const ListQueues = operation<ListQueuesRequest, ListQueuesResult>({
  authorize: (_i, ctx) => ({ action: 'sqs:ListQueues', resource: `arn:aws:sqs:${ctx.region}:${ctx.accountId}:*` }),
  handler(input, ctx) {
    const max = input.MaxResults;
    if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > 1000)) {
      throw invalidValue(max, 'MaxResults', 'MaxResults must be an integer between 1 and 1000.');
    }
    const names = Object.keys(sqsStateOf(ctx.emulator, ctx.accountId, ctx.region).queues)
      .filter((n) => !input.QueueNamePrefix || n.startsWith(input.QueueNamePrefix))
      .sort();
    let start = 0;
    if (input.NextToken) {
      const after = Buffer.from(input.NextToken, 'base64').toString('utf8');
      start = names.findIndex((n) => n > after);
      if (start < 0) start = names.length;
    }
    const page = names.slice(start, start + (max ?? 1000));
    const more = max !== undefined && start + max < names.length;
    return {
      QueueUrls: page.length ? page.map((n) => queueUrl(ctx.endpoint, ctx.accountId, n)) : undefined,
      NextToken: more ? Buffer.from(page[page.length - 1]).toString('base64') : undefined,
    };
  },
});

export const DeleteQueue = operation<DeleteQueueRequest, object>({
  authorize: (i, ctx) => queueAuthorization(ctx, 'sqs:DeleteQueue', i.QueueUrl),
  handler(input, ctx) {
    const q = getQueue(ctx, input.QueueUrl);
    const state = sqsStateOf(ctx.emulator, q.accountId, q.region);
    delete state.queues[q.name];
    state.deleted[q.name] = ctx.emulator.clock.now();
    notify(ctx.emulator, q);
    return {};
  },
});

export const PurgeQueue = operation<PurgeQueueRequest, object>({
  authorize: (i, ctx) => queueAuthorization(ctx, 'sqs:PurgeQueue', i.QueueUrl),
  handler(input, ctx) {
    const q = getQueue(ctx, input.QueueUrl);
    const now = ctx.emulator.clock.now();
    if (q.lastPurgeAt !== undefined && now - q.lastPurgeAt < 60_000) {
      throw new AwsError('PurgeQueueInProgress', `Only one PurgeQueue operation on ${q.name} is allowed every 60 seconds.`, 403);
    }
    q.lastPurgeAt = now;
    q.messages = q.messages.filter((m) => m.sentAt > now);
    return {};
  },
});
