import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as CFN from '@aws-sdk/client-cloudformation';
import * as EC2 from '@aws-sdk/client-ec2';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/*
 * CloudFormation's EC2 and VPC providers: a VPC with a public and a private subnet, an internet
 * gateway, a NAT gateway with its Elastic IP, routes, a network ACL, security groups and two
 * instances, created and deleted in dependency order; an update that replaces a subnet.
 */

let emu: TestEmulator;
let cfn: CFN.CloudFormationClient;
let ec2: EC2.EC2Client;
let ami: string;

beforeAll(async () => {
  // Transitions finish at once here (the default timings keep them visible for a few seconds).
  emu = await startTestEmulator({
    services: { ec2: { natPending: 0, natDeleting: 0, instancePending: 0, instanceStopping: 0, instanceShuttingDown: 0, analysis: 0.02 } },
  });
  cfn = new CFN.CloudFormationClient(emu.config());
  ec2 = new EC2.EC2Client(emu.config());
  ami = (await ec2.send(new EC2.DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['al2023-ami-*-x86_64'] }] }))).Images![0].ImageId!;
  await ec2.send(new EC2.CreateKeyPairCommand({ KeyName: 'ops' }));
});
afterAll(() => emu?.close());

async function settle(StackName: string): Promise<CFN.Stack> {
  for (let i = 0; i < 1500; i++) {
    const s = (await cfn.send(new CFN.DescribeStacksCommand({ StackName }))).Stacks![0];
    if (!s.StackStatus!.endsWith('_IN_PROGRESS')) return s;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${StackName} did not settle`);
}

async function failures(StackName: string): Promise<string> {
  const events = (await cfn.send(new CFN.DescribeStackEventsCommand({ StackName }))).StackEvents!;
  return events
    .filter((e) => e.ResourceStatusReason)
    .map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}: ${e.ResourceStatusReason}`)
    .join('\n');
}

const outputs = (s: CFN.Stack) => Object.fromEntries((s.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));

/** Stack events oldest first, as `logicalId STATUS`. */
async function history(StackName: string): Promise<string[]> {
  const events = (await cfn.send(new CFN.DescribeStackEventsCommand({ StackName }))).StackEvents!;
  return events.reverse().map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}`);
}

const at = (h: string[], entry: string, from = 0) => {
  const i = h.indexOf(entry, from);
  if (i < 0) throw new Error(`no event "${entry}" in:\n${h.join('\n')}`);
  return i;
};

const TEMPLATE = `
Parameters:
  ImageId: { Type: String }
  PrivateCidr: { Type: String, Default: 10.0.1.0/24 }
  MapPublicIp: { Type: String, Default: 'true' }
  Page: { Type: String, Default: hello }
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
      EnableDnsHostnames: true
      Tags: [{ Key: Name, Value: lesson-vpc }]
  Igw:
    Type: AWS::EC2::InternetGateway
  Attach:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties:
      VpcId: !Ref Vpc
      InternetGatewayId: !Ref Igw
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.0.0/24
      AvailabilityZone: !Select [0, !GetAZs '']
      MapPublicIpOnLaunch: !Ref MapPublicIp
  PrivateSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: !Ref PrivateCidr
      AvailabilityZone: !Select [1, !GetAZs '']
  PublicRoutes:
    Type: AWS::EC2::RouteTable
    Properties: { VpcId: !Ref Vpc }
  PublicDefault:
    Type: AWS::EC2::Route
    DependsOn: Attach
    Properties:
      RouteTableId: !Ref PublicRoutes
      DestinationCidrBlock: 0.0.0.0/0
      GatewayId: !Ref Igw
  PublicAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: { SubnetId: !Ref PublicSubnet, RouteTableId: !Ref PublicRoutes }
  NatIp:
    Type: AWS::EC2::EIP
    DependsOn: Attach
    Properties: { Domain: vpc }
  Nat:
    Type: AWS::EC2::NatGateway
    Properties:
      SubnetId: !Ref PublicSubnet
      AllocationId: !GetAtt NatIp.AllocationId
  PrivateRoutes:
    Type: AWS::EC2::RouteTable
    Properties: { VpcId: !Ref Vpc }
  PrivateDefault:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRoutes
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref Nat
  PrivateAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: { SubnetId: !Ref PrivateSubnet, RouteTableId: !Ref PrivateRoutes }
  PrivateAcl:
    Type: AWS::EC2::NetworkAcl
    Properties: { VpcId: !Ref Vpc }
  AclInFromVpc:
    Type: AWS::EC2::NetworkAclEntry
    Properties: { NetworkAclId: !Ref PrivateAcl, RuleNumber: 100, Protocol: -1, RuleAction: allow, CidrBlock: 10.0.0.0/16 }
  AclInReplies:
    Type: AWS::EC2::NetworkAclEntry
    Properties: { NetworkAclId: !Ref PrivateAcl, RuleNumber: 110, Protocol: 6, RuleAction: allow, CidrBlock: 0.0.0.0/0, PortRange: { From: 1024, To: 65535 } }
  AclOut:
    Type: AWS::EC2::NetworkAclEntry
    Properties: { NetworkAclId: !Ref PrivateAcl, RuleNumber: 100, Protocol: -1, RuleAction: allow, Egress: true, CidrBlock: 0.0.0.0/0 }
  PrivateAclAssoc:
    Type: AWS::EC2::SubnetNetworkAclAssociation
    Properties: { SubnetId: !Ref PrivateSubnet, NetworkAclId: !Ref PrivateAcl }
  WebSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web server
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - { IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 0.0.0.0/0 }
        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 203.0.113.10/32, Description: office }
      SecurityGroupEgress:
        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0 }
  AppSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app servers
      VpcId: !Ref Vpc
  AppFromWeb:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: { GroupId: !Ref AppSg, IpProtocol: tcp, FromPort: 8080, ToPort: 8080, SourceSecurityGroupId: !GetAtt WebSg.GroupId, Description: from the web tier }
  WebToApp:
    Type: AWS::EC2::SecurityGroupEgress
    Properties: { GroupId: !Ref WebSg, IpProtocol: tcp, FromPort: 8080, ToPort: 8080, DestinationSecurityGroupId: !Ref AppSg }
  Web:
    Type: AWS::EC2::Instance
    DependsOn: Attach
    Properties:
      ImageId: !Ref ImageId
      InstanceType: t3.micro
      SubnetId: !Ref PublicSubnet
      SecurityGroupIds: [!Ref WebSg]
      UserData:
        Fn::Base64: !Sub |
          #!/bin/bash
          dnf install -y nginx
          echo '\${Page}' > /usr/share/nginx/html/index.html
          systemctl enable --now nginx
      Tags: [{ Key: Name, Value: web }]
  App:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !Ref ImageId
      InstanceType: t3.micro
      SubnetId: !Ref PrivateSubnet
      SecurityGroupIds: [!Ref AppSg]
      # KeyName names the key pair, not the instance: it does not keep the instance from being replaced.
      KeyName: ops
