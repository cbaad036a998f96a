import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { aws, requireAwsCli } from '../helpers/awscli.js';

let emu: TestEmulator;

beforeAll(async () => {
  requireAwsCli();
  emu = await startTestEmulator();
});
afterAll(() => emu?.close());

describe('AWS CLI v2 against the emulator: IAM and STS', () => {
  it('creates a user, group, role and policy; simulates; assumes the role; calls as the role', async () => {
    const cli = (args: string[], creds?: Parameters<typeof aws>[2]) => aws(emu.url, args, creds);
    expect((await cli(['sts', 'get-caller-identity'])).Account).toBe('000000000000');

    await cli(['iam', 'create-user', '--user-name', 'intern']);
    await cli(['iam', 'create-group', '--group-name', 'interns']);
    await cli(['iam', 'add-user-to-group', '--group-name', 'interns', '--user-name', 'intern']);
    const policyDoc = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['iam:Get*', 'iam:List*', 'sts:AssumeRole'], Resource: '*' },
        { Effect: 'Deny', Action: 'iam:Delete*', Resource: '*' },
      ],
    });
    const policy = await cli(['iam', 'create-policy', '--policy-name', 'intern-read', '--policy-document', policyDoc]);
    expect(policy.Policy.Arn).toBe('arn:aws:iam::000000000000:policy/intern-read');
    await cli(['iam', 'attach-group-policy', '--group-name', 'interns', '--policy-arn', policy.Policy.Arn]);

    const sim = await cli([
      'iam', 'simulate-principal-policy',
      '--policy-source-arn', 'arn:aws:iam::000000000000:user/intern',
      '--action-names', 'iam:GetUser', 'iam:DeleteUser', 'iam:CreateUser',
    ]);
    expect(sim.EvaluationResults.map((r: { EvalDecision: string }) => r.EvalDecision)).toEqual(['allowed', 'explicitDeny', 'implicitDeny']);

    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:user/intern' }, Action: 'sts:AssumeRole' }] });
    const role = await cli(['iam', 'create-role', '--role-name', 'intern-helper', '--assume-role-policy-document', trust]);
    expect(role.Role.AssumeRolePolicyDocument.Statement[0].Principal.AWS).toBe('arn:aws:iam::000000000000:user/intern');
    await cli(['iam', 'attach-role-policy', '--role-name', 'intern-helper', '--policy-arn', 'arn:aws:iam::aws:policy/IAMReadOnlyAccess']);

    const key = (await cli(['iam', 'create-access-key', '--user-name', 'intern'])).AccessKey;
    const asIntern = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
    expect((await cli(['sts', 'get-caller-identity'], asIntern)).Arn).toBe('arn:aws:iam::000000000000:user/intern');
    await expect(cli(['iam', 'delete-group', '--group-name', 'interns'], asIntern)).rejects.toThrow(/AccessDenied.*explicit deny/);

    const assumed = await cli(['sts', 'assume-role', '--role-arn', role.Role.Arn, '--role-session-name', 'cli'], asIntern);
    const asRole = {
      accessKeyId: assumed.Credentials.AccessKeyId,
      secretAccessKey: assumed.Credentials.SecretAccessKey,
      sessionToken: assumed.Credentials.SessionToken,
    };
    expect((await cli(['sts', 'get-caller-identity'], asRole)).Arn).toBe('arn:aws:sts::000000000000:assumed-role/intern-helper/cli');
    expect((await cli(['iam', 'list-users'], asRole)).Users.map((u: { UserName: string }) => u.UserName)).toEqual(['intern']);
    await expect(cli(['iam', 'create-user', '--user-name', 'sneaky'], asRole)).rejects.toThrow(/AccessDenied/);
  });
});
