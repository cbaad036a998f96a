import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import * as IAM from '@aws-sdk/client-iam';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { ROOT } from '../helpers/cli.js';
import { assert, defineLab, runLab, type TargetInfo } from '../../src/labkit/index.js';

let emu: TestEmulator;
let target: TargetInfo;
const workspace = join(ROOT, '.awslings', `test-results-${randomBytes(4).toString('hex')}`);

beforeAll(async () => {
  emu = await startTestEmulator();
  target = {
    name: 'embedded',
    endpoint: emu.url,
    region: 'us-east-1',
    accountId: '123456789012',
    credentials: { accessKeyId: '123456789012', secretAccessKey: 'test' },
    services: new Set(['iam', 'sts']),
    isAwslings: true,
  };
  mkdirSync(workspace, { recursive: true });
});
afterAll(async () => {
  await emu.close();
  rmSync(workspace, { recursive: true, force: true });
});

const base = { id: 'synthetic', title: 'Synthetic', module: '00', objectives: ['o'], minutes: 1, services: ['iam'], files: [] };

describe('check results tell the learner apart from the checker', () => {
  it('pass, fail (with expected and found), AWS client errors as fails, checker crashes as errors, timeouts, skips', async () => {
    const lab = defineLab({
      ...base,
      checks: [
        { id: 'pass', title: 'passes', points: 1, hint: 'h', run: async () => undefined },
        { id: 'fail', title: 'fails', points: 2, hint: 'the hint', run: async () => assert(1 + 1 === 3, 'wrong sum', { expected: 3, found: 2 }) },
        {
          id: 'aws-4xx',
          title: 'missing resource',
          points: 1,
          hint: 'create the user',
          run: async (ctx) => {
            await ctx.client(IAM.IAMClient).send(new IAM.GetUserCommand({ UserName: 'nobody' }));
          },
        },
        {
          id: 'crash',
          title: 'checker bug',
          points: 1,
          hint: 'n/a',
          run: async () => {
            const x = undefined as unknown as { y: number };
            void x.y;
          },
        },
        {
          id: 'slow',
          title: 'hangs',
          points: 1,
          hint: 'do not hang',
          timeoutMs: 300,
          run: async (ctx) => {
            ctx.log('the function printed this before hanging');
            await new Promise(() => undefined);
          },
        },
        { id: 'needs-cognito', title: 'skipped', points: 1, hint: 'n/a', services: ['cognito-idp'], run: async () => undefined },
        { id: 'fractional', title: 'half a point', points: 0.5, hint: 'h', run: async () => undefined },
      ],
    });
    const r = await runLab(lab, target, workspace, { deploy: false });
    const by = Object.fromEntries(r.checks.map((c) => [c.id, c]));
    expect(by.pass).toMatchObject({ status: 'pass', points: 1, maxPoints: 1 });
    expect(by.pass.hint).toBeUndefined();
    expect(by.fail).toMatchObject({ status: 'fail', points: 0, message: 'wrong sum', expected: 3, found: 2, hint: 'the hint' });
    expect(by['aws-4xx']).toMatchObject({ status: 'fail', hint: 'create the user' });
    expect(by['aws-4xx'].message).toBe('AWS answered NoSuchEntityException: The user with name nobody cannot be found.');
    expect(by.crash.status).toBe('error');
    expect(by.crash.message).toMatch(/^The checker itself crashed; this is not your fault/);
    expect(by.crash.hint).toBeUndefined();
    expect(by.slow).toMatchObject({ status: 'timeout', hint: 'do not hang', output: 'the function printed this before hanging\n' });
    expect(by.slow.message).toMatch(/^Timed out after 0 s/);
    expect(by['needs-cognito']).toMatchObject({ status: 'skipped', points: 0 });
    expect(by['needs-cognito'].message).toContain('does not offer cognito-idp');
    expect(r).toMatchObject({ schema: 'awslings/lab-result@1', score: 1.5, maxScore: 7.5, passed: false, accountId: '123456789012' });
  });

  it('on a real account, checks that need what only the sandbox has are skipped, with the reason', async () => {
    const lab = defineLab({
      ...base,
      checks: [
        { id: 'mail', title: 'reads the mail', points: 1, hint: 'h', services: ['mail-outbox'], run: async () => undefined },
        { id: 'partner', title: 'acts from another account', points: 1, hint: 'h', services: ['iam-enforcement', 'sandbox-accounts'], run: async () => undefined },
        { id: 'denial', title: 'expects a denial', points: 1, hint: 'h', services: ['iam-enforcement'], run: async () => undefined },
      ],
    });
    // The test's emulator stands in for AWS: a target with no service list that is not the sandbox.
    const r = await runLab(lab, { ...target, name: 'aws', services: undefined, isAwslings: false }, workspace, { deploy: false });
    const by = Object.fromEntries(r.checks.map((c) => [c.id, c]));
    expect(by.mail).toMatchObject({ status: 'skipped', message: 'Skipped: the aws target does not offer a mailbox the checker can read (real mail goes to real inboxes).' });
    expect(by.partner.status).toBe('skipped');
    expect(by.partner.message).toContain('other accounts to act from');
    expect(by.denial.status).toBe('pass'); // AWS enforces IAM
  });

  it('an unreachable target is an error, not the learner failing', async () => {
    const lab = defineLab({
      ...base,
      checks: [{ id: 'x', title: 'x', points: 1, hint: 'h', run: async (ctx) => void (await ctx.client(IAM.IAMClient).send(new IAM.ListUsersCommand({}))) }],
    });
    const r = await runLab(lab, { ...target, endpoint: 'http://127.0.0.1:9' }, workspace, { deploy: false });
    expect(r.checks[0].status).toBe('error');
    expect(r.checks[0].message).toMatch(/Could not reach the embedded target at http:\/\/127\.0\.0\.1:9/);
  });

  it("a deploy script that hangs, floods its output, or does not compile costs only its own run", async () => {
    const { writeFileSync } = await import('node:fs');
    const lab = defineLab({ ...base, deployTimeoutMs: 1500, checks: [{ id: 'x', title: 'x', points: 1, hint: 'h', run: async () => undefined }] });
    writeFileSync(join(workspace, 'deploy.ts'), 'for (;;) process.stdout.write("flood ".repeat(1000));');
    const flood = await runLab(lab, target, workspace, { deploy: true });
    expect(flood.deploy?.status).toBe('timeout');
    expect(flood.deploy!.output.length).toBeLessThan(40_000);
    expect(flood.deploy!.output).toContain('characters of output left out');
    writeFileSync(join(workspace, 'deploy.ts'), 'const x: number = ;');
    const broken = await runLab(lab, target, workspace, { deploy: true });
    expect(broken.deploy?.status).toBe('failed');
    expect(broken.deploy!.output).toMatch(/deploy\.ts does not compile:[\s\S]*deploy\.ts:1:/);
    writeFileSync(join(workspace, 'deploy.ts'), 'console.log("bye"); process.exit(3);');
    const exited = await runLab(lab, target, workspace, { deploy: true });
    expect(exited.deploy).toMatchObject({ status: 'failed' });
    expect(exited.deploy!.output).toContain('bye');
  });
});
