import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Emulator } from '../../emulator.js';
import { serviceRoleSession } from '../sts/serviceRole.js';
import { ensureExtracted, prepareLambdaRoot } from './code.js';
import { LogDelivery } from './logs.js';
import { lambdaRole } from './roles.js';
import { EnvironmentManager, type FunctionSpec, type RunResult } from './runtime/manager.js';
import { conflict, functionArn, functionNotFound, invalidParameter, isVersionNumber, parseFunctionName, requireFunction, settle, type Ctx, type FunctionRef } from './common.js';
import type { FunctionRecord, VersionRecord } from './state.js';

/**
 * Settings of the Lambda sandbox, from the emulator's `services.lambda` options, else from the
 * environment, else the defaults below.
 *
 * - idleSeconds (AWSLINGS_LAMBDA_IDLE_SECONDS, default 90): an execution environment with no
 *   invocation for this long is reclaimed, so the next invocation is a cold start. AWS keeps
 *   environments for minutes to hours, unpredictably; 90 s is short enough to watch it happen.
 * - asyncTimeScale (AWSLINGS_LAMBDA_ASYNC_TIME_SCALE, default 1/60): AWS's timings for
 *   asynchronous invocations (a retry one minute after the first failure and two minutes after the
 *   second, throttle backoff, the maximum event age) run at this scale: one minute takes one second.
 * - maxEnvironmentsPerFunction (AWSLINGS_LAMBDA_MAX_ENVIRONMENTS_PER_FUNCTION, default 10) and
 *   maxEnvironments (AWSLINGS_LAMBDA_MAX_ENVIRONMENTS, default 40): a laptop is not a fleet. AWS
 *   would start one environment per concurrent invocation; here invocations beyond these wait for a
 *   free environment instead (reserved concurrency still throttles as on AWS).
 * - spares (AWSLINGS_LAMBDA_SPARES, default 2): started Node processes with no code, per memory
 *   size, so that a cold start pays for loading the function's code (its Init Duration), not for
 *   booting Node.
 */
export interface LambdaSettings {
  idleSeconds: number;
  asyncTimeScale: number;
  maxEnvironmentsPerFunction: number;
  maxEnvironments: number;
  spares: number;
}

const DEFAULTS: LambdaSettings = { idleSeconds: 90, asyncTimeScale: 1 / 60, maxEnvironmentsPerFunction: 10, maxEnvironments: 40, spares: 2 };
const ENV: Record<keyof LambdaSettings, string> = {
  idleSeconds: 'AWSLINGS_LAMBDA_IDLE_SECONDS',
  asyncTimeScale: 'AWSLINGS_LAMBDA_ASYNC_TIME_SCALE',
  maxEnvironmentsPerFunction: 'AWSLINGS_LAMBDA_MAX_ENVIRONMENTS_PER_FUNCTION',
  maxEnvironments: 'AWSLINGS_LAMBDA_MAX_ENVIRONMENTS',
  spares: 'AWSLINGS_LAMBDA_SPARES',
};

export function settingsOf(emulator: Emulator): LambdaSettings {
  const opts = (emulator.options.services?.lambda ?? {}) as Partial<Record<keyof LambdaSettings, unknown>>;
  const out = { ...DEFAULTS };
  for (const k of Object.keys(DEFAULTS) as (keyof LambdaSettings)[]) {
    const raw = opts[k] ?? process.env[ENV[k]];
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
    if (Number.isFinite(n) && n >= 0) out[k] = n;
  }
  return out;
}

/** What the Lambda service keeps in memory for one emulator: environments, log delivery. */
export interface LambdaRuntime {
  settings: LambdaSettings;
  manager: EnvironmentManager;
  logs: LogDelivery;
}

const runtimes = new WeakMap<Emulator, LambdaRuntime>();

