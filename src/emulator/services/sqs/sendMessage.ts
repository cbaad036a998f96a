import { createHash } from 'node:crypto';
import type {
  MessageAttributeValue,
  MessageSystemAttributeValue,
  SendMessageBatchRequest,
  SendMessageBatchResult,
  SendMessageBatchResultEntry,
  SendMessageRequest,
  SendMessageResult,
  BatchResultErrorEntry,
} from '@aws-sdk/client-sqs';
import { AwsError, isAwsError } from '../../core/errors.js';
import { uuid } from '../../core/ids.js';
import { operation, type RequestContext } from '../../core/service.js';
import { invalidParameterValue, invalidValue, missingParameter } from './errors.js';
import { md5Hex, md5OfAttributes } from './md5.js';
import { expireMessages, nextSequenceNumber, notify, num } from './messages.js';
import { checkBatchEntries } from './batch.js';
import { getQueue, queueAuthorization, type SqsMessage, type SqsQueue, type StoredAttribute } from './state.js';

const MAX_BATCH_BYTES = 1_048_576;
const DEDUP_WINDOW_MS = 5 * 60_000;
// SQS accepts these characters only (XML 1.0's): tab, newline, carriage return and the printable ranges.
// eslint-disable-next-line no-control-regex
const VALID_BODY = /^[\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const ID_CHARS = /^[\x21-\x7e]{1,128}$/;

interface SendEntry {
  MessageBody?: string;
  DelaySeconds?: number;
  MessageAttributes?: Record<string, MessageAttributeValue>;
  MessageSystemAttributes?: Record<string, MessageSystemAttributeValue>;
  MessageDeduplicationId?: string;
  MessageGroupId?: string;
}

interface Prepared {
  entry: SendEntry;
  body: string;
  attributes?: Record<string, StoredAttribute>;
  traceHeader?: string;
  size: number;
}

function storeAttributes(given: Record<string, MessageAttributeValue> | undefined, kind: 'user' | 'system'): Record<string, StoredAttribute> | undefined {
  const names = Object.keys(given ?? {});
  if (!given || names.length === 0) return undefined;
  if (kind === 'user' && names.length > 10) {
    throw invalidParameterValue(`Number of message attributes [${names.length}] exceeds the allowed maximum [10].`);
  }
  const out: Record<string, StoredAttribute> = {};
  for (const name of names) {
    const a = given[name] ?? {};
    if (kind === 'user' && (!/^[\w.-]{1,256}$/.test(name) || /^(aws\.|amazon\.)/i.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..'))) {
      throw invalidParameterValue(`Message (${kind}) attribute name '${name}' is invalid.`);
    }
    const type = a.DataType ?? '';
    if (!type) throw invalidParameterValue(`The message attribute '${name}' must contain non-empty message attribute type.`);
    const base = /^(String|Number|Binary)(\.[\w.-]+)?$/.exec(type)?.[1];
    if (!base) {
      throw invalidParameterValue(
        `The type of message (${kind}) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
      );
    }
    if (a.StringListValues?.length || a.BinaryListValues?.length) {
      throw invalidParameterValue('Message attribute list values in SendMessage operation are not supported.');
    }
    if (base === 'Binary') {
      if (!a.BinaryValue || a.BinaryValue.length === 0) {
        throw invalidParameterValue(`Message (${kind}) attribute '${name}' must contain a non-empty value of type 'Binary'.`);
      }
      out[name] = { DataType: type, BinaryValue: Buffer.from(a.BinaryValue).toString('base64') };
    } else {
      if (a.StringValue === undefined || a.StringValue === '') {
        throw invalidParameterValue(`Message (${kind}) attribute '${name}' must contain a non-empty value of type '${base}'.`);
      }
      if (base === 'Number' && (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(a.StringValue.trim()))) {
        throw invalidParameterValue(`Could not cast message attribute '${name}' value to number.`);
      }
      out[name] = { DataType: type, StringValue: a.StringValue };
    }
  }
  return out;
}

/** Checks what does not depend on the rest of a batch: body, attributes, size. */
function prepare(q: SqsQueue, entry: SendEntry, inBatch: boolean): Prepared {
  const body = entry.MessageBody ?? '';
  if (body === '') throw missingParameter('MessageBody');
  if (!VALID_BODY.test(body)) {
    throw new AwsError(
      'InvalidMessageContents',
      'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
      400,
    );
  }
  const attributes = storeAttributes(entry.MessageAttributes, 'user');
  const system = storeAttributes(entry.MessageSystemAttributes as Record<string, MessageAttributeValue> | undefined, 'system');
  for (const name of Object.keys(system ?? {})) {
    if (name !== 'AWSTraceHeader') throw invalidParameterValue(`Message system attribute name '${name}' is invalid.`);
  }
  const size = Buffer.byteLength(body) + attributeBytesOf(entry.MessageAttributes);
  const max = num(q, 'MaximumMessageSize');
  if (size > max) {
    throw invalidParameterValue(`One or more parameters ${inBatch ? 'cannot be validated' : 'are invalid'}. Reason: Message must be shorter than ${max} bytes.`);
  }
  return { entry, body, attributes, traceHeader: system?.AWSTraceHeader?.StringValue, size };
}

/** FIFO rules the whole request must satisfy (AWS refuses a batch outright when one entry breaks them). */
function checkFifo(q: SqsQueue, entry: SendEntry, inBatch: boolean): void {
  if (!q.fifo) {
    if (entry.MessageDeduplicationId !== undefined) {
      throw invalidValue(entry.MessageDeduplicationId, 'MessageDeduplicationId', 'The request include parameter that is not valid for this queue type.');
    }
    return;
  }
  if (entry.DelaySeconds) {
    throw invalidValue(entry.DelaySeconds, 'DelaySeconds', 'The request include parameter that is not valid for this queue type.');
  }
  if (entry.MessageGroupId === undefined) {
    if (inBatch) throw invalidParameterValue('The request must contain the parameter MessageGroupId.');
    throw missingParameter('MessageGroupId');
  }
  if (entry.MessageDeduplicationId === undefined && q.attributes.ContentBasedDeduplication !== 'true') {
    throw invalidParameterValue('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
  }
}

function checkIds(entry: SendEntry): void {
  for (const [param, value] of [
    ['MessageGroupId', entry.MessageGroupId],
    ['MessageDeduplicationId', entry.MessageDeduplicationId],
  ] as const) {
    if (value !== undefined && !ID_CHARS.test(value)) {
      throw invalidValue(value, param, `${param} can only include alphanumeric and punctuation characters. 1 to 128 in length.`);
    }
  }
  const delay = entry.DelaySeconds;
  if (delay !== undefined && (!Number.isInteger(delay) || delay < 0 || delay > 900)) {
    throw invalidValue(delay, 'DelaySeconds', 'DelaySeconds must be >= 0 and <= 900.');
  }
}

function senderId(ctx: RequestContext): string {
  const p = ctx.principal;
  return p.type === 'user' || p.type === 'assumed-role' || p.type === 'federated-user' ? p.userId : p.accountId;
}

/** Puts a checked message on the queue, or finds the one a FIFO deduplication id already sent. */
function enqueue(ctx: RequestContext, q: SqsQueue, p: Prepared): SendMessageResult {
  const now = ctx.emulator.clock.now();
  const { entry } = p;
  const result: SendMessageResult = {
    MD5OfMessageBody: md5Hex(p.body),
    MD5OfMessageAttributes: md5OfAttributes(p.attributes),
    MD5OfMessageSystemAttributes: p.traceHeader !== undefined ? md5OfAttributes({ AWSTraceHeader: { DataType: 'String', StringValue: p.traceHeader } }) : undefined,
  };
  let dedupId: string | undefined;
  let dedupKey: string | undefined;
  if (q.fifo) {
    dedupId = entry.MessageDeduplicationId ?? createHash('sha256').update(p.body).digest('hex');
    dedupKey = q.attributes.DeduplicationScope === 'messageGroup' ? `${entry.MessageGroupId}\u0000${dedupId}` : dedupId;
    const seen = q.dedup[dedupKey];
    if (seen && seen.expiresAt > now) {
      // A duplicate within five minutes is accepted and dropped, as SQS does.
      return { ...result, MessageId: seen.messageId, SequenceNumber: seen.sequenceNumber };
    }
  }
  const delay = q.fifo ? num(q, 'DelaySeconds') : entry.DelaySeconds ?? num(q, 'DelaySeconds');
  const m: SqsMessage = {
    id: uuid(),
    body: p.body,
    md5OfBody: result.MD5OfMessageBody!,
    attributes: p.attributes,
    md5OfAttributes: result.MD5OfMessageAttributes,
    traceHeader: p.traceHeader,
    md5OfSystemAttributes: result.MD5OfMessageSystemAttributes,
    senderId: senderId(ctx),
    sentAt: now,
    visibleAt: now + delay * 1000,
    receiveCount: 0,
    groupId: entry.MessageGroupId,
    dedupId,
  };
  if (q.fifo) {
    m.sequenceNumber = nextSequenceNumber(q);
    q.dedup[dedupKey!] = { expiresAt: now + DEDUP_WINDOW_MS, messageId: m.id, sequenceNumber: m.sequenceNumber };
  }
  expireMessages(q, now);
  q.messages.push(m);
  return { ...result, MessageId: m.id, SequenceNumber: m.sequenceNumber };
}

export const SendMessage = operation<SendMessageRequest, SendMessageResult>({
  authorize: (i, ctx) => queueAuthorization(ctx, 'sqs:SendMessage', i.QueueUrl),
  handler(input, ctx) {
    const q = getQueue(ctx, input.QueueUrl);
    const prepared = prepare(q, input, false);
    checkIds(input);
    checkFifo(q, input, false);
    const out = enqueue(ctx, q, prepared);
    notify(ctx.emulator, q);
    return out;
  },
});

export const SendMessageBatch = operation<SendMessageBatchRequest, SendMessageBatchResult>({
  authorize: (i, ctx) => queueAuthorization(ctx, 'sqs:SendMessage', i.QueueUrl),
  handler(input, ctx) {
    const q = getQueue(ctx, input.QueueUrl);
    const entries = input.Entries ?? [];
    checkBatchEntries(entries, 'SendMessageBatchRequestEntry');
    const total = entries.reduce(
      (n, e) => n + Buffer.byteLength(e.MessageBody ?? '') + attributeBytesOf(e.MessageAttributes),
      0,
    );
    if (total > MAX_BATCH_BYTES) {
      throw new AwsError('BatchRequestTooLong', `Batch requests cannot be longer than ${MAX_BATCH_BYTES} bytes. You have sent ${total} bytes.`, 400);
    }
    for (const e of entries) checkFifo(q, e, true);
    const Successful: SendMessageBatchResultEntry[] = [];
    const Failed: BatchResultErrorEntry[] = [];
    for (const e of entries) {
      try {
        const prepared = prepare(q, e, true);
        checkIds(e);
        const r = enqueue(ctx, q, prepared);
        Successful.push({
          Id: e.Id,
          MessageId: r.MessageId,
          MD5OfMessageBody: r.MD5OfMessageBody,
          MD5OfMessageAttributes: r.MD5OfMessageAttributes,
          MD5OfMessageSystemAttributes: r.MD5OfMessageSystemAttributes,
          SequenceNumber: r.SequenceNumber,
        });
      } catch (err) {
        if (!isAwsError(err)) throw err;
        Failed.push({ Id: e.Id, SenderFault: true, Code: err.code, Message: err.message });
      }
    }
    if (Successful.length) notify(ctx.emulator, q);
    return { Successful: Successful.length ? Successful : undefined, Failed: Failed.length ? Failed : undefined } as SendMessageBatchResult;
  },
});

/** A message's size as SQS counts it: the body and each attribute's name, type and value. */
function attributeBytesOf(attrs: Record<string, MessageAttributeValue> | undefined): number {
  let n = 0;
  for (const [k, a] of Object.entries(attrs ?? {})) {
    n += Buffer.byteLength(k) + Buffer.byteLength(a.DataType ?? '');
    n += a.BinaryValue ? a.BinaryValue.length : Buffer.byteLength(a.StringValue ?? '');
  }
  return n;
}
