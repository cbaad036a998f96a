import type { Message, MessageAttributeValue, MessageSystemAttributeName, ReceiveMessageRequest, ReceiveMessageResult } from '@aws-sdk/client-sqs';
import { operation } from '../../core/service.js';
import { invalidValue } from './errors.js';
import { md5OfAttributes } from './md5.js';
import { isStopped, nextVisibleAt, num, takeMessages, waitForQueue } from './messages.js';
import { findQueue, getQueue, queueAuthorization, type SqsMessage, type SqsQueue, type StoredAttribute } from './state.js';

function systemAttributes(q: SqsQueue, m: SqsMessage, wanted: string[]): Partial<Record<MessageSystemAttributeName, string>> | undefined {
  if (wanted.length === 0) return undefined;
  const all: Partial<Record<MessageSystemAttributeName, string | undefined>> = {
    SenderId: m.senderId,
    SentTimestamp: String(m.sentAt),
    ApproximateReceiveCount: String(m.receiveCount),
    ApproximateFirstReceiveTimestamp: m.firstReceivedAt !== undefined ? String(m.firstReceivedAt) : undefined,
    AWSTraceHeader: m.traceHeader,
    DeadLetterQueueSourceArn: m.deadLetterSourceArn,
    MessageGroupId: m.groupId,
    MessageDeduplicationId: q.fifo ? m.dedupId : undefined,
    SequenceNumber: q.fifo ? m.sequenceNumber : undefined,
  };
  const everything = wanted.includes('All');
  const out: Partial<Record<MessageSystemAttributeName, string>> = {};
  for (const [k, v] of Object.entries(all)) {
    if (v !== undefined && (everything || wanted.includes(k))) out[k as MessageSystemAttributeName] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/** MessageAttributeNames: exact names, `All`, `.*`, `*`, or prefixes such as `Order.*`. */
function userAttributes(m: SqsMessage, wanted: string[]): Record<string, StoredAttribute> | undefined {
  if (!m.attributes || wanted.length === 0) return undefined;
  const matches = (name: string) =>
    wanted.some((w) => w === 'All' || w === '.*' || w === '*' || w === name || (w.endsWith('.*') && name.startsWith(w.slice(0, -2))));
  const out: Record<string, StoredAttribute> = {};
  for (const [name, a] of Object.entries(m.attributes)) if (matches(name)) out[name] = a;
  return Object.keys(out).length ? out : undefined;
}

const toWire = (a: StoredAttribute): MessageAttributeValue =>
  a.BinaryValue !== undefined
    ? { DataType: a.DataType, BinaryValue: new Uint8Array(Buffer.from(a.BinaryValue, 'base64')) }
    : { DataType: a.DataType, StringValue: a.StringValue };

function toMessage(q: SqsQueue, m: SqsMessage, input: ReceiveMessageRequest): Message {
  const user = userAttributes(m, input.MessageAttributeNames ?? []);
  // Current SDKs send MessageSystemAttributeNames; older ones the deprecated AttributeNames.
  const system = systemAttributes(q, m, [...(input.MessageSystemAttributeNames ?? []), ...(input.AttributeNames ?? [])]);
  return {
    MessageId: m.id,
    ReceiptHandle: m.receipt,
    MD5OfBody: m.md5OfBody,
    Body: m.body,
    Attributes: system,
    MD5OfMessageAttributes: user ? md5OfAttributes(user) : undefined,
    MessageAttributes: user ? Object.fromEntries(Object.entries(user).map(([k, a]) => [k, toWire(a)])) : undefined,
  };
}

export const ReceiveMessage = operation<ReceiveMessageRequest, ReceiveMessageResult>({
  authorize: (i, ctx) => queueAuthorization(ctx, 'sqs:ReceiveMessage', i.QueueUrl),
  async handler(input, ctx) {
    let q = getQueue(ctx, input.QueueUrl);
    const max = input.MaxNumberOfMessages ?? 1;
    if (!Number.isInteger(max) || max < 1 || max > 10) {
      throw invalidValue(max, 'MaxNumberOfMessages', 'Must be between 1 and 10, if provided.');
    }
    const wait = input.WaitTimeSeconds ?? num(q, 'ReceiveMessageWaitTimeSeconds');
    if (!Number.isInteger(wait) || wait < 0 || wait > 20) {
      throw invalidValue(wait, 'WaitTimeSeconds', 'Must be >= 0 and <= 20, if provided.');
    }
    const visibility = input.VisibilityTimeout ?? num(q, 'VisibilityTimeout');
    if (!Number.isInteger(visibility) || visibility < 0 || visibility > 43200) {
      throw invalidValue(visibility, 'VisibilityTimeout', 'Must be >= 0 and <= 43200, if provided.');
    }
    // Long polling waits in real time, and wakes as soon as a message arrives or becomes visible.
    const deadline = Date.now() + wait * 1000;
    for (;;) {
      const taken = takeMessages(ctx.emulator, q, max, visibility);
      if (taken.length) return { Messages: taken.map((m) => toMessage(q, m, input)) };
      const remaining = deadline - Date.now();
      if (remaining <= 0) return {};
      const now = ctx.emulator.clock.now();
      const next = nextVisibleAt(q, now);
      await waitForQueue(ctx.emulator, q.arn, next !== undefined ? Math.min(remaining, next - now) : remaining);
      const again = findQueue(ctx, input.QueueUrl);
      if (!again || isStopped(ctx.emulator)) return {};
      q = again;
    }
  },
});
