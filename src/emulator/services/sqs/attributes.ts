import type {
  GetQueueAttributesRequest,
  GetQueueAttributesResult,
  QueueAttributeName,
  SetQueueAttributesRequest,
} from '@aws-sdk/client-sqs';
import { AwsError } from '../../core/errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { invalidAttributeValue, invalidValue, unknownAttribute } from './errors.js';
import { counts, notify } from './messages.js';
import { getQueue, parseQueueArn, queueAuthorization, queueByArn, type SqsQueue } from './state.js';

export const STANDARD_DEFAULTS: Record<string, string> = {
  DelaySeconds: '0',
  MaximumMessageSize: '1048576',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  VisibilityTimeout: '30',
  SqsManagedSseEnabled: 'true',
};

export const FIFO_DEFAULTS: Record<string, string> = {
  FifoQueue: 'true',
  ContentBasedDeduplication: 'false',
  DeduplicationScope: 'queue',
  FifoThroughputLimit: 'perQueue',
};

const RANGES: Record<string, [number, number]> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 1048576],
  MessageRetentionPeriod: [60, 1209600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43200],
  KmsDataKeyReusePeriodSeconds: [60, 86400],
};

const SETTABLE = new Set([
  ...Object.keys(RANGES),
  'Policy',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'KmsMasterKeyId',
  'SqsManagedSseEnabled',
]);
const FIFO_ONLY = new Set(['FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);
const READ_ONLY = new Set([
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesDelayed',
  'ApproximateNumberOfMessagesNotVisible',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
]);

const bool = (name: string, v: string) => {
  if (v !== 'true' && v !== 'false') throw invalidAttributeValue(name);
  return v;
};

/**
 * Checks attributes given to CreateQueue or SetQueueAttributes and returns them normalised.
 * `queue` is the queue being changed (SetQueueAttributes), or undefined when creating one.
 */
export function checkAttributes(
  ctx: RequestContext,
  given: Record<string, string> | undefined,
  fifo: boolean,
  queue?: SqsQueue,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(given ?? {})) {
    const value = String(raw);
    if (FIFO_ONLY.has(name)) {
      if (!fifo) {
        if (name === 'DeduplicationScope' || name === 'FifoThroughputLimit') {
          throw new AwsError('InvalidAttributeName', `You can specify the ${name} only when FifoQueue is set to true.`, 400);
        }
        throw unknownAttribute(name);
      }
      if (name === 'FifoQueue') {
        // The queue type is fixed at creation; SetQueueAttributes may only repeat it.
        if (queue && value !== 'true') throw invalidAttributeValue(name, 'Modifying queue type is not supported.');
        if (!queue && value !== 'true') throw invalidAttributeValue(name);
        out[name] = value;
      } else if (name === 'ContentBasedDeduplication') out[name] = bool(name, value);
      else if (name === 'DeduplicationScope') {
        if (value !== 'queue' && value !== 'messageGroup') throw invalidAttributeValue(name);
        out[name] = value;
      } else {
        if (value !== 'perQueue' && value !== 'perMessageGroupId') throw invalidAttributeValue(name);
        out[name] = value;
      }
      continue;
    }
    if (!SETTABLE.has(name)) throw unknownAttribute(name);
    if (RANGES[name]) {
      const [lo, hi] = RANGES[name];
      const n = Number(value);
      if (!/^-?\d+$/.test(value.trim()) || n < lo || n > hi) throw invalidAttributeValue(name);
      out[name] = String(n);
    } else if (name === 'SqsManagedSseEnabled') out[name] = bool(name, value);
    else if (name === 'Policy' || name === 'RedriveAllowPolicy') {
      if (value === '') out[name] = '';
      else {
        try {
          const doc = JSON.parse(value) as unknown;
          if (!doc || typeof doc !== 'object') throw new Error('not an object');
        } catch {
          throw invalidAttributeValue(name);
        }
        out[name] = value;
      }
    } else if (name === 'RedrivePolicy') out[name] = checkRedrivePolicy(ctx, value, fifo);
    else out[name] = value;
  }
  const kms = out.KmsMasterKeyId ?? (queue && !('SqsManagedSseEnabled' in out) ? queue.attributes.KmsMasterKeyId : undefined);
  if (out.SqsManagedSseEnabled === 'true' && kms) {
    throw new AwsError(
      'InvalidAttributeName',
      'You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.',
      400,
    );
  }
  return out;
}

function checkRedrivePolicy(ctx: RequestContext, value: string, fifo: boolean): string {
  if (value === '') return '';
  let p: { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
  try {
    p = JSON.parse(value) as typeof p;
  } catch {
    throw invalidValue(value, 'RedrivePolicy', 'Redrive policy is not a valid JSON map.');
  }
  const arn = typeof p.deadLetterTargetArn === 'string' ? p.deadLetterTargetArn : undefined;
  const count = Number(p.maxReceiveCount);
  if (!arn) throw invalidValue(value, 'RedrivePolicy', 'Redrive policy does not contain mandatory attribute: deadLetterTargetArn.');
  if (p.maxReceiveCount === undefined) throw invalidValue(value, 'RedrivePolicy', 'Redrive policy does not contain mandatory attribute: maxReceiveCount.');
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw invalidValue(value, 'RedrivePolicy', 'Invalid value for maxReceiveCount: ' + String(p.maxReceiveCount) + ', valid values are from 1 to 1000 both inclusive.');
  }
  // Checked before any lookup, as AWS does: a malformed ARN is refused as such.
  if (!parseQueueArn(arn)) throw invalidValue(value, 'RedrivePolicy', 'Invalid value for deadLetterTargetArn.');
  const dlq = queueByArn(ctx.emulator, arn);
  if (!dlq) throw invalidValue(value, 'RedrivePolicy', 'Dead letter target does not exist.');
  if (dlq.fifo !== fifo) throw invalidValue(value, 'RedrivePolicy', 'Dead-letter queue must be same type of queue as the source.');
  return JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: count });
}

