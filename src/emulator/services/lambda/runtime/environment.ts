import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { encodeFrame, FrameReader, type Frame } from './protocol.js';

/** The child's side of an execution environment: plain JS, next to this file in src/ and in dist/. */
export const BOOTSTRAP = fileURLToPath(new URL('./bootstrap.mjs', import.meta.url));

export interface LogEvent {
  timestamp: number;
  message: string;
}

export type InitOutcome =
  | { kind: 'ready'; initMs: number }
  /** The code failed to load: AWS's error JSON (Runtime.ImportModuleError, an error thrown at import...). */
  | { kind: 'failed'; initMs: number; error: Buffer; errorType: string; maxRssMb: number }
  /** The code took longer to load than Lambda allows: the process is killed. */
  | { kind: 'timeout' }
  | ExitOutcome;

export interface InvokeRequest {
  requestId: string;
  payload: Uint8Array;
  deadlineMs: number;
  invokedFunctionArn: string;
  clientContext?: unknown;
  identity?: unknown;
}

export type InvokeOutcome =
  | { kind: 'ok'; payload: Buffer; maxRssMb: number }
  /** `exit` is set when the runtime ended itself after reporting (an uncaught exception, an unhandled rejection). */
  | { kind: 'error'; payload: Buffer; errorType: string; exit?: ExitOutcome; maxRssMb: number }
  | { kind: 'badPayload'; message: string }
  | { kind: 'timeout' }
  | ExitOutcome;

/** The process ended on its own (process.exit, a crash, running out of heap). */
export interface ExitOutcome {
  kind: 'exit';
  code: number | null;
  signal: NodeJS.Signals | null;
  outOfMemory: boolean;
}

export interface SpawnOptions {
  memoryMb: number;
  /** Bare imports from code under this directory resolve only inside it or to the AWS SDK (see bootstrap.mjs). */
  guardRoot?: string;
  /** The environment every Lambda process starts with (PATH, TZ, LANG, NODE_PATH...). */
  env: Record<string, string>;
  cwd: string;
}

let counter = 0;

/**
 * One execution environment: a Node.js process running bootstrap.mjs. It may be spawned ahead of
 * time with no code (a spare), then initialised once with a function's code, then invoked one
 * request at a time until it is reclaimed or dies.
 */
export class ExecutionEnvironment {
  readonly id = `env-${(++counter).toString(36)}-${process.pid.toString(36)}`;
  readonly memoryMb: number;
  readonly spawnedAt = Date.now();
  readonly child: ChildProcess;
  /** Resolves once the process and its pipes are closed. */
  readonly closed: Promise<ExitOutcome>;
  /** Where console lines and output go; the manager points it at the current invocation. */
  onLog: (event: LogEvent) => void = () => {};
  private waiting?: (answer: Frame | ExitOutcome) => void;
  private rawLine = '';
  private stderrTail = '';
  private dead = false;

  constructor(opts: SpawnOptions) {
    this.memoryMb = opts.memoryMb;
    // Enforce MemorySize on the V8 heap, leaving a little for the rest, close to what AWS's bootstrap does.
    const heap = Math.max(32, opts.memoryMb - Math.floor(opts.memoryMb / 64));
    const args = [`--max-old-space-size=${heap}`, BOOTSTRAP, ...(opts.guardRoot ? ['--guard', opts.guardRoot] : [])];
    this.child = spawn(process.execPath, args, {
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      env: opts.env,
      cwd: opts.cwd,
    });
    const reader = new FrameReader((f) => this.onFrame(f));
    (this.child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => reader.push(d));
    this.child.stdout!.on('data', (d: Buffer) => this.raw(d.toString('utf8')));
    this.child.stderr!.on('data', (d: Buffer) => {
      const s = d.toString('utf8');
      this.stderrTail = (this.stderrTail + s).slice(-4096);
      this.raw(s);
    });
    // Writing to a process that just died must not take the emulator down.
    this.child.stdin!.on('error', () => {});
    this.closed = new Promise((resolve) => {
      this.child.once('error', () => {
        this.dead = true;
        resolve({ kind: 'exit', code: null, signal: null, outOfMemory: false });
      });
      this.child.once('close', (code, signal) => {
        this.dead = true;
        this.flushRaw();
        resolve({ kind: 'exit', code, signal, outOfMemory: /heap out of memory|Reached heap limit/.test(this.stderrTail) });
      });
    });
    void this.closed.then((exit) => this.answer(exit));
  }