Outputs:
  VpcId: { Value: !Ref Vpc }
  VpcCidr: { Value: !GetAtt Vpc.CidrBlock }
  DefaultSg: { Value: !GetAtt Vpc.DefaultSecurityGroup }
  DefaultAcl: { Value: !GetAtt Vpc.DefaultNetworkAcl }
  PublicSubnet: { Value: !Ref PublicSubnet }
  PublicAz: { Value: !GetAtt PublicSubnet.AvailabilityZone }
  PublicSubnetVpc: { Value: !GetAtt PublicSubnet.VpcId }
  PrivateSubnet: { Value: !Ref PrivateSubnet }
  Igw: { Value: !Ref Igw }
  Nat: { Value: !Ref Nat }
  NatIp: { Value: !Ref NatIp }
  NatAllocation: { Value: !GetAtt NatIp.AllocationId }
  NatPublicIp: { Value: !GetAtt NatIp.PublicIp }
  PublicRoutes: { Value: !Ref PublicRoutes }
  PrivateRoutes: { Value: !Ref PrivateRoutes }
  PrivateAcl: { Value: !Ref PrivateAcl }
  PrivateAclAssoc: { Value: !GetAtt PrivateAclAssoc.AssociationId }
  WebSg: { Value: !Ref WebSg }
  WebSgId: { Value: !GetAtt WebSg.GroupId }
  WebSgVpc: { Value: !GetAtt WebSg.VpcId }
  AppSg: { Value: !Ref AppSg }
  AppFromWeb: { Value: !Ref AppFromWeb }
  Web: { Value: !Ref Web }
  WebPublicIp: { Value: !GetAtt Web.PublicIp }
  WebPrivateIp: { Value: !GetAtt Web.PrivateIp }
  WebAz: { Value: !GetAtt Web.AvailabilityZone }
  App: { Value: !Ref App }
  AppPrivateIp: { Value: !GetAtt App.PrivateIp }
