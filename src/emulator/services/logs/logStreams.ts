import type {
  CreateLogStreamRequest,
  DeleteLogStreamRequest,
  DescribeLogStreamsRequest,
  DescribeLogStreamsResponse,
  LogStream,
} from '@aws-sdk/client-cloudwatch-logs';
import { AwsError } from '../../core/errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { checkName } from './logGroups.js';
import {
  checkLimit,
  findGroupName,
  getGroup,
  getStream,
  groupArn,
  invalidParameter,
  retentionCutoff,
  streamArn,
  type LogGroupRecord,
  type LogStreamRecord,
} from './state.js';

export const sequenceToken = (n: number) => String(n).padStart(56, '0');

export const streamAuthorization = (ctx: RequestContext, action: string, input: { logGroupName?: string; logGroupIdentifier?: string; logStreamName?: string }) => ({
  action,
  resource: input.logStreamName
    ? streamArn(ctx, findGroupName(input) ?? '*', input.logStreamName)
    : `${groupArn(ctx, findGroupName(input) ?? '*')}:*`,
});

/** The index of a stream's first event the group's retention still keeps. */
export function liveStart(g: LogGroupRecord, s: LogStreamRecord, now: number): number {
  const cutoff = retentionCutoff(g, now);
  let i = 0;
  while (i < s.events.length && s.events[i][0] < cutoff) i++;
  return i;
}

function toLogStream(ctx: RequestContext, g: LogGroupRecord, s: LogStreamRecord): LogStream {
  const start = liveStart(g, s, ctx.emulator.clock.now());
  const has = start < s.events.length;
  return {
    logStreamName: s.name,
    creationTime: s.createdAt,
    firstEventTimestamp: has ? s.events[start][0] : undefined,
    lastEventTimestamp: has ? s.events[s.events.length - 1][0] : undefined,
    lastIngestionTime: s.lastIngestionTime,
    uploadSequenceToken: s.uploadSequence ? sequenceToken(s.uploadSequence) : undefined,
    arn: streamArn(ctx, g.name, s.name),
    storedBytes: 0,
  };
}

export const CreateLogStream = operation<CreateLogStreamRequest, object>({
  authorize: (i, ctx) => streamAuthorization(ctx, 'logs:CreateLogStream', i),
  handler(input, ctx) {
    const g = getGroup(ctx, input);
    const name = input.logStreamName!;
    checkName(name, 'logStreamName');
    if (g.streams[name]) throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists', 400);
    g.streams[name] = { name, createdAt: ctx.emulator.clock.now(), events: [], dropped: 0, ordinal: g.nextStreamOrdinal++, uploadSequence: 0 };
    return {};
  },
});

export const DeleteLogStream = operation<DeleteLogStreamRequest, object>({
  authorize: (i, ctx) => streamAuthorization(ctx, 'logs:DeleteLogStream', i),
  handler(input, ctx) {
    const g = getGroup(ctx, input);
    const s = getStream(g, input.logStreamName);
    delete g.streams[s.name];
    return {};
  },
});

export const DescribeLogStreams = operation<DescribeLogStreamsRequest, DescribeLogStreamsResponse>({
  authorize: (i, ctx) => streamAuthorization(ctx, 'logs:DescribeLogStreams', { ...i, logStreamName: undefined }),
  handler(input, ctx) {
    const g = getGroup(ctx, input);
    const orderBy = input.orderBy ?? 'LogStreamName';
    if (orderBy === 'LastEventTime' && input.logStreamNamePrefix !== undefined) {
      throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
    }
    const limit = checkLimit(input.limit, 50);
    const streams = Object.values(g.streams)
      .filter((s) => !input.logStreamNamePrefix || s.name.startsWith(input.logStreamNamePrefix))
      .map((s) => toLogStream(ctx, g, s));
    const byName = (a: LogStream, b: LogStream) => (a.logStreamName! < b.logStreamName! ? -1 : a.logStreamName! > b.logStreamName! ? 1 : 0);
    streams.sort(orderBy === 'LastEventTime' ? (a, b) => (a.lastEventTimestamp ?? 0) - (b.lastEventTimestamp ?? 0) || byName(a, b) : byName);
    if (input.descending) streams.reverse();
    let offset = 0;
    if (input.nextToken !== undefined) {
      const m = /^o:(\d+)$/.exec(Buffer.from(input.nextToken, 'base64').toString('utf8'));
      if (!m) throw invalidParameter('The specified nextToken is invalid.');
      offset = Number(m[1]);
    }
    const page = streams.slice(offset, offset + limit);
    const more = offset + limit < streams.length;
    return { logStreams: page, nextToken: more ? Buffer.from(`o:${offset + limit}`).toString('base64') : undefined };
  },
});
