import type { PutLogEventsRequest, PutLogEventsResponse, RejectedLogEventsInfo } from '@aws-sdk/client-cloudwatch-logs';
import { operation } from '../../core/service.js';
import { sequenceToken, streamAuthorization } from './logStreams.js';
import {
  dropExpired,
  dropHead,
  getGroup,
  getStream,
  invalidParameter,
  MAX_AGE_MS,
  MAX_EVENTS_PER_GROUP,
  MAX_EVENTS_PER_STREAM,
  MAX_FUTURE_MS,
  retentionCutoff,
  type LogGroupRecord,
  type LogStreamRecord,
  type StoredEvent,
} from './state.js';

const MAX_BATCH_BYTES = 1_048_576;
const MAX_EVENT_BYTES = 262_144;
const EVENT_OVERHEAD = 26;

/** Applies retention and the caps after a write: the oldest events go first. */
function trim(g: LogGroupRecord, s: LogStreamRecord, now: number): void {
  dropExpired(g, s, now);
  dropHead(s, s.events.length - MAX_EVENTS_PER_STREAM);
  const streams = Object.values(g.streams);
  let total = streams.reduce((n, x) => n + x.events.length, 0);
  while (total > MAX_EVENTS_PER_GROUP) {
    let oldest: LogStreamRecord | undefined;
    for (const x of streams) if (x.events.length && (!oldest || x.events[0][0] < oldest.events[0][0])) oldest = x;
    if (!oldest) break;
    dropHead(oldest, 1);
    total--;
  }
}

/**
 * PutLogEvents as current AWS does it: sequence tokens are accepted and ignored, events too old
 * (over 14 days, or beyond the retention period) or too new (over 2 hours ahead) are refused and
 * reported in rejectedLogEventsInfo, the rest stored in timestamp order.
 */
export const PutLogEvents = operation<PutLogEventsRequest, PutLogEventsResponse>({
  authorize: (i, ctx) => streamAuthorization(ctx, 'logs:PutLogEvents', i),
  handler(input, ctx) {
    const g = getGroup(ctx, input);
    const s = getStream(g, input.logStreamName);
    const events = input.logEvents ?? [];
    if (events.length === 0) {
      throw invalidParameter("1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1");
    }
    if (events.length > 10_000) {
      throw invalidParameter(`1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to 10000`);
    }
    let bytes = 0;
    events.forEach((e, i) => {
      const size = Buffer.byteLength(e.message ?? '');
      if (size === 0) {
        throw invalidParameter(`1 validation error detected: Value '' at 'logEvents.${i + 1}.member.message' failed to satisfy constraint: Member must have length greater than or equal to 1`);
      }
      if (size + EVENT_OVERHEAD > MAX_EVENT_BYTES) throw invalidParameter(`Log event too large: ${size + EVENT_OVERHEAD} bytes exceeds limit of ${MAX_EVENT_BYTES}`);
      if (i > 0 && e.timestamp! < events[i - 1].timestamp!) throw invalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
      bytes += size + EVENT_OVERHEAD;
    });
    if (events[events.length - 1].timestamp! - events[0].timestamp! > 86_400_000) {
      throw invalidParameter('Log events in a single PutLogEvents request cannot span more than 24 hours.');
    }
    if (bytes > MAX_BATCH_BYTES) throw invalidParameter(`Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`);

    const now = ctx.emulator.clock.now();
    const cutoff = retentionCutoff(g, now);
    const rejected: RejectedLogEventsInfo = {};
    const accepted: StoredEvent[] = [];
    events.forEach((e, i) => {
      const t = e.timestamp!;
      if (t < now - MAX_AGE_MS) rejected.tooOldLogEventEndIndex = i;
      else if (t < cutoff) rejected.expiredLogEventEndIndex = i;
      else if (t > now + MAX_FUTURE_MS) rejected.tooNewLogEventStartIndex ??= i;
      else accepted.push([t, now, e.message!]);
    });
    if (accepted.length) {
      const last = s.events[s.events.length - 1];
      if (!last || accepted[0][0] >= last[0]) s.events.push(...accepted);
      else {
        // Older than what the stream holds: AWS accepts it and files it in time order.
        s.events.push(...accepted);
        s.events.sort((a, b) => a[0] - b[0]);
      }
      s.lastIngestionTime = now;
    }
    s.uploadSequence++;
    trim(g, s, now);
    return {
      nextSequenceToken: sequenceToken(s.uploadSequence),
      rejectedLogEventsInfo: Object.keys(rejected).length ? rejected : undefined,
    };
  },
});
