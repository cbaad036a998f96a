import { randomBytes } from 'node:crypto';
import type { AwsCredentialIdentity } from '@smithy/types';
import type {
  CheckContext,
  CheckDefinition,
  CheckResult,
  ClientConfig,
  DeployContext,
  LabContext,
  LabDefinition,
  LabResult,
  OutboxMessage,
  ScriptResult,
  TargetInfo,
} from './types.js';
import { CAPABILITIES, clientConfig, missingServices, targetEnv } from './target.js';
import { OutputBuffer, runScript } from './script.js';
import { tagClient, tagsResources } from './tags.js';

const BRAND = Symbol.for('awslings.check-failure');

/** Thrown by ctx.fail: the learner's work is not what the check expects. */
export class CheckFailure extends Error {
  readonly [BRAND] = true;
  constructor(
    message: string,
    readonly details: { expected?: unknown; found?: unknown } = {},
  ) {
    super(message);
    this.name = 'CheckFailure';
  }
}

/** Fails the check unless the condition holds: `assert(found === expected, 'what went wrong', { expected, found })`. */
export function assert(condition: unknown, message: string, details?: { expected?: unknown; found?: unknown }): asserts condition {
  if (!condition) throw new CheckFailure(message, details);
}

// Labs are bundled on their own, so a failure may come from another copy of this module: recognise it by its brand.
const isCheckFailure = (e: unknown): e is CheckFailure => !!e && typeof e === 'object' && (e as Record<symbol, unknown>)[BRAND] === true;

function labContext(lab: LabDefinition, target: TargetInfo, workspace: string): LabContext {
  const config = (o: { credentials?: AwsCredentialIdentity; region?: string } = {}): ClientConfig => clientConfig(target, o);
  return {
    lab,
    target,
    region: target.region,
    accountId: target.accountId,
    workspace,
    config,
    // On a target that tags resources, what the lab creates carries awslings:lab=<id> (tags.ts).
    client: (Ctor, o) => {
      const client = new Ctor(config(o));
      return tagsResources(target.name) ? (tagClient(client as { middlewareStack: unknown }, lab.id) as typeof client) : client;
    },
    env: () => (tagsResources(target.name) ? { ...targetEnv(target), AWSLINGS_LAB_TAG: lab.id } : targetEnv(target)),
  };
}

export async function runDeploy(
  lab: LabDefinition,
  target: TargetInfo,
  workspace: string,
  onOutput?: (chunk: string) => void,
): Promise<ScriptResult> {
  const t0 = performance.now();
  const base = labContext(lab, target, workspace);
  const output = new OutputBuffer();
  const log = (line: string) => {
    output.push(line + '\n');
    onOutput?.(line + '\n');
  };
  const timeoutMs = lab.deployTimeoutMs ?? 90_000;
  const runner = (file: string, o: { timeoutMs?: number; args?: string[] } = {}) =>
    runScript(file, {
      cwd: workspace,
      env: base.env(),
      timeoutMs: o.timeoutMs ?? timeoutMs,
      args: o.args,
      onOutput: (c) => {
        output.push(c);
        onOutput?.(c);
      },
    });
  if (!lab.deploy) {
    const r = await runner('deploy.ts');
    return r;
  }
  const ctx: DeployContext = { ...base, runScript: runner, log };
  let status: ScriptResult['status'] = 'ok';
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      lab.deploy(ctx),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new DeployTimeout(timeoutMs)), timeoutMs);
      }),
    ]);
  } catch (e) {
    status = e instanceof DeployTimeout ? 'timeout' : 'failed';
    log(e instanceof DeployTimeout ? e.message : `Deploy failed: ${(e as Error).message ?? e}`);
  } finally {
    clearTimeout(timer);
  }
  return { status, exitCode: status === 'ok' ? 0 : 1, output: output.toString(), durationMs: performance.now() - t0 };
}

class DeployTimeout extends Error {
  constructor(ms: number) {
    super(`The deploy step was stopped after ${Math.round(ms / 1000)} s.`);
  }
}

class CheckTimeout extends Error {}

/** An error the AWS SDK raised for a service's answer (not a network failure). */
function awsErrorOf(e: unknown): { name: string; message: string; status?: number; fault?: string } | undefined {
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; $fault?: string };
  if (err && typeof err === 'object' && err.$metadata && err.name) {
    return { name: err.name, message: err.message ?? '', status: err.$metadata.httpStatusCode, fault: err.$fault };
  }
  return undefined;
}

