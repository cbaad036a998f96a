import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { ROOT } from '../helpers/cli.js';
import { labIds, loadLab, runLab, rootCredentials, type LabResult, type TargetInfo } from '../../src/labkit/index.js';
import { availableServices } from '../../src/labkit/target.js';

/**
 * Every lab the engine discovers: its untouched starter fails at least one check, and its
 * solution passes them all, on the embedded target. A new lab is covered by adding its folder.
 */
let emu: TestEmulator;
let services: Set<string>;
const root = join(ROOT, '.awslings', `test-labs-${randomBytes(4).toString('hex')}`);
let account = 210000000000;

beforeAll(async () => {
  emu = await startTestEmulator();
  // The services and capabilities (IAM enforcement, other accounts…) as resolveTarget finds them.
  services = availableServices(await (await fetch(`${emu.url}/_localstack/health`)).json());
});
afterAll(async () => {
  await emu.close();
  rmSync(root, { recursive: true, force: true });
});

async function attempt(id: string, variant: 'starter' | 'solution'): Promise<LabResult> {
  const entry = await loadLab(id);
  const accountId = String(++account);
  const target: TargetInfo = { name: 'embedded', endpoint: emu.url, region: 'us-east-1', accountId, credentials: rootCredentials(accountId), services, isAwslings: true };
  const ws = join(root, `${id}-${variant}`);
  mkdirSync(ws, { recursive: true });
  cpSync(variant === 'starter' ? entry.starterDir : entry.solutionDir, ws, { recursive: true });
  return runLab(entry.lab, target, ws, { deploy: true });
}

const summary = (r: LabResult) => r.checks.map((c) => `${c.id}: ${c.status}${c.status === 'pass' ? '' : ` — ${c.message}`}`).join('\n') + (r.deploy?.status !== 'ok' ? `\ndeploy ${r.deploy?.status}: ${r.deploy?.output.slice(-1500)}` : '');

describe.each(labIds())('lab %s', (id) => {
  it('the starter fails at least one check (and nothing errors)', async () => {
    const r = await attempt(id, 'starter');
    expect(r.passed, summary(r)).toBe(false);
    expect(r.checks.some((c) => c.status === 'fail' || c.status === 'timeout'), summary(r)).toBe(true);
    expect(r.checks.filter((c) => c.status === 'error'), summary(r)).toEqual([]);
  }, 180_000);

  it('the solution passes every check', async () => {
    const r = await attempt(id, 'solution');
    expect(r.deploy?.status, summary(r)).toBe('ok');
    expect(r.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.status} — ${c.message}`), summary(r)).toEqual([]);
    expect(r.score).toBe(r.maxScore);
  }, 180_000);
});
