import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as IAM from '@aws-sdk/client-iam';
import * as STS from '@aws-sdk/client-sts';
import { startTestEmulator } from '../helpers/emulator.js';
import { BIN, waitForReady } from '../helpers/cli.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'awslings-state-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('state on disk', () => {
  it('a restart keeps users, roles, policies, keys and sessions', async () => {
    const dir = tempDir();
    const first = await startTestEmulator({ stateDir: dir });
    const iam = new IAM.IAMClient(first.config());
    await iam.send(new IAM.CreateUserCommand({ UserName: 'kept' }));
    const key = (await iam.send(new IAM.CreateAccessKeyCommand({ UserName: 'kept' }))).AccessKey!;
    await iam.send(new IAM.PutUserPolicyCommand({ UserName: 'kept', PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }] }) }));
    await iam.send(new IAM.CreateRoleCommand({ RoleName: 'kept-role', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '000000000000' }, Action: 'sts:AssumeRole' }] }) }));
    const policy = await iam.send(new IAM.CreatePolicyCommand({ PolicyName: 'kept-policy', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }) }));
    const session = await new STS.STSClient(first.config()).send(new STS.AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/kept-role', RoleSessionName: 'still' }));
    await first.close();

    const second = await startTestEmulator({ stateDir: dir });
    try {
      const iam2 = new IAM.IAMClient(second.config());
      expect((await iam2.send(new IAM.GetUserCommand({ UserName: 'kept' }))).User!.UserName).toBe('kept');
      expect((await iam2.send(new IAM.GetRoleCommand({ RoleName: 'kept-role' }))).Role!.RoleName).toBe('kept-role');
      expect((await iam2.send(new IAM.GetPolicyCommand({ PolicyArn: policy.Policy!.Arn }))).Policy!.PolicyName).toBe('kept-policy');
      // The user's key still signs, and its policy still holds.
      const asUser = new IAM.IAMClient(second.config({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }));
      await expect(asUser.send(new IAM.ListUsersCommand({}))).resolves.toBeTruthy();
      await expect(asUser.send(new IAM.ListRolesCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' });
      // So does the role session issued before the restart.
      const asRole = new STS.STSClient(second.config({ accessKeyId: session.Credentials!.AccessKeyId!, secretAccessKey: session.Credentials!.SecretAccessKey!, sessionToken: session.Credentials!.SessionToken }));
      expect((await asRole.send(new STS.GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:sts::000000000000:assumed-role/kept-role/still');
    } finally {
      await second.close();
    }
  });

  it('--no-persist leaves nothing on disk', async () => {
    const emu = await startTestEmulator();
    await new IAM.IAMClient(emu.config()).send(new IAM.CreateUserCommand({ UserName: 'ephemeral' }));
    expect(emu.emulator.store.persistent).toBe(false);
    await emu.close();
  });

  it('a kill -9 in the middle of a write loop leaves state that loads, with every acknowledged write in it', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, [BIN, 'emulator', '--port', '0', '--state-dir', dir, '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await waitForReady(child);
    const iam = new IAM.IAMClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    const acknowledged: string[] = [];
    let stop = false;
    const writers = Array.from({ length: 4 }, (_, w) =>
      (async () => {
        for (let i = 0; !stop; i++) {
          const name = `u${w}-${i}`;
          try {
            await iam.send(new IAM.CreateUserCommand({ UserName: name, Tags: [{ Key: 'pad', Value: 'x'.repeat(200) }] }));
            acknowledged.push(name);
          } catch {
            return; // the process is gone
          }
        }
      })(),
    );
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    stop = true;
    await Promise.all(writers);
    expect(acknowledged.length).toBeGreaterThan(20);

    // Nothing half-written is left where the state is read from.
    const stateFile = join(dir, 'accounts', '000000000000', 'iam', 'global.json');
    expect(() => JSON.parse(readFileSync(stateFile, 'utf8'))).not.toThrow();
    const after = await startTestEmulator({ stateDir: dir });
    try {
      const names = new Set<string>();
      for await (const page of IAM.paginateListUsers({ client: new IAM.IAMClient(after.config()) }, {})) {
        for (const u of page.Users ?? []) names.add(u.UserName!);
      }
      expect(acknowledged.filter((n) => !names.has(n))).toEqual([]);
      expect(readdirSync(join(dir, 'accounts', '000000000000', 'iam')).filter((f) => f.includes('unreadable'))).toEqual([]);
    } finally {
      await after.close();
    }
  });
});
