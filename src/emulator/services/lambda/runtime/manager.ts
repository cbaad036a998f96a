import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { BOOTSTRAP, ExecutionEnvironment, type ExitOutcome, type InvokeOutcome, type LogEvent } from './environment.js';

/** What an execution environment needs to know about the function version it runs. */
export interface FunctionSpec {
  /** Environments are reused only for the same key: one function version and everything that shapes its environment. */
  key: string;
  /** Concurrency is counted per function: every version and alias together. */
  functionKey: string;
  accountId: string;
  region: string;
  functionName: string;
  /** `$LATEST` or a published version number. */
  version: string;
  runtime: string;
  handler: string;
  memoryMb: number;
  timeoutSec: number;
  /** The extracted code. */
  taskRoot: string;
  logGroupName: string;
  /** NODE_OPTIONS from the function's variables: Node reads them at start, so such a function gets a fresh process. */
  nodeOptions?: string;
  /** The execution role and the function's own variables, for `hooks.environmentFor`. */
  role: string;
  variables: Record<string, string>;
}

export interface RuntimeHooks {
  /** The environment variables of a new environment (the execution role's credentials included). */
  environmentFor(spec: FunctionSpec, logStreamName: string, initType: 'on-demand' | 'provisioned-concurrency'): Promise<Record<string, string>>;
  /** Log events of one environment, in order, for CloudWatch Logs. */
  deliverLogs(spec: FunctionSpec, logStreamName: string, events: LogEvent[]): void;
}

export interface RuntimeOptions {
  /** Seconds an environment stays warm with no invocation before it is reclaimed. */
  idleSeconds: number;
  /** Environments one function may have at once; further concurrent invocations wait for one. */
  maxEnvironmentsPerFunction: number;
  /** Environments of all functions together; idle ones of other functions are reclaimed first. */
  maxEnvironments: number;
  /** Code-free processes kept started per memory size, so a cold start does not wait for Node to boot. */
  spares: number;
  /** Holds `node_modules/@aws-sdk` for functions (NODE_PATH). */
  lambdaRoot: string;
  /** A node_modules above lambdaRoot would let functions import what AWS would not find: guard against it. */
  guardImports?: boolean;
}

export interface RunRequest {
  requestId: string;
  payload: Uint8Array;
  invokedFunctionArn: string;
  clientContext?: unknown;
  identity?: unknown;
  invocationType: 'RequestResponse' | 'Event';
  /** Return the last 4 KB of the invocation's log (LogType=Tail). */
  tail?: boolean;
  /** Only for provisioned concurrency routing: the alias or version the caller named. */
  provisionedTag?: string;
  /** Invocations of the function beyond this many at once are throttled (its reserved concurrency). */
  concurrencyLimit?: number;
}

export interface RunResult {
  /** ok: the handler's result; error: AWS's error JSON (FunctionError "Unhandled"). */
  kind: 'ok' | 'error';
  payload: Buffer;
  errorType?: string;
  /** The event was not JSON: InvalidRequestContentException, and the function never ran. */
  badPayload?: string;
  logTail?: string;
  cold: boolean;
  initMs?: number;
  durationMs: number;
  billedMs: number;
  maxMemoryMb: number;
  environmentId: string;
}

/** Invocations beyond a function's reserved concurrency. */
export class ThrottledError extends Error {
  constructor(readonly reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' | 'ConcurrentInvocationLimitExceeded') {
    super('Rate Exceeded.');
  }
}

export interface EnvironmentInfo {
  id: string;
  accountId: string;
  region: string;
  functionName: string;
  version: string;
  state: 'initializing' | 'idle' | 'busy';
  provisioned: boolean;
  pid?: number;
  memoryMb: number;
  createdAt: string;
  lastUsedAt: string;
  initDurationMs?: number;
  invocations: number;
  logGroupName: string;
  logStreamName: string;
  /** When an idle environment will be reclaimed. */
  reclaimAt?: string;
}

