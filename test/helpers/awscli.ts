import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Credentials } from './emulator.js';

const run = promisify(execFile);

/** Debian's AWS CLI v2 (installed by .ci/run); the `aws` first on PATH may be an old v1. */
export const AWS_CLI = '/usr/bin/aws';

export function requireAwsCli(): void {
  if (!existsSync(AWS_CLI)) {
    throw new Error(`${AWS_CLI} is missing: install AWS CLI v2 with "apt-get install -y awscli" (.ci/run does this).`);
  }
}

/** Runs `aws ... --output json` against the emulator and returns the parsed output. */
export async function aws(endpoint: string, args: string[], credentials: Credentials = { accessKeyId: 'test', secretAccessKey: 'test' }): Promise<any> {
  const stdout = await awsText(endpoint, args, credentials);
  return stdout.trim() ? JSON.parse(stdout) : {};
}

/** Runs `aws ...` and returns what it prints (for the high-level `aws s3` and `aws cloudformation deploy` commands). */
export async function awsText(
  endpoint: string,
  args: string[],
  credentials: Credentials = { accessKeyId: 'test', secretAccessKey: 'test' },
  options: { cwd?: string; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<string> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
  };
  if (credentials.sessionToken) env.AWS_SESSION_TOKEN = credentials.sessionToken;
  Object.assign(env, options.env);
  try {
    const { stdout } = await run(AWS_CLI, ['--endpoint-url', endpoint, '--output', 'json', ...args], { env, cwd: options.cwd, timeout: options.timeoutMs ?? 60_000 });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`aws ${args.join(' ')} failed: ${err.stderr ?? err.message}`);
  }
}
