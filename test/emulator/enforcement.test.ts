import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as IAM from '@aws-sdk/client-iam';
import * as STS from '@aws-sdk/client-sts';
import { startTestEmulator, type Credentials, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
let admin: IAM.IAMClient;

const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

async function userWith(name: string, ...statements: object[]): Promise<Credentials> {
  await admin.send(new IAM.CreateUserCommand({ UserName: name }));
  if (statements.length) await admin.send(new IAM.PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: policy(...statements) }));
  const k = (await admin.send(new IAM.CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
}

beforeAll(async () => {
  emu = await startTestEmulator();
  admin = new IAM.IAMClient(emu.config());
});
afterAll(() => emu.close());

describe('IAM enforcement', () => {
  it('root keys are never evaluated', async () => {
    await expect(admin.send(new IAM.ListUsersCommand({}))).resolves.toBeTruthy();
  });

  it('allows what a policy allows and implicitly denies the rest, with AWS wording', async () => {
    const creds = await userWith('reader', { Effect: 'Allow', Action: ['iam:List*', 'iam:Get*'], Resource: '*' });
    const iam = new IAM.IAMClient(emu.config(creds));
    await expect(iam.send(new IAM.ListRolesCommand({}))).resolves.toBeTruthy();
    const err = await iam.send(new IAM.CreateUserCommand({ UserName: 'x' })).catch((e) => e);
    expect(err).toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
      message:
        'User: arn:aws:iam::000000000000:user/reader is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::000000000000:user/x because no identity-based policy allows the iam:CreateUser action',
    });
    // GetCallerIdentity needs no permission, as in AWS.
    const sts = new STS.STSClient(emu.config(creds));
    expect((await sts.send(new STS.GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:iam::000000000000:user/reader');
  });

  it('an explicit deny beats an allow, from a group policy too', async () => {
    const creds = await userWith('mixed', { Effect: 'Allow', Action: 'iam:*', Resource: '*' });
    await admin.send(new IAM.CreateGroupCommand({ GroupName: 'no-roles' }));
    await admin.send(new IAM.PutGroupPolicyCommand({ GroupName: 'no-roles', PolicyName: 'deny', PolicyDocument: policy({ Sid: 'NoRoles', Effect: 'Deny', Action: 'iam:*Role*', Resource: '*' }) }));
    await admin.send(new IAM.AddUserToGroupCommand({ GroupName: 'no-roles', UserName: 'mixed' }));
    const iam = new IAM.IAMClient(emu.config(creds));
    await expect(iam.send(new IAM.ListUsersCommand({}))).resolves.toBeTruthy();
    const err = await iam.send(new IAM.ListRolesCommand({})).catch((e) => e);
    expect(err.name).toBe('AccessDenied');
    expect(err.message).toMatch(/with an explicit deny in an identity-based policy$/);

    const res = await fetch(`${emu.url}/_awslings/iam/decisions?accountId=000000000000`);
    const { decisions } = (await res.json()) as { decisions: { action: string; result: string; statements: { sid?: string; policy: string }[] }[] };
    const denied = decisions.filter((d) => d.action === 'iam:ListRoles').at(-1)!;
    expect(denied.result).toBe('ExplicitlyDenied');
    expect(denied.statements).toEqual([expect.objectContaining({ sid: 'NoRoles', policy: 'deny', source: 'group' })]);
    const allowed = decisions.filter((d) => d.action === 'iam:ListUsers').at(-1)!;
    expect(allowed.result).toBe('Allowed');
  });

  it('conditions decide: a source IP condition allows, a region condition denies', async () => {
    const creds = await userWith(
      'conditional',
      { Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } },
      { Effect: 'Allow', Action: 'iam:ListGroups', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } },
      { Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*', Condition: { StringEquals: { 'aws:username': 'conditional' } } },
    );
    const iam = new IAM.IAMClient(emu.config(creds));
    await expect(iam.send(new IAM.ListUsersCommand({}))).resolves.toBeTruthy();
    await expect(iam.send(new IAM.ListRolesCommand({}))).resolves.toBeTruthy();
    await expect(iam.send(new IAM.ListGroupsCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('a permissions boundary caps what a policy grants', async () => {
    const creds = await userWith('bounded', { Effect: 'Allow', Action: 'iam:*', Resource: '*' });
    await admin.send(new IAM.PutUserPermissionsBoundaryCommand({ UserName: 'bounded', PermissionsBoundary: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' }));
    const iam = new IAM.IAMClient(emu.config(creds));
    await expect(iam.send(new IAM.ListUsersCommand({}))).resolves.toBeTruthy();
    const err = await iam.send(new IAM.CreateGroupCommand({ GroupName: 'g' })).catch((e) => e);
    expect(err.message).toMatch(/because no permissions boundary allows the iam:CreateGroup action$/);
  });

  it('role sessions are evaluated with the role policies and the session policy', async () => {
    await admin.send(
      new IAM.CreateRoleCommand({
        RoleName: 'auditor',
        AssumeRolePolicyDocument: policy({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'sts:AssumeRole' }),
      }),
    );
    await admin.send(new IAM.AttachRolePolicyCommand({ RoleName: 'auditor', PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' }));
    const sts = new STS.STSClient(emu.config());
    const s = await sts.send(new STS.AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/auditor', RoleSessionName: 'audit' }));
    const asRole = new IAM.IAMClient(emu.config({ accessKeyId: s.Credentials!.AccessKeyId!, secretAccessKey: s.Credentials!.SecretAccessKey!, sessionToken: s.Credentials!.SessionToken }));
    await expect(asRole.send(new IAM.ListUsersCommand({}))).resolves.toBeTruthy();
    const err = await asRole.send(new IAM.CreateUserCommand({ UserName: 'nope' })).catch((e) => e);
    expect(err.message).toContain('User: arn:aws:sts::000000000000:assumed-role/auditor/audit is not authorized to perform: iam:CreateUser');

    const narrowed = await sts.send(
      new STS.AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/auditor', RoleSessionName: 'narrow', Policy: policy({ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }) }),
    );
    const asNarrow = new IAM.IAMClient(emu.config({ accessKeyId: narrowed.Credentials!.AccessKeyId!, secretAccessKey: narrowed.Credentials!.SecretAccessKey!, sessionToken: narrowed.Credentials!.SessionToken }));
    await expect(asNarrow.send(new IAM.ListRolesCommand({}))).resolves.toBeTruthy();
    const err2 = await asNarrow.send(new IAM.ListUsersCommand({})).catch((e) => e);
    expect(err2.message).toMatch(/because no session policy allows the iam:ListUsers action$/);
  });

  it('a bad signature gets SignatureDoesNotMatch; an unknown or disabled key gets InvalidClientTokenId', async () => {
    const creds = await userWith('signer', { Effect: 'Allow', Action: 'iam:*', Resource: '*' });
    const wrongSecret = new IAM.IAMClient(emu.config({ ...creds, secretAccessKey: 'x'.repeat(40) }));
    await expect(wrongSecret.send(new IAM.ListUsersCommand({}))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } });
    const unknown = new IAM.IAMClient(emu.config({ accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: 'x' }));
    await expect(unknown.send(new IAM.ListUsersCommand({}))).rejects.toMatchObject({
      name: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid.',
      $metadata: { httpStatusCode: 403 },
    });
    const sts = new STS.STSClient(emu.config({ accessKeyId: 'ASIAZZZZZZZZZZZZZZZZ', secretAccessKey: 'x', sessionToken: 'y' }));
    await expect(sts.send(new STS.GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    await admin.send(new IAM.UpdateAccessKeyCommand({ UserName: 'signer', AccessKeyId: creds.accessKeyId, Status: 'Inactive' }));
    await expect(new IAM.IAMClient(emu.config(creds)).send(new IAM.ListUsersCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
  });

  it('a session token that does not match, or has expired, is refused', async () => {
    const s = await new STS.STSClient(emu.config()).send(new STS.AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/auditor', RoleSessionName: 'exp', DurationSeconds: 900 }));
    const wrongToken = new STS.STSClient(emu.config({ accessKeyId: s.Credentials!.AccessKeyId!, secretAccessKey: s.Credentials!.SecretAccessKey!, sessionToken: 'forged' }));
    await expect(wrongToken.send(new STS.GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    const real = emu.emulator.clock;
    (emu.emulator as { clock: { now(): number } }).clock = { now: () => real.now() + 3600_000 };
    try {
      const late = new STS.STSClient(emu.config({ accessKeyId: s.Credentials!.AccessKeyId!, secretAccessKey: s.Credentials!.SecretAccessKey!, sessionToken: s.Credentials!.SessionToken }));
      await expect(late.send(new STS.GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'ExpiredToken', message: 'The security token included in the request is expired' });
    } finally {
      (emu.emulator as { clock: { now(): number } }).clock = real;
    }
  });

  it('an unsigned request to an operation that needs credentials is refused', async () => {
    const res = await fetch(`${emu.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetCallerIdentity&Version=2011-06-15' });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
    // Signed for IAM but without credentials the emulator knows of: the service answers in its own shape.
    const iamUnsigned = await fetch(`${emu.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-amz-target': 'none' },
      body: 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn:aws:iam::000000000000:role/auditor&RoleSessionName=abc&WebIdentityToken=bad',
    });
    expect(iamUnsigned.status).toBe(400);
    expect(await iamUnsigned.text()).toContain('<Code>InvalidIdentityToken</Code>');
  });
});