export interface InvocationRecord {
  requestId: string;
  accountId: string;
  region: string;
  functionName: string;
  version: string;
  invocationType: 'RequestResponse' | 'Event';
  environmentId: string;
  cold: boolean;
  initDurationMs?: number;
  durationMs: number;
  billedDurationMs: number;
  maxMemoryUsedMb: number;
  status: 'success' | 'error' | 'timeout' | 'crash';
  errorType?: string;
  startedAt: string;
  endedAt: string;
}

interface Managed {
  env: ExecutionEnvironment;
  spec: FunctionSpec;
  state: 'initializing' | 'idle' | 'busy';
  logStream: string;
  /** Set while the environment belongs to a provisioned-concurrency configuration (`<function>:<qualifier>`). */
  provisionedTag?: string;
  /** A provisioned environment's init phase, run ahead of any invocation: its failure, if any. */
  provisioning?: Promise<string | undefined>;
  createdAt: number;
  lastUsedAt: number;
  initMs?: number;
  initialized: boolean;
  /** Init done, and the next invocation is the first: Init Duration shows in its REPORT. */
  coldPending: boolean;
  /** The function changed or went away: finish the invocation in progress, then end. */
  retired?: boolean;
  invocations: number;
  maxRssMb: number;
  idleTimer?: NodeJS.Timeout;
  reclaimAt?: number;
}

interface Waiter {
  spec: FunctionSpec;
  provisionedTag?: string;
  resolve: (m: Managed) => void;
  reject: (e: Error) => void;
}

const TAIL_BYTES = 4096;
/**
 * Environments are recycled after this long, as AWS recycles them every few hours; it also keeps
 * them within the lifetime of the role credentials they were given (12 hours).
 */
const MAX_LIFETIME_MS = 6 * 3600_000;
/** The init phase's own limit on AWS. */
const INIT_LIMIT_MS = 10_000;
const RECENT = 500;

/**
 * Execution environments for every function: reuse while warm, reclaim when idle, a new one (a
 * cold start) when none is free, provisioned ones kept initialised, and invocations beyond a
 * function's reserved concurrency throttled. Each invocation's START / END / REPORT lines and
 * console output go to the function's log stream through `hooks.deliverLogs`.
 */
export class EnvironmentManager {
  private readonly all = new Set<Managed>();
  private readonly spares = new Map<number, ExecutionEnvironment[]>();
  private readonly spareTimers = new Map<number, NodeJS.Timeout>();
  private readonly inFlight = new Map<string, number>();
  /** The newest key of each function version: environments of older keys are retired. */
  private readonly currentKey = new Map<string, string>();
  private waiters: Waiter[] = [];
  private readonly recent: InvocationRecord[] = [];
  private stopped = false;
  private readonly baseEnv: Record<string, string>;

  constructor(
    readonly options: RuntimeOptions,
    private readonly hooks: RuntimeHooks,
  ) {
    this.baseEnv = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      NODE_PATH: `${options.lambdaRoot}/node_modules`,
      LAMBDA_RUNTIME_DIR: dirname(BOOTSTRAP),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
  }

  /**
   * Starts a code-free process for this memory size, if fewer than `spares` wait. Spares of a size
   * no function has used for `idleSeconds` are ended, but for the default 128 MB.
   */
  prewarm(memoryMb: number): void {
    if (this.stopped || this.options.spares <= 0) return;
    const list = this.spares.get(memoryMb) ?? [];
    this.spares.set(memoryMb, list);
    while (list.filter((e) => e.alive).length < this.options.spares) {
      const env = this.spawn(memoryMb);
      list.push(env);
      void env.closed.then(() => {
        const i = list.indexOf(env);
        if (i >= 0) list.splice(i, 1);
      });
    }
    if (memoryMb === 128) return;
    clearTimeout(this.spareTimers.get(memoryMb));
    const t = setTimeout(() => {
      this.spareTimers.delete(memoryMb);
      for (const e of this.spares.get(memoryMb) ?? []) e.kill();
      this.spares.delete(memoryMb);
    }, this.options.idleSeconds * 1000);
    t.unref();
    this.spareTimers.set(memoryMb, t);
  }

