import type { AwsCredentialIdentity } from '@smithy/types';

/** The AWS services a lab or a check needs, by the emulator's ids (`lambda`, `cognito-idp`, `apigatewayv2`...). */
export type ServiceId = string;

export type CheckStatus = 'pass' | 'fail' | 'error' | 'timeout' | 'skipped';

export interface CheckDefinition {
  id: string;
  title: string;
  /** May be fractional; a check scores all its points or none. */
  points: number;
  /** Shown when this check fails: what to look at, not the answer. */
  hint: string;
  /** Default 15 s. */
  timeoutMs?: number;
  /** Services this check needs beyond the lab's; a target without them skips the check. */
  services?: ServiceId[];
  run: (ctx: CheckContext) => Promise<void>;
}

export interface LabDefinition {
  id: string;
  title: string;
  /** The course module (docs folder) the lab belongs to, e.g. `01-lambda-invocation`. */
  module: string;
  objectives: string[];
  minutes: number;
  services: ServiceId[];
  /** The files in workspace/<lab> the learner edits, for the page and `awslings list`. */
  files: string[];
  /**
   * Deploys the learner's work. By default, runs `deploy.ts` from the workspace (bundled with
   * esbuild, in its own Node process, with the target's AWS environment and a time limit).
   */
  deploy?: (ctx: DeployContext) => Promise<void>;
  /** Runs after the checks, whatever they did: removes what the checks themselves created. */
  afterChecks?: (ctx: CheckContext) => Promise<void>;
  /** Removes what the lab created on the target (used by `awslings reset`). */
  cleanup?: (ctx: CheckContext) => Promise<void>;
  /** Deploy time limit, default 90 s. */
  deployTimeoutMs?: number;
  checks: CheckDefinition[];
}

export interface TargetInfo {
  /** `embedded`, `localstack`, `aws`, or a URL. */
  name: string;
  endpoint?: string;
  region: string;
  accountId: string;
  credentials: AwsCredentialIdentity;
  /** Services the target offers; undefined when unknown (real AWS offers everything). */
  services?: Set<string>;
  /** The awslings emulator answers here (so /_awslings/ endpoints exist). */
  isAwslings: boolean;
}

export interface ClientConfig {
  region: string;
  endpoint?: string;
  credentials: AwsCredentialIdentity;
  maxAttempts: number;
}

export interface LabContext {
  lab: LabDefinition;
  target: TargetInfo;
  region: string;
  accountId: string;
  /** The learner's files for this lab. */
  workspace: string;
  /** SDK client config for the target and the learner's account (or other credentials). */
  config(overrides?: { credentials?: AwsCredentialIdentity; region?: string }): ClientConfig;
  /** An SDK v3 client for the target: `ctx.client(LambdaClient)`. */
  client<T>(Ctor: new (config: ClientConfig) => T, overrides?: { credentials?: AwsCredentialIdentity; region?: string }): T;
  /** The environment for a child process that should reach the target as the learner. */
  env(): Record<string, string>;
}

export interface DeployContext extends LabContext {
  /** Runs a TypeScript or JavaScript file of the workspace in its own Node process. */
  runScript(file: string, opts?: { timeoutMs?: number; args?: string[] }): Promise<ScriptResult>;
  log(line: string): void;
}

export interface CheckContext extends LabContext {
  /** A random name with a prefix, so a hard-coded answer cannot pass. */
  random(prefix?: string): string;
  /** Fails the check: the learner's work is not what was expected. */
  fail(message: string, details?: { expected?: unknown; found?: unknown }): never;
  /** Output shown with the result (the function's logs, what the learner's code printed). */
  log(line: string): void;
  /** Values one check leaves for later ones (checks run in order). */
  shared: Record<string, unknown>;
  /** What the deploy step printed. */
  deployOutput: string;
  /** Mail and SMS the sandbox sent (Cognito codes, SES mail). Only on the awslings emulator. */
  outbox(filter?: { to?: string; source?: string }): Promise<OutboxMessage[]>;
}

export interface OutboxMessage {
  id: string;
  time: string;
  accountId: string;
  channel: 'email' | 'sms';
  source: string;
  from?: string;
  to: string[];
  subject?: string;
  text?: string;
  html?: string;
  code?: string;
}

export interface ScriptResult {
  status: 'ok' | 'failed' | 'timeout';
  exitCode: number | null;
  output: string;
  durationMs: number;
}

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  points: number;
  maxPoints: number;
  message?: string;
  expected?: unknown;
  found?: unknown;
  /** The hint, on a fail or a timeout. */
  hint?: string;
  output?: string;
  durationMs: number;
}

export interface LabResult {
  /** Version of this shape; see docs/reference/02-json-output.mdx. */
  schema: 'awslings/lab-result@1';
  lab: string;
  title: string;
  target: string;
  accountId: string;
  score: number;
  maxScore: number;
  passed: boolean;
  deploy?: { status: ScriptResult['status'] | 'skipped'; output: string; durationMs: number };
  checks: CheckResult[];
  startedAt: string;
  durationMs: number;
}
