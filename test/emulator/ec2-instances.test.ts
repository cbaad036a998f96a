import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as EC2 from '@aws-sdk/client-ec2';
import * as IAM from '@aws-sdk/client-iam';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/** The emulator's clock runs `offset` ms ahead of real time, so tests move it instead of sleeping. */
let offset = 0;
let emu: TestEmulator;
let ec2: EC2.EC2Client;
let ami: string;
let armAmi: string;

const err = (p: Promise<unknown>) => p.then(() => undefined, (e: EC2.EC2ServiceException) => e);
const later = (seconds: number) => {
  offset += seconds * 1000;
};
const describe1 = async (id: string) => (await ec2.send(new EC2.DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0];
const inCidr = (ip: string, cidr: string) => {
  const n = (s: string) => s.split('.').reduce((a, b) => a * 256 + Number(b), 0);
  const [base, bits] = cidr.split('/');
  return Math.floor(n(ip) / 2 ** (32 - Number(bits))) === Math.floor(n(base) / 2 ** (32 - Number(bits)));
};

beforeAll(async () => {
  emu = await startTestEmulator({ clock: { now: () => Date.now() + offset } });
  ec2 = new EC2.EC2Client(emu.config());
  const images = (await ec2.send(new EC2.DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['al2023-ami-*'] }] }))).Images!;
  ami = images.find((i) => i.Architecture === 'x86_64')!.ImageId!;
  armAmi = images.find((i) => i.Architecture === 'arm64')!.ImageId!;
});
afterAll(() => emu?.close());