export function runtimeOf(emulator: Emulator): LambdaRuntime {
  let rt = runtimes.get(emulator);
  if (!rt) {
    const settings = settingsOf(emulator);
    const logs = new LogDelivery(emulator);
    const root = prepareLambdaRoot(emulator);
    const manager = new EnvironmentManager(
      {
        idleSeconds: settings.idleSeconds,
        maxEnvironmentsPerFunction: Math.max(1, settings.maxEnvironmentsPerFunction),
        maxEnvironments: Math.max(1, settings.maxEnvironments),
        spares: settings.spares,
        lambdaRoot: root,
        guardImports: hasForeignModules(root),
      },
      {
        environmentFor: (spec, stream, initType) => environmentVariables(emulator, spec, stream, initType),
        deliverLogs: (spec, stream, events) =>
          logs.push({ accountId: spec.accountId, region: spec.region, group: spec.logGroupName, stream, role: spec.role }, events),
      },
    );
    rt = { settings, manager, logs };
    runtimes.set(emulator, rt);
  }
  return rt;
}

export async function stopRuntime(emulator: Emulator): Promise<void> {
  const rt = runtimes.get(emulator);
  if (!rt) return;
  runtimes.delete(emulator);
  await rt.manager.stop();
}

const specs = new WeakMap<VersionRecord, { revision: string; spec: FunctionSpec }>();

/**
 * What an environment of this function version needs, and the key that says when one can be
 * reused. Every change to a version gives it a new RevisionId, so the spec is kept until then.
 */
export function specOf(emulator: Emulator, accountId: string, region: string, v: VersionRecord): FunctionSpec {
  const hit = specs.get(v);
  if (hit && hit.revision === v.RevisionId && hit.spec.accountId === accountId) return hit.spec;
  const spec = buildSpec(emulator, accountId, region, v);
  specs.set(v, { revision: v.RevisionId, spec });
  return spec;
}

function buildSpec(emulator: Emulator, accountId: string, region: string, v: VersionRecord): FunctionSpec {
  const variables = v.Environment?.Variables ?? {};
  const shape = {
    code: v.code.sha256,
    runtime: v.Runtime,
    handler: v.Handler,
    memory: v.MemorySize,
    timeout: v.Timeout,
    role: v.Role,
    variables,
    group: v.LoggingConfig?.LogGroup,
  };
  const hash = createHash('sha1').update(JSON.stringify(shape)).digest('hex').slice(0, 16);
  return {
    key: `${accountId}/${region}/${v.FunctionName}:${v.Version}#${hash}`,
    functionKey: `${accountId}/${region}/${v.FunctionName}`,
    accountId,
    region,
    functionName: v.FunctionName,
    version: v.Version,
    runtime: v.Runtime,
    handler: v.Handler,
    memoryMb: v.MemorySize,
    timeoutSec: v.Timeout,
    taskRoot: ensureExtracted(emulator, v.code),
    logGroupName: v.LoggingConfig?.LogGroup ?? `/aws/lambda/${v.FunctionName}`,
    nodeOptions: variables.NODE_OPTIONS,
    role: v.Role,
    variables,
  };
}

/**
 * The variables AWS sets in a Node.js execution environment, then the function's own. The
 * credentials are the execution role's, and AWS_ENDPOINT_URL sends the function's SDK calls back
 * to the sandbox, where they are made as that role.
 */
async function environmentVariables(emulator: Emulator, spec: FunctionSpec, logStream: string, initType: string): Promise<Record<string, string>> {
  const r = await lambdaRole(emulator, spec.role);
  if (r.problem || !r.role || !r.accountId) throw invalidParameter('The role defined for the function cannot be assumed by Lambda.');
  const session = await serviceRoleSession(emulator, r.role, r.accountId, spec.functionName, 43200);
  return {
    AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: spec.version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: spec.logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: logStream,
    AWS_LAMBDA_INITIALIZATION_TYPE: initType,
    AWS_REGION: spec.region,
    AWS_DEFAULT_REGION: spec.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
    _HANDLER: spec.handler,
    LAMBDA_TASK_ROOT: spec.taskRoot,
    AWS_ACCESS_KEY_ID: session.accessKeyId,
    AWS_SECRET_ACCESS_KEY: session.secretAccessKey,
    AWS_SESSION_TOKEN: session.sessionToken,
    AWS_ENDPOINT_URL: functionEndpoint(emulator.endpoint),
    ...spec.variables,
  };
}