const NETWORK = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|socket hang up|fetch failed/i;

/**
 * Sorts what a check threw into the learner's failure or someone else's: a CheckFailure, or an AWS
 * client error (the learner's resource is missing or misconfigured), is the learner's; a 5xx, a
 * network error or any other exception is the checker's or the sandbox's, and said so.
 */
export function classify(e: unknown, target: TargetInfo): Pick<CheckResult, 'status' | 'message' | 'expected' | 'found'> {
  if (isCheckFailure(e)) return { status: 'fail', message: e.message, ...e.details };
  if (e instanceof CheckTimeout) return { status: 'timeout', message: e.message };
  const message = (e as Error)?.message ?? String(e);
  if (NETWORK.test(message) || NETWORK.test(String((e as { code?: string })?.code))) {
    return { status: 'error', message: `Could not reach the ${target.name} target${target.endpoint ? ` at ${target.endpoint}` : ''} (${message}). Is it running? (npm start)` };
  }
  const aws = awsErrorOf(e);
  if (aws && aws.status !== undefined && aws.status < 500 && aws.fault !== 'server') {
    return { status: 'fail', message: `AWS answered ${aws.name}: ${aws.message}` };
  }
  if (aws && aws.status !== undefined) {
    return { status: 'error', message: `The ${target.name} target failed (${aws.name}, HTTP ${aws.status}): ${aws.message}. This is not your fault: try again, and report it if it keeps happening.` };
  }
  const where = ((e as Error)?.stack ?? '').split('\n').slice(0, 3).join('\n');
  return { status: 'error', message: `The checker itself crashed; this is not your fault, please report it: ${where || message}` };
}

export interface RunChecksOptions {
  deployOutput?: string;
  only?: string[];
  /** Called as each check finishes (progress output). */
  onResult?: (r: CheckResult) => void;
}

export async function runChecks(lab: LabDefinition, target: TargetInfo, workspace: string, opts: RunChecksOptions = {}): Promise<CheckResult[]> {
  const base = labContext(lab, target, workspace);
  const shared: Record<string, unknown> = {};
  const results: CheckResult[] = [];
  const checks = opts.only?.length ? lab.checks.filter((c) => opts.only!.includes(c.id)) : lab.checks;
  try {
    for (const check of checks) {
      const r = await runOneCheck(check, lab, base, target, shared, opts.deployOutput ?? '');
      results.push(r);
      opts.onResult?.(r);
    }
  } finally {
    // What the checks created for themselves goes, pass or fail; a failure here changes no result.
    await lab.afterChecks?.(checkContext(base, shared, '', new OutputBuffer())).catch(() => undefined);
  }
  return results;
}

async function runOneCheck(
  check: CheckDefinition,
  lab: LabDefinition,
  base: LabContext,
  target: TargetInfo,
  shared: Record<string, unknown>,
  deployOutput: string,
): Promise<CheckResult> {
  const t0 = performance.now();
  const result = (r: Pick<CheckResult, 'status'> & Partial<CheckResult>): CheckResult => ({
    id: check.id,
    title: check.title,
    points: r.status === 'pass' ? check.points : 0,
    maxPoints: check.points,
    durationMs: Math.round(performance.now() - t0),
    ...r,
    hint: r.status === 'fail' || r.status === 'timeout' ? check.hint : undefined,
  });
  const missing = missingServices(target, [...new Set([...lab.services, ...(check.services ?? [])])]);
  if (missing.length) {
    return result({
      status: 'skipped',
      message: `Skipped: the ${target.name} target does not offer ${missing.map((m) => CAPABILITIES[m] ?? m).join(', ')}${target.name === 'localstack' ? " (LocalStack's free edition lacks it)" : ''}.`,
    });
  }
  const output = new OutputBuffer(4 * 1024, 12 * 1024);
  const ctx = checkContext(base, shared, deployOutput, output);
  const timeoutMs = check.timeoutMs ?? 15_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.run(ctx),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new CheckTimeout(`Timed out after ${(timeoutMs / 1000).toFixed(0)} s: the check did not finish. Your code may hang or be slow; its output is below.`)), timeoutMs);
      }),
    ]);
    return result({ status: 'pass', output: output.toString() || undefined });
  } catch (e) {
    const c = classify(e, target);
    return result({ ...c, output: output.toString() || undefined });
  } finally {
    clearTimeout(timer);
  }
}

