import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { writeFileAtomic } from '../../common/fs.js';

export { writeFileAtomic };

/** State documents are plain JSON: strings, numbers, booleans, arrays and objects. Dates are ISO strings or epoch ms. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };

const FORMAT = 1;
interface DocEntry {
  key: string;
  file?: string;
  data: unknown;
  dirty: boolean;
}

export interface StoreOptions {
  /** Directory for state; undefined keeps state in memory only (--no-persist). */
  dir?: string;
  onWarning?: (message: string) => void;
}

/**
 * The emulator's state: one JSON document per service, account and region ("global" for
 * account-wide services such as IAM), kept in memory and written atomically to
 * `<dir>/accounts/<account>/<service>/<region>.json` whenever a request changed it.
 * Large binary things (Lambda code, S3 objects) live in the blob store next to it.
 */
export class StateStore {
  readonly dir?: string;
  readonly blobs: BlobStore;
  private docs = new Map<string, DocEntry>();
  private flushTimer?: NodeJS.Immediate;
  private warn: (message: string) => void;

  constructor(options: StoreOptions = {}) {
    this.dir = options.dir;
    this.warn = options.onWarning ?? ((m) => process.emitWarning(m));
    this.blobs = new BlobStore(options.dir ? join(options.dir, 'blobs') : undefined);
  }

  get persistent(): boolean {
    return this.dir !== undefined;
  }

  private fileFor(service: string, accountId: string, region: string): string | undefined {
    return this.dir && join(this.dir, 'accounts', accountId, service, `${region}.json`);
  }

  /**
   * The state document of a service in an account and region, created by `init` on first use.
   * Whoever asks for a document may change it, so it counts as changed until the next flush;
   * read-only requests never flush, and writing a document that did not change is harmless.
   */
  doc<T>(service: string, accountId: string, region: string, init: () => T): T {
    const key = `${accountId}/${service}/${region}`;
    let entry = this.docs.get(key);
    if (!entry) {
      const file = this.fileFor(service, accountId, region);
      let data: unknown;
      if (file && existsSync(file)) data = this.load(file);
      entry = { key, file, data: data ?? init(), dirty: true };
      this.docs.set(key, entry);
    }
    entry.dirty = true;
    return entry.data as T;
  }

  private load(file: string): unknown {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { format?: number; data?: unknown };
      if (parsed && parsed.format === FORMAT) return parsed.data;
      this.warn(`awslings: ignoring state file with unknown format: ${file}`);
    } catch (e) {
      // Only a hand-edited file can get here (writes are atomic): keep it aside and start afresh.
      const aside = `${file}.unreadable-${Date.now()}`;
      try {
        renameSync(file, aside);
      } catch {
        /* ignore */
      }
      this.warn(`awslings: could not read ${file} (${(e as Error).message}); moved it to ${aside}`);
    }
    return undefined;
  }

  markDirty(service: string, accountId: string, region: string): void {
    const entry = this.docs.get(`${accountId}/${service}/${region}`);
    if (entry) entry.dirty = true;
  }

  /** Writes every changed document now. Called before a mutating request's response is sent. */
  flush(): void {
    if (this.flushTimer) {
      clearImmediate(this.flushTimer);
      this.flushTimer = undefined;
    }
    for (const entry of this.docs.values()) {
      if (!entry.dirty) continue;
      entry.dirty = false;
      if (!entry.file) continue;
      writeFileAtomic(entry.file, JSON.stringify({ format: FORMAT, data: entry.data }));
    }
  }

  /** For changes made outside a request (background work): write soon, once. */
  scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setImmediate(() => {
      this.flushTimer = undefined;
      try {
        this.flush();
      } catch (e) {
        this.warn(`awslings: writing state failed: ${(e as Error).message}`);
      }
    });
    this.flushTimer.unref?.();
  }

  /** Accounts that have any state, in memory or on disk. */
  accounts(): string[] {
    const set = new Set<string>();
    for (const key of this.docs.keys()) set.add(key.split('/')[0]);
    if (this.dir && existsSync(join(this.dir, 'accounts'))) {
      for (const a of readdirSync(join(this.dir, 'accounts'))) if (/^\d{12}$/.test(a)) set.add(a);
    }
    return [...set].sort();
  }

  /** Regions with state of a service in an account (loaded or on disk). */
  regions(service: string, accountId: string): string[] {
    const set = new Set<string>();
    for (const key of this.docs.keys()) {
      const [a, s, r] = key.split('/');
      if (a === accountId && s === service) set.add(r);
    }
    const dir = this.dir && join(this.dir, 'accounts', accountId, service);
    if (dir && existsSync(dir)) {
      for (const f of readdirSync(dir)) if (f.endsWith('.json')) set.add(f.slice(0, -5));
    }
    return [...set].sort();
  }

  /** Forgets an account's state (or every account's), in memory and on disk. */
  reset(accountId?: string): void {
    for (const key of [...this.docs.keys()]) {
      if (!accountId || key.startsWith(`${accountId}/`)) this.docs.delete(key);
    }
    if (this.dir) {
      rmSync(accountId ? join(this.dir, 'accounts', accountId) : join(this.dir, 'accounts'), {
        recursive: true,
        force: true,
      });
    }
  }

  close(): void {
    this.flush();
    this.blobs.close();
  }
}

/**
 * Content-addressed files (Lambda code, S3 objects): `put` returns the SHA-256, and the same
 * bytes are stored once. Without a state dir, blobs go to a temporary directory removed on close.
 */
export class BlobStore {
  readonly dir: string;
  private readonly temporary: boolean;

  constructor(dir?: string) {
    this.temporary = !dir;
    this.dir = dir ?? mkdtempSync(join(tmpdir(), 'awslings-blobs-'));
    mkdirSync(this.dir, { recursive: true });
  }

  path(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  put(data: Uint8Array): { sha256: string; size: number; path: string } {
    const sha256 = createHash('sha256').update(data).digest('hex');
    const path = this.path(sha256);
    if (!existsSync(path)) writeFileAtomic(path, data);
    return { sha256, size: data.byteLength, path };
  }

  get(sha256: string): Buffer {
    return readFileSync(this.path(sha256));
  }

  has(sha256: string): boolean {
    return existsSync(this.path(sha256));
  }

  close(): void {
    if (this.temporary) rmSync(this.dir, { recursive: true, force: true });
  }
}
