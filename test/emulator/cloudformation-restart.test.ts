import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as CFN from '@aws-sdk/client-cloudformation';
import * as SSM from '@aws-sdk/client-ssm';
import { startTestEmulator } from '../helpers/emulator.js';

const dir = mkdtempSync(join(tmpdir(), 'awslings-cfn-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CloudFormation across restarts', () => {
  it('keeps stacks, and brings a stack caught mid-operation to a consistent final status', async () => {
    const template = JSON.stringify({
      Resources: {
        A: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/restart/a', Type: 'String', Value: 'a' } },
        B: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/restart/b', Type: 'String', Value: { Ref: 'A' } } },
      },
    });
    let emu = await startTestEmulator({ stateDir: dir });
    let cfn = new CFN.CloudFormationClient(emu.config());
    await cfn.send(new CFN.CreateStackCommand({ StackName: 'kept', TemplateBody: template.replace(/restart\//g, 'kept/') }));
    await cfn.send(new CFN.CreateStackCommand({ StackName: 'interrupted', TemplateBody: template }));
    await CFN.waitUntilStackCreateComplete({ client: cfn, maxWaitTime: 10, minDelay: 1 }, { StackName: 'interrupted' });
    await CFN.waitUntilStackCreateComplete({ client: cfn, maxWaitTime: 10, minDelay: 1 }, { StackName: 'kept' });
    await emu.close();

    // As if the process had died while creating B: the stack and B are still in progress on disk.
    const file = join(dir, 'accounts', '000000000000', 'cloudformation', 'us-east-1.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    const stack = Object.values(doc.data.stacks as Record<string, { StackName: string; StackStatus: string; resources: Record<string, { ResourceStatus: string }> }>).find((s) => s.StackName === 'interrupted')!;
    stack.StackStatus = 'CREATE_IN_PROGRESS';
    stack.resources.B.ResourceStatus = 'CREATE_IN_PROGRESS';
    writeFileSync(file, JSON.stringify(doc));

    emu = await startTestEmulator({ stateDir: dir });
    cfn = new CFN.CloudFormationClient(emu.config());
    const ssm = new SSM.SSMClient(emu.config());
    try {
      await expect(CFN.waitUntilStackCreateComplete({ client: cfn, maxWaitTime: 10, minDelay: 1 }, { StackName: 'interrupted' })).rejects.toThrow();
      const after = (await cfn.send(new CFN.DescribeStacksCommand({ StackName: 'interrupted' }))).Stacks![0];
      expect(after.StackStatus).toBe('ROLLBACK_COMPLETE');
      expect(after.StackStatusReason).toMatch(/^awslings: the sandbox stopped during this operation/);
      const events = (await cfn.send(new CFN.DescribeStackEventsCommand({ StackName: 'interrupted' }))).StackEvents!;
      expect(events.find((e) => e.LogicalResourceId === 'B' && e.ResourceStatus === 'CREATE_FAILED')?.ResourceStatusReason).toMatch(/stopped during this operation/);
      await expect(ssm.send(new SSM.GetParameterCommand({ Name: '/restart/a' }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
      await expect(ssm.send(new SSM.GetParameterCommand({ Name: '/restart/b' }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
      // The other stack and its resources came through the restart untouched.
      expect((await cfn.send(new CFN.DescribeStacksCommand({ StackName: 'kept' }))).Stacks![0].StackStatus).toBe('CREATE_COMPLETE');
      expect((await ssm.send(new SSM.GetParameterCommand({ Name: '/kept/b' }))).Parameter!.Value).toBe('/kept/a');
    } finally {
      await emu.close();
    }
  });
});