/** Every attribute of a queue, as GetQueueAttributes with `All` returns them. */
export function allAttributes(ctx: Pick<RequestContext, 'emulator'>, q: SqsQueue): Record<string, string> {
  const now = ctx.emulator.clock.now();
  const c = counts(q, now);
  const out: Record<string, string> = {
    QueueArn: q.arn,
    ApproximateNumberOfMessages: String(c.visible),
    ApproximateNumberOfMessagesNotVisible: String(c.notVisible),
    ApproximateNumberOfMessagesDelayed: String(c.delayed),
    CreatedTimestamp: String(Math.floor(q.createdAt / 1000)),
    LastModifiedTimestamp: String(Math.floor(q.modifiedAt / 1000)),
  };
  for (const [k, v] of Object.entries(q.attributes)) if (v !== '') out[k] = v;
  // The key reuse period only shows while a KMS key is set.
  if (!q.attributes.KmsMasterKeyId) delete out.KmsDataKeyReusePeriodSeconds;
  return out;
}

export const GetQueueAttributes = operation<GetQueueAttributesRequest, GetQueueAttributesResult>({
  authorize: (i, ctx) => queueAuthorization(ctx, 'sqs:GetQueueAttributes', i.QueueUrl),
  handler(input, ctx) {
    const q = getQueue(ctx, input.QueueUrl);
    const names = input.AttributeNames ?? [];
    for (const n of names) {
      if (n !== 'All' && !READ_ONLY.has(n) && !SETTABLE.has(n) && !FIFO_ONLY.has(n)) throw unknownAttribute(n);
    }
    if (names.length === 0) return {};
    const all = allAttributes(ctx, q);
    const wanted = names.includes('All') ? Object.keys(all) : names;
    const Attributes: Partial<Record<QueueAttributeName, string>> = {};
    for (const n of wanted) if (all[n] !== undefined) Attributes[n as QueueAttributeName] = all[n];
    return Object.keys(Attributes).length ? { Attributes } : {};
  },
});

export const SetQueueAttributes = operation<SetQueueAttributesRequest, object>({
  authorize: (i, ctx) => queueAuthorization(ctx, 'sqs:SetQueueAttributes', i.QueueUrl),
  handler(input, ctx) {
    const q = getQueue(ctx, input.QueueUrl);
    const changes = checkAttributes(ctx, input.Attributes as Record<string, string>, q.fifo, q);
    for (const [k, v] of Object.entries(changes)) {
      if (v === '' && (k === 'Policy' || k === 'RedrivePolicy' || k === 'RedriveAllowPolicy' || k === 'KmsMasterKeyId')) delete q.attributes[k];
      else q.attributes[k] = v;
    }
    // Choosing KMS encryption turns SQS-managed encryption off, and the reverse.
    if (changes.KmsMasterKeyId) {
      q.attributes.SqsManagedSseEnabled = 'false';
      q.attributes.KmsDataKeyReusePeriodSeconds ??= '300';
    }
    if (changes.SqsManagedSseEnabled === 'true') {
      delete q.attributes.KmsMasterKeyId;
      delete q.attributes.KmsDataKeyReusePeriodSeconds;
    }
    q.modifiedAt = ctx.emulator.clock.now();
    // A shorter visibility or delay can make messages available to waiting long polls.
    notify(ctx.emulator, q);
    return {};
  },
});
