import type { FilterLogEventsRequest, FilterLogEventsResponse, FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { operation } from '../../core/service.js';
import { compileFilterPattern } from './filterPattern.js';
import { groupAuthorization } from './logGroups.js';
import { liveStart } from './logStreams.js';
import { checkLimit, eventId, getGroup, getStream, invalidParameter, type LogStreamRecord } from './state.js';

const MAX_RESPONSE_BYTES = 1_048_576;

/** Where a page ended: the sort key of its last event, and the reading direction. */
interface Cursor {
  head: boolean;
  t: number;
  o: number;
  a: number;
}

const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decode(token: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Cursor;
    if (typeof c.head === 'boolean' && [c.t, c.o, c.a].every((n) => typeof n === 'number')) return c;
  } catch {
    /* fall through */
  }
  throw invalidParameter('The specified nextToken is invalid.');
}

interface Hit {
  s: LogStreamRecord;
  t: number;
  a: number;
}

const order = (x: { t: number; o: number; a: number }, y: { t: number; o: number; a: number }) => x.t - y.t || x.o - y.o || x.a - y.a;

/**
 * FilterLogEvents across a group's streams, interleaved by time, with CloudWatch's filter pattern
 * syntax (see filterPattern.ts). `searchedLogStreams` is always empty, as AWS has returned since 2020.
 */
export const FilterLogEvents = operation<FilterLogEventsRequest, FilterLogEventsResponse>({
  authorize: (i, ctx) => groupAuthorization(ctx, 'logs:FilterLogEvents', i),
  handler(input, ctx) {
    const g = getGroup(ctx, input);
    if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined) {
      throw invalidParameter('Cannot specify both logStreamNames and logStreamNamePrefix.');
    }
    if ((input.logStreamNames?.length ?? 0) > 100) {
      throw invalidParameter("1 validation error detected: Value at 'logStreamNames' failed to satisfy constraint: Member must have length less than or equal to 100");
    }
    const limit = checkLimit(input.limit, 10_000);
    const matches = compileFilterPattern(input.filterPattern);
    const cursor = input.nextToken !== undefined ? decode(input.nextToken) : undefined;
    const head = cursor ? cursor.head : input.startFromHead !== false;
    const streams = input.logStreamNames
      ? input.logStreamNames.map((n) => getStream(g, n))
      : Object.values(g.streams).filter((s) => !input.logStreamNamePrefix || s.name.startsWith(input.logStreamNamePrefix));

    const now = ctx.emulator.clock.now();
    const hits: Hit[] = [];
    for (const s of streams) {
      for (let i = liveStart(g, s, now); i < s.events.length; i++) {
        const [t, , message] = s.events[i];
        if (input.startTime !== undefined && t < input.startTime) continue;
        if (input.endTime !== undefined && t > input.endTime) continue;
        const key = { t, o: s.ordinal, a: s.dropped + i };
        if (cursor && (head ? order(key, cursor) <= 0 : order(key, cursor) >= 0)) continue;
        if (matches(message)) hits.push({ s, t, a: key.a });
      }
    }
    hits.sort((x, y) => order({ ...x, o: x.s.ordinal }, { ...y, o: y.s.ordinal }) * (head ? 1 : -1));

    const events: FilteredLogEvent[] = [];
    let bytes = 0;
    for (const h of hits) {
      const [timestamp, ingestionTime, message] = h.s.events[h.a - h.s.dropped];
      const size = Buffer.byteLength(message) + 26;
      if (events.length >= limit || bytes + size > MAX_RESPONSE_BYTES) break;
      bytes += size;
      events.push({ logStreamName: h.s.name, timestamp, message, ingestionTime, eventId: eventId(h.s, timestamp, h.a) });
    }
    const last = hits[events.length - 1];
    const more = events.length < hits.length;
    return {
      events,
      searchedLogStreams: [],
      nextToken: more && last ? encode({ head, t: last.t, o: last.s.ordinal, a: last.a }) : undefined,
    };
  },
});
