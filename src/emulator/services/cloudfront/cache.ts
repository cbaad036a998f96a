import type { Emulator } from '../../emulator.js';

/** One object in the sandbox's edge cache. */
export interface CacheEntry {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Epoch ms (the emulator's clock). */
  storedAt: number;
  ttlSeconds: number;
  /** The path the entry was stored under, for invalidations. */
  path: string;
}

/**
 * The cache of every distribution, in memory: per emulator, per distribution, by cache key. A real
 * edge location's cache is also volatile, and an emulator restart behaves like a cold edge.
 */
const caches = new WeakMap<Emulator, Map<string, Map<string, CacheEntry>>>();

export function cacheOf(emulator: Emulator, distributionId: string): Map<string, CacheEntry> {
  let all = caches.get(emulator);
  if (!all) caches.set(emulator, (all = new Map()));
  let c = all.get(distributionId);
  if (!c) all.set(distributionId, (c = new Map()));
  return c;
}

export function forgetDistribution(emulator: Emulator, distributionId: string): void {
  caches.get(emulator)?.delete(distributionId);
}

export function forgetAll(emulator: Emulator): void {
  caches.delete(emulator);
}

/** Drops the objects whose paths match: `/a/b.html` exactly, or `/a/*` as a prefix (CloudFront's rules). */
export function invalidate(emulator: Emulator, distributionId: string, paths: string[]): number {
  const c = caches.get(emulator)?.get(distributionId);
  if (!c) return 0;
  let n = 0;
  for (const [key, entry] of c) {
    const hit = paths.some((p) => (p.endsWith('*') ? entry.path.startsWith(p.slice(0, -1)) : entry.path === p));
    if (hit) {
      c.delete(key);
      n++;
    }
  }
  return n;
}
