import type { GetSendQuotaResponse, GetSendStatisticsResponse, SendDataPoint } from '@aws-sdk/client-ses';
import { operation } from '../../core/service.js';
import { MAX_24_HOUR_SEND, MAX_SEND_RATE, sentLast24Hours, sesState } from './state.js';

const BUCKET_MS = 15 * 60_000;
const TWO_WEEKS_MS = 14 * 86_400_000;

export const GetSendQuota = operation<object, GetSendQuotaResponse>({
  handler: (_input, ctx) => ({
    Max24HourSend: MAX_24_HOUR_SEND,
    MaxSendRate: MAX_SEND_RATE,
    SentLast24Hours: sentLast24Hours(sesState(ctx), ctx.emulator.clock.now()),
  }),
});

/** Delivery attempts of the last two weeks in 15-minute intervals, as SES reports them. */
export const GetSendStatistics = operation<object, GetSendStatisticsResponse>({
  handler(_input, ctx) {
    const now = ctx.emulator.clock.now();
    const buckets = new Map<number, SendDataPoint>();
    for (const m of sesState(ctx).sent) {
      if (m.sentAt < now - TWO_WEEKS_MS) continue;
      const start = Math.floor(m.sentAt / BUCKET_MS) * BUCKET_MS;
      const point = buckets.get(start) ?? { Timestamp: new Date(start), DeliveryAttempts: 0, Bounces: 0, Complaints: 0, Rejects: 0 };
      point.DeliveryAttempts! += 1;
      buckets.set(start, point);
    }
    return { SendDataPoints: [...buckets.entries()].sort(([a], [b]) => a - b).map(([, p]) => p) };
  },
});