`;

const STACK = 'network';
const out: Record<string, string> = {};

async function analyze(path: EC2.CreateNetworkInsightsPathRequest): Promise<EC2.NetworkInsightsAnalysis> {
  const p = await ec2.send(new EC2.CreateNetworkInsightsPathCommand(path));
  const started = await ec2.send(new EC2.StartNetworkInsightsAnalysisCommand({ NetworkInsightsPathId: p.NetworkInsightsPath!.NetworkInsightsPathId }));
  for (;;) {
    const a = (await ec2.send(new EC2.DescribeNetworkInsightsAnalysesCommand({ NetworkInsightsAnalysisIds: [started.NetworkInsightsAnalysis!.NetworkInsightsAnalysisId!] }))).NetworkInsightsAnalyses![0];
    if (a.Status !== 'running') return a;
    await new Promise((r) => setTimeout(r, 10));
  }
}

const userDataOf = async (id: string) =>
  Buffer.from((await ec2.send(new EC2.DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'userData' }))).UserData!.Value!, 'base64').toString('utf8');

describe('CloudFormation EC2 providers', () => {
  it('creates a VPC with public and private subnets, gateways, routes, a network ACL, security groups and instances, in dependency order', async () => {
    await cfn.send(new CFN.CreateStackCommand({ StackName: STACK, TemplateBody: TEMPLATE, Parameters: [{ ParameterKey: 'ImageId', ParameterValue: ami }] }));
    const stack = await settle(STACK);
    expect(stack.StackStatus, await failures(STACK)).toBe('CREATE_COMPLETE');
    Object.assign(out, outputs(stack));

    // Ref and Fn::GetAtt, as CloudFormation's template reference documents them.
    const vpc = (await ec2.send(new EC2.DescribeVpcsCommand({ VpcIds: [out.VpcId] }))).Vpcs![0];
    expect(vpc).toMatchObject({ CidrBlock: '10.0.0.0/16', Tags: [{ Key: 'Name', Value: 'lesson-vpc' }] });
    expect(out.VpcCidr).toBe('10.0.0.0/16');
    const dns = await ec2.send(new EC2.DescribeVpcAttributeCommand({ VpcId: out.VpcId, Attribute: 'enableDnsHostnames' }));
    expect(dns.EnableDnsHostnames!.Value).toBe(true);
    const defaultSg = (await ec2.send(new EC2.DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [out.VpcId] }, { Name: 'group-name', Values: ['default'] }] }))).SecurityGroups![0];
    expect(out.DefaultSg).toBe(defaultSg.GroupId);
    const defaultAcl = (await ec2.send(new EC2.DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [out.VpcId] }, { Name: 'default', Values: ['true'] }] }))).NetworkAcls![0];
    expect(out.DefaultAcl).toBe(defaultAcl.NetworkAclId);
    expect(out.PublicAz).toBe('us-east-1a');
    expect(out.PublicSubnetVpc).toBe(out.VpcId);
    expect(out.NatIp).toBe(out.NatPublicIp);
    expect(out.NatAllocation).toMatch(/^eipalloc-/);
    expect(out.WebSg).toBe(out.WebSgId);
    expect(out.WebSgVpc).toBe(out.VpcId);
    expect(out.AppFromWeb).toMatch(/^sgr-/);

    const subnets = (await ec2.send(new EC2.DescribeSubnetsCommand({ SubnetIds: [out.PublicSubnet, out.PrivateSubnet] }))).Subnets!;
    expect(subnets.find((s) => s.SubnetId === out.PublicSubnet)).toMatchObject({ CidrBlock: '10.0.0.0/24', MapPublicIpOnLaunch: true, VpcId: out.VpcId });
    expect(subnets.find((s) => s.SubnetId === out.PrivateSubnet)).toMatchObject({ CidrBlock: '10.0.1.0/24', MapPublicIpOnLaunch: false, AvailabilityZone: 'us-east-1b' });

    // Public: 0.0.0.0/0 to the internet gateway; private: to the NAT gateway, which is available in the public subnet.
    const tables = (await ec2.send(new EC2.DescribeRouteTablesCommand({ RouteTableIds: [out.PublicRoutes, out.PrivateRoutes] }))).RouteTables!;
    const pub = tables.find((t) => t.RouteTableId === out.PublicRoutes)!;
    const priv = tables.find((t) => t.RouteTableId === out.PrivateRoutes)!;
    expect(pub.Routes!.find((r) => r.DestinationCidrBlock === '0.0.0.0/0')).toMatchObject({ GatewayId: out.Igw, State: 'active' });
    expect(pub.Associations!.map((a) => a.SubnetId)).toEqual([out.PublicSubnet]);
    expect(priv.Routes!.find((r) => r.DestinationCidrBlock === '0.0.0.0/0')).toMatchObject({ NatGatewayId: out.Nat, State: 'active' });
    expect(priv.Associations!.map((a) => a.SubnetId)).toEqual([out.PrivateSubnet]);
    const nat = (await ec2.send(new EC2.DescribeNatGatewaysCommand({ NatGatewayIds: [out.Nat] }))).NatGateways![0];
    expect(nat).toMatchObject({ State: 'available', SubnetId: out.PublicSubnet, NatGatewayAddresses: [{ AllocationId: out.NatAllocation, PublicIp: out.NatIp }] });

    // The private subnet's own network ACL, with the template's numbered entries.
    const acl = (await ec2.send(new EC2.DescribeNetworkAclsCommand({ NetworkAclIds: [out.PrivateAcl] }))).NetworkAcls![0];
    expect(acl.Associations).toEqual([{ NetworkAclAssociationId: out.PrivateAclAssoc, NetworkAclId: out.PrivateAcl, SubnetId: out.PrivateSubnet }]);
    expect(acl.Entries!.map((e) => [e.Egress, e.RuleNumber, e.Protocol, e.RuleAction, e.CidrBlock])).toEqual([
      [true, 100, '-1', 'allow', '0.0.0.0/0'],
      [true, 32767, '-1', 'deny', '0.0.0.0/0'],
      [false, 100, '-1', 'allow', '10.0.0.0/16'],
      [false, 110, '6', 'allow', '0.0.0.0/0'],
      [false, 32767, '-1', 'deny', '0.0.0.0/0'],
    ]);

    // Inline rules; an egress list replaces EC2's default allow-all; separate rule resources add to the groups.
    const [web, app] = (await ec2.send(new EC2.DescribeSecurityGroupsCommand({ GroupIds: [out.WebSg, out.AppSg] }))).SecurityGroups!;
    expect(web.GroupName).toMatch(/^network-WebSg-[A-Z0-9]{12}$/);
    expect(web.IpPermissions!.map((p) => [p.FromPort, p.IpRanges![0]?.CidrIp, p.IpRanges![0]?.Description])).toEqual([
      [80, '0.0.0.0/0', undefined],
      [22, '203.0.113.10/32', 'office'],
    ]);
    expect(web.IpPermissionsEgress!.map((p) => [p.IpProtocol, p.FromPort, p.IpRanges?.[0]?.CidrIp ?? p.UserIdGroupPairs?.[0]?.GroupId])).toEqual([
      ['tcp', 443, '0.0.0.0/0'],
      ['tcp', 8080, out.AppSg],
    ]);
    expect(app.IpPermissions).toMatchObject([{ FromPort: 8080, UserIdGroupPairs: [{ GroupId: out.WebSg, Description: 'from the web tier' }] }]);
    expect(app.IpPermissionsEgress).toMatchObject([{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]);

    // The instances run, where the template put them; CloudFormation waited for that.
    const instances = (await ec2.send(new EC2.DescribeInstancesCommand({ InstanceIds: [out.Web, out.App] }))).Reservations!.flatMap((r) => r.Instances!);
    const w = instances.find((i) => i.InstanceId === out.Web)!;
    const a = instances.find((i) => i.InstanceId === out.App)!;
    expect(w).toMatchObject({ State: { Name: 'running' }, InstanceType: 't3.micro', SubnetId: out.PublicSubnet, PublicIpAddress: out.WebPublicIp, PrivateIpAddress: out.WebPrivateIp });
    expect(out.WebAz).toBe('us-east-1a');
    expect(a).toMatchObject({ State: { Name: 'running' }, SubnetId: out.PrivateSubnet, PrivateIpAddress: out.AppPrivateIp });
    expect(a.PublicIpAddress).toBeUndefined();
    expect(await userDataOf(out.Web)).toBe("#!/bin/bash\ndnf install -y nginx\necho 'hello' > /usr/share/nginx/html/index.html\nsystemctl enable --now nginx\n");

    // Dependency order: each resource started only after what it uses was complete.
    const h = await history(STACK);
    expect(at(h, 'Attach CREATE_COMPLETE')).toBeLessThan(at(h, 'PublicDefault CREATE_IN_PROGRESS'));
    expect(at(h, 'Attach CREATE_COMPLETE')).toBeLessThan(at(h, 'NatIp CREATE_IN_PROGRESS'));
    expect(at(h, 'Nat CREATE_COMPLETE')).toBeLessThan(at(h, 'PrivateDefault CREATE_IN_PROGRESS'));
    expect(at(h, 'WebSg CREATE_COMPLETE')).toBeLessThan(at(h, 'Web CREATE_IN_PROGRESS'));
    expect(at(h, 'PrivateAcl CREATE_COMPLETE')).toBeLessThan(at(h, 'AclInFromVpc CREATE_IN_PROGRESS'));
  });

  it('the network it built behaves as designed: the web server is reachable on 80, SSH only from the office, the app server not at all', async () => {
    const web80 = await analyze({ Source: out.Igw, Destination: out.Web, Protocol: 'tcp', DestinationPort: 80 });
    expect(web80.NetworkPathFound).toBe(true);
    const web22 = await analyze({ Source: out.Igw, SourceIp: '198.51.100.7', Destination: out.Web, Protocol: 'tcp', DestinationPort: 22 });
    expect(web22.Explanations![0]).toMatchObject({ ExplanationCode: 'ENI_SG_RULES_MISMATCH', SecurityGroups: [{ Id: out.WebSg }] });
    const office = await analyze({ Source: out.Igw, SourceIp: '203.0.113.10', Destination: out.Web, Protocol: 'tcp', DestinationPort: 22 });
    expect(office.NetworkPathFound).toBe(true);
    const app = await analyze({ Source: out.Igw, Destination: out.App, Protocol: 'tcp', DestinationPort: 8080 });
    expect(app.Explanations![0].ExplanationCode).toBe('IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS');
    // The app server reaches the internet through the NAT gateway.
    const outbound = await analyze({ Source: out.App, Destination: out.Igw, Protocol: 'tcp', DestinationPort: 443 });
    expect(outbound.NetworkPathFound).toBe(true);
    expect(outbound.ForwardPathComponents!.map((c) => c.Component!.Id)).toContain(out.Nat);
  });

  it('a change set says which changes replace a resource', async () => {
    await cfn.send(
      new CFN.CreateChangeSetCommand({
        StackName: STACK,
        ChangeSetName: 'preview',
        UsePreviousTemplate: true,
        Parameters: [
          { ParameterKey: 'ImageId', UsePreviousValue: true },
          { ParameterKey: 'PrivateCidr', ParameterValue: '10.0.2.0/24' },
          { ParameterKey: 'MapPublicIp', ParameterValue: 'false' },
          { ParameterKey: 'Page', UsePreviousValue: true },
        ],
      }),
    );
    let cs: CFN.DescribeChangeSetCommandOutput;
    do cs = await cfn.send(new CFN.DescribeChangeSetCommand({ StackName: STACK, ChangeSetName: 'preview' }));
    while (cs.Status !== 'CREATE_COMPLETE' && cs.Status !== 'FAILED');
    const change = (id: string) => cs.Changes!.find((c) => c.ResourceChange!.LogicalResourceId === id)?.ResourceChange;
    expect(change('PrivateSubnet')).toMatchObject({ Action: 'Modify', Replacement: 'True' });
    expect(change('PublicSubnet')).toMatchObject({ Action: 'Modify', Replacement: 'False' });
    await cfn.send(new CFN.DeleteChangeSetCommand({ StackName: STACK, ChangeSetName: 'preview' }));
  });

  it('an update replaces the private subnet (and what lives in it), changes other resources in place, and cleans up the old ones', async () => {
    const before = (await cfn.send(new CFN.DescribeStackResourcesCommand({ StackName: STACK }))).StackResources!;
    const physical = (list: CFN.StackResource[], id: string) => list.find((r) => r.LogicalResourceId === id)!.PhysicalResourceId!;
    await cfn.send(
      new CFN.UpdateStackCommand({
        StackName: STACK,
        UsePreviousTemplate: true,
        Parameters: [
          { ParameterKey: 'ImageId', UsePreviousValue: true },
          { ParameterKey: 'PrivateCidr', ParameterValue: '10.0.2.0/24' },
          { ParameterKey: 'MapPublicIp', ParameterValue: 'false' },
          { ParameterKey: 'Page', ParameterValue: 'updated' },
        ],
      }),
    );
    const stack = await settle(STACK);
    expect(stack.StackStatus, await failures(STACK)).toBe('UPDATE_COMPLETE');
    const after = (await cfn.send(new CFN.DescribeStackResourcesCommand({ StackName: STACK }))).StackResources!;
    const next = outputs(stack);

    // Replaced: the subnet (CidrBlock), and what names it (the instance's SubnetId, the associations).
    for (const id of ['PrivateSubnet', 'App', 'PrivateAssoc', 'PrivateAclAssoc']) expect(physical(after, id), id).not.toBe(physical(before, id));
    // In place: the public subnet (MapPublicIpOnLaunch), the web server (user data: stopped and started), the VPC.
    for (const id of ['PublicSubnet', 'Web', 'Vpc', 'PrivateRoutes', 'PrivateAcl']) expect(physical(after, id), id).toBe(physical(before, id));

    const newSubnet = (await ec2.send(new EC2.DescribeSubnetsCommand({ SubnetIds: [next.PrivateSubnet] }))).Subnets![0];
    expect(newSubnet.CidrBlock).toBe('10.0.2.0/24');
    await expect(ec2.send(new EC2.DescribeSubnetsCommand({ SubnetIds: [out.PrivateSubnet] }))).rejects.toMatchObject({ name: 'InvalidSubnetID.NotFound' });
    const old = (await ec2.send(new EC2.DescribeInstancesCommand({ InstanceIds: [out.App] }))).Reservations![0].Instances![0];
    expect(old.State!.Name).toBe('terminated');
    const app = (await ec2.send(new EC2.DescribeInstancesCommand({ InstanceIds: [next.App] }))).Reservations![0].Instances![0];
    expect(app).toMatchObject({ State: { Name: 'running' }, SubnetId: next.PrivateSubnet, KeyName: 'ops' });
    const priv = (await ec2.send(new EC2.DescribeRouteTablesCommand({ RouteTableIds: [next.PrivateRoutes] }))).RouteTables![0];
    expect(priv.Associations!.map((a) => a.SubnetId)).toEqual([next.PrivateSubnet]);
    const acl = (await ec2.send(new EC2.DescribeNetworkAclsCommand({ NetworkAclIds: [next.PrivateAcl] }))).NetworkAcls![0];
    expect(acl.Associations!.map((a) => a.SubnetId)).toEqual([next.PrivateSubnet]);

    expect((await ec2.send(new EC2.DescribeSubnetsCommand({ SubnetIds: [next.PublicSubnet] }))).Subnets![0].MapPublicIpOnLaunch).toBe(false);
    expect(await userDataOf(next.Web)).toContain("echo 'updated'");
    const web = (await ec2.send(new EC2.DescribeInstancesCommand({ InstanceIds: [next.Web] }))).Reservations![0].Instances![0];
    expect(web.State!.Name).toBe('running');
    // A stop and start gives a new public address, and the output follows it.
    expect(next.WebPublicIp).toBe(web.PublicIpAddress);

    // The replacement was created before the old resource was deleted.
    const h = await history(STACK);
    const update = at(h, `${STACK} UPDATE_IN_PROGRESS`);
    expect(at(h, 'PrivateSubnet UPDATE_COMPLETE', update)).toBeLessThan(at(h, 'PrivateSubnet DELETE_IN_PROGRESS', update));
    expect(at(h, 'App DELETE_COMPLETE', update)).toBeLessThan(at(h, 'PrivateSubnet DELETE_IN_PROGRESS', update));
    Object.assign(out, next);
  });

  it('deletes everything in reverse dependency order, waiting for the instances and the NAT gateway to go', async () => {
    const { StackId } = (await cfn.send(new CFN.DescribeStacksCommand({ StackName: STACK }))).Stacks![0];
    await cfn.send(new CFN.DeleteStackCommand({ StackName: STACK }));
    // A deleted stack is found by its id only.
    const stack = await settle(StackId!);
    expect(stack.StackStatus, await failures(StackId!)).toBe('DELETE_COMPLETE');

    const h = await history(StackId!);
    const del = at(h, `${STACK} DELETE_IN_PROGRESS`);
    expect(at(h, 'Web DELETE_COMPLETE', del)).toBeLessThan(at(h, 'PublicSubnet DELETE_IN_PROGRESS', del));
    expect(at(h, 'Nat DELETE_COMPLETE', del)).toBeLessThan(at(h, 'NatIp DELETE_IN_PROGRESS', del));
    expect(at(h, 'NatIp DELETE_COMPLETE', del)).toBeLessThan(at(h, 'Attach DELETE_IN_PROGRESS', del));
    expect(at(h, 'Attach DELETE_COMPLETE', del)).toBeLessThan(at(h, 'Igw DELETE_IN_PROGRESS', del));
    expect(at(h, 'AppFromWeb DELETE_COMPLETE', del)).toBeLessThan(at(h, 'WebSg DELETE_IN_PROGRESS', del));
    expect(at(h, 'PrivateAclAssoc DELETE_COMPLETE', del)).toBeLessThan(at(h, 'PrivateAcl DELETE_IN_PROGRESS', del));
    for (const id of ['PublicSubnet', 'PrivateSubnet', 'WebSg', 'AppSg', 'PublicRoutes', 'PrivateRoutes', 'PrivateAcl', 'Attach']) {
      expect(at(h, `${id} DELETE_COMPLETE`, del), id).toBeLessThan(at(h, 'Vpc DELETE_IN_PROGRESS', del));
    }

    expect((await ec2.send(new EC2.DescribeVpcsCommand({ Filters: [{ Name: 'vpc-id', Values: [out.VpcId] }] }))).Vpcs).toEqual([]);
    expect((await ec2.send(new EC2.DescribeAddressesCommand({}))).Addresses).toEqual([]);
    const nat = (await ec2.send(new EC2.DescribeNatGatewaysCommand({ NatGatewayIds: [out.Nat] }))).NatGateways![0];
    expect(nat.State).toBe('deleted');
    const states = (await ec2.send(new EC2.DescribeInstancesCommand({ InstanceIds: [out.Web, out.App] }))).Reservations!.flatMap((r) => r.Instances!.map((i) => i.State!.Name));
    expect(states).toEqual(['terminated', 'terminated']);
    expect((await ec2.send(new EC2.DescribeInternetGatewaysCommand({ Filters: [{ Name: 'internet-gateway-id', Values: [out.Igw] }] }))).InternetGateways).toEqual([]);
  });

  it('a NAT gateway that fails (no internet gateway) fails its resource with EC2’s reason, and the create rolls back', async () => {
    const template = `