describe('EC2 instances', () => {
  it('RunInstances in the default VPC: pending, then running by the clock; private and public addresses as AWS gives them', async () => {
    const userData = Buffer.from('#!/bin/bash\necho hello > /tmp/hi\n').toString('base64');
    const run = await ec2.send(
      new EC2.RunInstancesCommand({
        ImageId: ami,
        InstanceType: 't3.micro',
        MinCount: 2,
        MaxCount: 2,
        UserData: userData,
        TagSpecifications: [
          { ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web' }] },
          { ResourceType: 'volume', Tags: [{ Key: 'Name', Value: 'web-root' }] },
        ],
      }),
    );
    expect(run.ReservationId).toMatch(/^r-[0-9a-f]{17}$/);
    expect(run.OwnerId).toBe('000000000000');
    expect(run.Instances).toHaveLength(2);
    const [a, b] = run.Instances!;
    expect(a).toMatchObject({ State: { Code: 0, Name: 'pending' }, InstanceType: 't3.micro', ImageId: ami, AmiLaunchIndex: 0, PublicDnsName: '', Placement: { AvailabilityZone: 'us-east-1a' } });
    expect(b.AmiLaunchIndex).toBe(1);
    expect(a.PublicIpAddress).toBeUndefined();
    const subnet = (await ec2.send(new EC2.DescribeSubnetsCommand({ SubnetIds: [a.SubnetId!] }))).Subnets![0];
    expect(subnet.DefaultForAz).toBe(true);
    expect(inCidr(a.PrivateIpAddress!, subnet.CidrBlock!)).toBe(true);
    // AWS keeps the subnet's first four addresses and its last one.
    const last = Number(a.PrivateIpAddress!.split('.')[3]) + 256 * Number(a.PrivateIpAddress!.split('.')[2]);
    expect(last % 4096).toBeGreaterThanOrEqual(4);
    expect(a.PrivateDnsName).toBe(`ip-${a.PrivateIpAddress!.replace(/\./g, '-')}.ec2.internal`);
    expect(subnet.AvailableIpAddressCount).toBe(4089);

    expect((await describe1(a.InstanceId!)).State).toEqual({ Code: 0, Name: 'pending' });
    later(4);
    const running = await describe1(a.InstanceId!);
    expect(running.State).toEqual({ Code: 16, Name: 'running' });
    expect(running.PublicIpAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(running.PublicDnsName).toBe(`ec2-${running.PublicIpAddress!.replace(/\./g, '-')}.compute-1.amazonaws.com`);
    expect(running.NetworkInterfaces![0].Association).toMatchObject({ IpOwnerId: 'amazon', PublicIp: running.PublicIpAddress });
    expect(running.SecurityGroups![0].GroupName).toBe('default');
    expect(running.Tags).toEqual([{ Key: 'Name', Value: 'web' }]);
    const volumeTags = await ec2.send(new EC2.DescribeTagsCommand({ Filters: [{ Name: 'resource-type', Values: ['volume'] }] }));
    expect(volumeTags.Tags!.map((t) => t.Value)).toEqual(['web-root', 'web-root']);

    const attr = await ec2.send(new EC2.DescribeInstanceAttributeCommand({ InstanceId: a.InstanceId, Attribute: 'userData' }));
    expect(Buffer.from(attr.UserData!.Value!, 'base64').toString()).toBe('#!/bin/bash\necho hello > /tmp/hi\n');
  });

  it('the SDK waiter waitUntilInstanceRunning works', async () => {
    const run = await ec2.send(new EC2.RunInstancesCommand({ ImageId: ami, InstanceType: 't3.nano', MinCount: 1, MaxCount: 1 }));
    const id = run.Instances![0].InstanceId!;
    setTimeout(() => later(5), 200);
    const result = await EC2.waitUntilInstanceRunning({ client: ec2, maxWaitTime: 20, minDelay: 1, maxDelay: 1 }, { InstanceIds: [id] });
    expect(result.state).toBe('SUCCESS');
    const status = await ec2.send(new EC2.DescribeInstanceStatusCommand({ InstanceIds: [id] }));
    expect(status.InstanceStatuses![0]).toMatchObject({ InstanceId: id, InstanceState: { Name: 'running' } });
    later(10);
    const ok = await EC2.waitUntilInstanceStatusOk({ client: ec2, maxWaitTime: 10, minDelay: 1, maxDelay: 1 }, { InstanceIds: [id] });
    expect(ok.state).toBe('SUCCESS');
  });

  it('stop, start, reboot and terminate, with the StateChange shapes; public addresses released on stop; terminated instances linger', async () => {
    const id = (await ec2.send(new EC2.RunInstancesCommand({ ImageId: ami, InstanceType: 't3.small', MinCount: 1, MaxCount: 1 }))).Instances![0].InstanceId!;
    expect(await err(ec2.send(new EC2.StopInstancesCommand({ InstanceIds: [id] })))).toMatchObject({
      name: 'IncorrectInstanceState',
      message: `This instance '${id}' is not in a state from which it can be stopped.`,
    });
    later(5);
    const firstIp = (await describe1(id)).PublicIpAddress;
    await ec2.send(new EC2.RebootInstancesCommand({ InstanceIds: [id] }));

    const stopped = await ec2.send(new EC2.StopInstancesCommand({ InstanceIds: [id] }));
    expect(stopped.StoppingInstances).toEqual([{ InstanceId: id, CurrentState: { Code: 64, Name: 'stopping' }, PreviousState: { Code: 16, Name: 'running' } }]);
    expect(await err(ec2.send(new EC2.StartInstancesCommand({ InstanceIds: [id] })))).toMatchObject({
      name: 'IncorrectInstanceState',
      message: `The instance '${id}' is not in a state from which it can be started.`,
    });
    later(5);
    const s = await describe1(id);
    expect(s.State).toEqual({ Code: 80, Name: 'stopped' });
    expect(s.PublicIpAddress).toBeUndefined();
    expect(s.PrivateIpAddress).toBeDefined();
    expect(s.StateReason).toEqual({ Code: 'Client.UserInitiatedShutdown', Message: 'Client.UserInitiatedShutdown: User initiated shutdown' });
    expect(s.StateTransitionReason).toMatch(/^User initiated \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\)$/);

    // Changing the type needs a stopped instance.
    await ec2.send(new EC2.ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: 't3.large' } }));
    const started = await ec2.send(new EC2.StartInstancesCommand({ InstanceIds: [id] }));
    expect(started.StartingInstances).toEqual([{ InstanceId: id, CurrentState: { Code: 0, Name: 'pending' }, PreviousState: { Code: 80, Name: 'stopped' } }]);
    later(5);
    const again = await describe1(id);
    expect(again).toMatchObject({ State: { Name: 'running' }, InstanceType: 't3.large' });
    expect(again.PublicIpAddress).toBeDefined();
    expect(again.PublicIpAddress).not.toBe(firstIp);
    expect(await err(ec2.send(new EC2.ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: 't3.micro' } })))).toMatchObject({
      name: 'IncorrectInstanceState',
      message: `The instance '${id}' is not in the 'stopped' state.`,
    });

    await ec2.send(new EC2.ModifyInstanceAttributeCommand({ InstanceId: id, DisableApiTermination: { Value: true } }));
    expect(await err(ec2.send(new EC2.TerminateInstancesCommand({ InstanceIds: [id] })))).toMatchObject({ name: 'OperationNotPermitted' });
    await ec2.send(new EC2.ModifyInstanceAttributeCommand({ InstanceId: id, DisableApiTermination: { Value: false } }));
    const subnetId = again.SubnetId!;
    const before = (await ec2.send(new EC2.DescribeSubnetsCommand({ SubnetIds: [subnetId] }))).Subnets![0].AvailableIpAddressCount!;
    const term = await ec2.send(new EC2.TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(term.TerminatingInstances).toEqual([{ InstanceId: id, CurrentState: { Code: 32, Name: 'shutting-down' }, PreviousState: { Code: 16, Name: 'running' } }]);
    later(5);
    const gone = await describe1(id);
    expect(gone).toMatchObject({ State: { Code: 48, Name: 'terminated' }, PrivateDnsName: '', PublicDnsName: '', NetworkInterfaces: [], SecurityGroups: [] });
    expect(gone.PrivateIpAddress).toBeUndefined();
    expect((await ec2.send(new EC2.DescribeSubnetsCommand({ SubnetIds: [subnetId] }))).Subnets![0].AvailableIpAddressCount).toBe(before + 1);
    const again2 = await ec2.send(new EC2.TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(again2.TerminatingInstances![0]).toMatchObject({ CurrentState: { Name: 'terminated' }, PreviousState: { Name: 'terminated' } });
    // About an hour later, it is gone from DescribeInstances.
    later(3600);
    expect(await err(ec2.send(new EC2.DescribeInstancesCommand({ InstanceIds: [id] })))).toMatchObject({
      name: 'InvalidInstanceID.NotFound',
      message: `The instance ID '${id}' does not exist`,
    });
  });

  it('DescribeInstances filters, reservations and pagination', async () => {
    const tag = (v: string) => [{ ResourceType: 'instance' as const, Tags: [{ Key: 'suite', Value: v }] }];
    const r1 = await ec2.send(new EC2.RunInstancesCommand({ ImageId: ami, InstanceType: 't3.micro', MinCount: 3, MaxCount: 3, TagSpecifications: tag('filters') }));
    const r2 = await ec2.send(new EC2.RunInstancesCommand({ ImageId: armAmi, InstanceType: 't4g.micro', MinCount: 2, MaxCount: 2, TagSpecifications: tag('filters'), Placement: { AvailabilityZone: 'us-east-1c' } }));
    later(5);
    await ec2.send(new EC2.StopInstancesCommand({ InstanceIds: [r1.Instances![0].InstanceId!] }));
    const q = async (filters: EC2.Filter[]) =>
      (await ec2.send(new EC2.DescribeInstancesCommand({ Filters: [{ Name: 'tag:suite', Values: ['filters'] }, ...filters] }))).Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId));
    expect(await q([])).toHaveLength(5);
    expect(await q([{ Name: 'instance-type', Values: ['t4g.micro'] }])).toEqual(r2.Instances!.map((i) => i.InstanceId));
    expect(await q([{ Name: 'instance-state-name', Values: ['stopping'] }])).toEqual([r1.Instances![0].InstanceId]);
    expect(await q([{ Name: 'instance-state-name', Values: ['running'] }, { Name: 'architecture', Values: ['x86_64'] }])).toHaveLength(2);
    expect(await q([{ Name: 'availability-zone', Values: ['us-east-1c'] }])).toHaveLength(2);
    expect(await q([{ Name: 'private-ip-address', Values: [r1.Instances![1].PrivateIpAddress!] }])).toEqual([r1.Instances![1].InstanceId]);
    expect(await q([{ Name: 'instance-type', Values: ['t3.*'] }])).toHaveLength(3);

    const grouped = await ec2.send(new EC2.DescribeInstancesCommand({ Filters: [{ Name: 'tag:suite', Values: ['filters'] }] }));
    expect(grouped.Reservations!.map((r) => [r.ReservationId, r.Instances!.length])).toEqual([
      [r1.ReservationId, 3],
      [r2.ReservationId, 2],
    ]);
    const p1 = await ec2.send(new EC2.DescribeInstancesCommand({ Filters: [{ Name: 'tag:suite', Values: ['filters'] }], MaxResults: 5 }));
    expect(p1.NextToken).toBeUndefined();
    const ids: string[] = [];
    for await (const page of EC2.paginateDescribeInstances({ client: ec2, pageSize: 5 }, {})) ids.push(...page.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId!)));
    expect(ids.length).toBeGreaterThanOrEqual(5);
    expect(await err(ec2.send(new EC2.DescribeInstancesCommand({ InstanceIds: ['i-0000000000000dead', 'i-0000000000000beef'] })))).toMatchObject({
      message: "The instance IDs 'i-0000000000000dead, i-0000000000000beef' do not exist",
    });
    expect(await err(ec2.send(new EC2.DescribeInstancesCommand({ InstanceIds: ['web-1'] })))).toMatchObject({ name: 'InvalidInstanceID.Malformed' });

    // Only running instances appear in DescribeInstanceStatus unless all are asked for.
    const ids5 = [...r1.Instances!, ...r2.Instances!].map((i) => i.InstanceId!);
    const st = await ec2.send(new EC2.DescribeInstanceStatusCommand({ InstanceIds: ids5 }));
    expect(st.InstanceStatuses).toHaveLength(4);
    const all = await ec2.send(new EC2.DescribeInstanceStatusCommand({ InstanceIds: ids5, IncludeAllInstances: true }));
    expect(all.InstanceStatuses!.find((s) => s.InstanceId === ids5[0])).toMatchObject({ InstanceState: { Name: 'stopping' }, InstanceStatus: { Status: 'not-applicable' } });
  });

  it('custom subnets: public addresses only when the subnet or the launch asks; groups by id; launch errors as AWS words them', async () => {
    const vpc = (await ec2.send(new EC2.CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc!.VpcId!;
    const igw = (await ec2.send(new EC2.CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new EC2.AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
    const subnet = (await ec2.send(new EC2.CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.1.1.0/28' }))).Subnet!.SubnetId!;
    const sg = (await ec2.send(new EC2.CreateSecurityGroupCommand({ GroupName: 'app', Description: 'app', VpcId: vpc }))).GroupId!;
    const plain = (await ec2.send(new EC2.RunInstancesCommand({ ImageId: ami, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SubnetId: subnet, SecurityGroupIds: [sg] }))).Instances![0];
    later(5);
    const p = await describe1(plain.InstanceId!);
    expect(p.PublicIpAddress).toBeUndefined();
    expect(p.PublicDnsName).toBe('');
    expect(p.SecurityGroups).toEqual([{ GroupId: sg, GroupName: 'app' }]);
    expect(inCidr(p.PrivateIpAddress!, '10.1.1.0/28')).toBe(true);

    const withIp = (
      await ec2.send(
        new EC2.RunInstancesCommand({
          ImageId: ami,
          InstanceType: 't3.micro',
          MinCount: 1,
          MaxCount: 1,
          NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet, Groups: [sg], AssociatePublicIpAddress: true }],
        }),
      )
    ).Instances![0];
    later(5);
    const w = await describe1(withIp.InstanceId!);
    expect(w.PublicIpAddress).toBeDefined();
    // A new VPC has no DNS hostnames until asked, so no public DNS name.
    expect(w.PublicDnsName).toBe('');

    // An Elastic IP stays across stop and start.
    const eip = await ec2.send(new EC2.AllocateAddressCommand({}));
    const assoc = await ec2.send(new EC2.AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: plain.InstanceId }));
    expect(assoc.AssociationId).toMatch(/^eipassoc-/);
    expect((await describe1(plain.InstanceId!)).PublicIpAddress).toBe(eip.PublicIp);
    const addr = (await ec2.send(new EC2.DescribeAddressesCommand({ Filters: [{ Name: 'instance-id', Values: [plain.InstanceId!] }] }))).Addresses!;
    expect(addr).toMatchObject([{ AllocationId: eip.AllocationId, PublicIp: eip.PublicIp, InstanceId: plain.InstanceId, Domain: 'vpc', NetworkInterfaceId: p.NetworkInterfaces![0].NetworkInterfaceId }]);
    await ec2.send(new EC2.StopInstancesCommand({ InstanceIds: [plain.InstanceId!] }));
    later(5);
    expect((await describe1(plain.InstanceId!)).PublicIpAddress).toBe(eip.PublicIp);
    expect(await err(ec2.send(new EC2.DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc })))).toMatchObject({ name: 'DependencyViolation' });
    await ec2.send(new EC2.DisassociateAddressCommand({ AssociationId: assoc.AssociationId }));
    expect((await describe1(plain.InstanceId!)).PublicIpAddress).toBeUndefined();
    await ec2.send(new EC2.ReleaseAddressCommand({ AllocationId: eip.AllocationId }));

    // A /28 has 11 usable addresses: two are taken, so ten more cannot launch, but MinCount 1 gets nine.
    expect(await err(ec2.send(new EC2.RunInstancesCommand({ ImageId: ami, InstanceType: 't3.micro', MinCount: 10, MaxCount: 10, SubnetId: subnet })))).toMatchObject({
      name: 'InsufficientFreeAddressesInSubnet',
    });
    const most = await ec2.send(new EC2.RunInstancesCommand({ ImageId: ami, InstanceType: 't3.micro', MinCount: 1, MaxCount: 10, SubnetId: subnet }));
    expect(most.Instances).toHaveLength(9);
    expect(await err(ec2.send(new EC2.DeleteSubnetCommand({ SubnetId: subnet })))).toMatchObject({
      name: 'DependencyViolation',
      message: `The subnet '${subnet}' has dependencies and cannot be deleted.`,
    });

    expect(await err(ec2.send(new EC2.RunInstancesCommand({ ImageId: armAmi, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 })))).toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining("The architecture 'x86_64' of the specified instance type does not match the architecture 'arm64' of the specified AMI."),
    });
    expect(await err(ec2.send(new EC2.RunInstancesCommand({ ImageId: ami, MinCount: 1, MaxCount: 1, SubnetId: subnet, SecurityGroups: ['app'] })))).toMatchObject({
      name: 'InvalidParameterCombination',
      message: 'The parameter groupName cannot be used with the parameter subnet',
    });
    expect(await err(ec2.send(new EC2.RunInstancesCommand({ ImageId: ami, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, KeyName: 'missing' })))).toMatchObject({
      name: 'InvalidKeyPair.NotFound',
      message: "The key pair 'missing' does not exist",
    });
    expect(await err(ec2.send(new EC2.RunInstancesCommand({ ImageId: 'ami-0000000000000dead', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 })))).toMatchObject({
      name: 'InvalidAMIID.NotFound',
    });
    expect(await err(ec2.send(new EC2.RunInstancesCommand({ ImageId: ami, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, UserData: '%%%' })))).toMatchObject({
      message: 'Invalid BASE64 encoding of user data.',
    });
    const otherVpcSg = (await ec2.send(new EC2.DescribeSecurityGroupsCommand({ GroupNames: ['default'] }))).SecurityGroups![0].GroupId!;
    expect(await err(ec2.send(new EC2.RunInstancesCommand({ ImageId: ami, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SubnetId: subnet, SecurityGroupIds: [otherVpcSg] })))).toMatchObject({
      name: 'InvalidParameter',
      message: `Security group ${otherVpcSg} and subnet ${subnet} belong to different networks.`,
    });
  });

  it('key names, instance profiles and attributes show in DescribeInstances', async () => {
    const iam = new IAM.IAMClient(emu.config());
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    await iam.send(new IAM.CreateRoleCommand({ RoleName: 'web-role', AssumeRolePolicyDocument: trust }));
    const profile = (await iam.send(new IAM.CreateInstanceProfileCommand({ InstanceProfileName: 'web-profile' }))).InstanceProfile!;
    await iam.send(new IAM.AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web-profile', RoleName: 'web-role' }));
    await ec2.send(new EC2.CreateKeyPairCommand({ KeyName: 'deployer', KeyType: 'ed25519' }));
    const run = await ec2.send(
      new EC2.RunInstancesCommand({ ImageId: ami, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, KeyName: 'deployer', IamInstanceProfile: { Name: 'web-profile' } }),
    );
    const i = run.Instances![0];
    expect(i.KeyName).toBe('deployer');
    expect(i.IamInstanceProfile).toEqual({ Arn: profile.Arn, Id: profile.InstanceProfileId });
    expect((await ec2.send(new EC2.DescribeInstancesCommand({ Filters: [{ Name: 'key-name', Values: ['deployer'] }] }))).Reservations).toHaveLength(1);
    expect(await err(ec2.send(new EC2.RunInstancesCommand({ ImageId: ami, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, IamInstanceProfile: { Name: 'nope' } })))).toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Value (nope) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name',
    });
    const attrs = await Promise.all(
      (['instanceType', 'disableApiTermination', 'rootDeviceName', 'groupSet', 'sourceDestCheck'] as const).map((Attribute) =>
        ec2.send(new EC2.DescribeInstanceAttributeCommand({ InstanceId: i.InstanceId, Attribute })),
      ),
    );
    expect(attrs[0].InstanceType).toEqual({ Value: 't3.micro' });
    expect(attrs[1].DisableApiTermination).toEqual({ Value: false });
    expect(attrs[2].RootDeviceName).toEqual({ Value: '/dev/xvda' });
    expect(attrs[3].Groups![0].GroupName).toBe('default');
    expect(attrs[4].SourceDestCheck).toEqual({ Value: true });
    const noUserData = await ec2.send(new EC2.DescribeInstanceAttributeCommand({ InstanceId: i.InstanceId, Attribute: 'userData' }));
    expect(noUserData.UserData).toEqual({});
  });
  it('routes to an instance (a NAT instance) follow its state: active while running, a black hole when stopped', async () => {
    const vpc = (await ec2.send(new EC2.CreateVpcCommand({ CidrBlock: '10.2.0.0/16' }))).Vpc!.VpcId!;
    const subnet = (await ec2.send(new EC2.CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.2.0.0/24' }))).Subnet!.SubnetId!;
    const nat = (await ec2.send(new EC2.RunInstancesCommand({ ImageId: ami, InstanceType: 't3.nano', MinCount: 1, MaxCount: 1, SubnetId: subnet }))).Instances![0];
    await ec2.send(new EC2.ModifyInstanceAttributeCommand({ InstanceId: nat.InstanceId, SourceDestCheck: { Value: false } }));
    const rtb = (await ec2.send(new EC2.CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
    await ec2.send(new EC2.CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', InstanceId: nat.InstanceId }));
    const route = async () => (await ec2.send(new EC2.DescribeRouteTablesCommand({ RouteTableIds: [rtb] }))).RouteTables![0].Routes![1];
    later(5);
    expect(await route()).toMatchObject({
      InstanceId: nat.InstanceId,
      InstanceOwnerId: '000000000000',
      NetworkInterfaceId: nat.NetworkInterfaces![0].NetworkInterfaceId,
      State: 'active',
    });
    expect((await describe1(nat.InstanceId!)).SourceDestCheck).toBe(false);
    await ec2.send(new EC2.StopInstancesCommand({ InstanceIds: [nat.InstanceId!] }));
    later(5);
    expect((await route()).State).toBe('blackhole');
    expect((await ec2.send(new EC2.DescribeRouteTablesCommand({ Filters: [{ Name: 'route.instance-id', Values: [nat.InstanceId!] }] }))).RouteTables).toHaveLength(1);
  });
  it('IAM decides per instance, with its tags: a user may stop only the instances tagged env=dev', async () => {
    const iam = new IAM.IAMClient(emu.config());
    await iam.send(new IAM.CreateUserCommand({ UserName: 'operator' }));
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' },
        { Effect: 'Allow', Action: 'ec2:StopInstances', Resource: 'arn:aws:ec2:us-east-1:000000000000:instance/*', Condition: { StringEquals: { 'ec2:ResourceTag/env': 'dev' } } },
      ],
    };
    await iam.send(new IAM.PutUserPolicyCommand({ UserName: 'operator', PolicyName: 'stop-dev', PolicyDocument: JSON.stringify(policy) }));
    const key = (await iam.send(new IAM.CreateAccessKeyCommand({ UserName: 'operator' }))).AccessKey!;
    const asOperator = new EC2.EC2Client(emu.config({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }));
    const launch = async (env: string) =>
      (await ec2.send(new EC2.RunInstancesCommand({ ImageId: ami, InstanceType: 't3.nano', MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'env', Value: env }] }] })))
        .Instances![0].InstanceId!;
    const dev = await launch('dev');
    const prod = await launch('prod');
    later(5);
    expect((await asOperator.send(new EC2.StopInstancesCommand({ InstanceIds: [dev] }))).StoppingInstances![0].CurrentState!.Name).toBe('stopping');
    const denied = await err(asOperator.send(new EC2.StopInstancesCommand({ InstanceIds: [prod] })));
    expect(denied).toMatchObject({ name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } });
    expect(denied!.message).toContain(`is not authorized to perform: ec2:StopInstances on resource: arn:aws:ec2:us-east-1:000000000000:instance/${prod}`);
    expect(await err(asOperator.send(new EC2.TerminateInstancesCommand({ InstanceIds: [dev] })))).toMatchObject({ name: 'UnauthorizedOperation' });
    // DryRun: the permission is checked, and nothing changes.
    expect(await err(asOperator.send(new EC2.StopInstancesCommand({ InstanceIds: [prod], DryRun: true })))).toMatchObject({ name: 'UnauthorizedOperation' });
    expect(await err(asOperator.send(new EC2.DescribeInstancesCommand({ DryRun: true })))).toMatchObject({ name: 'DryRunOperation' });
  });
});