  get alive(): boolean {
    return !this.dead;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Loads the function's code (the init phase). */
  async init(env: Record<string, string>, taskRoot: string, handler: string, timeoutMs: number): Promise<InitOutcome> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ kind: 'timeout' }>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
    });
    const frame = await Promise.race([this.request('I', { env, taskRoot, handler }), timeout]);
    clearTimeout(timer);
    if ('kind' in frame) {
      if (frame.kind === 'timeout') {
        this.waiting = undefined;
        this.kill();
      }
      return frame;
    }
    if (frame.type === 'R') return { kind: 'ready', initMs: Number(frame.meta.initMs) };
    // An init failure is followed by the process exiting: wait for it, so its last output is logged.
    await this.closed;
    return { kind: 'failed', initMs: Number(frame.meta.initMs), error: frame.body, errorType: errorTypeOf(frame.body), maxRssMb: Number(frame.meta.maxRssMb) };
  }

  /** Runs one invocation; kills the process when the deadline passes. */
  async invoke(req: InvokeRequest, timeoutMs: number): Promise<InvokeOutcome> {
    const { payload, ...meta } = req;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ kind: 'timeout' }>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
    });
    const result = await Promise.race([this.request('V', meta, payload), timeout]);
    clearTimeout(timer);
    if ('kind' in result) {
      if (result.kind === 'timeout') {
        this.waiting = undefined;
        this.kill();
      }
      return result;
    }
    const f = result;
    if (f.type === 'D') return { kind: 'ok', payload: f.body, maxRssMb: Number(f.meta.maxRssMb) };
    if (f.type === 'P') return { kind: 'badPayload', message: String(f.meta.message) };
    // The runtime exits after an uncaught exception or an unhandled rejection: let its output arrive.
    const exit = f.meta.exiting === true ? await this.closed : undefined;
    return { kind: 'error', payload: f.body, errorType: String(f.meta.errorType ?? 'Error'), exit, maxRssMb: Number(f.meta.maxRssMb) };
  }

  kill(): void {
    if (this.dead) return;
    this.dead = true;
    this.child.kill('SIGKILL');
  }

  /** Sends a frame and waits for the answer to it, or for the process to end. */
  private request(type: 'I' | 'V', meta: object, body?: Uint8Array): Promise<Frame | ExitOutcome> {
    if (this.dead) return this.closed;
    return new Promise((resolve) => {
      this.waiting = resolve;
      const parts = encodeFrame(type, meta, body);
      // One write (one syscall, one wake-up of the child) for all but large payloads.
      if (parts[2].length < 65536) this.child.stdin!.write(Buffer.concat(parts));
      else for (const part of parts) this.child.stdin!.write(part);
    });
  }

  private answer(a: Frame | ExitOutcome): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.(a);
  }

  private onFrame(frame: Frame): void {
    if (frame.type === 'C') {
      this.flushRaw();
      this.onLog({ timestamp: Date.now(), message: frame.body.toString('utf8') });
    } else if (frame.type === 'O') {
      this.raw(frame.body.toString('utf8'));
    } else {
      this.flushRaw();
      this.answer(frame);
    }
  }

  /** Raw output becomes one log event per line, as Lambda's log agent does. */
  private raw(text: string): void {
    const all = this.rawLine + text;
    const lines = all.split('\n');
    this.rawLine = lines.pop()!;
    const now = Date.now();
    for (const line of lines) this.onLog({ timestamp: now, message: `${line}\n` });
  }

  /** Ends a partial raw line, so it is not attributed to the next invocation. */
  flushRaw(): void {
    if (!this.rawLine) return;
    const line = this.rawLine;
    this.rawLine = '';
    this.onLog({ timestamp: Date.now(), message: `${line}\n` });
  }
}

function errorTypeOf(body: Buffer): string {
  try {
    return String((JSON.parse(body.toString('utf8')) as { errorType?: string }).errorType ?? 'Error');
  } catch {
    return 'Error';
  }
}
