import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as EC2 from '@aws-sdk/client-ec2';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/**
 * The Reachability Analyzer over one VPC built the way a lesson builds it: a public subnet, a
 * subnet whose route table has no way out, one behind a network ACL that denies, an SSH host open
 * to a single address, and a private subnet behind a NAT gateway.
 */
let emu: TestEmulator;
let ec2: EC2.EC2Client;
let ami: string;

const net = {} as {
  vpc: string;
  igw: string;
  publicRtb: string;
  privateRtb: string;
  noRouteRtb: string;
  denyAcl: string;
  web: string;
  noRouteHost: string;
  aclHost: string;
  sshHost: string;
  privateHost: string;
  db: string;
  nat: string;
  webSg: string;
};

async function subnet(cidr: string, rtb?: string, mapPublic = false): Promise<string> {
  const s = (await ec2.send(new EC2.CreateSubnetCommand({ VpcId: net.vpc, CidrBlock: cidr, AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
  if (rtb) await ec2.send(new EC2.AssociateRouteTableCommand({ RouteTableId: rtb, SubnetId: s }));
  if (mapPublic) await ec2.send(new EC2.ModifySubnetAttributeCommand({ SubnetId: s, MapPublicIpOnLaunch: { Value: true } }));
  return s;
}

async function group(name: string, rules: EC2.IpPermission[]): Promise<string> {
  const g = (await ec2.send(new EC2.CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: net.vpc }))).GroupId!;
  if (rules.length) await ec2.send(new EC2.AuthorizeSecurityGroupIngressCommand({ GroupId: g, IpPermissions: rules }));
  return g;
}

async function instance(subnetId: string, groupId: string, publicIp?: boolean): Promise<string> {
  const r = await ec2.send(
    new EC2.RunInstancesCommand({
      ImageId: ami,
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetId, Groups: [groupId], ...(publicIp === undefined ? {} : { AssociatePublicIpAddress: publicIp }) }],
    }),
  );
  return r.Instances![0].InstanceId!;
}

const tcp = (port: number, cidr: string): EC2.IpPermission => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: cidr }] });