  /** Runs one invocation: an idle environment if there is one, else a new one (cold start). */
  async run(spec: FunctionSpec, req: RunRequest): Promise<RunResult> {
    const count = this.inFlight.get(spec.functionKey) ?? 0;
    if (req.concurrencyLimit !== undefined && count >= req.concurrencyLimit) {
      throw new ThrottledError('ReservedFunctionConcurrentInvocationLimitExceeded');
    }
    this.inFlight.set(spec.functionKey, count + 1);
    try {
      const m = await this.acquire(spec, req.provisionedTag);
      return await this.execute(m, req);
    } finally {
      const n = (this.inFlight.get(spec.functionKey) ?? 1) - 1;
      if (n > 0) this.inFlight.set(spec.functionKey, n);
      else this.inFlight.delete(spec.functionKey);
    }
  }

  /** Invocations of a function in progress (or waiting for an environment). */
  concurrency(functionKey: string): number {
    return this.inFlight.get(functionKey) ?? 0;
  }

  /**
   * Keeps `count` initialised environments for a provisioned-concurrency configuration (tag
   * `<function>:<qualifier>`), and releases those of an older version. Resolves once all are ready.
   */
  async provision(tag: string, spec: FunctionSpec | undefined, count: number): Promise<{ ok: boolean; error?: string }> {
    const mine = [...this.all].filter((m) => m.provisionedTag === tag);
    for (const m of mine) {
      if (!spec || m.spec.key !== spec.key) this.unprovision(m);
    }
    if (!spec || count <= 0) return { ok: true };
    const wanted = Math.min(count, this.options.maxEnvironmentsPerFunction);
    const have = [...this.all].filter((m) => m.provisionedTag === tag);
    for (const m of have.slice(wanted)) this.unprovision(m);
    const kept = have.slice(0, wanted);
    const fresh = Array.from({ length: wanted - kept.length }, () => {
      const m = this.create(spec, 'provisioned', tag);
      m.provisioning = (async () => {
        const failure = await this.initialize(m, 'provisioned-concurrency').catch((e: Error) => e.message);
        if (failure) return failure;
        m.coldPending = false; // initialised ahead of time: its invocations show no Init Duration
        this.release(m, true);
        return undefined;
      })();
      return m.provisioning;
    });
    // Environments an earlier call is still initialising count once they are ready, so READY
    // always means that invocations find initialised environments.
    const results = await Promise.all([...kept.map((m) => m.provisioning), ...fresh]);
    const failed = results.find((r) => r !== undefined);
    return failed ? { ok: false, error: failed } : { ok: true };
  }

  private unprovision(m: Managed): void {
    m.provisionedTag = undefined;
    if (m.state === 'idle') this.startIdleTimer(m);
  }

  /** Ends environments: of an account, of a function (one version, or every one), or all of them. */
  retire(filter: { accountId?: string; functionKey?: string; version?: string } = {}): void {
    for (const m of [...this.all]) {
      if (filter.accountId && m.spec.accountId !== filter.accountId) continue;
      if (filter.functionKey && m.spec.functionKey !== filter.functionKey) continue;
      if (filter.version && m.spec.version !== filter.version) continue;
      // An invocation in progress finishes; the environment is not reused.
      if (m.state === 'idle') this.remove(m);
      else m.retired = true;
    }
    if (filter.accountId) {
      for (let i = this.recent.length - 1; i >= 0; i--) if (this.recent[i].accountId === filter.accountId) this.recent.splice(i, 1);
    }
  }

