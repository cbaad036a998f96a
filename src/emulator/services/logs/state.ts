import { AwsError } from '../../core/errors.js';
import type { RequestContext } from '../../core/service.js';
import type { Emulator } from '../../emulator.js';

/** An event as stored: compact, because a busy function writes many. */
export type StoredEvent = [timestamp: number, ingestionTime: number, message: string];

export interface LogStreamRecord {
  name: string;
  createdAt: number;
  /** Sorted by timestamp, oldest first. */
  events: StoredEvent[];
  /** Events dropped from the head (by the caps or retention), so positions in tokens stay stable. */
  dropped: number;
  /** Numbers the stream within its group, for event ids. */
  ordinal: number;
  lastIngestionTime?: number;
  uploadSequence: number;
}

export interface LogGroupRecord {
  name: string;
  createdAt: number;
  retentionInDays?: number;
  kmsKeyId?: string;
  logGroupClass: string;
  deletionProtectionEnabled: boolean;
  tags: Record<string, string>;
  streams: Record<string, LogStreamRecord>;
  nextStreamOrdinal: number;
}

export interface LogsState {
  groups: Record<string, LogGroupRecord>;
}

export const initialLogsState = (): LogsState => ({ groups: {} });

/**
 * Events live in the state document, so it is capped: a stream keeps its newest 10,000 events and
 * a log group its newest 50,000 (the oldest are dropped first, as if retention had expired them).
 * That is far beyond what a lab writes, and keeps each state write small.
 */
export const MAX_EVENTS_PER_STREAM = 10_000;
export const MAX_EVENTS_PER_GROUP = 50_000;
/** AWS stores events up to 14 days old (or the retention period) and up to 2 hours ahead. */
export const MAX_AGE_MS = 14 * 86_400_000;
export const MAX_FUTURE_MS = 2 * 3_600_000;

export const logsState = (ctx: Pick<RequestContext, 'emulator' | 'accountId' | 'region'>): LogsState =>
  ctx.emulator.stateFor<LogsState>('logs', ctx.accountId, ctx.region);

export const logsStateOf = (emulator: Emulator, accountId: string, region: string): LogsState =>
  emulator.stateFor<LogsState>('logs', accountId, region);

export const groupArn = (ctx: Pick<RequestContext, 'accountId' | 'region'>, name: string) =>
  `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${name}`;

export const streamArn = (ctx: Pick<RequestContext, 'accountId' | 'region'>, group: string, stream: string) =>
  `${groupArn(ctx, group)}:log-stream:${stream}`;

export const invalidParameter = (message: string) => new AwsError('InvalidParameterException', message, 400);
export const groupNotFound = () => new AwsError('ResourceNotFoundException', 'The specified log group does not exist.', 400);
export const streamNotFound = () => new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.', 400);

/** A log group named by logGroupName or logGroupIdentifier (its name or ARN, with or without `:*`). */
export function findGroupName(input: { logGroupName?: string; logGroupIdentifier?: string }): string | undefined {
  if (input.logGroupName && input.logGroupIdentifier) {
    throw invalidParameter('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  const id = input.logGroupIdentifier;
  if (id?.startsWith('arn:')) return /^arn:aws[\w-]*:logs:[^:]*:\d{12}:log-group:([^:]+)(:\*)?$/.exec(id)?.[1];
  return input.logGroupName ?? id;
}

export function getGroup(ctx: Pick<RequestContext, 'emulator' | 'accountId' | 'region'>, input: { logGroupName?: string; logGroupIdentifier?: string }): LogGroupRecord {
  const name = findGroupName(input);
  const g = name !== undefined ? logsState(ctx).groups[name] : undefined;
  if (!g) throw groupNotFound();
  return g;
}

export function getStream(g: LogGroupRecord, name: string | undefined): LogStreamRecord {
  const s = name !== undefined ? g.streams[name] : undefined;
  if (!s) throw streamNotFound();
  return s;
}

/** The oldest event timestamp a group still keeps, given its retention. */
export function retentionCutoff(g: LogGroupRecord, now: number): number {
  return g.retentionInDays ? now - g.retentionInDays * 86_400_000 : -Infinity;
}

export function dropHead(s: LogStreamRecord, n: number): void {
  if (n <= 0) return;
  s.events.splice(0, n);
  s.dropped += n;
}

/** Deletes the events of a stream that are older than the group's retention period. */
export function dropExpired(g: LogGroupRecord, s: LogStreamRecord, now: number): void {
  const cutoff = retentionCutoff(g, now);
  let n = 0;
  while (n < s.events.length && s.events[n][0] < cutoff) n++;
  dropHead(s, n);
}

/** 56 digits, as AWS's event ids: the timestamp, the stream and the event's position in it. */
export function eventId(s: LogStreamRecord, timestamp: number, absoluteIndex: number): string {
  return String(timestamp).padStart(16, '0') + String(s.ordinal).padStart(8, '0') + String(absoluteIndex).padStart(32, '0');
}

export function checkLimit(limit: number | undefined, max: number): number {
  if (limit === undefined) return max;
  if (limit < 1) throw invalidParameter(`1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1`);
  if (limit > max) throw invalidParameter(`1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
  return limit;
}

/** Opaque pagination tokens for Describe* operations: the last name returned. */
export const nameToken = (name: string) => Buffer.from(name, 'utf8').toString('base64');
export function afterToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const name = Buffer.from(token, 'base64').toString('utf8');
  if (!name) throw invalidParameter('The specified nextToken is invalid.');
  return name;
}

/** A page of items sorted by name, the token being the last name returned. */
export function pageByName<T extends { name: string }>(items: T[], token: string | undefined, limit: number): { items: T[]; nextToken?: string } {
  const after = afterToken(token);
  const start = after === undefined ? 0 : items.findIndex((g) => g.name > after);
  const from = start < 0 ? items.length : start;
  const slice = items.slice(from, from + limit);
  return { items: slice, nextToken: from + limit < items.length ? nameToken(slice[slice.length - 1].name) : undefined };
}
