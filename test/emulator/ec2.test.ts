import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as EC2 from '@aws-sdk/client-ec2';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { expectSameShape, plainOutput, snapshot } from '../helpers/snapshots.js';

const SNAP = 'ec2__test_ec2.snapshot.json';
let emu: TestEmulator;
let ec2: EC2.EC2Client;
/** The recorded snapshots were made in account 111111111111. */
let ec2As111: EC2.EC2Client;

beforeAll(async () => {
  emu = await startTestEmulator();
  ec2 = new EC2.EC2Client(emu.config());
  ec2As111 = new EC2.EC2Client(emu.config({ accessKeyId: '111111111111', secretAccessKey: 'x' }));
});
afterAll(() => emu?.close());

const err = (p: Promise<unknown>) => p.then(() => undefined, (e: EC2.EC2ServiceException) => e);

describe('EC2 over ec2Query', () => {
  it('errors come back in EC2 shape: dotted codes, HTTP 400, MissingParameter, DryRunOperation', async () => {
    const e = await err(ec2.send(new EC2.DescribeVpcsCommand({ VpcIds: ['vpc-0123456789abcdef0'] })));
    expect(e).toMatchObject({ name: 'InvalidVpcID.NotFound', message: "The vpc ID 'vpc-0123456789abcdef0' does not exist", $metadata: { httpStatusCode: 400 } });
    const missing = await err(ec2.send(new EC2.CreateSubnetCommand({ CidrBlock: '10.0.0.0/24' } as EC2.CreateSubnetRequest)));
    expect(missing).toMatchObject({ name: 'MissingParameter', message: 'The request must contain the parameter VpcId' });
    const dry = await err(ec2.send(new EC2.CreateVpcCommand({ CidrBlock: '10.9.0.0/16', DryRun: true })));
    expect(dry).toMatchObject({ name: 'DryRunOperation', message: 'Request would have succeeded, but DryRun flag is set.', $metadata: { httpStatusCode: 412 } });
    expect((await ec2.send(new EC2.DescribeVpcsCommand({ Filters: [{ Name: 'cidr', Values: ['10.9.0.0/16'] }] }))).Vpcs).toEqual([]);
    const badFilter = await err(ec2.send(new EC2.DescribeVpcsCommand({ Filters: [{ Name: 'colour', Values: ['blue'] }] })));
    expect(badFilter).toMatchObject({ name: 'InvalidParameterValue', message: "The filter 'colour' is invalid" });
  });

  it('every region has a default VPC as AWS makes it: /20 subnets per zone, gateway, routes, group, ACL, DHCP options', async () => {
    const [vpc] = (await ec2.send(new EC2.DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs!;
    expect(vpc).toMatchObject({ CidrBlock: '172.31.0.0/16', IsDefault: true, State: 'available', InstanceTenancy: 'default', OwnerId: '000000000000' });
    const subnets = (await ec2.send(new EC2.DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }] }))).Subnets!;
    expect(subnets.map((s) => [s.AvailabilityZone, s.AvailabilityZoneId, s.CidrBlock])).toEqual([
      ['us-east-1a', 'use1-az6', '172.31.0.0/20'],
      ['us-east-1b', 'use1-az1', '172.31.16.0/20'],
      ['us-east-1c', 'use1-az2', '172.31.32.0/20'],
      ['us-east-1d', 'use1-az4', '172.31.48.0/20'],
      ['us-east-1e', 'use1-az3', '172.31.64.0/20'],
      ['us-east-1f', 'use1-az5', '172.31.80.0/20'],
    ]);
    for (const s of subnets) expect(s).toMatchObject({ DefaultForAz: true, MapPublicIpOnLaunch: true, AvailableIpAddressCount: 4091, State: 'available' });

    const [igw] = (await ec2.send(new EC2.DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpc.VpcId!] }] }))).InternetGateways!;
    expect(igw.Attachments).toEqual([{ State: 'available', VpcId: vpc.VpcId }]);
    const [main] = (await ec2.send(new EC2.DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }, { Name: 'association.main', Values: ['true'] }] }))).RouteTables!;
    expect(main.Routes).toEqual([
      { DestinationCidrBlock: '172.31.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' },
      { DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw.InternetGatewayId, Origin: 'CreateRoute', State: 'active' },
    ]);
    const [sg] = (await ec2.send(new EC2.DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }, { Name: 'group-name', Values: ['default'] }] }))).SecurityGroups!;
    expect(sg.IpPermissions).toEqual([{ IpProtocol: '-1', UserIdGroupPairs: [{ UserId: '000000000000', GroupId: sg.GroupId }], IpRanges: [], Ipv6Ranges: [], PrefixListIds: [] }]);
    expect(sg.IpPermissionsEgress![0]).toMatchObject({ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] });
    const [acl] = (await ec2.send(new EC2.DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }, { Name: 'default', Values: ['true'] }] }))).NetworkAcls!;
    expect(acl.Entries!.map((e) => [e.Egress, e.RuleNumber, e.RuleAction, e.Protocol, e.CidrBlock])).toEqual([
      [true, 100, 'allow', '-1', '0.0.0.0/0'],
      [true, 32767, 'deny', '-1', '0.0.0.0/0'],
      [false, 100, 'allow', '-1', '0.0.0.0/0'],
      [false, 32767, 'deny', '-1', '0.0.0.0/0'],
    ]);
    expect(acl.Associations).toHaveLength(6);
    const [dopt] = (await ec2.send(new EC2.DescribeDhcpOptionsCommand({ DhcpOptionsIds: [vpc.DhcpOptionsId!] }))).DhcpOptions!;
    expect(dopt.DhcpConfigurations).toEqual([
      { Key: 'domain-name', Values: [{ Value: 'ec2.internal' }] },
      { Key: 'domain-name-servers', Values: [{ Value: 'AmazonProvidedDNS' }] },
    ]);
    const dns = await ec2.send(new EC2.DescribeVpcAttributeCommand({ VpcId: vpc.VpcId, Attribute: 'enableDnsHostnames' }));
    expect(dns.EnableDnsHostnames).toEqual({ Value: true });

    // Another region has its own default VPC, with its own zones.
    const eu = new EC2.EC2Client(emu.config(undefined, 'eu-west-1'));
    const euSubnets = (await eu.send(new EC2.DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }))).Subnets!;
    expect(euSubnets.map((s) => s.AvailabilityZone)).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(euSubnets[0].VpcId).not.toBe(vpc.VpcId);
  });

  it('DescribeRegions lists the commercial regions; DescribeAvailabilityZones matches the recorded shapes', async () => {
    const regions = (await ec2.send(new EC2.DescribeRegionsCommand({}))).Regions!;
    expect(regions.map((r) => r.RegionName)).toContain('eu-central-1');
    expect(regions.map((r) => r.RegionName)).not.toContain('af-south-1');
    expect(regions.find((r) => r.RegionName === 'us-east-1')).toEqual({ OptInStatus: 'opt-in-not-required', RegionName: 'us-east-1', Endpoint: 'ec2.us-east-1.amazonaws.com' });
    const all = (await ec2.send(new EC2.DescribeRegionsCommand({ AllRegions: true, Filters: [{ Name: 'opt-in-status', Values: ['not-opted-in'] }] }))).Regions!;
    expect(all.map((r) => r.RegionName)).toContain('af-south-1');

    const byName = await ec2.send(new EC2.DescribeAvailabilityZonesCommand({ ZoneNames: ['us-east-1a'] }));
    expectSameShape(plainOutput(byName), snapshot(SNAP, 'test_describe_availability_zones_filter_with_zone_names', 'availability_zones'));
    const byId = await ec2.send(new EC2.DescribeAvailabilityZonesCommand({ ZoneIds: ['use1-az1'] }));
    expectSameShape(plainOutput(byId), snapshot(SNAP, 'test_describe_availability_zones_filter_with_zone_ids', 'availability_zones'));
    const filtered = await ec2.send(new EC2.DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'zone-name', Values: ['us-east-1a'] }] }));
    expectSameShape(plainOutput(filtered), snapshot(SNAP, 'test_describe_availability_zones_filters', 'availability_zones'));
  });

  it('CreateVpc, GetSecurityGroupsForVpc and CreateSecurityGroup match the recorded shapes', async () => {
    const created = await ec2As111.send(
      new EC2.CreateVpcCommand({ CidrBlock: '10.0.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'test-key', Value: 'test-value' }] }] }),
    );
    const rec = snapshot(SNAP, 'test_get_security_groups_for_vpc', 'create_vpc_response');
    expectSameShape(plainOutput(created), rec);
    const vpcId = created.Vpc!.VpcId!;
    const before = await ec2As111.send(new EC2.GetSecurityGroupsForVpcCommand({ VpcId: vpcId }));
    expectSameShape(plainOutput(before), snapshot(SNAP, 'test_get_security_groups_for_vpc', 'get_security_groups_for_vpc'));
    const sg = await ec2As111.send(new EC2.CreateSecurityGroupCommand({ GroupName: 'app', Description: 'Description for app', VpcId: vpcId }));
    expectSameShape(plainOutput(sg), snapshot(SNAP, 'test_get_security_groups_for_vpc', 'create_security_group'));
    expect(sg.SecurityGroupArn).toBe(`arn:aws:ec2:us-east-1:111111111111:security-group/${sg.GroupId}`);
    const after = await ec2As111.send(new EC2.GetSecurityGroupsForVpcCommand({ VpcId: vpcId }));
    expectSameShape(plainOutput(after), snapshot(SNAP, 'test_get_security_groups_for_vpc', 'get_security_groups_for_vpc_after_addition'));
    expect((await ec2As111.send(new EC2.DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs![0].State).toBe('available');
  });

  it('a route table associated with a subnet matches the recorded shape', async () => {
    const vpc = (await ec2As111.send(new EC2.CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    const subnet = (await ec2As111.send(new EC2.CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.0.0.0/24' }))).Subnet!.SubnetId!;
    const rtb = (await ec2As111.send(new EC2.CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
    const assoc = await ec2As111.send(new EC2.AssociateRouteTableCommand({ RouteTableId: rtb, SubnetId: subnet }));
    expect(assoc.AssociationState).toEqual({ State: 'associated' });
    const tables = await ec2As111.send(new EC2.DescribeRouteTablesCommand({ RouteTableIds: [rtb] }));
    expectSameShape({ ...(plainOutput(tables.RouteTables) as object[]) }, snapshot(SNAP, 'test_create_route_table_association', 'route_tables'));
  });

  it('VPC and subnet CIDRs are validated as AWS does; dependencies block deletes', async () => {
    expect(await err(ec2.send(new EC2.CreateVpcCommand({ CidrBlock: '10.0.0.0/8' })))).toMatchObject({ name: 'InvalidVpc.Range', message: "The CIDR '10.0.0.0/8' is invalid." });
    expect(await err(ec2.send(new EC2.CreateVpcCommand({ CidrBlock: '10.0.0.0/33' })))).toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Value (10.0.0.0/33) for parameter cidrBlock is invalid. This is not a valid CIDR block.',
    });
    const vpc = (await ec2.send(new EC2.CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))).Vpc!;
    expect(vpc.State).toBe('pending');
    const s1 = (await ec2.send(new EC2.CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.20.1.0/24', AvailabilityZone: 'us-east-1b' }))).Subnet!;
    expect(s1).toMatchObject({ AvailableIpAddressCount: 251, MapPublicIpOnLaunch: false, DefaultForAz: false, AvailabilityZoneId: 'use1-az1' });
    expect(s1.SubnetArn).toBe(`arn:aws:ec2:us-east-1:000000000000:subnet/${s1.SubnetId}`);
    expect(await err(ec2.send(new EC2.CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.20.1.128/25' })))).toMatchObject({
      name: 'InvalidSubnet.Conflict',
      message: "The CIDR '10.20.1.128/25' conflicts with another subnet",
    });
    expect(await err(ec2.send(new EC2.CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.21.0.0/24' })))).toMatchObject({ name: 'InvalidSubnet.Range' });
    expect(await err(ec2.send(new EC2.CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.20.2.0/24', AvailabilityZone: 'us-east-1z' })))).toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('Subnets can currently only be created in the following availability zones: us-east-1a, us-east-1b'),
    });
    await ec2.send(new EC2.ModifySubnetAttributeCommand({ SubnetId: s1.SubnetId, MapPublicIpOnLaunch: { Value: true } }));
    expect((await ec2.send(new EC2.DescribeSubnetsCommand({ Filters: [{ Name: 'map-public-ip-on-launch', Values: ['true'] }, { Name: 'vpc-id', Values: [vpc.VpcId!] }] }))).Subnets).toHaveLength(1);

    expect(await err(ec2.send(new EC2.DeleteVpcCommand({ VpcId: vpc.VpcId })))).toMatchObject({
      name: 'DependencyViolation',
      message: `The vpc '${vpc.VpcId}' has dependencies and cannot be deleted.`,
    });
    await ec2.send(new EC2.DeleteSubnetCommand({ SubnetId: s1.SubnetId }));
    await ec2.send(new EC2.DeleteVpcCommand({ VpcId: vpc.VpcId }));
    // The main route table, default ACL and default group went with it.
    expect((await ec2.send(new EC2.DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }] }))).RouteTables).toEqual([]);
    expect((await ec2.send(new EC2.DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }] }))).SecurityGroups).toEqual([]);
  });

  it('internet gateways attach to one VPC, and cannot be deleted while attached', async () => {
    const vpc = (await ec2.send(new EC2.CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }))).Vpc!.VpcId!;
    const igw = (await ec2.send(new EC2.CreateInternetGatewayCommand({ TagSpecifications: [{ ResourceType: 'internet-gateway', Tags: [{ Key: 'Name', Value: 'gw' }] }] }))).InternetGateway!;
    expect(igw).toMatchObject({ Attachments: [], Tags: [{ Key: 'Name', Value: 'gw' }], OwnerId: '000000000000' });
    const id = igw.InternetGatewayId!;
    expect(await err(ec2.send(new EC2.DetachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpc })))).toMatchObject({
      name: 'Gateway.NotAttached',
      message: `resource ${id} is not attached to network ${vpc}`,
    });
    await ec2.send(new EC2.AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpc }));
    expect(await err(ec2.send(new EC2.AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpc })))).toMatchObject({
      name: 'Resource.AlreadyAssociated',
      message: `resource ${id} is already attached to network ${vpc}`,
    });
    expect(await err(ec2.send(new EC2.DeleteInternetGatewayCommand({ InternetGatewayId: id })))).toMatchObject({ name: 'DependencyViolation' });
    expect((await ec2.send(new EC2.DescribeInternetGatewaysCommand({ Filters: [{ Name: 'tag:Name', Values: ['gw'] }] }))).InternetGateways![0].Attachments).toEqual([
      { State: 'available', VpcId: vpc },
    ]);
    await ec2.send(new EC2.DetachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpc }));
    await ec2.send(new EC2.DeleteInternetGatewayCommand({ InternetGatewayId: id }));
    expect(await err(ec2.send(new EC2.DescribeInternetGatewaysCommand({ InternetGatewayIds: [id] })))).toMatchObject({ name: 'InvalidInternetGatewayID.NotFound' });
  });

  it('routes: create, replace, delete with gateway and NAT targets; associations, main table and their errors', async () => {
    const vpc = (await ec2.send(new EC2.CreateVpcCommand({ CidrBlock: '10.40.0.0/16' }))).Vpc!.VpcId!;
    const subnet = (await ec2.send(new EC2.CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.40.0.0/24' }))).Subnet!.SubnetId!;
    const igw = (await ec2.send(new EC2.CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    const rtb = (await ec2.send(new EC2.CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
    expect(await err(ec2.send(new EC2.CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw })))).toMatchObject({
      name: 'InvalidParameterValue',
      message: `route table ${rtb} and network gateway ${igw} belong to different networks`,
    });
    await ec2.send(new EC2.AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
    expect((await ec2.send(new EC2.CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }))).Return).toBe(true);
    expect(await err(ec2.send(new EC2.CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw })))).toMatchObject({
      name: 'RouteAlreadyExists',
      message: 'The route identified by 0.0.0.0/0 already exists.',
    });
    expect(await err(ec2.send(new EC2.DeleteRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '10.40.0.0/16' })))).toMatchObject({
      message: `cannot remove local route 10.40.0.0/16 in route table ${rtb}`,
    });
    expect(await err(ec2.send(new EC2.ReplaceRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '192.168.0.0/16', GatewayId: igw })))).toMatchObject({
      message: "There is no route defined for '192.168.0.0/16' in the route table. Use CreateRoute instead.",
    });
    const found = await ec2.send(new EC2.DescribeRouteTablesCommand({ Filters: [{ Name: 'route.destination-cidr-block', Values: ['0.0.0.0/0'] }, { Name: 'vpc-id', Values: [vpc] }] }));
    expect(found.RouteTables!.map((r) => r.RouteTableId)).toEqual([rtb]);

    const assoc = (await ec2.send(new EC2.AssociateRouteTableCommand({ RouteTableId: rtb, SubnetId: subnet }))).AssociationId!;
    expect(await err(ec2.send(new EC2.AssociateRouteTableCommand({ RouteTableId: rtb, SubnetId: subnet })))).toMatchObject({ name: 'Resource.AlreadyAssociated' });
    expect(await err(ec2.send(new EC2.DeleteRouteTableCommand({ RouteTableId: rtb })))).toMatchObject({
      name: 'DependencyViolation',
      message: `The routeTable '${rtb}' has dependencies and cannot be deleted.`,
    });
    // Make it the VPC's main table, then back.
    const main = (await ec2.send(new EC2.DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }, { Name: 'association.main', Values: ['true'] }] }))).RouteTables![0];
    const mainAssoc = main.Associations![0].RouteTableAssociationId!;
    expect(await err(ec2.send(new EC2.DisassociateRouteTableCommand({ AssociationId: mainAssoc })))).toMatchObject({
      message: `cannot disassociate the main route table association ${mainAssoc}`,
    });
    const replaced = await ec2.send(new EC2.ReplaceRouteTableAssociationCommand({ AssociationId: mainAssoc, RouteTableId: rtb }));
    const nowMain = (await ec2.send(new EC2.DescribeRouteTablesCommand({ RouteTableIds: [rtb] }))).RouteTables![0];
    expect(nowMain.Associations!.find((a) => a.Main)!.RouteTableAssociationId).toBe(replaced.NewAssociationId);
    await ec2.send(new EC2.ReplaceRouteTableAssociationCommand({ AssociationId: replaced.NewAssociationId, RouteTableId: main.RouteTableId }));
    await ec2.send(new EC2.DisassociateRouteTableCommand({ AssociationId: assoc }));

    // A NAT gateway target; a detached gateway leaves its route a black hole.
    const eip = await ec2.send(new EC2.AllocateAddressCommand({ Domain: 'vpc' }));
    const nat = (await ec2.send(new EC2.CreateNatGatewayCommand({ SubnetId: subnet, AllocationId: eip.AllocationId }))).NatGateway!;
    expect(nat).toMatchObject({ State: 'pending', ConnectivityType: 'public', VpcId: vpc, NatGatewayAddresses: [{ AllocationId: eip.AllocationId, PublicIp: eip.PublicIp, IsPrimary: true }] });
    await ec2.send(new EC2.ReplaceRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: nat.NatGatewayId }));
    const routes = (await ec2.send(new EC2.DescribeRouteTablesCommand({ RouteTableIds: [rtb] }))).RouteTables![0].Routes!;
    expect(routes[1]).toMatchObject({ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: nat.NatGatewayId, State: 'blackhole' });
    await ec2.send(new EC2.DeleteRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0' }));
    expect(await err(ec2.send(new EC2.DeleteRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0' })))).toMatchObject({
      name: 'InvalidRoute.NotFound',
      message: `no route with destination-cidr-block 0.0.0.0/0 in route table ${rtb}`,
    });
  });

  it('NAT gateways go pending → available by the clock, fail without an internet gateway, and are deleted', async () => {
    let offset = 0;
    const local = await startTestEmulator({ clock: { now: () => Date.now() + offset } });
    try {
      const c = new EC2.EC2Client(local.config());
      const subnet = (await c.send(new EC2.DescribeSubnetsCommand({}))).Subnets![0].SubnetId!;
      const eip = await c.send(new EC2.AllocateAddressCommand({}));
      const nat = (await c.send(new EC2.CreateNatGatewayCommand({ SubnetId: subnet, AllocationId: eip.AllocationId }))).NatGateway!.NatGatewayId!;
      const stateOf = async (id: string) => (await c.send(new EC2.DescribeNatGatewaysCommand({ NatGatewayIds: [id] }))).NatGateways![0];
      expect((await stateOf(nat)).State).toBe('pending');
      offset += 10_000;
      expect(await stateOf(nat)).toMatchObject({ State: 'available', NatGatewayAddresses: [{ Status: 'succeeded', PublicIp: eip.PublicIp }] });
      const addr = (await c.send(new EC2.DescribeAddressesCommand({ AllocationIds: [eip.AllocationId!] }))).Addresses![0];
      expect(addr.AssociationId).toMatch(/^eipassoc-/);
      expect(await err(c.send(new EC2.ReleaseAddressCommand({ AllocationId: eip.AllocationId })))).toMatchObject({ name: 'InvalidIPAddress.InUse' });
      const enis = (await c.send(new EC2.DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'interface-type', Values: ['nat_gateway'] }] }))).NetworkInterfaces!;
      expect(enis[0]).toMatchObject({ Description: `Interface for NAT Gateway ${nat}`, RequesterManaged: true, Status: 'in-use' });

      // A NAT gateway in a VPC without an internet gateway fails.
      const vpc = (await c.send(new EC2.CreateVpcCommand({ CidrBlock: '10.50.0.0/16' }))).Vpc!.VpcId!;
      const isolated = (await c.send(new EC2.CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.50.0.0/24' }))).Subnet!.SubnetId!;
      const eip2 = await c.send(new EC2.AllocateAddressCommand({}));
      const bad = (await c.send(new EC2.CreateNatGatewayCommand({ SubnetId: isolated, AllocationId: eip2.AllocationId }))).NatGateway!.NatGatewayId!;
      offset += 10_000;
      expect(await stateOf(bad)).toMatchObject({ State: 'failed', FailureCode: 'Gateway.NotAttached', FailureMessage: `Network ${vpc} has no Internet gateway attached` });

      expect((await c.send(new EC2.DeleteNatGatewayCommand({ NatGatewayId: nat }))).NatGatewayId).toBe(nat);
      expect((await stateOf(nat)).State).toBe('deleting');
      offset += 10_000;
      expect((await stateOf(nat)).State).toBe('deleted');
      await c.send(new EC2.ReleaseAddressCommand({ AllocationId: eip.AllocationId }));
      expect((await c.send(new EC2.DescribeNatGatewaysCommand({ Filter: [{ Name: 'state', Values: ['available', 'pending'] }] }))).NatGateways).toEqual([]);
      expect(await err(c.send(new EC2.DescribeNatGatewaysCommand({ NatGatewayIds: ['nat-0123456789abcdef0'] })))).toMatchObject({ name: 'NatGatewayNotFound' });
    } finally {
      await local.close();
    }
  });

  it('network ACL entries: numbered, per direction, with AWS errors; ACLs swap subnets by association', async () => {
    const vpc = (await ec2.send(new EC2.CreateVpcCommand({ CidrBlock: '10.60.0.0/16' }))).Vpc!.VpcId!;
    const subnet = (await ec2.send(new EC2.CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.60.1.0/24' }))).Subnet!.SubnetId!;
    const acl = (await ec2.send(new EC2.CreateNetworkAclCommand({ VpcId: vpc }))).NetworkAcl!;
    expect(acl.IsDefault).toBe(false);
    expect(acl.Entries!.map((e) => [e.Egress, e.RuleNumber, e.RuleAction])).toEqual([
      [true, 32767, 'deny'],
      [false, 32767, 'deny'],
    ]);
    const id = acl.NetworkAclId!;
    await ec2.send(new EC2.CreateNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 100, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 443, To: 443 } }));
    expect(
      await err(ec2.send(new EC2.CreateNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 100, Protocol: '6', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 22, To: 22 } }))),
    ).toMatchObject({ name: 'NetworkAclEntryAlreadyExists', message: 'The network acl entry identified by 100 already exists.' });
    // The same number in the other direction is another rule.
    await ec2.send(new EC2.CreateNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' }));
    expect(await err(ec2.send(new EC2.CreateNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 110, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' })))).toMatchObject({
      name: 'MissingParameter',
    });
    const withPort = (await ec2.send(new EC2.DescribeNetworkAclsCommand({ Filters: [{ Name: 'entry.port-range.from', Values: ['443'] }] }))).NetworkAcls!;
    expect(withPort.map((a) => a.NetworkAclId)).toEqual([id]);

    const current = (await ec2.send(new EC2.DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnet] }] }))).NetworkAcls![0];
    expect(current.IsDefault).toBe(true);
    const assocId = current.Associations!.find((a) => a.SubnetId === subnet)!.NetworkAclAssociationId;
    const moved = await ec2.send(new EC2.ReplaceNetworkAclAssociationCommand({ AssociationId: assocId, NetworkAclId: id }));
    expect(moved.NewAssociationId).toMatch(/^aclassoc-/);
    expect(await err(ec2.send(new EC2.DeleteNetworkAclCommand({ NetworkAclId: id })))).toMatchObject({ name: 'DependencyViolation' });
    expect(await err(ec2.send(new EC2.DeleteNetworkAclCommand({ NetworkAclId: current.NetworkAclId })))).toMatchObject({
      message: `cannot delete default network ACL ${current.NetworkAclId}`,
    });
    await ec2.send(new EC2.DeleteNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 100, Egress: false }));
    expect((await ec2.send(new EC2.DescribeNetworkAclsCommand({ NetworkAclIds: [id] }))).NetworkAcls![0].Entries).toHaveLength(3);
  });

  it('security groups: the default egress rule, rules by CIDR, IPv6, prefix list and group, duplicates, revoke, rule ids', async () => {
    const vpc = (await ec2.send(new EC2.CreateVpcCommand({ CidrBlock: '10.70.0.0/16' }))).Vpc!.VpcId!;
    const web = (await ec2.send(new EC2.CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web tier', VpcId: vpc }))).GroupId!;
    const app = (await ec2.send(new EC2.CreateSecurityGroupCommand({ GroupName: 'app', Description: 'app tier', VpcId: vpc }))).GroupId!;
    expect(await err(ec2.send(new EC2.CreateSecurityGroupCommand({ GroupName: 'web', Description: 'again', VpcId: vpc })))).toMatchObject({
      name: 'InvalidGroup.Duplicate',
      message: `The security group 'web' already exists for VPC '${vpc}'`,
    });
    const added = await ec2.send(
      new EC2.AuthorizeSecurityGroupIngressCommand({
        GroupId: web,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'https' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '203.0.113.10/32' }] },
        ],
      }),
    );
    expect(added.Return).toBe(true);
    expect(added.SecurityGroupRules!.map((r) => [r.IsEgress, r.IpProtocol, r.FromPort, r.CidrIpv4 ?? r.CidrIpv6])).toEqual([
      [false, 'tcp', 443, '0.0.0.0/0'],
      [false, 'tcp', 443, '::/0'],
      [false, 'tcp', 22, '203.0.113.10/32'],
    ]);
    expect(added.SecurityGroupRules![0].SecurityGroupRuleId).toMatch(/^sgr-[0-9a-f]{17}$/);
    await ec2.send(new EC2.AuthorizeSecurityGroupIngressCommand({ GroupId: app, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: web }] }] }));
    await ec2.send(new EC2.AuthorizeSecurityGroupEgressCommand({ GroupId: app, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: 'pl-63a5400a' }] }] }));
    const dup = await err(ec2.send(new EC2.AuthorizeSecurityGroupIngressCommand({ GroupId: web, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '203.0.113.10/32' }] }] })));
    expect(dup).toMatchObject({ name: 'InvalidPermission.Duplicate', message: 'the specified rule "peer: 203.0.113.10/32, TCP, from port: 22, to port: 22, ALLOW" already exists' });

    const [g] = (await ec2.send(new EC2.DescribeSecurityGroupsCommand({ GroupIds: [web] }))).SecurityGroups!;
    expect(g.IpPermissions).toEqual([
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [], IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'https' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }], PrefixListIds: [] },
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [], IpRanges: [{ CidrIp: '203.0.113.10/32' }], Ipv6Ranges: [], PrefixListIds: [] },
    ]);
    expect(g.IpPermissionsEgress).toEqual([{ IpProtocol: '-1', UserIdGroupPairs: [], IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [] }]);

    const by22 = await ec2.send(new EC2.DescribeSecurityGroupsCommand({ Filters: [{ Name: 'ip-permission.from-port', Values: ['22'] }, { Name: 'vpc-id', Values: [vpc] }] }));
    expect(by22.SecurityGroups!.map((x) => x.GroupName)).toEqual(['web']);
    const refs = await ec2.send(new EC2.DescribeSecurityGroupsCommand({ Filters: [{ Name: 'ip-permission.group-id', Values: [web] }] }));
    expect(refs.SecurityGroups!.map((x) => x.GroupName)).toEqual(['app']);

    const rules = (await ec2.send(new EC2.DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [app] }] }))).SecurityGroupRules!;
    expect(rules.map((r) => [r.IsEgress, r.IpProtocol, r.FromPort, r.ToPort, r.CidrIpv4 ?? r.PrefixListId ?? r.ReferencedGroupInfo?.GroupId])).toEqual([
      [true, '-1', -1, -1, '0.0.0.0/0'],
      [false, 'tcp', 8080, 8080, web],
      [true, 'tcp', 443, 443, 'pl-63a5400a'],
    ]);

    expect(await err(ec2.send(new EC2.DeleteSecurityGroupCommand({ GroupId: web })))).toMatchObject({ name: 'DependencyViolation', message: `resource ${web} has a dependent object` });
    const revoked = await ec2.send(new EC2.RevokeSecurityGroupIngressCommand({ GroupId: app, SecurityGroupRuleIds: [rules[1].SecurityGroupRuleId!] }));
    expect(revoked.RevokedSecurityGroupRules).toEqual([{ SecurityGroupRuleId: rules[1].SecurityGroupRuleId, GroupId: app, IsEgress: false }]);
    expect(await err(ec2.send(new EC2.RevokeSecurityGroupIngressCommand({ GroupId: web, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 25, ToPort: 25, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] })))).toMatchObject({
      name: 'InvalidPermission.NotFound',
      message: 'The specified rule does not exist in this security group.',
    });
    await ec2.send(new EC2.RevokeSecurityGroupEgressCommand({ GroupId: web, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    expect((await ec2.send(new EC2.DescribeSecurityGroupsCommand({ GroupIds: [web] }))).SecurityGroups![0].IpPermissionsEgress).toEqual([]);
    expect((await ec2.send(new EC2.DeleteSecurityGroupCommand({ GroupId: web }))).Return).toBe(true);

    const def = (await ec2.send(new EC2.DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }, { Name: 'group-name', Values: ['default'] }] }))).SecurityGroups![0];
    expect(await err(ec2.send(new EC2.DeleteSecurityGroupCommand({ GroupId: def.GroupId })))).toMatchObject({
      name: 'CannotDelete',
      message: `the specified group: "${def.GroupId}" name: "default" cannot be deleted by a user`,
    });
    expect(await err(ec2.send(new EC2.DescribeSecurityGroupsCommand({ GroupNames: ['nope'] })))).toMatchObject({ name: 'InvalidGroup.NotFound', message: expect.stringContaining("does not exist in default VPC") });
  });

  it('key pairs: real RSA and ED25519 material, PuTTY format, imports, fingerprints as AWS computes them', async () => {
    const rsa = await ec2.send(new EC2.CreateKeyPairCommand({ KeyName: 'rsa-key' }));
    expect(rsa.KeyMaterial).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    const rsaKey = createPrivateKey(rsa.KeyMaterial!);
    expect(rsaKey.asymmetricKeyDetails!.modulusLength).toBe(2048);
    const sha1 = createHash('sha1').update(rsaKey.export({ type: 'pkcs8', format: 'der' })).digest('hex').match(/../g)!.join(':');
    expect(rsa.KeyFingerprint).toBe(sha1);
    expect(rsa.KeyPairId).toMatch(/^key-[0-9a-f]{17}$/);

    const ed = await ec2.send(new EC2.CreateKeyPairCommand({ KeyName: 'ed-key', KeyType: 'ed25519' }));
    expect(ed.KeyMaterial).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n[\s\S]+\n-----END OPENSSH PRIVATE KEY-----\n$/);
    const body = Buffer.from(ed.KeyMaterial!.split('\n').slice(1, -2).join(''), 'base64');
    expect(body.subarray(0, 15).toString()).toBe('openssh-key-v1\0');
    const described = (await ec2.send(new EC2.DescribeKeyPairsCommand({ KeyNames: ['ed-key'], IncludePublicKey: true }))).KeyPairs![0];
    expect(described).toMatchObject({ KeyType: 'ed25519', KeyName: 'ed-key', KeyFingerprint: ed.KeyFingerprint });
    const blob = Buffer.from(described.PublicKey!.split(' ')[1], 'base64');
    expect(ed.KeyFingerprint).toBe(createHash('sha256').update(blob).digest('base64'));
    // The private key in the OpenSSH file holds the same public key.
    expect(body.includes(blob)).toBe(true);

    const ppk = await ec2.send(new EC2.CreateKeyPairCommand({ KeyName: 'putty', KeyFormat: 'ppk' }));
    expect(ppk.KeyMaterial).toMatch(/^PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\nComment: putty\n/);

    // Import an OpenSSH public key: the fingerprint is the MD5 of the DER public key.
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' });
    const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, (b.length >> 8) & 255, b.length & 255]), b]);
    const mp = (b: Buffer) => str(b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
    const sshBlob = Buffer.concat([str(Buffer.from('ssh-rsa')), mp(Buffer.from(jwk.e!, 'base64url')), mp(Buffer.from(jwk.n!, 'base64url'))]);
    const imported = await ec2.send(new EC2.ImportKeyPairCommand({ KeyName: 'laptop', PublicKeyMaterial: Buffer.from(`ssh-rsa ${sshBlob.toString('base64')} me@laptop\n`) }));
    const md5 = createHash('md5').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').match(/../g)!.join(':');
    expect(imported.KeyFingerprint).toBe(md5);
    expect(await err(ec2.send(new EC2.ImportKeyPairCommand({ KeyName: 'bad', PublicKeyMaterial: Buffer.from('not a key') })))).toMatchObject({
      name: 'InvalidKey.Format',
      message: 'Key is not in valid OpenSSH public key format',
    });
    expect(await err(ec2.send(new EC2.CreateKeyPairCommand({ KeyName: 'laptop' })))).toMatchObject({ name: 'InvalidKeyPair.Duplicate', message: "The keypair 'laptop' already exists." });

    const all = (await ec2.send(new EC2.DescribeKeyPairsCommand({ Filters: [{ Name: 'key-type', Values: ['rsa'] }] }))).KeyPairs!;
    expect(all.map((k) => k.KeyName).sort()).toEqual(['laptop', 'putty', 'rsa-key']);
    expect(all[0].PublicKey).toBeUndefined();
    expect((await ec2.send(new EC2.DeleteKeyPairCommand({ KeyName: 'laptop' }))).Return).toBe(true);
    expect(await err(ec2.send(new EC2.DescribeKeyPairsCommand({ KeyNames: ['laptop'] })))).toMatchObject({ name: 'InvalidKeyPair.NotFound', message: "The key pair 'laptop' does not exist" });
  });

  it('tags: CreateTags, DeleteTags, DescribeTags and the tag filters of Describe*', async () => {
    const a = (await ec2.send(new EC2.CreateVpcCommand({ CidrBlock: '10.80.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'env', Value: 'dev' }] }] }))).Vpc!.VpcId!;
    const b = (await ec2.send(new EC2.CreateVpcCommand({ CidrBlock: '10.81.0.0/16' }))).Vpc!.VpcId!;
    await ec2.send(new EC2.CreateTagsCommand({ Resources: [a, b], Tags: [{ Key: 'Name', Value: 'lab-vpc' }, { Key: 'team', Value: 'blue' }] }));
    await ec2.send(new EC2.CreateTagsCommand({ Resources: [b], Tags: [{ Key: 'env', Value: 'prod' }] }));
    const byTag = async (filters: EC2.Filter[]) => (await ec2.send(new EC2.DescribeVpcsCommand({ Filters: filters }))).Vpcs!.map((v) => v.VpcId).sort();
    expect(await byTag([{ Name: 'tag:env', Values: ['dev'] }])).toEqual([a]);
    expect(await byTag([{ Name: 'tag:env', Values: ['dev', 'prod'] }])).toEqual([a, b].sort());
    expect(await byTag([{ Name: 'tag:Name', Values: ['lab-*'] }, { Name: 'tag:env', Values: ['prod'] }])).toEqual([b]);
    expect(await byTag([{ Name: 'tag-key', Values: ['team'] }])).toEqual([a, b].sort());

    const described = await ec2.send(new EC2.DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [a] }] }));
    expect(described.Tags).toEqual([
      { ResourceId: a, ResourceType: 'vpc', Key: 'Name', Value: 'lab-vpc' },
      { ResourceId: a, ResourceType: 'vpc', Key: 'env', Value: 'dev' },
      { ResourceId: a, ResourceType: 'vpc', Key: 'team', Value: 'blue' },
    ].sort((x, y) => x.Key.localeCompare(y.Key)) as EC2.TagDescription[]);
    await ec2.send(new EC2.DeleteTagsCommand({ Resources: [a], Tags: [{ Key: 'env', Value: 'not-the-value' }, { Key: 'team' }] }));
    expect((await ec2.send(new EC2.DescribeVpcsCommand({ VpcIds: [a] }))).Vpcs![0].Tags!.map((t) => t.Key).sort()).toEqual(['Name', 'env']);
    expect(await err(ec2.send(new EC2.CreateTagsCommand({ Resources: ['vpc-0000000000000dead'], Tags: [{ Key: 'k', Value: 'v' }] })))).toMatchObject({ name: 'InvalidVpcID.NotFound' });
    expect(await err(ec2.send(new EC2.CreateTagsCommand({ Resources: ['banana'], Tags: [{ Key: 'k', Value: 'v' }] })))).toMatchObject({ name: 'InvalidID', message: "The ID 'banana' is not valid" });
  });

  it('MaxResults and NextToken page results; ids and MaxResults do not mix', async () => {
    for (let i = 0; i < 6; i++) await ec2.send(new EC2.CreateVpcCommand({ CidrBlock: `10.${100 + i}.0.0/16`, TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'page', Value: 'yes' }] }] }));
    const filters = [{ Name: 'tag:page', Values: ['yes'] }];
    const first = await ec2.send(new EC2.DescribeVpcsCommand({ Filters: filters, MaxResults: 5 }));
    expect(first.Vpcs).toHaveLength(5);
    expect(first.NextToken).toBeTruthy();
    const second = await ec2.send(new EC2.DescribeVpcsCommand({ Filters: filters, MaxResults: 5, NextToken: first.NextToken }));
    expect(second.Vpcs).toHaveLength(1);
    expect(second.NextToken).toBeUndefined();
    const paged: string[] = [];
    for await (const page of EC2.paginateDescribeVpcs({ client: ec2, pageSize: 5 }, { Filters: filters })) paged.push(...page.Vpcs!.map((v) => v.VpcId!));
    expect(paged).toHaveLength(6);
    expect(await err(ec2.send(new EC2.DescribeVpcsCommand({ VpcIds: [paged[0]], MaxResults: 5 })))).toMatchObject({ name: 'InvalidParameterCombination' });
    expect(await err(ec2.send(new EC2.DescribeVpcsCommand({ MaxResults: 2 })))).toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('the AMI catalog: owners and filters, per-region ids', async () => {
    const amazon = (await ec2.send(new EC2.DescribeImagesCommand({ Owners: ['amazon'] }))).Images!;
    expect(amazon.map((i) => i.Name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^al2023-ami-.*-x86_64$/), expect.stringMatching(/^al2023-ami-.*-arm64$/), expect.stringMatching(/^amzn2-ami-/), expect.stringMatching(/^Windows_Server-2022-/)]),
    );
    expect(amazon.every((i) => i.ImageOwnerAlias === 'amazon')).toBe(true);
    const ubuntu = (await ec2.send(new EC2.DescribeImagesCommand({ Owners: ['099720109477'], Filters: [{ Name: 'name', Values: ['ubuntu/images/*/ubuntu-noble-24.04-*'] }] }))).Images!;
    expect(ubuntu.map((i) => i.Architecture).sort()).toEqual(['arm64', 'x86_64']);
    const windows = (await ec2.send(new EC2.DescribeImagesCommand({ Filters: [{ Name: 'platform', Values: ['windows'] }] }))).Images!;
    expect(windows).toHaveLength(1);
    expect(windows[0]).toMatchObject({ Platform: 'windows', PlatformDetails: 'Windows', RootDeviceName: '/dev/sda1', Architecture: 'x86_64' });
    expect((await ec2.send(new EC2.DescribeImagesCommand({ Owners: ['self'] }))).Images).toEqual([]);
    const al = amazon.find((i) => i.Name!.endsWith('x86_64') && i.Name!.startsWith('al2023'))!;
    expect(al).toMatchObject({ ImageId: expect.stringMatching(/^ami-[0-9a-f]{17}$/), State: 'available', RootDeviceType: 'ebs', VirtualizationType: 'hvm', EnaSupport: true, Public: true });
    const eu = new EC2.EC2Client(emu.config(undefined, 'eu-west-1'));
    const euAl = (await eu.send(new EC2.DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: [al.Name!] }] }))).Images![0];
    expect(euAl.ImageId).not.toBe(al.ImageId);
    expect(await err(ec2.send(new EC2.DescribeImagesCommand({ ImageIds: ['ami-0000000000000dead'] })))).toMatchObject({
      name: 'InvalidAMIID.NotFound',
      message: "The image id '[ami-0000000000000dead]' does not exist",
    });
  });

  it('DescribeInstanceTypes gives real figures for the common families', async () => {
    const types = (await ec2.send(new EC2.DescribeInstanceTypesCommand({ InstanceTypes: ['t3.micro', 't4g.nano', 'm6i.large', 'c7g.medium', 'r6i.2xlarge', 't2.micro', 'm7i.xlarge'] }))).InstanceTypes!;
    const by = Object.fromEntries(types.map((t) => [t.InstanceType, t]));
    expect(by['t3.micro']).toMatchObject({ VCpuInfo: { DefaultVCpus: 2, DefaultCores: 1, DefaultThreadsPerCore: 2 }, MemoryInfo: { SizeInMiB: 1024 }, FreeTierEligible: true, BurstablePerformanceSupported: true, Hypervisor: 'nitro' });
    expect(by['t3.micro'].NetworkInfo).toMatchObject({ NetworkPerformance: 'Up to 5 Gigabit', MaximumNetworkInterfaces: 2, Ipv4AddressesPerInterface: 2 });
    expect(by['t4g.nano']).toMatchObject({ ProcessorInfo: { SupportedArchitectures: ['arm64'], Manufacturer: 'AWS' }, MemoryInfo: { SizeInMiB: 512 }, VCpuInfo: { DefaultVCpus: 2 } });
    expect(by['m6i.large']).toMatchObject({ VCpuInfo: { DefaultVCpus: 2 }, MemoryInfo: { SizeInMiB: 8192 }, NetworkInfo: { NetworkPerformance: 'Up to 12.5 Gigabit', MaximumNetworkInterfaces: 3, Ipv4AddressesPerInterface: 10 } });
    expect(by['c7g.medium']).toMatchObject({ VCpuInfo: { DefaultVCpus: 1 }, MemoryInfo: { SizeInMiB: 2048 } });
    expect(by['r6i.2xlarge']).toMatchObject({ VCpuInfo: { DefaultVCpus: 8 }, MemoryInfo: { SizeInMiB: 65536 } });
    expect(by['t2.micro']).toMatchObject({ VCpuInfo: { DefaultVCpus: 1 }, MemoryInfo: { SizeInMiB: 1024 }, Hypervisor: 'xen', NetworkInfo: { NetworkPerformance: 'Low to Moderate' } });
    expect(by['m7i.xlarge']).toMatchObject({ VCpuInfo: { DefaultVCpus: 4 }, MemoryInfo: { SizeInMiB: 16384 } });

    const arm = await ec2.send(new EC2.DescribeInstanceTypesCommand({ Filters: [{ Name: 'processor-info.supported-architecture', Values: ['arm64'] }, { Name: 'vcpu-info.default-vcpus', Values: ['2'] }] }));
    expect(arm.InstanceTypes!.map((t) => t.InstanceType)).toEqual(expect.arrayContaining(['t4g.micro', 'c7g.large', 'm6g.large']));
    expect(arm.InstanceTypes!.every((t) => t.ProcessorInfo!.SupportedArchitectures!.includes('arm64'))).toBe(true);
    const firstPage = await ec2.send(new EC2.DescribeInstanceTypesCommand({}));
    expect(firstPage.InstanceTypes).toHaveLength(100);
    expect(firstPage.NextToken).toBeTruthy();
    expect(await err(ec2.send(new EC2.DescribeInstanceTypesCommand({ InstanceTypes: ['t3.gigantic' as EC2._InstanceType] })))).toMatchObject({
      name: 'InvalidInstanceType',
      message: 'The following supplied instance types do not exist: [t3.gigantic]',
    });
  });
  it('no request crashes it: every operation, with empty, nonsense and mistyped parameters, answers 4xx or 2xx', async () => {
    const svc = await emu.emulator.service('ec2');
    const post = async (body: string) => {
      const res = await fetch(emu.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-amz-date': '20250101T000000Z',
          // Root keys are not verified, so any signature reaches the operation.
          authorization: 'AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=00',
        },
        body,
      });
      return { status: res.status, text: await res.text() };
    };
    const junk = ['', 'x', 'vpc-0123456789abcdef0', 'i-0123456789abcdef0', '10.0.0.0/99', '0.0.0.0/0', '<&>', 'tcp'];
    const numbers = ['-1', '0', '65536', '99999999999'];
    const failures: string[] = [];
    const codes = new Set<string>();
    for (const name of Object.keys(svc.def.operations)) {
      const op = svc.model.operations.get(name)!;
      const members = [...op.input.structIterator()]
        .filter(([m]) => m !== 'DryRun')
        .map(([m, schema]) => [(schema.getMergedTraits() as { ec2QueryName?: string }).ec2QueryName ?? m.charAt(0).toUpperCase() + m.slice(1), schema] as const);
      const bodies = [`Action=${name}&Version=2016-11-15`];
      junk.forEach((v, i) => {
        // Values of the right kind, so that requests get past decoding into the operations.
        const value = (schema: (typeof members)[number][1]) =>
          encodeURIComponent(schema.isBooleanSchema() ? String(i % 2 === 0) : schema.isNumericSchema() ? numbers[i % numbers.length] : v);
        const params = members.flatMap(([wire, schema]) => {
          if (schema.isListSchema()) {
            const item = schema.getValueSchema();
            return item.isStructSchema() ? [`${wire}.1.Name=${value(item)}`, `${wire}.1.Value.1=${encodeURIComponent(v)}`] : [`${wire}.1=${value(item)}`];
          }
          if (schema.isStructSchema() || schema.isMapSchema()) return [];
          return [`${wire}=${value(schema)}`];
        });
        bodies.push(`Action=${name}&Version=2016-11-15&${params.join('&')}`);
      });
      for (const body of bodies) {
        const r = await post(body);
        codes.add(/<Code>([^<]+)<\/Code>/.exec(r.text)?.[1] ?? String(r.status));
        if (r.status >= 500) failures.push(`${name} ${r.status} ${body.slice(0, 120)} → ${r.text.slice(0, 200)}`);
      }
    }
    // The requests reached the operations: they answered with many different errors, not only decoding ones.
    expect(codes.size).toBeGreaterThan(15);
    expect(failures).toEqual([]);
  });

  it('state persists across restarts, including the default VPC made on first use by a Describe', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awslings-ec2-state-'));
    /** Runs `fn` against an emulator on `dir`, then stops it (as a learner restarting the sandbox). */
    const session = async <T>(fn: (c: EC2.EC2Client) => Promise<T>): Promise<T> => {
      const running = await startTestEmulator({ stateDir: dir });
      try {
        return await fn(new EC2.EC2Client(running.config()));
      } finally {
        await running.close();
      }
    };
    try {
      const vpcId = await session(async (c) => (await c.send(new EC2.DescribeVpcsCommand({}))).Vpcs![0].VpcId);
      const sg = await session(async (c) => {
        expect((await c.send(new EC2.DescribeVpcsCommand({}))).Vpcs!.map((v) => v.VpcId)).toEqual([vpcId]);
        return (await c.send(new EC2.CreateSecurityGroupCommand({ GroupName: 'kept', Description: 'kept' }))).GroupId!;
      });
      await session(async (c) => {
        expect((await c.send(new EC2.DescribeSecurityGroupsCommand({ GroupIds: [sg] }))).SecurityGroups![0].VpcId).toBe(vpcId);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