Resources:
  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.1.0.0/16 } }
  Subnet: { Type: AWS::EC2::Subnet, Properties: { VpcId: !Ref Vpc, CidrBlock: 10.1.0.0/24 } }
  Ip: { Type: AWS::EC2::EIP }
  Nat: { Type: AWS::EC2::NatGateway, Properties: { SubnetId: !Ref Subnet, AllocationId: !GetAtt Ip.AllocationId } }
`;
    await cfn.send(new CFN.CreateStackCommand({ StackName: 'no-igw', TemplateBody: template }));
    const stack = await settle('no-igw');
    expect(stack.StackStatus).toBe('ROLLBACK_COMPLETE');
    const events = (await cfn.send(new CFN.DescribeStackEventsCommand({ StackName: 'no-igw' }))).StackEvents!;
    const failed = events.find((e) => e.LogicalResourceId === 'Nat' && e.ResourceStatus === 'CREATE_FAILED')!;
    expect(failed.ResourceStatusReason).toMatch(/went to FAILED state.*Gateway\.NotAttached.*has no Internet gateway attached/);
    // The rollback deleted what had been created.
    expect((await ec2.send(new EC2.DescribeVpcsCommand({ Filters: [{ Name: 'cidr', Values: ['10.1.0.0/16'] }] }))).Vpcs).toEqual([]);
    expect((await ec2.send(new EC2.DescribeAddressesCommand({}))).Addresses).toEqual([]);
  });

  it('a rule EC2 refuses fails the security group, and the rollback leaves nothing behind (not even the VPC)', async () => {
    const template = `
