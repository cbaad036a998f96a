import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import * as IAM from '@aws-sdk/client-iam';
import * as SQS from '@aws-sdk/client-sqs';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { BIN, ROOT } from '../helpers/cli.js';

const exec = promisify(execFile);
const FIXTURES = join(ROOT, 'test', 'fixtures', 'labs');

let emu: TestEmulator;
let stateDir: string;
let workspace: string;

/** Runs the real `awslings` command against the test's emulator, with its own labs, workspace and progress. */
async function awslings(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], {
      env: {
        ...process.env,
        ...extraEnv,
        AWSLINGS_LABS_DIR: FIXTURES,
        AWSLINGS_WORKSPACE_DIR: workspace,
        AWSLINGS_STATE_DIR: stateDir,
        AWSLINGS_PORT: String(emu.port),
        NO_COLOR: '1',
      },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

beforeAll(async () => {
  emu = await startTestEmulator();
  stateDir = mkdtempSync(join(tmpdir(), 'awslings-cli-'));
  // Deploy scripts import the course's packages, so the workspace lives inside the course folder.
  workspace = join(ROOT, '.awslings', `test-workspace-${randomBytes(4).toString('hex')}`);
});
afterAll(async () => {
  await emu.close();
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(workspace, { recursive: true, force: true });
});

describe('the awslings CLI', () => {
  it('list shows the labs with their status, in a table or as JSON', async () => {
    const table = await awslings(['list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/iam-basics\s+IAM basics \(test fixture\)\s+5 min\s+not started\s+–\/2\.5\s+0/);
    const json = JSON.parse((await awslings(['list', '--json'])).stdout);
    expect(json).toEqual({
      schema: 'awslings/list@1',
      labs: [{ id: 'iam-basics', title: 'IAM basics (test fixture)', module: '06-iam', minutes: 5, services: ['iam'], maxScore: 2.5, progress: null }],
    });
  });

  it('check fails the untouched starter with exit code 1, and says what and why', async () => {
    const r = await awslings(['check', 'iam-basics', '--deploy']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL  The user alice exists');
    expect(r.stdout).toContain('AWS answered NoSuchEntityException: The user with name alice cannot be found.');
    expect(r.stdout).toContain('hint: Create the user alice with CreateUserCommand.');
    expect(r.stdout).toContain('Score: 0/2.5 points.');
    // The starter was copied into the workspace on first use.
    expect(readFileSync(join(workspace, 'iam-basics', 'deploy.ts'), 'utf8')).toContain('TODO');
  });

  it('hint gives the hint of the first failing check; solution opens after an attempt', async () => {
    const hint = await awslings(['hint', 'iam-basics']);
    expect(hint.code).toBe(0);
    expect(hint.stdout).toContain('The user alice exists');
    expect(hint.stdout).toContain('hint: Create the user alice with CreateUserCommand.');
    const sol = await awslings(['solution', 'iam-basics']);
    expect(sol.code).toBe(0);
    expect(sol.stdout).toContain('── deploy.ts ──');
    expect(sol.stdout).toContain("Tags: [{ Key: 'team', Value: 'blue' }]");
  });

  it('check --json prints the documented schema, and exits 0 once every check passes', async () => {
    cpSync(join(FIXTURES, 'iam-basics', 'solution', 'deploy.ts'), join(workspace, 'iam-basics', 'deploy.ts'));
    const r = await awslings(['check', 'iam-basics', '--deploy', '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({
      schema: 'awslings/lab-result@1',
      lab: 'iam-basics',
      target: 'embedded',
      accountId: '000000000000',
      score: 2.5,
      maxScore: 2.5,
      passed: true,
      deploy: { status: 'ok' },
    });
    expect(result.checks.map((c: { id: string; status: string; points: number }) => [c.id, c.status, c.points])).toEqual([
      ['user-exists', 'pass', 1],
      ['user-tagged', 'pass', 1.5],
    ]);
    for (const c of result.checks) expect(Object.keys(c).sort()).toEqual(expect.arrayContaining(['id', 'title', 'status', 'points', 'maxPoints', 'durationMs']));
    const progress = JSON.parse(readFileSync(join(stateDir, 'progress.json'), 'utf8'));
    expect(progress.labs['iam-basics']).toMatchObject({ attempts: 2, bestScore: 2.5, lastScore: 2.5, maxScore: 2.5, passed: true });
    const list = JSON.parse((await awslings(['list', '--json'])).stdout);
    expect(list.labs[0].progress.passed).toBe(true);
  });

  it('reset asks first, refuses without a terminal or --yes, then restores the starter and deletes the resources', async () => {
    const refused = await awslings(['reset', 'iam-basics']);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain('add --yes');
    expect(readFileSync(join(workspace, 'iam-basics', 'deploy.ts'), 'utf8')).toContain('alice is ready');
    const done = await awslings(['reset', 'iam-basics', '--yes']);
    expect(done.code).toBe(0);
    expect(readFileSync(join(workspace, 'iam-basics', 'deploy.ts'), 'utf8')).toContain('TODO');
    await expect(new IAM.IAMClient(emu.config()).send(new IAM.GetUserCommand({ UserName: 'alice' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
  });

  it("cleanup runs the labs' cleanup on the target, after asking", async () => {
    const iam = new IAM.IAMClient(emu.config());
    await iam.send(new IAM.CreateUserCommand({ UserName: 'alice' }));
    const refused = await awslings(['cleanup', '--labs', 'iam-basics']);
    expect(refused.code).toBe(2);
    await expect(iam.send(new IAM.GetUserCommand({ UserName: 'alice' }))).resolves.toBeTruthy();
    const done = await awslings(['cleanup', '--labs', 'iam-basics', '--yes']);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('✔ iam-basics');
    await expect(iam.send(new IAM.GetUserCommand({ UserName: 'alice' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
  });

  it('where resources are tagged (a real account), what a lab makes carries awslings:lab, and cleanup sweeps it', async () => {
    const iam = new IAM.IAMClient(emu.config());
    const sqs = new SQS.SQSClient(emu.config());
    // The learner's script makes the user the lab asks for, and a queue that no lab cleanup knows.
    const stray = `stray-${randomBytes(3).toString('hex')}`;
    cpSync(join(FIXTURES, 'iam-basics', 'solution'), join(workspace, 'iam-basics'), { recursive: true });
    writeFileSync(
      join(workspace, 'iam-basics', 'deploy.ts'),
      `import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
       import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
       await new IAMClient({}).send(new CreateUserCommand({ UserName: 'alice', Tags: [{ Key: 'team', Value: 'blue' }] }));
       await new SQSClient({}).send(new CreateQueueCommand({ QueueName: '${stray}' }));`,
    );
    const keep = (await sqs.send(new SQS.CreateQueueCommand({ QueueName: `keep-${stray}` }))).QueueUrl!;
    const target = ['--target', emu.url];
    const tagging = { AWSLINGS_TAG_RESOURCES: '1' };

    const deployed = await awslings(['deploy', 'iam-basics', ...target], tagging);
    expect(deployed.code, deployed.stdout + deployed.stderr).toBe(0);
    // The learner's own tag is kept; the lab's is added.
    const tags = (await iam.send(new IAM.ListUserTagsCommand({ UserName: 'alice' }))).Tags;
    expect(tags).toEqual(expect.arrayContaining([{ Key: 'team', Value: 'blue' }, { Key: 'awslings:lab', Value: 'iam-basics' }]));
    const strayUrl = (await sqs.send(new SQS.GetQueueUrlCommand({ QueueName: stray }))).QueueUrl!;
    expect((await sqs.send(new SQS.ListQueueTagsCommand({ QueueUrl: strayUrl }))).Tags).toEqual({ 'awslings:lab': 'iam-basics' });
    expect((await awslings(['check', 'iam-basics', ...target], tagging)).code).toBe(0);

    const listed = await awslings(['cleanup', '--dry-run', ...target]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`SQS queue ${stray} (awslings:lab=iam-basics)`);
    expect(listed.stdout).toContain('IAM user alice (awslings:lab=iam-basics)');
    expect(listed.stdout).not.toContain(`keep-${stray}`);
    expect(listed.stdout).toContain('Nothing was deleted.');
    await expect(sqs.send(new SQS.GetQueueUrlCommand({ QueueName: stray }))).resolves.toBeTruthy();

    const done = await awslings(['cleanup', '--labs', 'iam-basics', '--yes', ...target]);
    expect(done.code, done.stdout).toBe(0);
    expect(done.stdout).toContain(`✔ SQS queue ${stray} (awslings:lab=iam-basics): deleted`);
    await expect(sqs.send(new SQS.GetQueueUrlCommand({ QueueName: stray }))).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
    await expect(iam.send(new IAM.GetUserCommand({ UserName: 'alice' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    // What the course did not make stays.
    expect((await sqs.send(new SQS.ListQueuesCommand({ QueueNamePrefix: 'keep-' }))).QueueUrls).toContain(keep);
    expect((await awslings(['cleanup', '--dry-run', ...target])).stdout).toContain('Nothing tagged awslings:lab');
  });

  it('an unknown lab or a bad target is a usage error (exit 2) with a clear message', async () => {
    const unknown = await awslings(['check', 'no-such-lab']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('There is no lab "no-such-lab". Labs: iam-basics');
    const target = await awslings(['check', 'iam-basics', '--target', 'aws']);
    expect(target.code).toBe(2);
    expect(target.stderr).toContain('--real-aws');
    const nothing = await awslings(['check']);
    expect(nothing.code).toBe(2);
    const noFolder = await awslings(['grade', join(stateDir, 'no-such-submissions')]);
    expect(noFolder.code).toBe(2);
    expect(noFolder.stderr).toContain('No such folder');
    const badTimeout = await awslings(['grade', stateDir, '--timeout', 'soon']);
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.stderr).toContain('--timeout must be a number of seconds');
  });

  it('doctor reports the machine as JSON', async () => {
    const r = await awslings(['doctor', '--json']);
    const body = JSON.parse(r.stdout);
    expect(body.schema).toBe('awslings/doctor@1');
    expect(body.findings.find((f: { what: string }) => f.what === 'Node.js').ok).toBe(true);
    expect(body.findings.find((f: { what: string }) => f.what.startsWith('port ')).detail).toContain('awslings sandbox is running');
  });

  it('the progress file survives a kill -9 in the middle of writing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awslings-progress-'));
    const file = join(dir, 'progress.json');
    const script = join(dir, 'writer.mjs');
    writeFileSync(
      script,
      `import { recordAttempt } from ${JSON.stringify(join(ROOT, 'dist', 'labkit', 'progress.js'))};
       const checks = Array.from({ length: 200 }, (_, i) => ({ id: 'c' + i, title: 'x'.repeat(200), status: 'fail', points: 0, maxPoints: 1, durationMs: 1 }));
       for (let i = 0; ; i++) recordAttempt({ schema: 'awslings/lab-result@1', lab: 'lab' + (i % 7), title: 't', target: 'embedded', accountId: '0', score: i, maxScore: 9999, passed: false, checks, startedAt: '', durationMs: 0 }, ${JSON.stringify(file)});`,
    );
    const child = spawn(process.execPath, [script], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 700));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(file)).toBe(true);
    const progress = JSON.parse(readFileSync(file, 'utf8'));
    expect(progress.version).toBe(1);
    expect(Object.keys(progress.labs).length).toBeGreaterThan(0);
    rmSync(dir, { recursive: true, force: true });
  });
});
