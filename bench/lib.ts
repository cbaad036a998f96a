import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(ROOT, 'bin', 'awslings.mjs');

export interface Stats {
  n: number;
  median: number;
  p50: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
}

export function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, median: q(0.5), p50: q(0.5), p90: q(0.9), p99: q(0.99), min: s[0], max: s[s.length - 1] };
}

export const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;

export interface Row {
  figure: string;
  value: string;
  target: string;
  ok: boolean;
  note?: string;
}

export const rows: Row[] = [];

export function report(figure: string, value: string, target: string, ok: boolean, note?: string): void {
  rows.push({ figure, value, target, ok, note });
  console.log(`  ${ok ? 'PASS' : 'MISS'}  ${figure}: ${value} (target ${target})${note ? ` — ${note}` : ''}`);
}

/** Starts `awslings emulator` as its own process, as a learner would, and resolves with its URL. */
export function spawnEmulator(args: string[] = []): Promise<{ child: ChildProcess; url: string; startedAt: number; readyAt: number }> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [BIN, 'emulator', '--port', '0', '--no-persist', '--quiet', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1], startedAt, readyAt: performance.now() });
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}: ${out}`)));
  });
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8') as string;
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** Runs `fn` with `concurrency` workers for `durationMs`, and returns per-call latencies and throughput. */
export async function load(fn: (worker: number) => Promise<unknown>, concurrency: number, durationMs: number): Promise<{ latencies: number[]; rps: number }> {
  const latencies: number[] = [];
  const end = performance.now() + durationMs;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (performance.now() < end) {
        const s = performance.now();
        await fn(w);
        latencies.push(performance.now() - s);
      }
    }),
  );
  return { latencies, rps: latencies.length / ((performance.now() - t0) / 1000) };
}

/**
 * GetCallerIdentity from `workers` worker threads of `clientsPerWorker` SDK clients each, started
 * together after a warm-up: requests per second over all of them, and every latency.
 */
export async function stsLoadInWorkers(url: string, workers: number, clientsPerWorker: number, durationMs: number): Promise<{ latencies: number[]; rps: number }> {
  const { Worker } = await import('node:worker_threads');
  const threads = Array.from({ length: workers }, () => new Worker(new URL('./sts-load.worker.mjs', import.meta.url), { workerData: { url, clients: clientsPerWorker, warmMs: 1000 } }));
  try {
    await Promise.all(threads.map((t) => new Promise<void>((resolve, reject) => {
      t.once('error', reject);
      t.once('message', () => resolve());
    })));
    const results = await Promise.all(
      threads.map(
        (t) =>
          new Promise<{ latencies: number[]; seconds: number }>((resolve) => {
            t.once('message', resolve);
            t.postMessage({ durationMs });
          }),
      ),
    );
    const latencies = results.flatMap((r) => r.latencies);
    return { latencies, rps: latencies.length / Math.max(...results.map((r) => r.seconds)) };
  } finally {
    await Promise.all(threads.map((t) => t.terminate()));
  }
}