async function analyze(path: Omit<EC2.CreateNetworkInsightsPathRequest, 'Protocol'> & { Protocol?: 'tcp' | 'udp' }): Promise<EC2.NetworkInsightsAnalysis> {
  const p = await ec2.send(new EC2.CreateNetworkInsightsPathCommand({ Protocol: 'tcp', ...path }));
  const started = await ec2.send(new EC2.StartNetworkInsightsAnalysisCommand({ NetworkInsightsPathId: p.NetworkInsightsPath!.NetworkInsightsPathId }));
  expect(started.NetworkInsightsAnalysis!.Status).toBe('running');
  // Poll as a client of AWS does until the analysis has finished.
  for (;;) {
    const done = await ec2.send(new EC2.DescribeNetworkInsightsAnalysesCommand({ NetworkInsightsAnalysisIds: [started.NetworkInsightsAnalysis!.NetworkInsightsAnalysisId!] }));
    const a = done.NetworkInsightsAnalyses![0];
    if (a.Status !== 'running') {
      expect(a.Status).toBe('succeeded');
      return a;
    }
    expect(a.NetworkPathFound).toBeUndefined();
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(async () => {
  // Transitions finish at once and analyses in 30 ms here; the default timings are exercised elsewhere.
  emu = await startTestEmulator({ services: { ec2: { natPending: 0, analysis: 0.03, instancePending: 0 } } });
  ec2 = new EC2.EC2Client(emu.config());
  ami = (await ec2.send(new EC2.DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['al2023-ami-*-x86_64'] }] }))).Images![0].ImageId!;

  net.vpc = (await ec2.send(new EC2.CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  net.igw = (await ec2.send(new EC2.CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
  await ec2.send(new EC2.AttachInternetGatewayCommand({ InternetGatewayId: net.igw, VpcId: net.vpc }));
  net.publicRtb = (await ec2.send(new EC2.CreateRouteTableCommand({ VpcId: net.vpc }))).RouteTable!.RouteTableId!;
  await ec2.send(new EC2.CreateRouteCommand({ RouteTableId: net.publicRtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: net.igw }));
  net.noRouteRtb = (await ec2.send(new EC2.CreateRouteTableCommand({ VpcId: net.vpc }))).RouteTable!.RouteTableId!;

  const publicSubnet = await subnet('10.0.1.0/24', net.publicRtb, true);
  const noRouteSubnet = await subnet('10.0.2.0/24', net.noRouteRtb);
  const aclSubnet = await subnet('10.0.3.0/24', net.publicRtb, true);
  const privateSubnet = await subnet('10.0.4.0/24');

  // A network ACL that lets everything in except port 80.
  net.denyAcl = (await ec2.send(new EC2.CreateNetworkAclCommand({ VpcId: net.vpc }))).NetworkAcl!.NetworkAclId!;
  for (const [n, egress, action, port] of [
    [90, false, 'deny', 80],
    [100, false, 'allow', undefined],
    [100, true, 'allow', undefined],
  ] as const) {
    await ec2.send(
      new EC2.CreateNetworkAclEntryCommand({
        NetworkAclId: net.denyAcl,
        RuleNumber: n,
        Egress: egress,
        RuleAction: action,
        Protocol: port ? '6' : '-1',
        CidrBlock: '0.0.0.0/0',
        PortRange: port ? { From: port, To: port } : undefined,
      }),
    );
  }
  const acls = await ec2.send(new EC2.DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [aclSubnet] }] }));
  const assoc = acls.NetworkAcls![0].Associations!.find((a) => a.SubnetId === aclSubnet)!;
  await ec2.send(new EC2.ReplaceNetworkAclAssociationCommand({ AssociationId: assoc.NetworkAclAssociationId, NetworkAclId: net.denyAcl }));

  // A NAT gateway in the public subnet; the private subnet's route table sends 0.0.0.0/0 to it.
  const eip = await ec2.send(new EC2.AllocateAddressCommand({ Domain: 'vpc' }));
  net.nat = (await ec2.send(new EC2.CreateNatGatewayCommand({ SubnetId: publicSubnet, AllocationId: eip.AllocationId }))).NatGateway!.NatGatewayId!;
  net.privateRtb = (await ec2.send(new EC2.CreateRouteTableCommand({ VpcId: net.vpc }))).RouteTable!.RouteTableId!;
  await ec2.send(new EC2.CreateRouteCommand({ RouteTableId: net.privateRtb, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: net.nat }));
  await ec2.send(new EC2.AssociateRouteTableCommand({ RouteTableId: net.privateRtb, SubnetId: privateSubnet }));

  net.webSg = await group('web', [tcp(80, '0.0.0.0/0')]);
  const sshSg = await group('ssh-from-one-address', [tcp(22, '203.0.113.10/32')]);
  const dbSg = await group('db', [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: net.webSg }] }]);

  net.web = await instance(publicSubnet, net.webSg);
  net.noRouteHost = await instance(noRouteSubnet, net.webSg, true);
  net.aclHost = await instance(aclSubnet, net.webSg);
  net.sshHost = await instance(publicSubnet, sshSg);
  net.privateHost = await instance(privateSubnet, net.webSg);
  net.db = await instance(privateSubnet, dbSg);
});
afterAll(() => emu?.close());

