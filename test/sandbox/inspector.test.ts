import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as CFN from '@aws-sdk/client-cloudformation';
import * as IAM from '@aws-sdk/client-iam';
import * as SES from '@aws-sdk/client-ses';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { resolveTarget } from '../../src/labkit/target.js';
import type { TargetInfo } from '../../src/labkit/types.js';
import { Inspector } from '../../src/sandbox/inspector.js';

/** The inspector's feeds against a real emulator: what a learner's actions leave behind shows up. */

let emu: TestEmulator;
let target: TargetInfo;
let inspector: Inspector;
const ACCOUNT = '000000000000';

beforeAll(async () => {
  emu = await startTestEmulator();
  target = (await resolveTarget({ port: emu.port, startEmbedded: false })).info;
  inspector = new Inspector(target);
});

afterAll(async () => {
  await emu?.close();
});

describe('the inspector', () => {
  it("lists the lab account's resources per service", async () => {
    const iam = new IAM.IAMClient(emu.config());
    await iam.send(new IAM.CreateRoleCommand({ RoleName: 'inspected-role', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }) }));
    const r = await inspector.resources(['iam', 'lambda']);
    expect(r.accountId).toBe(ACCOUNT);
    const roles = r.services.find((s) => s.service === 'iam')!.resources;
    expect(roles).toContainEqual(expect.objectContaining({ type: 'Role', name: 'inspected-role' }));
    expect(r.services.find((s) => s.service === 'lambda')).toMatchObject({ resources: [] });
  });

  it('shows IAM decisions with the statements that decided them', async () => {
    const iam = new IAM.IAMClient(emu.config());
    await iam.send(new IAM.CreateUserCommand({ UserName: 'inspected-user' }));
    await iam.send(
      new IAM.PutUserPolicyCommand({
        UserName: 'inspected-user',
        PolicyName: 'read-only',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'ListOnly', Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }] }),
      }),
    );
    const key = (await iam.send(new IAM.CreateAccessKeyCommand({ UserName: 'inspected-user' }))).AccessKey!;
    const asUser = new IAM.IAMClient(emu.config({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }));
    await asUser.send(new IAM.ListRolesCommand({}));
    await expect(asUser.send(new IAM.DeleteRoleCommand({ RoleName: 'inspected-role' }))).rejects.toThrow();

    const feed = (await inspector.iamDecisions()) as { available: boolean; decisions: { action: string; result: string; statements: { sid?: string }[] }[] };
    expect(feed.available).toBe(true);
    const allowed = feed.decisions.find((d) => d.action === 'iam:ListRoles');
    expect(allowed).toMatchObject({ result: 'Allowed', statements: [expect.objectContaining({ sid: 'ListOnly' })] });
    expect(feed.decisions.find((d) => d.action === 'iam:DeleteRole')).toMatchObject({ result: 'ImplicitlyDenied' });
  });

  it('shows CloudFormation stacks with their events, oldest first', async () => {
    const cfn = new CFN.CloudFormationClient(emu.config());
    const template = { Resources: { Topicless: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] } } } } };
    await cfn.send(new CFN.CreateStackCommand({ StackName: 'inspected-stack', TemplateBody: JSON.stringify(template), Capabilities: ['CAPABILITY_IAM'] }));
    await expect
      .poll(async () => ((await inspector.stacks()) as { stacks?: { name: string; status?: string }[] }).stacks?.find((s) => s.name === 'inspected-stack')?.status, { timeout: 15_000 })
      .toBe('CREATE_COMPLETE');
    const feed = (await inspector.stacks()) as { available: boolean; stacks: { name: string; events: { LogicalResourceId?: string; ResourceStatus?: string; Timestamp?: Date }[] }[] };
    const events = feed.stacks.find((s) => s.name === 'inspected-stack')!.events;
    expect(events[0]).toMatchObject({ LogicalResourceId: 'inspected-stack', ResourceStatus: 'CREATE_IN_PROGRESS' });
    expect(events.at(-1)).toMatchObject({ LogicalResourceId: 'inspected-stack', ResourceStatus: 'CREATE_COMPLETE' });
    expect(events.some((e) => e.LogicalResourceId === 'Topicless')).toBe(true);
  });

  it('shows the mail the sandbox sent', async () => {
    const ses = new SES.SESClient(emu.config());
    await ses.send(new SES.VerifyEmailIdentityCommand({ EmailAddress: 'from@example.com' }));
    await ses.send(
      new SES.SendEmailCommand({
        Source: 'from@example.com',
        Destination: { ToAddresses: ['learner@example.com'] },
        Message: { Subject: { Data: 'Inspected' }, Body: { Text: { Data: 'hello' } } },
      }),
    );
    const feed = (await inspector.outbox()) as { available: boolean; messages: { to: string[]; subject?: string }[] };
    expect(feed.messages).toContainEqual(expect.objectContaining({ to: ['learner@example.com'], subject: 'Inspected' }));
  });

  it('shows Lambda execution environments and invocations, or says plainly when the emulator has none', async () => {
    const feed = (await inspector.lambda()) as { available: boolean; environments?: unknown[]; invocations?: unknown[]; reason?: string };
    if (target.services?.has('lambda')) {
      expect(feed).toMatchObject({ available: true, environments: [], invocations: [] });
    } else {
      expect(feed.available).toBe(false);
      expect(feed.reason).toMatch(/no \/_awslings\/lambda\/environments/);
    }
  });

  it('says so for a target that is not the awslings emulator', async () => {
    const other = new Inspector({ ...target, name: 'localstack', isAwslings: false });
    expect(await other.lambda()).toMatchObject({ available: false, reason: expect.stringContaining('not the awslings emulator') });
  });
});
