import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { aws, requireAwsCli } from '../helpers/awscli.js';

let emu: TestEmulator;
let dir: string;

beforeAll(async () => {
  requireAwsCli();
  // Instances boot and analyses finish at once, so the CLI's waiters succeed on their first poll.
  emu = await startTestEmulator({ services: { ec2: { instancePending: 0, analysis: 0 } } });
  dir = mkdtempSync(join(tmpdir(), 'awslings-ec2-cli-'));
});
afterAll(async () => {
  await emu?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('AWS CLI v2 against the emulator: EC2 and VPC', () => {
  it('builds a public subnet, launches a web server with user data, and asks the Reachability Analyzer', { timeout: 90_000 }, async () => {
    const cli = (args: string[]) => aws(emu.url, args);
    const defaults = await cli(['ec2', 'describe-vpcs', '--filters', 'Name=is-default,Values=true']);
    expect(defaults.Vpcs[0].CidrBlock).toBe('172.31.0.0/16');

    const vpc = (await cli(['ec2', 'create-vpc', '--cidr-block', '10.0.0.0/16', '--tag-specifications', 'ResourceType=vpc,Tags=[{Key=Name,Value=lab}]'])).Vpc.VpcId;
    const subnet = (await cli(['ec2', 'create-subnet', '--vpc-id', vpc, '--cidr-block', '10.0.1.0/24', '--availability-zone', 'us-east-1a'])).Subnet.SubnetId;
    const igw = (await cli(['ec2', 'create-internet-gateway'])).InternetGateway.InternetGatewayId;
    await cli(['ec2', 'attach-internet-gateway', '--internet-gateway-id', igw, '--vpc-id', vpc]);
    const rtb = (await cli(['ec2', 'create-route-table', '--vpc-id', vpc])).RouteTable.RouteTableId;
    expect((await cli(['ec2', 'create-route', '--route-table-id', rtb, '--destination-cidr-block', '0.0.0.0/0', '--gateway-id', igw])).Return).toBe(true);
    await cli(['ec2', 'associate-route-table', '--route-table-id', rtb, '--subnet-id', subnet]);

    const sg = (await cli(['ec2', 'create-security-group', '--group-name', 'web', '--description', 'web server', '--vpc-id', vpc])).GroupId;
    const rule = await cli(['ec2', 'authorize-security-group-ingress', '--group-id', sg, '--protocol', 'tcp', '--port', '22', '--cidr', '203.0.113.10/32']);
    expect(rule.SecurityGroupRules[0]).toMatchObject({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '203.0.113.10/32', IsEgress: false });

    const key = await cli(['ec2', 'create-key-pair', '--key-name', 'lab-key', '--key-type', 'ed25519']);
    expect(key.KeyMaterial).toContain('BEGIN OPENSSH PRIVATE KEY');

    const ami = await cli([
      'ec2', 'describe-images', '--owners', 'amazon',
      '--filters', 'Name=name,Values=al2023-ami-2023.*-x86_64', 'Name=state,Values=available',
      '--query', 'sort_by(Images, &CreationDate)[-1].ImageId', '--output', 'json',
    ]);
    expect(ami).toMatch(/^ami-[0-9a-f]{17}$/);

    const script = join(dir, 'user-data.sh');
    writeFileSync(script, '#!/bin/bash\ndnf install -y nginx && systemctl start nginx\n');
    const run = await cli([
      'ec2', 'run-instances', '--image-id', ami, '--instance-type', 't3.micro', '--count', '1',
      '--subnet-id', subnet, '--security-group-ids', sg, '--associate-public-ip-address', '--key-name', 'lab-key',
      '--user-data', `file://${script}`,
      '--tag-specifications', 'ResourceType=instance,Tags=[{Key=Name,Value=web}]',
    ]);
    const id = run.Instances[0].InstanceId;
    expect(run.Instances[0].State.Name).toBe('pending');
    await cli(['ec2', 'wait', 'instance-running', '--instance-ids', id]);
    const desc = await cli(['ec2', 'describe-instances', '--filters', 'Name=tag:Name,Values=web', 'Name=instance-state-name,Values=running']);
    const inst = desc.Reservations[0].Instances[0];
    expect(inst).toMatchObject({ InstanceId: id, KeyName: 'lab-key', SubnetId: subnet, SecurityGroups: [{ GroupId: sg, GroupName: 'web' }] });
    expect(inst.PublicIpAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

    // SSH is open to one address only: the analyzer says so, hop by hop.
    const other = (await cli(['ec2', 'create-network-insights-path', '--source', igw, '--destination', id, '--protocol', 'tcp', '--destination-port', '22', '--source-ip', '198.51.100.7'])).NetworkInsightsPath.NetworkInsightsPathId;
    const mine = (await cli(['ec2', 'create-network-insights-path', '--source', igw, '--destination', id, '--protocol', 'tcp', '--destination-port', '22', '--source-ip', '203.0.113.10'])).NetworkInsightsPath.NetworkInsightsPathId;
    const a1 = (await cli(['ec2', 'start-network-insights-analysis', '--network-insights-path-id', other])).NetworkInsightsAnalysis.NetworkInsightsAnalysisId;
    const a2 = (await cli(['ec2', 'start-network-insights-analysis', '--network-insights-path-id', mine])).NetworkInsightsAnalysis.NetworkInsightsAnalysisId;
    const results = await cli(['ec2', 'describe-network-insights-analyses', '--network-insights-analysis-ids', a1, a2]);
    const byId = Object.fromEntries(results.NetworkInsightsAnalyses.map((a: { NetworkInsightsAnalysisId: string }) => [a.NetworkInsightsAnalysisId, a]));
    expect(byId[a1]).toMatchObject({ Status: 'succeeded', NetworkPathFound: false, Explanations: [{ ExplanationCode: 'ENI_SG_RULES_MISMATCH', Direction: 'ingress' }] });
    expect(byId[a2].NetworkPathFound).toBe(true);
    expect(byId[a2].ForwardPathComponents.map((c: { Component: { Id: string } }) => c.Component.Id.split('-')[0])).toEqual(['igw', 'acl', 'sg', 'eni']);

    const term = await cli(['ec2', 'terminate-instances', '--instance-ids', id]);
    expect(term.TerminatingInstances[0].CurrentState.Name).toBe('shutting-down');
  });
});