Resources:
  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.3.0.0/16 } }
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: a typo in a rule
      VpcId: !Ref Vpc
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/33 }]
`;
    await cfn.send(new CFN.CreateStackCommand({ StackName: 'bad-rule', TemplateBody: template }));
    const stack = await settle('bad-rule');
    expect(stack.StackStatus, await failures('bad-rule')).toBe('ROLLBACK_COMPLETE');
    const events = (await cfn.send(new CFN.DescribeStackEventsCommand({ StackName: 'bad-rule' }))).StackEvents!;
    expect(events.find((e) => e.LogicalResourceId === 'Sg' && e.ResourceStatus === 'CREATE_FAILED')!.ResourceStatusReason).toContain('CIDR block 10.0.0.0/33 is malformed');
    expect((await ec2.send(new EC2.DescribeVpcsCommand({ Filters: [{ Name: 'cidr', Values: ['10.3.0.0/16'] }] }))).Vpcs).toEqual([]);
    expect((await ec2.send(new EC2.DescribeSecurityGroupsCommand({ Filters: [{ Name: 'description', Values: ['a typo in a rule'] }] }))).SecurityGroups).toEqual([]);
  });

  it('a security group without VpcId lands in the default VPC, and its Ref is its name', async () => {
    const template = `
Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupName: classic-name
      GroupDescription: in the default VPC
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0 }]
Outputs:
  Ref: { Value: !Ref Sg }
  Id: { Value: !GetAtt Sg.GroupId }
