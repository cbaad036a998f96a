import type { Emulator } from '../../../emulator.js';

/**
 * Throttling as API Gateway applies it: a token bucket per limit, refilled at `rate` requests per
 * second up to `burst`. Buckets live in memory (per emulator), as AWS's do not survive a deploy either.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly rate: number,
    readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token; false when the bucket is empty (the request is throttled). */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.rate);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

const buckets = new WeakMap<Emulator, Map<string, TokenBucket>>();

/** The bucket for `key` with these limits (a new one when the limits changed). */
export function bucket(emulator: Emulator, key: string, rate: number, burst: number): TokenBucket {
  let m = buckets.get(emulator);
  if (!m) buckets.set(emulator, (m = new Map()));
  let b = m.get(key);
  if (!b || b.rate !== rate || b.burst !== burst) {
    b = new TokenBucket(rate, burst, emulator.clock.now());
    m.set(key, b);
  }
  return b;
}

export function forgetBuckets(emulator: Emulator): void {
  buckets.delete(emulator);
}

/** The start (epoch ms, UTC) of the quota period containing `t`: the day, the week from Monday, or the month. */
export function periodStart(period: string, t: number): number {
  const d = new Date(t);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (period === 'WEEK') return day - ((d.getUTCDay() + 6) % 7) * 86400_000;
  if (period === 'MONTH') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return day;
}
