import type { RequestContext } from '../../core/service.js';
import type { Emulator } from '../../emulator.js';
import { queueDoesNotExist } from './errors.js';

/** A message attribute as stored: Binary values are base64 in the JSON state. */
export interface StoredAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

export interface SqsMessage {
  id: string;
  body: string;
  md5OfBody: string;
  attributes?: Record<string, StoredAttribute>;
  md5OfAttributes?: string;
  /** AWSTraceHeader, the only system attribute a sender may set. */
  traceHeader?: string;
  md5OfSystemAttributes?: string;
  senderId: string;
  /** Epoch ms, by the emulator's clock. */
  sentAt: number;
  /** Until then the message is delayed (never received) or in flight (received). */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** The receipt handle of the latest receive: FIFO queues accept only this one. */
  receipt?: string;
  groupId?: string;
  dedupId?: string;
  sequenceNumber?: string;
  /** Set when a redrive policy moved the message here. */
  deadLetterSourceArn?: string;
}

export interface SqsQueue {
  name: string;
  accountId: string;
  region: string;
  arn: string;
  fifo: boolean;
  /** The attributes a caller can set, as the strings SQS returns. */
  attributes: Record<string, string>;
  createdAt: number;
  modifiedAt: number;
  tags: Record<string, string>;
  messages: SqsMessage[];
  lastPurgeAt?: number;
  /** FIFO deduplication ids seen in the last five minutes: id → when it expires, and what was sent. */
  dedup: Record<string, { expiresAt: number; messageId: string; sequenceNumber?: string }>;
  sequence: number;
}

export interface SqsState {
  queues: Record<string, SqsQueue>;
  /** Names deleted in the last minute: AWS refuses to reuse them for 60 seconds. */
  deleted: Record<string, number>;
}

export const initialSqsState = (): SqsState => ({ queues: {}, deleted: {} });

export const queueArn = (region: string, accountId: string, name: string) => `arn:aws:sqs:${region}:${accountId}:${name}`;

export function sqsStateOf(emulator: Emulator, accountId: string, region: string): SqsState {
  return emulator.stateFor<SqsState>('sqs', accountId, region);
}

/**
 * The URL of a queue: the caller's own endpoint, then `/<account>/<name>`. LocalStack's
 * `sqs.<region>.localhost.localstack.cloud` hosts do not resolve in Node, so the emulator uses the
 * address the client already reaches it by; SDKs that send requests to the queue URL's host
 * (SDK v3 does when no endpoint is configured) then come straight back here.
 */
export const queueUrl = (endpoint: string, accountId: string, name: string) => `${endpoint.replace(/\/+$/, '')}/${accountId}/${name}`;

export interface QueueRef {
  accountId: string;
  region: string;
  name: string;
}

/**
 * Reads a queue URL of any of the forms SQS clients use: the emulator's own
 * (`http://localhost:4566/000000000000/q`), LocalStack's (`http://sqs.us-east-1.localhost.localstack.cloud:4566/...`)
 * and AWS's (`https://sqs.us-east-1.amazonaws.com/...`). The region comes from the host when it names one.
 */
export function parseQueueUrl(url: string, defaultRegion: string): QueueRef | undefined {
  const m = /^(?:https?:\/\/([^/]+))?\/(\d{12})\/([\w.-]{1,80})\/?$/.exec(url.trim());
  if (!m) return undefined;
  const host = m[1] ?? '';
  const region = /^sqs\.([a-z]{2}(?:-[a-z]+)+-\d)\./.exec(host)?.[1] ?? /^([a-z]{2}(?:-[a-z]+)+-\d)\.queue\./.exec(host)?.[1] ?? defaultRegion;
  return { accountId: m[2], region, name: m[3] };
}

export function parseQueueArn(arn: string): QueueRef | undefined {
  const m = /^arn:aws[\w-]*:sqs:([a-z0-9-]+):(\d{12}):([\w.-]{1,80})$/.exec(arn ?? '');
  return m ? { region: m[1], accountId: m[2], name: m[3] } : undefined;
}

/**
 * The URL of a queue known by its ARN (Lambda destinations and dead-letter queues are given as
 * ARNs), for code that shows it to a learner. In-process calls may pass the ARN itself as QueueUrl.
 * The URL carries no region: calls with it must pass the ARN's region. Throws AWS's error for a malformed ARN.
 */
export function queueUrlFromArn(emulator: Emulator, arn: string): string {
  const ref = parseQueueArn(arn);
  if (!ref) throw queueDoesNotExist();
  return queueUrl(emulator.endpoint, ref.accountId, ref.name);
}

/**
 * The queue a QueueUrl names. Calls from inside the emulator (no HTTP request: Lambda delivering to
 * a destination) may also name it by ARN, which AWS's API does not accept.
 */
function refOf(ctx: Pick<RequestContext, 'region' | 'http'>, url: string | undefined): QueueRef | undefined {
  if (!url) return undefined;
  if (!ctx.http && url.startsWith('arn:')) return parseQueueArn(url);
  return parseQueueUrl(url, ctx.region);
}

/** The queue a request names, in whichever account its URL says. */
export function findQueue(ctx: Pick<RequestContext, 'emulator' | 'region' | 'http'>, url: string | undefined): SqsQueue | undefined {
  const ref = refOf(ctx, url);
  if (!ref) return undefined;
  return sqsStateOf(ctx.emulator, ref.accountId, ref.region).queues[ref.name];
}

export function getQueue(ctx: Pick<RequestContext, 'emulator' | 'region' | 'http'>, url: string | undefined): SqsQueue {
  const q = findQueue(ctx, url);
  if (!q) throw queueDoesNotExist(ctx);
  return q;
}

export function queueByArn(emulator: Emulator, arn: string): SqsQueue | undefined {
  const ref = parseQueueArn(arn);
  return ref ? sqsStateOf(emulator, ref.accountId, ref.region).queues[ref.name] : undefined;
}

/** What IAM is asked for an operation on a queue: the queue's ARN, its account and its policy. */
export function queueAuthorization(ctx: RequestContext, action: string, url: string | undefined) {
  const ref = refOf(ctx, url);
  if (!ref) return { action, resource: '*' };
  const q = sqsStateOf(ctx.emulator, ref.accountId, ref.region).queues[ref.name];
  return {
    action,
    resource: queueArn(ref.region, ref.accountId, ref.name),
    resourceAccount: ref.accountId,
    resourcePolicy: q?.attributes.Policy,
  };
}