`;
    await cfn.send(new CFN.CreateStackCommand({ StackName: 'default-vpc-sg', TemplateBody: template }));
    const stack = await settle('default-vpc-sg');
    expect(stack.StackStatus, await failures('default-vpc-sg')).toBe('CREATE_COMPLETE');
    const o = outputs(stack);
    expect(o.Ref).toBe('classic-name');
    const g = (await ec2.send(new EC2.DescribeSecurityGroupsCommand({ GroupIds: [o.Id] }))).SecurityGroups![0];
    const defaultVpc = (await ec2.send(new EC2.DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs![0];
    expect(g.VpcId).toBe(defaultVpc.VpcId);
    // Removing the inline rule revokes it; the default egress rule stays.
    await cfn.send(new CFN.UpdateStackCommand({ StackName: 'default-vpc-sg', TemplateBody: template.replace(/ {6}SecurityGroupIngress.*\n/, '') }));
    expect((await settle('default-vpc-sg')).StackStatus).toBe('UPDATE_COMPLETE');
    const updated = (await ec2.send(new EC2.DescribeSecurityGroupsCommand({ GroupIds: [o.Id] }))).SecurityGroups![0];
    expect(updated.IpPermissions).toEqual([]);
    expect(updated.IpPermissionsEgress).toMatchObject([{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]);
    await cfn.send(new CFN.DeleteStackCommand({ StackName: 'default-vpc-sg' }));
    expect((await settle(stack.StackId!)).StackStatus).toBe('DELETE_COMPLETE');
  });
});

describe('CloudFormation waits where AWS waits', () => {
  let slow: TestEmulator;
  afterAll(() => slow?.close());

  it('a NAT gateway resource completes once the gateway is available, an instance once it runs; deletes wait until they are gone', async () => {
    // Half-second transitions: long enough to see that the stack waited for them.
    slow = await startTestEmulator({ services: { ec2: { natPending: 0.5, natDeleting: 0.5, instancePending: 0.5, instanceShuttingDown: 0.5 } } });
    const c = new CFN.CloudFormationClient(slow.config());
    const e = new EC2.EC2Client(slow.config());
    const template = `