/**
 * The sandbox's URL as functions get it: with the loopback address rather than `localhost`, as the
 * labkit gives deploy scripts. With a host name, the S3 client addresses buckets by host
 * (`<bucket>.localhost`), which Node cannot resolve; with an IP address it addresses them by path,
 * so `new S3Client({})` in a handler works unchanged.
 */
const functionEndpoint = (endpoint: string): string => endpoint.replace(/^(https?:\/\/)localhost(?=[:/]|$)/, '$1127.0.0.1');

/**
 * How many invocations of this qualifier may run at once: unlimited without reserved concurrency;
 * with it, what provisioned concurrency of other qualifiers leaves (AWS counts both against it).
 */
export function concurrencyLimit(fn: FunctionRecord, qualifier: string | undefined): number | undefined {
  if (fn.reservedConcurrency === undefined) return undefined;
  let provisioned = 0;
  for (const p of Object.values(fn.provisioned)) provisioned += p.Requested;
  const own = qualifier ? (fn.provisioned[qualifier]?.Requested ?? 0) : 0;
  return Math.max(0, fn.reservedConcurrency - provisioned + own);
}

/** What an invocation runs: the function, the version an alias's weights picked, and the ARN as invoked. */
export interface Target {
  fn: FunctionRecord;
  ref: FunctionRef;
  version: VersionRecord;
  invokedArn: string;
}

/**
 * Resolves FunctionName and Qualifier for an invocation. An alias with routing weights sends each
 * invocation to one of its two versions at random, in proportion.
 */
export function resolveTarget(ctx: Ctx, functionName: string | undefined, qualifier?: string): Target {
  const ref = parseFunctionName(ctx, functionName, qualifier);
  const fn = requireFunction(ctx, ref);
  let version = ref.qualifier;
  const alias = version !== undefined && !isVersionNumber(version) && version !== '$LATEST' ? fn.aliases[version] : undefined;
  if (alias) {
    version = alias.FunctionVersion;
    let r = Math.random();
    for (const [v, w] of Object.entries(alias.RoutingConfig?.AdditionalVersionWeights ?? {})) {
      if (r < w) {
        version = v;
        break;
      }
      r -= w;
    }
  }
  const v = version === undefined || version === '$LATEST' ? fn.latest : fn.versions[version];
  if (!v) throw functionNotFound(functionArn(ref.region, ref.accountId, ref.name, ref.qualifier));
  settle(ctx, v);
  if (v.State !== 'Active') {
    throw conflict(`The operation cannot be performed at this time. The function is currently in the following state: ${v.State}`);
  }
  return { fn, ref, version: v, invokedArn: functionArn(ref.region, ref.accountId, ref.name, ref.qualifier) };
}

export interface ExecuteOptions {
  requestId: string;
  payload: Uint8Array;
  invocationType: 'RequestResponse' | 'Event';
  tail?: boolean;
  clientContext?: unknown;
  identity?: unknown;
}

/** Runs one invocation of a resolved target in an execution environment (throws ThrottledError). */
export function execute(emulator: Emulator, t: Target, opts: ExecuteOptions): Promise<RunResult> {
  const spec = specOf(emulator, t.ref.accountId, t.ref.region, t.version);
  return runtimeOf(emulator).manager.run(spec, {
    requestId: opts.requestId,
    payload: opts.payload,
    invokedFunctionArn: t.invokedArn,
    clientContext: opts.clientContext,
    identity: opts.identity,
    invocationType: opts.invocationType,
    tail: opts.tail,
    provisionedTag: t.ref.qualifier ? `${spec.functionKey}:${t.ref.qualifier}` : undefined,
    concurrencyLimit: concurrencyLimit(t.fn, t.ref.qualifier),
  });
}

/** Whether a directory above `root` has a node_modules that Node's resolution would reach from code under it. */
function hasForeignModules(root: string): boolean {
  for (let dir = dirname(root); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) return true;
    if (dirname(dir) === dir) return false;
  }
}
