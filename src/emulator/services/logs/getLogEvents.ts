import type { GetLogEventsRequest, GetLogEventsResponse, OutputLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { operation } from '../../core/service.js';
import { liveStart, streamAuthorization } from './logStreams.js';
import { checkLimit, getGroup, getStream, invalidParameter } from './state.js';

const MAX_RESPONSE_BYTES = 1_048_576;
const token = (dir: 'f' | 'b', position: number) => `${dir}/${String(position).padStart(56, '0')}/s`;

function parseToken(t: string): { dir: 'f' | 'b'; position: number } {
  const m = /^([fb])\/(\d{1,56})\/s$/.exec(t);
  if (!m) throw invalidParameter('The specified nextToken is invalid.');
  return { dir: m[1] as 'f' | 'b', position: Number(m[2]) };
}

/**
 * GetLogEvents with AWS's token semantics: positions in the stream, `f/…` reading forward and
 * `b/…` backward. Reaching either end returns no events and the same token that was passed in,
 * which is how clients know to stop.
 */
export const GetLogEvents = operation<GetLogEventsRequest, GetLogEventsResponse>({
  authorize: (i, ctx) => streamAuthorization(ctx, 'logs:GetLogEvents', i),
  handler(input, ctx) {
    const limit = checkLimit(input.limit, 10_000);
    const g = getGroup(ctx, input);
    const s = getStream(g, input.logStreamName);
    const now = ctx.emulator.clock.now();
    // Absolute positions: index in the stream plus the events dropped before it.
    const first = s.dropped + liveStart(g, s, now);
    const end = s.dropped + s.events.length;
    const inRange = (abs: number) => {
      const t = s.events[abs - s.dropped][0];
      return (input.startTime === undefined || t >= input.startTime) && (input.endTime === undefined || t < input.endTime);
    };
    const parsed = input.nextToken !== undefined ? parseToken(input.nextToken) : undefined;
    const forward = parsed ? parsed.dir === 'f' : input.startFromHead === true;
    const picked: number[] = [];
    let bytes = 0;
    const take = (abs: number): boolean => {
      if (!inRange(abs)) return true;
      const size = Buffer.byteLength(s.events[abs - s.dropped][2]) + 26;
      if (picked.length >= limit || bytes + size > MAX_RESPONSE_BYTES) return false;
      bytes += size;
      picked.push(abs);
      return true;
    };
    if (forward) {
      const from = Math.max(first, parsed?.position ?? first);
      for (let abs = from; abs < end && take(abs); abs++);
    } else {
      const before = Math.min(end, parsed?.position ?? end);
      for (let abs = before - 1; abs >= first && take(abs); abs--);
      picked.reverse();
    }
    const events: OutputLogEvent[] = picked.map((abs) => {
      const [timestamp, ingestionTime, message] = s.events[abs - s.dropped];
      return { timestamp, message, ingestionTime };
    });
    if (picked.length === 0) {
      const at = parsed?.position ?? (forward ? first : end);
      return { events, nextForwardToken: parsed?.dir === 'f' ? input.nextToken : token('f', at), nextBackwardToken: parsed?.dir === 'b' ? input.nextToken : token('b', at) };
    }
    return { events, nextForwardToken: token('f', picked[picked.length - 1] + 1), nextBackwardToken: token('b', picked[0]) };
  },
});