Resources:
  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.2.0.0/16 } }
  Igw: { Type: AWS::EC2::InternetGateway }
  Attach: { Type: AWS::EC2::VPCGatewayAttachment, Properties: { VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw } }
  Subnet: { Type: AWS::EC2::Subnet, Properties: { VpcId: !Ref Vpc, CidrBlock: 10.2.0.0/24 } }
  Ip: { Type: AWS::EC2::EIP, DependsOn: Attach }
  Nat: { Type: AWS::EC2::NatGateway, Properties: { SubnetId: !Ref Subnet, AllocationId: !GetAtt Ip.AllocationId } }
  Host: { Type: AWS::EC2::Instance, Properties: { ImageId: ${ami}, InstanceType: t3.micro, SubnetId: !Ref Subnet } }
Outputs:
  Nat: { Value: !Ref Nat }
  Host: { Value: !Ref Host }
`;
    const { StackId } = await c.send(new CFN.CreateStackCommand({ StackName: 'waits', TemplateBody: template }));
    const poll = async () => {
      for (;;) {
        const s = (await c.send(new CFN.DescribeStacksCommand({ StackName: StackId }))).Stacks![0];
        if (!s.StackStatus!.endsWith('_IN_PROGRESS')) return s;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const created = await poll();
    expect(created.StackStatus).toBe('CREATE_COMPLETE');
    const o = outputs(created);
    expect((await e.send(new EC2.DescribeNatGatewaysCommand({ NatGatewayIds: [o.Nat] }))).NatGateways![0].State).toBe('available');
    expect((await e.send(new EC2.DescribeInstancesCommand({ InstanceIds: [o.Host] }))).Reservations![0].Instances![0].State!.Name).toBe('running');

    const took = async (id: string, from: string, to: string) => {
      const events = (await c.send(new CFN.DescribeStackEventsCommand({ StackName: StackId }))).StackEvents!;
      // Events come newest first: the first IN_PROGRESS event of the resource is the last one listed.
      const time = (status: string) => events.filter((ev) => ev.LogicalResourceId === id && ev.ResourceStatus === status).at(-1)!.Timestamp!.getTime();
      return time(to) - time(from);
    };
    expect(await took('Nat', 'CREATE_IN_PROGRESS', 'CREATE_COMPLETE')).toBeGreaterThanOrEqual(450);
    expect(await took('Host', 'CREATE_IN_PROGRESS', 'CREATE_COMPLETE')).toBeGreaterThanOrEqual(450);

    await c.send(new CFN.DeleteStackCommand({ StackName: StackId }));
    expect((await poll()).StackStatus).toBe('DELETE_COMPLETE');
    expect(await took('Nat', 'DELETE_IN_PROGRESS', 'DELETE_COMPLETE')).toBeGreaterThanOrEqual(450);
    expect(await took('Host', 'DELETE_IN_PROGRESS', 'DELETE_COMPLETE')).toBeGreaterThanOrEqual(450);
    expect((await e.send(new EC2.DescribeNatGatewaysCommand({ NatGatewayIds: [o.Nat] }))).NatGateways![0].State).toBe('deleted');
    expect((await e.send(new EC2.DescribeInstancesCommand({ InstanceIds: [o.Host] }))).Reservations![0].Instances![0].State!.Name).toBe('terminated');
  });
});