  environments(accountId?: string): EnvironmentInfo[] {
    return [...this.all]
      .filter((m) => !accountId || m.spec.accountId === accountId)
      .map((m) => ({
        id: m.env.id,
        accountId: m.spec.accountId,
        region: m.spec.region,
        functionName: m.spec.functionName,
        version: m.spec.version,
        state: m.state,
        provisioned: m.provisionedTag !== undefined,
        pid: m.env.pid,
        memoryMb: m.spec.memoryMb,
        createdAt: new Date(m.createdAt).toISOString(),
        lastUsedAt: new Date(m.lastUsedAt).toISOString(),
        initDurationMs: m.initMs === undefined ? undefined : round2(m.initMs),
        invocations: m.invocations,
        logGroupName: m.spec.logGroupName,
        logStreamName: m.logStream,
        reclaimAt: m.reclaimAt ? new Date(m.reclaimAt).toISOString() : undefined,
      }));
  }

  invocations(accountId?: string, limit = 200): InvocationRecord[] {
    const list = accountId ? this.recent.filter((r) => r.accountId === accountId) : this.recent;
    return list.slice(-limit);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const closing: Promise<unknown>[] = [];
    for (const m of this.all) {
      clearTimeout(m.idleTimer);
      m.env.kill();
      closing.push(m.env.closed);
    }
    this.all.clear();
    for (const list of this.spares.values()) {
      for (const e of list) {
        e.kill();
        closing.push(e.closed);
      }
    }
    this.spares.clear();
    for (const t of this.spareTimers.values()) clearTimeout(t);
    this.spareTimers.clear();
    for (const w of this.waiters) w.reject(new Error('awslings: the emulator is shutting down'));
    this.waiters = [];
    await Promise.all(closing);
  }

  // ---- environments ----

  private spawn(memoryMb: number, extraEnv: Record<string, string> = {}): ExecutionEnvironment {
    return new ExecutionEnvironment({
      memoryMb,
      env: { ...this.baseEnv, ...extraEnv },
      cwd: this.options.lambdaRoot,
      guardRoot: this.options.guardImports ? this.options.lambdaRoot : undefined,
    });
  }

  private acquire(spec: FunctionSpec, provisionedTag?: string): Promise<Managed> {
    const vid = versionId(spec);
    if (this.currentKey.get(vid) !== spec.key) {
      this.currentKey.set(vid, spec.key);
      for (const m of [...this.all]) if (versionId(m.spec) === vid && m.spec.key !== spec.key && m.state === 'idle') this.remove(m);
    }
    const got = this.tryAcquire(spec, provisionedTag);
    if (got) return Promise.resolve(got);
    return new Promise((resolve, reject) => this.waiters.push({ spec, provisionedTag, resolve, reject }));
  }

  private tryAcquire(spec: FunctionSpec, provisionedTag?: string): Managed | undefined {
    let best: Managed | undefined;
    for (const m of this.all) {
      if (m.state !== 'idle' || m.spec.key !== spec.key || !m.env.alive) continue;
      // Provisioned environments of the alias or version named serve first; then the warmest.
      const rank = (x: Managed) => (x.provisionedTag !== undefined && x.provisionedTag === provisionedTag ? 1 : 0);
      if (!best || rank(m) > rank(best) || (rank(m) === rank(best) && m.lastUsedAt > best.lastUsedAt)) best = m;
    }
    if (best) {
      clearTimeout(best.idleTimer);
      best.idleTimer = undefined;
      best.reclaimAt = undefined;
      best.state = 'busy';
      return best;
    }
    const ofFunction = [...this.all].filter((m) => m.spec.functionKey === spec.functionKey);
    if (ofFunction.length >= this.options.maxEnvironmentsPerFunction) {
      // Idle environments of other versions of this function make room first.
      const spare = ofFunction.filter((m) => m.state === 'idle' && m.provisionedTag === undefined).sort((a, b) => a.lastUsedAt - b.lastUsedAt)[0];
      if (!spare) return undefined;
      this.remove(spare);
    }
    if (this.all.size >= this.options.maxEnvironments) {
      const lru = [...this.all].filter((m) => m.state === 'idle' && m.provisionedTag === undefined).sort((a, b) => a.lastUsedAt - b.lastUsedAt)[0];
      if (!lru) return undefined;
      this.remove(lru);
    }
    return this.create(spec, 'on-demand');
  }

