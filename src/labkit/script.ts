import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BundleError, bundleScript } from './bundle.js';
import { PROJECT_ROOT } from '../common/paths.js';
import type { ScriptResult } from './types.js';

/** Keeps the head and the tail of a stream of output, so a flood costs little memory. */
export class OutputBuffer {
  private head = '';
  private tail = '';
  private dropped = 0;
  constructor(
    private readonly headMax = 8 * 1024,
    private readonly tailMax = 24 * 1024,
  ) {}

  push(chunk: string): void {
    if (this.head.length < this.headMax) {
      const room = this.headMax - this.head.length;
      this.head += chunk.slice(0, room);
      chunk = chunk.slice(room);
    }
    if (!chunk) return;
    this.tail += chunk;
    if (this.tail.length > this.tailMax) {
      this.dropped += this.tail.length - this.tailMax;
      this.tail = this.tail.slice(-this.tailMax);
    }
  }

  toString(): string {
    return this.dropped ? `${this.head}\n… ${this.dropped} characters of output left out …\n${this.tail}` : this.head + this.tail;
  }
}

export interface RunScriptOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  args?: string[];
  /** Heap limit of the script's process, in MB. */
  maxMemoryMb?: number;
  onOutput?: (chunk: string) => void;
}

/**
 * Runs a learner's TypeScript or JavaScript file in its own Node process: bundled with esbuild
 * (so a syntax error is reported with its line), with the target's AWS environment, a time limit,
 * a memory limit and capped output. A script that hangs, crashes or floods costs only itself.
 */
export async function runScript(file: string, opts: RunScriptOptions): Promise<ScriptResult> {
  const t0 = performance.now();
  const entry = join(opts.cwd, file);
  if (!existsSync(entry)) {
    return { status: 'failed', exitCode: null, output: `${file} does not exist in ${opts.cwd}`, durationMs: 0 };
  }
  const buildDir = join(opts.cwd, '.awslings-build');
  mkdirSync(buildDir, { recursive: true });
  const outfile = join(buildDir, basename(file).replace(/\.[cm]?[jt]s$/, '') + '.mjs');
  try {
    await bundleScript(entry, outfile, opts.cwd);
  } catch (e) {
    const message = e instanceof BundleError ? e.message : String(e);
    return { status: 'failed', exitCode: null, output: `${file} does not compile:\n${message}`, durationMs: performance.now() - t0 };
  }

  const flags = [`--max-old-space-size=${opts.maxMemoryMb ?? 512}`, '--enable-source-maps'];
  if (opts.env.AWSLINGS_LAB_TAG) {
    // Tag what the script creates with its lab (see tags.ts).
    const preload = join(buildDir, 'awslings-tag-preload.mjs');
    await bundleScript(join(PROJECT_ROOT, 'src', 'labkit', 'tag-preload.ts'), preload, PROJECT_ROOT);
    flags.push('--import', pathToFileURL(preload).href);
  }

  const output = new OutputBuffer();
  const child = spawn(process.execPath, [...flags, outfile, ...(opts.args ?? [])], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LANG: process.env.LANG ?? 'C.UTF-8', NODE_NO_WARNINGS: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const onData = (d: Buffer) => {
    const s = d.toString('utf8');
    output.push(s);
    opts.onOutput?.(s);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killTree(child.pid);
  }, opts.timeoutMs);
  const exitCode = await new Promise<number | null>((resolve) => {
    child.once('error', (e) => {
      output.push(String(e));
      resolve(null);
    });
    child.once('close', (code) => resolve(code));
  });
  clearTimeout(timer);
  killTree(child.pid); // anything the script left running in the background
  const durationMs = performance.now() - t0;
  if (timedOut) {
    output.push(`\n${file} was stopped after ${Math.round(opts.timeoutMs / 1000)} s.`);
    return { status: 'timeout', exitCode, output: output.toString(), durationMs };
  }
  return { status: exitCode === 0 ? 'ok' : 'failed', exitCode, output: output.toString(), durationMs };
}

function killTree(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}
