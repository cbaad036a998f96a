import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as IAM from '@aws-sdk/client-iam';
import * as STS from '@aws-sdk/client-sts';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/**
 * AssumeRole across accounts: the role's trust policy is read in the role's account, the caller's
 * own policies in the caller's, and both must allow (the iam-roles lab relies on this).
 */
let emu: TestEmulator;
const OWNER = '111100000001';
const PARTNER = '111100000002';
const STRANGER = '111100000003';
const ROLE_ARN = `arn:aws:iam::${OWNER}:role/partner-audit`;

const root = (account: string) => ({ accessKeyId: account, secretAccessKey: 'test' });
const iamOf = (account: string) => new IAM.IAMClient(emu.config(root(account)));
const stsOf = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => new STS.STSClient(emu.config(credentials));

beforeAll(async () => {
  emu = await startTestEmulator();
  await iamOf(OWNER).send(
    new IAM.CreateRoleCommand({
      RoleName: 'partner-audit',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${PARTNER}:root` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'ext-42' } } }],
      }),
    }),
  );
});
afterAll(() => emu?.close());

describe('STS AssumeRole across accounts', () => {
  it("gives the trusted account a session in the role's account, only with the external ID", async () => {
    const partner = stsOf(root(PARTNER));
    const ok = await partner.send(new STS.AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'audit', ExternalId: 'ext-42' }));
    expect(ok.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${OWNER}:assumed-role/partner-audit/audit`);
    const c = ok.Credentials!;
    const who = await stsOf({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken }).send(new STS.GetCallerIdentityCommand({}));
    expect(who).toMatchObject({ Account: OWNER, Arn: `arn:aws:sts::${OWNER}:assumed-role/partner-audit/audit` });

    for (const ExternalId of [undefined, 'ext-41']) {
      await expect(partner.send(new STS.AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'audit', ExternalId }))).rejects.toMatchObject({
        name: 'AccessDenied',
        message: `User: arn:aws:iam::${PARTNER}:root is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`,
      });
    }
    await expect(stsOf(root(STRANGER)).send(new STS.AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'audit', ExternalId: 'ext-42' }))).rejects.toMatchObject({
      name: 'AccessDenied',
    });
  });

  it("also needs the caller's own account to allow it: an IAM user of the trusted account needs sts:AssumeRole", async () => {
    const iam = iamOf(PARTNER);
    await iam.send(new IAM.CreateUserCommand({ UserName: 'auditor' }));
    const key = (await iam.send(new IAM.CreateAccessKeyCommand({ UserName: 'auditor' }))).AccessKey!;
    const asUser = stsOf({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    const assume = () => asUser.send(new STS.AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'auditor', ExternalId: 'ext-42' }));
    await expect(assume()).rejects.toMatchObject({ name: 'AccessDenied', message: expect.stringContaining(`arn:aws:iam::${PARTNER}:user/auditor`) });
    await iam.send(
      new IAM.PutUserPolicyCommand({
        UserName: 'auditor',
        PolicyName: 'assume-audit',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE_ARN }] }),
      }),
    );
    expect((await assume()).AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${OWNER}:assumed-role/partner-audit/auditor`);
  });

  it("records the trust decisions in the role's account, for the inspector", async () => {
    const res = await fetch(`${emu.url}/_awslings/iam/decisions?accountId=${OWNER}`);
    const { decisions } = (await res.json()) as { decisions: { principal: string; action: string; result: string; reason: string }[] };
    const fromStranger = decisions.find((d) => d.principal === `arn:aws:iam::${STRANGER}:root`);
    expect(fromStranger).toMatchObject({ action: 'sts:AssumeRole', result: 'ImplicitlyDenied', reason: expect.stringContaining('trust policy of partner-audit') });
    expect(decisions.some((d) => d.principal === `arn:aws:iam::${PARTNER}:root` && d.result === 'Allowed')).toBe(true);
  });
});