  private create(spec: FunctionSpec, kind: 'on-demand' | 'provisioned', tag?: string): Managed {
    let env: ExecutionEnvironment | undefined;
    if (!spec.nodeOptions) {
      const list = this.spares.get(spec.memoryMb);
      while (list?.length && !env) {
        const e = list.shift()!;
        if (e.alive) env = e;
      }
    }
    env ??= this.spawn(spec.memoryMb, spec.nodeOptions ? { NODE_OPTIONS: spec.nodeOptions } : {});
    const now = Date.now();
    const m: Managed = {
      env,
      spec,
      state: kind === 'provisioned' ? 'initializing' : 'busy',
      logStream: logStreamName(spec.version, now),
      provisionedTag: tag,
      createdAt: now,
      lastUsedAt: now,
      initialized: false,
      coldPending: true,
      invocations: 0,
      maxRssMb: 0,
    };
    this.all.add(m);
    void env.closed.then(() => {
      // A process that dies while idle (killed, crashed after an invocation) is simply forgotten.
      if (m.state === 'idle') this.remove(m);
    });
    return m;
  }

  /** The init phase: loads the code. Returns AWS's error JSON when it fails. */
  private async initialize(m: Managed, initType: 'on-demand' | 'provisioned-concurrency', events: LogEvent[] = [], requestId = ''): Promise<string | undefined> {
    m.env.onLog = (e) => events.push(e);
    const region = m.spec.region;
    events.push({
      timestamp: Date.now(),
      message: `INIT_START Runtime Version: ${runtimeVersion(m.spec.runtime)}\tRuntime Version ARN: arn:aws:lambda:${region}::runtime:${runtimeHash(m.spec.runtime)}\n`,
    });
    let env: Record<string, string>;
    try {
      env = await this.hooks.environmentFor(m.spec, m.logStream, initType);
    } catch (e) {
      // The platform could not set the environment up (the role is gone): the caller's error, not the function's.
      this.remove(m);
      throw e;
    }
    // AWS gives the init phase 10 seconds, then tries again within the invocation's own timeout.
    const outcome = await m.env.init(env, m.spec.taskRoot, m.spec.handler, INIT_LIMIT_MS + m.spec.timeoutSec * 1000);
    if (outcome.kind === 'ready') {
      m.initMs = outcome.initMs;
      m.initialized = true;
      if (initType === 'provisioned-concurrency') this.hooks.deliverLogs(m.spec, m.logStream, events.splice(0));
      return undefined;
    }
    if (outcome.kind === 'timeout') {
      const limit = INIT_LIMIT_MS + m.spec.timeoutSec * 1000;
      m.initMs = limit;
      events.push({ timestamp: Date.now(), message: `INIT_REPORT Init Duration: ${limit.toFixed(2)} ms\tPhase: init\tStatus: timeout\n` });
      if (initType === 'provisioned-concurrency') {
        this.hooks.deliverLogs(m.spec, m.logStream, events.splice(0));
        this.remove(m);
      }
      const seconds = `${m.spec.timeoutSec.toFixed(2)} seconds`;
      return JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${seconds}` });
    }
    m.initMs = outcome.kind === 'failed' ? outcome.initMs : undefined;
    if (outcome.kind === 'failed') m.maxRssMb = outcome.maxRssMb || 0;
    const errorType = outcome.kind === 'failed' ? outcome.errorType : exitError('', outcome).errorType;
    events.push({
      timestamp: Date.now(),
      message: `INIT_REPORT Init Duration: ${(m.initMs ?? 0).toFixed(2)} ms\tPhase: init\tStatus: error\tError Type: ${errorType}\n`,
    });
    if (initType === 'provisioned-concurrency') {
      this.hooks.deliverLogs(m.spec, m.logStream, events.splice(0));
      this.remove(m);
    }
    return outcome.kind === 'failed' ? outcome.error.toString('utf8') : JSON.stringify(exitError(requestId, outcome));
  }

  private async execute(m: Managed, req: RunRequest): Promise<RunResult> {
    const { spec } = m;
    const events: LogEvent[] = [];
    const started = Date.now();
    const cold = m.coldPending;
    let result: Omit<RunResult, 'logTail'>;
    if (!m.initialized) {
      // A new environment: the init phase first.
      m.state = 'initializing';
      const failure = await this.initialize(m, 'on-demand', events, req.requestId);
      m.state = 'busy';
      if (failure !== undefined) {
        const errorType = errorTypeOf(failure);
        events.push(
          { timestamp: Date.now(), message: `START RequestId: ${req.requestId} Version: ${spec.version}\n` },
          { timestamp: Date.now(), message: `END RequestId: ${req.requestId}\n` },
          {
            timestamp: Date.now(),
            message: `REPORT RequestId: ${req.requestId}\tDuration: ${(m.initMs ?? 0).toFixed(2)} ms\tBilled Duration: ${Math.ceil(m.initMs ?? 0)} ms\tMemory Size: ${spec.memoryMb} MB\tMax Memory Used: ${Math.min(spec.memoryMb, m.maxRssMb)} MB\tStatus: error\tError Type: ${errorType}\n`,
          },
        );
        result = { kind: 'error', payload: Buffer.from(failure), errorType, cold: true, initMs: m.initMs, durationMs: m.initMs ?? 0, billedMs: Math.ceil(m.initMs ?? 0), maxMemoryMb: m.maxRssMb, environmentId: m.env.id };
        this.finish(m, req, events, result, started, 'error', false);
        return { ...result, logTail: req.tail ? tailOf(events) : undefined };
      }
    }
    m.coldPending = false;
    m.env.onLog = (e) => events.push(e);
    const timeoutMs = spec.timeoutSec * 1000;
    const t0 = performance.now();
    events.push({ timestamp: Date.now(), message: `START RequestId: ${req.requestId} Version: ${spec.version}\n` });
    const outcome: InvokeOutcome = await m.env.invoke(
      {
        requestId: req.requestId,
        payload: req.payload,
        deadlineMs: Date.now() + timeoutMs,
        invokedFunctionArn: req.invokedFunctionArn,
        clientContext: req.clientContext,
        identity: req.identity,
      },
      timeoutMs,
    );
    let durationMs = performance.now() - t0;
    m.env.flushRaw();
    if (outcome.kind === 'badPayload') {
      // Lambda rejects the request before the function runs: nothing of it is logged.
      events.pop();
      if (events.length) this.hooks.deliverLogs(spec, m.logStream, events);
      this.release(m, true);
      return { kind: 'error', payload: Buffer.alloc(0), badPayload: outcome.message, cold, initMs: m.initMs, durationMs: 0, billedMs: 0, maxMemoryMb: m.maxRssMb, environmentId: m.env.id };
    }
    let healthy = true;
    let status: InvocationRecord['status'] = 'success';
    let reportStatus = '';
    let payload: Buffer;
    let errorType: string | undefined;
    let kind: 'ok' | 'error' = 'error';
    if (outcome.kind === 'ok') {
      kind = 'ok';
      payload = outcome.payload;
      m.maxRssMb = outcome.maxRssMb;
    } else if (outcome.kind === 'error') {
      payload = outcome.payload;
      errorType = outcome.errorType;
      m.maxRssMb = outcome.maxRssMb;
      status = 'error';
      if (outcome.exit) {
        // The runtime reported the error, then ended itself: Lambda logs the exit too.
        healthy = false;
        const exit = exitError(req.requestId, outcome.exit);
        events.push({ timestamp: Date.now(), message: `${exit.errorMessage}\n${exit.errorType}\n` });
        reportStatus = `Status: error\tError Type: ${exit.errorType}\t`;
      }
    } else if (outcome.kind === 'timeout') {
      healthy = false;
      status = 'timeout';
      durationMs = timeoutMs;
      const seconds = `${spec.timeoutSec.toFixed(2)} seconds`;
      errorType = 'Sandbox.Timedout';
      payload = Buffer.from(JSON.stringify({ errorType, errorMessage: `RequestId: ${req.requestId} Error: Task timed out after ${seconds}` }));
      events.push({ timestamp: Date.now(), message: `${new Date().toISOString()} ${req.requestId} Task timed out after ${seconds}\n` });
      reportStatus = 'Status: timeout\t';
    } else {
      healthy = false;
      status = 'crash';
      const err = exitError(req.requestId, outcome);
      if (outcome.outOfMemory) m.maxRssMb = spec.memoryMb;
      errorType = err.errorType;
      payload = Buffer.from(JSON.stringify(err));
      events.push({ timestamp: Date.now(), message: `${err.errorMessage}\n${err.errorType}\n` });
      reportStatus = `Status: error\tError Type: ${errorType}\t`;
    }
    const maxMemoryMb = Math.min(spec.memoryMb, Math.max(1, m.maxRssMb));
    const billedMs = Math.ceil(durationMs + (cold && m.initMs ? m.initMs : 0));
    events.push(
      { timestamp: Date.now(), message: `END RequestId: ${req.requestId}\n` },
      {
        timestamp: Date.now(),
        message:
          `REPORT RequestId: ${req.requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${billedMs} ms\t` +
          `Memory Size: ${spec.memoryMb} MB\tMax Memory Used: ${maxMemoryMb} MB\t` +
          (cold && m.initMs !== undefined ? `Init Duration: ${m.initMs.toFixed(2)} ms\t` : '') +
          `${reportStatus}\n`,
      },
    );
    result = { kind, payload, errorType, cold, initMs: cold ? m.initMs : undefined, durationMs, billedMs, maxMemoryMb, environmentId: m.env.id };
    this.finish(m, req, events, result, started, status, healthy);
    return { ...result, logTail: req.tail ? tailOf(events) : undefined };
  }

  private finish(
    m: Managed,
    req: RunRequest,
    events: LogEvent[],
    r: Omit<RunResult, 'logTail'>,
    started: number,
    status: InvocationRecord['status'],
    healthy: boolean,
  ): void {
    m.invocations++;
    this.hooks.deliverLogs(m.spec, m.logStream, events);
    this.recent.push({
      requestId: req.requestId,
      accountId: m.spec.accountId,
      region: m.spec.region,
      functionName: m.spec.functionName,
      version: m.spec.version,
      invocationType: req.invocationType,
      environmentId: m.env.id,
      cold: r.cold,
      initDurationMs: r.cold && r.initMs !== undefined ? round2(r.initMs) : undefined,
      durationMs: round2(r.durationMs),
      billedDurationMs: r.billedMs,
      maxMemoryUsedMb: r.maxMemoryMb,
      status,
      errorType: r.errorType,
      startedAt: new Date(started).toISOString(),
      endedAt: new Date().toISOString(),
    });
    if (this.recent.length > RECENT) this.recent.splice(0, this.recent.length - RECENT);
    this.release(m, healthy && m.env.alive);
  }

  private release(m: Managed, healthy: boolean): void {
    if (!this.all.has(m)) return;
    const stale =
      m.retired ||
      (m.provisionedTag === undefined && Date.now() - m.createdAt > MAX_LIFETIME_MS) ||
      (this.currentKey.has(versionId(m.spec)) && this.currentKey.get(versionId(m.spec)) !== m.spec.key);
    if (!healthy || stale || this.stopped) {
      this.remove(m);
    } else {
      m.state = 'idle';
      m.lastUsedAt = Date.now();
      m.env.onLog = () => {};
      if (m.provisionedTag === undefined) this.startIdleTimer(m);
    }
    this.serveWaiters();
    // Replace the spare a cold start used, now that the invocation no longer needs the CPU.
    if (m.invocations <= 1 && !m.spec.nodeOptions) setImmediate(() => this.prewarm(m.spec.memoryMb));
  }

  private startIdleTimer(m: Managed): void {
    clearTimeout(m.idleTimer);
    const ms = this.options.idleSeconds * 1000;
    m.reclaimAt = Date.now() + ms;
    m.idleTimer = setTimeout(() => {
      if (m.state === 'idle' && m.provisionedTag === undefined) {
        this.remove(m);
        this.serveWaiters();
      }
    }, ms);
    m.idleTimer.unref();
  }

  private remove(m: Managed): void {
    clearTimeout(m.idleTimer);
    this.all.delete(m);
    m.env.kill();
    this.serveWaiters();
  }

  private serveWaiters(): void {
    if (!this.waiters.length) return;
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) {
      const m = this.tryAcquire(w.spec, w.provisionedTag);
      if (m) w.resolve(m);
      else this.waiters.push(w);
    }
  }
}

const versionId = (spec: FunctionSpec) => `${spec.functionKey}:${spec.version}`;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** AWS's log stream names: `2024/05/01/[$LATEST]` and 32 hex digits, one per environment. */
function logStreamName(version: string, now: number): string {
  const d = new Date(now);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/[${version}]${randomBytes(16).toString('hex')}`;
}

function runtimeVersion(runtime: string): string {
  const m = /^nodejs(\d+)/.exec(runtime);
  return m ? `nodejs:${m[1]}.v${process.versions.node.split('.')[1]}` : runtime;
}

/** A stable stand-in for AWS's runtime version ARN suffix. */
export function runtimeHash(runtime: string): string {
  let h = 0n;
  for (const c of `${runtime}/${process.version}`) h = (h * 131n + BigInt(c.charCodeAt(0))) % (1n << 256n);
  return h.toString(16).padStart(64, '0').slice(-64);
}

/** AWS's error when the runtime process ends during an invocation. */
export function exitError(requestId: string, exit: ExitOutcome): { errorType: string; errorMessage: string } {
  const prefix = requestId ? `RequestId: ${requestId} Error: ` : 'Error: ';
  if (exit.outOfMemory) return { errorType: 'Runtime.OutOfMemory', errorMessage: `${prefix}Runtime exited with error: signal: killed` };
  if (exit.signal) return { errorType: 'Runtime.ExitError', errorMessage: `${prefix}Runtime exited with error: signal: ${SIGNALS[exit.signal] ?? exit.signal.toLowerCase()}` };
  if (exit.code === 0 || exit.code === null) return { errorType: 'Runtime.ExitError', errorMessage: `${prefix}Runtime exited without providing a reason` };
  return { errorType: 'Runtime.ExitError', errorMessage: `${prefix}Runtime exited with error: exit status ${exit.code}` };
}

const SIGNALS: Partial<Record<NodeJS.Signals, string>> = {
  SIGKILL: 'killed',
  SIGABRT: 'aborted',
  SIGSEGV: 'segmentation fault',
  SIGTERM: 'terminated',
  SIGBUS: 'bus error',
};

function errorTypeOf(json: string): string {
  try {
    return String((JSON.parse(json) as { errorType?: string }).errorType ?? 'Error');
  } catch {
    return 'Error';
  }
}

function tailOf(events: LogEvent[]): string {
  const text = Buffer.from(events.map((e) => e.message).join(''));
  return text.subarray(Math.max(0, text.length - TAIL_BYTES)).toString('base64');
}
