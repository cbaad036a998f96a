import { resolveTarget, TargetError, type ResolvedTarget } from '../../labkit/target.js';
import { LabError } from '../../labkit/discover.js';
import { colors } from '../format.js';

export interface TargetFlags {
  target?: string;
  realAws?: boolean;
  port?: string;
}

/** Exit codes: 0 all good, 1 checks failed, 2 a usage or set-up problem, 3 an internal error. */
export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 3 } as const;

export class UsageError extends Error {}

export async function withTarget<T>(flags: TargetFlags, fn: (t: ResolvedTarget) => Promise<T>): Promise<T> {
  const t = await resolveTarget({ target: flags.target, realAws: flags.realAws, port: flags.port ? Number(flags.port) : undefined });
  try {
    return await fn(t);
  } finally {
    await t.close();
  }
}

/** Turns the errors a learner can fix into a short message and an exit code; anything else is reported as a bug. */
export function reportError(e: unknown): number {
  if (e instanceof TargetError || e instanceof LabError || e instanceof UsageError) {
    console.error(colors.red(`awslings: ${e.message}`));
    return EXIT.usage;
  }
  console.error(colors.red(`awslings: internal error (please report it): ${(e as Error)?.stack ?? e}`));
  return EXIT.internal;
}

export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