function checkContext(base: LabContext, shared: Record<string, unknown>, deployOutput: string, output: OutputBuffer): CheckContext {
  return {
    ...base,
    shared,
    deployOutput,
    random: (prefix = 'x') => `${prefix}${randomBytes(4).toString('hex')}`,
    fail: (message, details) => {
      throw new CheckFailure(message, details);
    },
    log: (line) => output.push(line.endsWith('\n') ? line : line + '\n'),
    outbox: (filter = {}) => readOutbox(base.target, filter),
  };
}

/** Runs the lab's cleanup (what `awslings reset` and the grader use to remove its resources). */
export async function runCleanup(lab: LabDefinition, target: TargetInfo, workspace: string): Promise<void> {
  if (!lab.cleanup) return;
  await lab.cleanup(checkContext(labContext(lab, target, workspace), {}, '', new OutputBuffer()));
}

/**
 * Mail and SMS the target sent: the awslings outbox, or LocalStack's `/_aws/ses` (same idea, e-mail
 * only). Real AWS delivers real mail, which a checker cannot read.
 */
async function readOutbox(target: TargetInfo, filter: { to?: string; source?: string }): Promise<OutboxMessage[]> {
  if (!target.endpoint) return [];
  if (target.isAwslings) {
    const q = new URLSearchParams({ accountId: target.accountId, ...(filter.to ? { to: filter.to } : {}), ...(filter.source ? { source: filter.source } : {}) });
    const res = await fetch(`${target.endpoint}/_awslings/outbox?${q}`);
    return ((await res.json()) as { messages: OutboxMessage[] }).messages;
  }
  const res = await fetch(`${target.endpoint}/_aws/ses${filter.to ? `?email=${encodeURIComponent(filter.to)}` : ''}`);
  if (!res.ok) return [];
  type LsMessage = { Id: string; Timestamp?: string; Source?: string; Subject?: string; Destination?: { ToAddresses?: string[] }; Body?: { text_part?: string; html_part?: string } };
  const body = (await res.json()) as { messages?: LsMessage[] };
  return (body.messages ?? [])
    .map((m) => ({
      id: m.Id,
      time: m.Timestamp ?? '',
      accountId: target.accountId,
      channel: 'email' as const,
      source: 'ses',
      from: m.Source,
      to: m.Destination?.ToAddresses ?? [],
      subject: m.Subject,
      text: m.Body?.text_part,
      html: m.Body?.html_part,
    }))
    .filter((m) => !filter.to || m.to.some((t) => t.toLowerCase() === filter.to!.toLowerCase()));
}

export interface RunLabOptions {
  deploy: boolean;
  only?: string[];
  onDeployOutput?: (chunk: string) => void;
  onResult?: (r: CheckResult) => void;
}

/** Deploys (when asked), then runs the checks, and returns the result as data. */
export async function runLab(lab: LabDefinition, target: TargetInfo, workspace: string, opts: RunLabOptions): Promise<LabResult> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  let deploy: LabResult['deploy'];
  if (opts.deploy) {
    const d = await runDeploy(lab, target, workspace, opts.onDeployOutput);
    deploy = { status: d.status, output: d.output, durationMs: Math.round(d.durationMs) };
  }
  const checks = await runChecks(lab, target, workspace, { deployOutput: deploy?.output, only: opts.only, onResult: opts.onResult });
  const score = round(checks.reduce((s, c) => s + c.points, 0));
  const maxScore = round(lab.checks.filter((c) => !opts.only?.length || opts.only.includes(c.id)).reduce((s, c) => s + c.points, 0));
  return {
    schema: 'awslings/lab-result@1',
    lab: lab.id,
    title: lab.title,
    target: target.name,
    accountId: target.accountId,
    score,
    maxScore,
    passed: checks.every((c) => c.status === 'pass'),
    deploy,
    checks,
    startedAt,
    durationMs: Math.round(performance.now() - t0),
  };
}

/** Points are summed as decimals (2.5 + 0.1 stays 2.6). */
export const round = (n: number): number => Math.round(n * 1000) / 1000;
