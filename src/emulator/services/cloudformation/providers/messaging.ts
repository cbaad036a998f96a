import type { CreateQueueResult } from '@aws-sdk/client-sqs';
import { isAwsError } from '../../../core/errors.js';
import { asJson, changed, physicalName, tagMap, type ResourceProvider } from './types.js';

async function ignoreMissing(p: Promise<unknown>, codes: string[]): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(isAwsError(e) && codes.includes(e.code))) throw e;
  }
}

export const logGroup: ResourceProvider = {
  type: 'AWS::Logs::LogGroup',
  service: 'logs',
  replaceOn: ['LogGroupName', 'LogGroupClass'],
  async create(ctx, p) {
    const name = p.LogGroupName ?? physicalName(ctx, { max: 512 });
    await ctx.call('logs', 'CreateLogGroup', { logGroupName: name, kmsKeyId: p.KmsKeyId, tags: tagMap(p.Tags), logGroupClass: p.LogGroupClass });
    if (p.RetentionInDays !== undefined) await ctx.call('logs', 'PutRetentionPolicy', { logGroupName: name, retentionInDays: Number(p.RetentionInDays) });
    return { physicalId: name, attributes: { Arn: `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${name}:*` } };
  },
  async update(ctx, name, p, old) {
    if (changed(p.RetentionInDays, old.RetentionInDays)) {
      if (p.RetentionInDays === undefined) await ctx.call('logs', 'DeleteRetentionPolicy', { logGroupName: name });
      else await ctx.call('logs', 'PutRetentionPolicy', { logGroupName: name, retentionInDays: Number(p.RetentionInDays) });
    }
    if (changed(p.Tags, old.Tags)) {
      const arn = `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${name}`;
      const keep = new Set((p.Tags ?? []).map((t: { Key: string }) => t.Key));
      const gone = (old.Tags ?? []).map((t: { Key: string }) => t.Key).filter((k: string) => !keep.has(k));
      if (gone.length) await ctx.call('logs', 'UntagResource', { resourceArn: arn, tagKeys: gone });
      if (p.Tags?.length) await ctx.call('logs', 'TagResource', { resourceArn: arn, tags: tagMap(p.Tags) });
    }
  },
  async delete(ctx, name) {
    await ignoreMissing(ctx.call('logs', 'DeleteLogGroup', { logGroupName: name }), ['ResourceNotFoundException']);
  },
};

const QUEUE_ATTRIBUTES = ['DelaySeconds', 'MaximumMessageSize', 'MessageRetentionPeriod', 'ReceiveMessageWaitTimeSeconds', 'VisibilityTimeout', 'RedrivePolicy', 'RedriveAllowPolicy', 'FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit', 'KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'SqsManagedSseEnabled'];

function queueAttributes(p: Record<string, any>, forCreate: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of QUEUE_ATTRIBUTES) {
    if (p[k] === undefined) continue;
    if (!forCreate && k === 'FifoQueue') continue;
    out[k] = typeof p[k] === 'object' ? JSON.stringify(p[k]) : String(p[k]);
  }
  return out;
}

const queueNameOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

export const queue: ResourceProvider = {
  type: 'AWS::SQS::Queue',
  service: 'sqs',
  replaceOn: ['QueueName', 'FifoQueue'],
  async create(ctx, p) {
    const fifo = p.FifoQueue === true || p.FifoQueue === 'true';
    const name = p.QueueName ?? `${physicalName(ctx, { max: fifo ? 75 : 80 })}${fifo ? '.fifo' : ''}`;
    const out = await ctx.call<CreateQueueResult>('sqs', 'CreateQueue', { QueueName: name, Attributes: queueAttributes(p, true), tags: tagMap(p.Tags) });
    const url = out.QueueUrl!;
    return { physicalId: url, ref: url, attributes: { Arn: `arn:aws:sqs:${ctx.region}:${ctx.accountId}:${name}`, QueueName: name, QueueUrl: url } };
  },
  async update(ctx, url, p, old) {
    const attrs = queueAttributes(p, false);
    const before = queueAttributes(old, false);
    if (changed(attrs, before)) await ctx.call('sqs', 'SetQueueAttributes', { QueueUrl: url, Attributes: attrs });
    if (changed(p.Tags, old.Tags)) {
      const keep = new Set((p.Tags ?? []).map((t: { Key: string }) => t.Key));
      const gone = (old.Tags ?? []).map((t: { Key: string }) => t.Key).filter((k: string) => !keep.has(k));
      if (gone.length) await ctx.call('sqs', 'UntagQueue', { QueueUrl: url, TagKeys: gone });
      if (p.Tags?.length) await ctx.call('sqs', 'TagQueue', { QueueUrl: url, Tags: tagMap(p.Tags) });
    }
    return { attributes: { QueueName: queueNameOf(url), QueueUrl: url, Arn: `arn:aws:sqs:${ctx.region}:${ctx.accountId}:${queueNameOf(url)}` } };
  },
  async delete(ctx, url) {
    await ignoreMissing(ctx.call('sqs', 'DeleteQueue', { QueueUrl: url }), ['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue']);
  },
};

export const queuePolicy: ResourceProvider = {
  type: 'AWS::SQS::QueuePolicy',
  service: 'sqs',
  replaceOn: [],
  required: ['PolicyDocument', 'Queues'],
  async create(ctx, p) {
    for (const url of p.Queues) await ctx.call('sqs', 'SetQueueAttributes', { QueueUrl: url, Attributes: { Policy: asJson(p.PolicyDocument) } });
    return { physicalId: physicalName(ctx, { max: 128 }) };
  },
  async update(ctx, _id, p, old) {
    for (const url of old.Queues ?? []) {
      if (!p.Queues.includes(url)) await ignoreMissing(ctx.call('sqs', 'SetQueueAttributes', { QueueUrl: url, Attributes: { Policy: '' } }), ['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue']);
    }
    for (const url of p.Queues) await ctx.call('sqs', 'SetQueueAttributes', { QueueUrl: url, Attributes: { Policy: asJson(p.PolicyDocument) } });
  },
  async delete(ctx, _id, p) {
    for (const url of p.Queues ?? []) {
      await ignoreMissing(ctx.call('sqs', 'SetQueueAttributes', { QueueUrl: url, Attributes: { Policy: '' } }), ['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue']);
    }
  },
};

export const emailIdentity: ResourceProvider = {
  type: 'AWS::SES::EmailIdentity',
  service: 'sesv2',
  replaceOn: ['EmailIdentity'],
  required: ['EmailIdentity'],
  async create(ctx, p) {
    await ctx.call('sesv2', 'CreateEmailIdentity', { EmailIdentity: p.EmailIdentity, ConfigurationSetName: p.ConfigurationSetAttributes?.ConfigurationSetName });
    return { physicalId: p.EmailIdentity };
  },
  async update() {
    // DKIM, feedback and mail-from settings are not modelled by the sandbox's SES; the identity stays.
  },
  async delete(ctx, identity) {
    await ignoreMissing(ctx.call('sesv2', 'DeleteEmailIdentity', { EmailIdentity: identity }), ['NotFoundException']);
  },
};
