import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { BIN, ROOT, ms, report, stats } from './lib.js';

const exec = promisify(execFile);

async function timed(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const t0 = performance.now();
  await exec(process.execPath, [BIN, ...args], { env, maxBuffer: 64 * 1024 * 1024 }).catch((e: { code?: number }) => {
    if (e.code !== 1) throw e; // exit 1 = some check failed, still a complete run
  });
  return performance.now() - t0;
}

export async function labsBench(): Promise<void> {
  console.log('\nLabs, checks and grading (issue 4)');
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NO_COLOR: '1' };

  // 1. `awslings check lambda-hello-sync` with the sandbox already running.
  const port = 20000 + Math.floor(Math.random() * 20000);
  const emulator = spawn(process.execPath, [BIN, 'emulator', '--port', String(port), '--no-persist', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'], env });
  await new Promise<void>((resolve) => emulator.stdout!.on('data', (d: Buffer) => /ready on/.test(d.toString()) && resolve()));
  const workspace = join(ROOT, '.awslings', `bench-ws-${randomBytes(3).toString('hex')}`);
  const stateDir = mkdtempSync(join(tmpdir(), 'awslings-bench-'));
  const labEnv = { ...env, AWSLINGS_PORT: String(port), AWSLINGS_WORKSPACE_DIR: workspace, AWSLINGS_STATE_DIR: stateDir };
  try {
    mkdirSync(join(workspace, 'lambda-hello-sync'), { recursive: true });
    cpSync(join(ROOT, 'labs', 'lambda-hello-sync', 'solution'), join(workspace, 'lambda-hello-sync'), { recursive: true });
    await timed(['deploy', 'lambda-hello-sync'], labEnv);
    const checks: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < 7; i++) {
      checks.push(await timed(['check', 'lambda-hello-sync'], labEnv));
      baseline.push(await timed(['--version'], labEnv));
    }
    const c = stats(checks).median;
    report('awslings check lambda-hello-sync, sandbox running (median of 7)', ms(c), '< 1,500 ms', c < 1500, `awslings --version in the same run: ${ms(stats(baseline).median)} (CLI start-up), ratio ${(c / stats(baseline).median).toFixed(2)}x`);
  } finally {
    emulator.kill('SIGTERM');
    rmSync(workspace, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  }

  // 2. Grading 30 submissions x 3 labs with --jobs 2: a class where two in three did the work.
  const labs = ['lambda-hello-sync', 'lambda-async-email', 'iam-intern'];
  const dir = mkdtempSync(join(tmpdir(), 'awslings-class-'));
  const one = mkdtempSync(join(tmpdir(), 'awslings-one-'));
  try {
    for (let i = 0; i < 30; i++) {
      for (const lab of labs) {
        const variant = i % 3 === 2 ? 'starter' : 'solution';
        cpSync(join(ROOT, 'labs', lab, variant), join(dir, `learner-${String(i).padStart(2, '0')}`, 'workspace', lab), { recursive: true });
        if (i === 0) cpSync(join(ROOT, 'labs', lab, 'solution'), join(one, 'learner-00', 'workspace', lab), { recursive: true });
      }
    }
    const single = await timed(['grade', one, '--labs', labs.join(','), '--out', join(one, 'grades'), '--jobs', '1'], env);
    const whole = await timed(['grade', dir, '--labs', labs.join(','), '--out', join(dir, 'grades'), '--jobs', '2'], env);
    report(
      'awslings grade: 30 submissions x 3 labs, --jobs 2',
      `${(whole / 1000).toFixed(1)} s`,
      '< 60 s',
      whole < 60_000,
      `one submission alone: ${(single / 1000).toFixed(1)} s, so ${(whole / single / 30).toFixed(2)}x its time per submission`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(one, { recursive: true, force: true });
  }
}