describe('VPC Reachability Analyzer', () => {
  it('a public subnet with port 80 open: reachable, through the gateway, the ACL and the group, and back by the route to the gateway', async () => {
    const a = await analyze({ Source: net.igw, Destination: net.web, DestinationPort: 80 });
    expect(a.NetworkPathFound).toBe(true);
    expect(a.Explanations).toEqual([]);
    const forward = a.ForwardPathComponents!;
    expect(forward.map((c) => c.Component!.Id!.split('-')[0])).toEqual(['igw', 'acl', 'sg', 'eni']);
    expect(forward.map((c) => c.SequenceNumber)).toEqual([1, 2, 3, 4]);
    expect(forward[1].AclRule).toMatchObject({ RuleNumber: 100, RuleAction: 'allow', Egress: false });
    expect(forward[2].SecurityGroupRule).toMatchObject({ Cidr: '0.0.0.0/0', Direction: 'ingress', PortRange: { From: 80, To: 80 }, Protocol: 'tcp' });
    expect(forward[3].AttachedTo!.Id).toBe(net.web);
    // The gateway translates the public address to the private one.
    const described = await ec2.send(new EC2.DescribeInstancesCommand({ InstanceIds: [net.web] }));
    const inst = described.Reservations![0].Instances![0];
    expect(forward[0].InboundHeader!.DestinationAddresses).toEqual([`${inst.PublicIpAddress}/32`]);
    expect(forward[0].OutboundHeader!.DestinationAddresses).toEqual([`${inst.PrivateIpAddress}/32`]);
    expect(forward[0].InboundHeader!.DestinationPortRanges).toEqual([{ From: 80, To: 80 }]);
    const back = a.ReturnPathComponents!;
    expect(back.find((c) => c.Component!.Id === net.publicRtb)!.RouteTableRoute).toMatchObject({ DestinationCidr: '0.0.0.0/0', GatewayId: net.igw });
  });

  it('the same host on a port its group does not open: blocked at the security group', async () => {
    const a = await analyze({ Source: net.igw, Destination: net.web, DestinationPort: 443 });
    expect(a.NetworkPathFound).toBe(false);
    expect(a.ForwardPathComponents).toBeUndefined();
    expect(a.Explanations).toHaveLength(1);
    expect(a.Explanations![0]).toMatchObject({ ExplanationCode: 'ENI_SG_RULES_MISMATCH', Direction: 'ingress', SecurityGroups: [{ Id: net.webSg }] });
  });

  it('no route to the internet gateway: blocked at the route table (the reply has no way out)', async () => {
    const a = await analyze({ Source: net.igw, Destination: net.noRouteHost, DestinationPort: 80 });
    expect(a.NetworkPathFound).toBe(false);
    expect(a.Explanations![0]).toMatchObject({
      ExplanationCode: 'NO_ROUTE_TO_DESTINATION',
      RouteTable: { Id: net.noRouteRtb },
      Destination: { Id: net.igw },
    });
    expect(a.Explanations![0].RouteTable!.Arn).toBe(`arn:aws:ec2:us-east-1:000000000000:route-table/${net.noRouteRtb}`);
  });

  it('a network ACL rule that denies the port: blocked at the ACL, naming the rule', async () => {
    const a = await analyze({ Source: net.igw, Destination: net.aclHost, DestinationPort: 80 });
    expect(a.NetworkPathFound).toBe(false);
    expect(a.Explanations![0]).toMatchObject({
      ExplanationCode: 'SUBNET_ACL_RESTRICTION',
      Direction: 'ingress',
      Acl: { Id: net.denyAcl },
      AclRule: { RuleNumber: 90, RuleAction: 'deny', Egress: false, PortRange: { From: 80, To: 80 }, Protocol: '6' },
    });
    // Rule 100 lets other ports through the same ACL.
    expect((await analyze({ Source: net.igw, Destination: net.aclHost, DestinationPort: 8080 })).Explanations![0].ExplanationCode).toBe('ENI_SG_RULES_MISMATCH');
  });

  it('network ACLs are stateless: allowing port 80 in but nothing out blocks the reply', async () => {
    await ec2.send(new EC2.ReplaceNetworkAclEntryCommand({ NetworkAclId: net.denyAcl, RuleNumber: 90, Egress: false, RuleAction: 'allow', Protocol: '6', CidrBlock: '0.0.0.0/0', PortRange: { From: 80, To: 80 } }));
    await ec2.send(new EC2.DeleteNetworkAclEntryCommand({ NetworkAclId: net.denyAcl, RuleNumber: 100, Egress: true }));
    const a = await analyze({ Source: net.igw, Destination: net.aclHost, DestinationPort: 80 });
    expect(a.Explanations![0]).toMatchObject({ ExplanationCode: 'SUBNET_ACL_RESTRICTION', Direction: 'egress', AclRule: { RuleNumber: 32767, RuleAction: 'deny' } });
    // Open the ephemeral ports for the reply, and the path is found.
    await ec2.send(new EC2.CreateNetworkAclEntryCommand({ NetworkAclId: net.denyAcl, RuleNumber: 100, Egress: true, RuleAction: 'allow', Protocol: '6', CidrBlock: '0.0.0.0/0', PortRange: { From: 1024, To: 65535 } }));
    const ok = await analyze({ Source: net.igw, Destination: net.aclHost, DestinationPort: 80, FilterAtSource: { SourcePortRange: { FromPort: 1024, ToPort: 65535 } } });
    expect(ok.NetworkPathFound).toBe(true);
    expect(ok.ReturnPathComponents!.find((c) => c.Component!.Id === net.denyAcl)!.AclRule).toMatchObject({ RuleNumber: 100, Egress: true, PortRange: { From: 1024, To: 65535 } });
  });

  it('port 22 open only to a /32: blocked from another internet address, reachable from that one', async () => {
    const other = await analyze({ Source: net.igw, SourceIp: '198.51.100.7', Destination: net.sshHost, DestinationPort: 22 });
    expect(other.NetworkPathFound).toBe(false);
    expect(other.Explanations![0].ExplanationCode).toBe('ENI_SG_RULES_MISMATCH');

    const allowed = await analyze({ Source: net.igw, SourceIp: '203.0.113.10', Destination: net.sshHost, DestinationPort: 22 });
    expect(allowed.NetworkPathFound).toBe(true);

    // With no source address, the analysis finds the packets that can get through: only that /32's.
    const any = await analyze({ Source: net.igw, Destination: net.sshHost, DestinationPort: 22 });
    expect(any.NetworkPathFound).toBe(true);
    const eni = any.ForwardPathComponents!.find((c) => c.Component!.Id!.startsWith('eni-'))!;
    expect(eni.InboundHeader!.SourceAddresses).toEqual(['203.0.113.10/32']);
    // A source filter narrows the addresses considered: a /24 that does not hold the /32 is blocked.
    const filtered = await analyze({ Source: net.igw, Destination: net.sshHost, DestinationPort: 22, FilterAtSource: { SourceAddress: '198.51.100.0/24' } });
    expect(filtered.Explanations![0].ExplanationCode).toBe('ENI_SG_RULES_MISMATCH');
  });

  it('a private subnet behind a NAT gateway: blocked from the internet (no public address), yet it reaches out through the NAT', async () => {
    const inbound = await analyze({ Source: net.igw, Destination: net.privateHost, DestinationPort: 80 });
    expect(inbound.NetworkPathFound).toBe(false);
    expect(inbound.Explanations![0]).toMatchObject({ ExplanationCode: 'IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS', InternetGateway: { Id: net.igw } });

    const outbound = await analyze({ Source: net.privateHost, Destination: net.igw, DestinationPort: 443 });
    expect(outbound.NetworkPathFound).toBe(true);
    const ids = outbound.ForwardPathComponents!.map((c) => c.Component!.Id);
    expect(ids).toContain(net.privateRtb);
    expect(ids).toContain(net.nat);
    expect(ids[ids.length - 1]).toBe(net.igw);
    const natHop = outbound.ForwardPathComponents!.find((c) => c.Component!.Id === net.nat)!;
    expect(natHop.OutboundHeader!.SourcePortRanges).toEqual([{ From: 1024, To: 65535 }]);

    // Without its public address, the instance in the no-route subnet cannot reach out directly either.
    const direct = await analyze({ Source: net.noRouteHost, Destination: net.igw, DestinationPort: 443 });
    expect(direct.Explanations![0]).toMatchObject({ ExplanationCode: 'NO_ROUTE_TO_DESTINATION', RouteTable: { Id: net.noRouteRtb } });
  });

  it('between instances: a group that references another group admits its members only', async () => {
    const fromWeb = await analyze({ Source: net.web, Destination: net.db, DestinationPort: 5432 });
    expect(fromWeb.NetworkPathFound).toBe(true);
    expect(fromWeb.ForwardPathComponents!.some((c) => c.SecurityGroupRule?.SecurityGroupId === net.webSg)).toBe(true);

    const fromPrivateHost = await analyze({ Source: net.sshHost, Destination: net.db, DestinationPort: 5432 });
    expect(fromPrivateHost.Explanations![0]).toMatchObject({ ExplanationCode: 'ENI_SG_RULES_MISMATCH', Direction: 'ingress' });
  });

  it('paths and analyses are listed, filtered and deleted; an unknown source is refused', async () => {
    const paths = await ec2.send(new EC2.DescribeNetworkInsightsPathsCommand({ Filters: [{ Name: 'destination', Values: [net.sshHost] }] }));
    expect(paths.NetworkInsightsPaths).toHaveLength(4);
    expect(paths.NetworkInsightsPaths![0]).toMatchObject({ Source: net.igw, SourceArn: expect.stringContaining(':internet-gateway/'), Protocol: 'tcp', DestinationPort: 22 });
    const found = await ec2.send(new EC2.DescribeNetworkInsightsAnalysesCommand({ Filters: [{ Name: 'path-found', Values: ['false'] }] }));
    expect(found.NetworkInsightsAnalyses!.every((a) => a.NetworkPathFound === false)).toBe(true);
    const id = paths.NetworkInsightsPaths![0].NetworkInsightsPathId!;
    await ec2.send(new EC2.DeleteNetworkInsightsPathCommand({ NetworkInsightsPathId: id }));
    await expect(ec2.send(new EC2.DescribeNetworkInsightsPathsCommand({ NetworkInsightsPathIds: [id] }))).rejects.toMatchObject({ name: 'InvalidNetworkInsightsPathId.NotFound' });
    await expect(ec2.send(new EC2.CreateNetworkInsightsPathCommand({ Source: 'igw-00000000000000000', Destination: net.web, Protocol: 'tcp' }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
  });
});
