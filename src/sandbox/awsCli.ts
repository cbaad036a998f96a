import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

/** The AWS CLI honours AWS_ENDPOINT_URL from 2.13 (v2) and 1.29 (v1) on; older ones (Debian 12 ships 2.9) ignore it. */
export const ENDPOINT_ENV_SINCE: Record<number, readonly [number, number]> = { 1: [1, 29], 2: [2, 13] };

export interface AwsCliInfo {
  /** The real `aws` found on PATH, if any. */
  path?: string;
  version?: string;
  /** A folder to put first on the terminal's PATH: it holds an `aws` that adds --endpoint-url. */
  wrapperDir?: string;
  /**
   * A bash start-up file that runs the learner's ~/.bashrc and then puts the wrapper first again
   * (a .bashrc that prepends its own folders, pyenv's for one, would otherwise hide it).
   */
  bashRc?: string;
}

/** The first executable `name` on PATH, skipping `skip` (our own wrapper folder). */
export function which(name: string, pathVar = process.env.PATH ?? '', skip?: string): string | undefined {
  for (const dir of pathVar.split(delimiter)) {
    if (!dir || (skip && resolve(dir) === resolve(skip))) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {}
  }
  return undefined;
}

/** Whether this AWS CLI version ignores AWS_ENDPOINT_URL. */
export const ignoresEndpointEnv = (version: string): boolean => {
  const [a, b] = version.split('.').map(Number);
  const since = ENDPOINT_ENV_SINCE[a];
  return since ? b < since[1] : a < 1;
};

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function wrapperScript(realAws: string): string {
  return `#!/bin/sh
# Written by the awslings sandbox. This AWS CLI is older than 2.13 and ignores AWS_ENDPOINT_URL,
# so the sandbox's endpoint is passed explicitly, unless the command names its own.
REAL=${shellQuote(realAws)}
if [ -n "$AWS_ENDPOINT_URL" ]; then
  for a in "$@"; do
    case "$a" in --endpoint-url|--endpoint-url=*) exec "$REAL" "$@" ;; esac
  done
  exec "$REAL" --endpoint-url "$AWS_ENDPOINT_URL" "$@"
fi
exec "$REAL" "$@"
`;
}

/**
 * Finds the AWS CLI and, when it is too old to read AWS_ENDPOINT_URL, writes the wrapper into a
 * folder of `binDir` named after the real CLI's path (two sandboxes with different PATHs never
 * share a wrapper).
 */
export async function prepareAwsCli(binDir: string, pathVar = process.env.PATH ?? ''): Promise<AwsCliInfo> {
  const real = which('aws', pathVar, binDir);
  if (!real) return {};
  let version: string | undefined;
  try {
    const { stdout, stderr } = await promisify(execFile)(real, ['--version'], { timeout: 15_000, env: { ...process.env, AWS_PAGER: '' } });
    version = /aws-cli\/(\d+\.\d+\.\d+)/.exec(stdout + stderr)?.[1];
  } catch {
    return { path: real };
  }
  if (!version || !ignoresEndpointEnv(version)) return { path: real, version };
  const dir = join(binDir, createHash('sha256').update(real).digest('hex').slice(0, 8));
  writeIfChanged(join(dir, 'aws'), wrapperScript(real), 0o755);
  const bashRc = join(dir, 'bashrc');
  writeIfChanged(
    bashRc,
    `# Written by the awslings sandbox: your own bash start-up, then the sandbox's aws first on PATH.\n` +
      `[ -f "$HOME/.bashrc" ] && . "$HOME/.bashrc"\nexport PATH=${shellQuote(dir)}:"$PATH"\n`,
    0o644,
  );
  return { path: real, version, wrapperDir: dir, bashRc };
}

/** Written to a temporary name, given its mode, then renamed: a shell never runs a half-written file. */
function writeIfChanged(file: string, content: string, mode: number): void {
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return;
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}
