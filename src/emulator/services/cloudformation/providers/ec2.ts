import type {
  AllocateAddressResult,
  AssociateRouteTableResult,
  CreateInternetGatewayResult,
  CreateNatGatewayResult,
  CreateNetworkAclResult,
  CreateRouteTableResult,
  CreateSubnetResult,
  CreateVpcResult,
  DescribeAddressesResult,
  DescribeNatGatewaysResult,
  DescribeNetworkAclsResult,
  DescribeRouteTablesResult,
  DescribeSecurityGroupsResult,
  DescribeSubnetsResult,
  DescribeVpcsResult,
  ReplaceNetworkAclAssociationResult,
  ReplaceRouteTableAssociationResult,
} from '@aws-sdk/client-ec2';
import { bool, ignoreMissing, num, orUndo, syncTags, tagSpecs, waitFor, whileDependent } from './ec2Common.js';
import { changed, physicalName, type ProviderContext, type ResourceProvider } from './types.js';

/**
 * The VPC resource types: VPCs, subnets, gateways, route tables and routes, NAT gateways and
 * Elastic IPs, network ACLs and their entries, calling the sandbox's EC2 in-process. Ref and
 * Fn::GetAtt give what CloudFormation's template reference documents for each type.
 */

const notEmulated = (what: string) => new Error(`awslings: ${what} is not emulated by the sandbox.`);

// --- AWS::EC2::VPC ---

/** EC2's defaults, which a template that leaves the properties out gets back. */
const dnsOf = (p: Record<string, any>) => ({ support: bool(p.EnableDnsSupport) ?? true, hostnames: bool(p.EnableDnsHostnames) ?? false });

/** DNS hostnames need DNS support: switch support on first and off last. */
async function setDns(ctx: ProviderContext, vpcId: string, after: Record<string, any>, before: Record<string, any>): Promise<void> {
  const a = dnsOf(after);
  const b = dnsOf(before);
  const set = (attr: 'EnableDnsSupport' | 'EnableDnsHostnames', Value: boolean) => ctx.call('ec2', 'ModifyVpcAttribute', { VpcId: vpcId, [attr]: { Value } });
  if (a.support && !b.support) await set('EnableDnsSupport', true);
  if (a.hostnames !== b.hostnames) await set('EnableDnsHostnames', a.hostnames);
  if (!a.support && b.support) await set('EnableDnsSupport', false);
}

async function vpcAttributes(ctx: ProviderContext, vpcId: string): Promise<Record<string, unknown>> {
  const v = (await ctx.call<DescribeVpcsResult>('ec2', 'DescribeVpcs', { VpcIds: [vpcId] })).Vpcs![0];
  const filters = [{ Name: 'vpc-id', Values: [vpcId] }];
  const sg = (await ctx.call<DescribeSecurityGroupsResult>('ec2', 'DescribeSecurityGroups', { Filters: [...filters, { Name: 'group-name', Values: ['default'] }] })).SecurityGroups![0];
  const acl = (await ctx.call<DescribeNetworkAclsResult>('ec2', 'DescribeNetworkAcls', { Filters: [...filters, { Name: 'default', Values: ['true'] }] })).NetworkAcls![0];
  return {
    VpcId: vpcId,
    CidrBlock: v.CidrBlock,
    CidrBlockAssociations: (v.CidrBlockAssociationSet ?? []).map((a) => a.AssociationId),
    DefaultSecurityGroup: sg?.GroupId,
    DefaultNetworkAcl: acl?.NetworkAclId,
    Ipv6CidrBlocks: [],
  };
}

export const vpc: ResourceProvider = {
  type: 'AWS::EC2::VPC',
  service: 'ec2',
  // InstanceTenancy is "Conditional" in AWS (dedicated → default is in place); the sandbox always replaces.
  replaceOn: ['CidrBlock', 'InstanceTenancy', 'Ipv4IpamPoolId', 'Ipv4NetmaskLength'],
  async create(ctx, p) {
    const out = await ctx.call<CreateVpcResult>('ec2', 'CreateVpc', {
      CidrBlock: p.CidrBlock,
      InstanceTenancy: p.InstanceTenancy,
      Ipv4IpamPoolId: p.Ipv4IpamPoolId,
      Ipv4NetmaskLength: num(p.Ipv4NetmaskLength),
      TagSpecifications: tagSpecs('vpc', p.Tags),
    });
    const id = out.Vpc!.VpcId!;
    return orUndo(
      async () => {
        await setDns(ctx, id, p, {});
        return { physicalId: id, attributes: await vpcAttributes(ctx, id) };
      },
      () => ctx.call('ec2', 'DeleteVpc', { VpcId: id }),
    );
  },
  async update(ctx, id, p, old) {
    await setDns(ctx, id, p, old);
    await syncTags(ctx, id, p.Tags, old.Tags);
  },
  async delete(ctx, id) {
    await ignoreMissing(whileDependent(() => ctx.call('ec2', 'DeleteVpc', { VpcId: id })));
  },
};

// --- AWS::EC2::Subnet ---

async function subnetAttributes(ctx: ProviderContext, subnetId: string): Promise<Record<string, unknown>> {
  const s = (await ctx.call<DescribeSubnetsResult>('ec2', 'DescribeSubnets', { SubnetIds: [subnetId] })).Subnets![0];
  const acl = (await ctx.call<DescribeNetworkAclsResult>('ec2', 'DescribeNetworkAcls', { Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }] })).NetworkAcls![0];
  return {
    SubnetId: subnetId,
    VpcId: s.VpcId,
    CidrBlock: s.CidrBlock,
    AvailabilityZone: s.AvailabilityZone,
    AvailabilityZoneId: s.AvailabilityZoneId,
    Ipv6CidrBlocks: [],
    NetworkAclAssociationId: acl?.Associations?.find((a) => a.SubnetId === subnetId)?.NetworkAclAssociationId,
  };
}

export const subnet: ResourceProvider = {
  type: 'AWS::EC2::Subnet',
  service: 'ec2',
  replaceOn: ['VpcId', 'CidrBlock', 'AvailabilityZone', 'AvailabilityZoneId', 'Ipv4IpamPoolId', 'Ipv4NetmaskLength', 'Ipv6CidrBlock', 'Ipv6Native', 'OutpostArn'],
  required: ['VpcId'],
  async create(ctx, p) {
    const out = await ctx.call<CreateSubnetResult>('ec2', 'CreateSubnet', {
      VpcId: p.VpcId,
      CidrBlock: p.CidrBlock,
      AvailabilityZone: p.AvailabilityZone,
      AvailabilityZoneId: p.AvailabilityZoneId,
      Ipv4IpamPoolId: p.Ipv4IpamPoolId,
      Ipv6Native: bool(p.Ipv6Native),
      TagSpecifications: tagSpecs('subnet', p.Tags),
    });
    const id = out.Subnet!.SubnetId!;
    return orUndo(
      async () => {
        if (bool(p.MapPublicIpOnLaunch)) await ctx.call('ec2', 'ModifySubnetAttribute', { SubnetId: id, MapPublicIpOnLaunch: { Value: true } });
        if (bool(p.AssignIpv6AddressOnCreation)) await ctx.call('ec2', 'ModifySubnetAttribute', { SubnetId: id, AssignIpv6AddressOnCreation: { Value: true } });
        return { physicalId: id, attributes: await subnetAttributes(ctx, id) };
      },
      () => ctx.call('ec2', 'DeleteSubnet', { SubnetId: id }),
    );
  },
  async update(ctx, id, p, old) {
    if (changed(bool(p.MapPublicIpOnLaunch) ?? false, bool(old.MapPublicIpOnLaunch) ?? false)) {
      await ctx.call('ec2', 'ModifySubnetAttribute', { SubnetId: id, MapPublicIpOnLaunch: { Value: bool(p.MapPublicIpOnLaunch) ?? false } });
    }
    if (changed(bool(p.AssignIpv6AddressOnCreation) ?? false, bool(old.AssignIpv6AddressOnCreation) ?? false)) {
      await ctx.call('ec2', 'ModifySubnetAttribute', { SubnetId: id, AssignIpv6AddressOnCreation: { Value: bool(p.AssignIpv6AddressOnCreation) ?? false } });
    }
    await syncTags(ctx, id, p.Tags, old.Tags);
  },
  async delete(ctx, id) {
    await ignoreMissing(whileDependent(() => ctx.call('ec2', 'DeleteSubnet', { SubnetId: id })));
  },
};

// --- AWS::EC2::InternetGateway and AWS::EC2::VPCGatewayAttachment ---

export const internetGateway: ResourceProvider = {
  type: 'AWS::EC2::InternetGateway',
  service: 'ec2',
  replaceOn: [],
  async create(ctx, p) {
    const out = await ctx.call<CreateInternetGatewayResult>('ec2', 'CreateInternetGateway', { TagSpecifications: tagSpecs('internet-gateway', p.Tags) });
    const id = out.InternetGateway!.InternetGatewayId!;
    return { physicalId: id, attributes: { InternetGatewayId: id } };
  },
  async update(ctx, id, p, old) {
    await syncTags(ctx, id, p.Tags, old.Tags);
  },
  async delete(ctx, id) {
    await ignoreMissing(whileDependent(() => ctx.call('ec2', 'DeleteInternetGateway', { InternetGatewayId: id })));
  },
};

/** Detaching waits while public addresses in the VPC (a NAT gateway's, an instance's) are still being given back. */
const detach = (ctx: ProviderContext, igw: string, vpcId: string) =>
  ignoreMissing(whileDependent(() => ctx.call('ec2', 'DetachInternetGateway', { InternetGatewayId: igw, VpcId: vpcId })));

export const vpcGatewayAttachment: ResourceProvider = {
  type: 'AWS::EC2::VPCGatewayAttachment',
  service: 'ec2',
  replaceOn: ['VpcId'],
  required: ['VpcId'],
  async create(ctx, p) {
    if (p.VpnGatewayId) throw notEmulated('A virtual private gateway (VpnGatewayId)');
    if (!p.InternetGatewayId) throw new Error('Properties validation failed for resource with message: #: InternetGatewayId or VpnGatewayId is required');
    await ctx.call('ec2', 'AttachInternetGateway', { InternetGatewayId: p.InternetGatewayId, VpcId: p.VpcId });
    // CloudFormation names the attachment after the gateway type and the VPC.
    return { physicalId: `IGW|${p.VpcId}`, attributes: { AttachmentType: 'igw', VpcId: p.VpcId } };
  },
  async update(ctx, _id, p, old) {
    if (p.VpnGatewayId) throw notEmulated('A virtual private gateway (VpnGatewayId)');
    if (old.InternetGatewayId) await detach(ctx, old.InternetGatewayId, p.VpcId);
    await ctx.call('ec2', 'AttachInternetGateway', { InternetGatewayId: p.InternetGatewayId, VpcId: p.VpcId });
  },
  async delete(ctx, _id, p) {
    if (p.InternetGatewayId) await detach(ctx, p.InternetGatewayId, p.VpcId);
  },
};

// --- AWS::EC2::RouteTable, AWS::EC2::Route, AWS::EC2::SubnetRouteTableAssociation ---

export const routeTable: ResourceProvider = {
  type: 'AWS::EC2::RouteTable',
  service: 'ec2',
  replaceOn: ['VpcId'],
  required: ['VpcId'],
  async create(ctx, p) {
    const out = await ctx.call<CreateRouteTableResult>('ec2', 'CreateRouteTable', { VpcId: p.VpcId, TagSpecifications: tagSpecs('route-table', p.Tags) });
    const id = out.RouteTable!.RouteTableId!;
    return { physicalId: id, attributes: { RouteTableId: id } };
  },
  async update(ctx, id, p, old) {
    await syncTags(ctx, id, p.Tags, old.Tags);
  },
  async delete(ctx, id) {
    await ignoreMissing(whileDependent(() => ctx.call('ec2', 'DeleteRouteTable', { RouteTableId: id })));
  },
};

const ROUTE_TARGETS = [
  'GatewayId',
  'NatGatewayId',
  'InstanceId',
  'NetworkInterfaceId',
  'VpcPeeringConnectionId',
  'TransitGatewayId',
  'CarrierGatewayId',
  'EgressOnlyInternetGatewayId',
  'LocalGatewayId',
  'VpcEndpointId',
  'CoreNetworkArn',
];

function routeInput(p: Record<string, any>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    RouteTableId: p.RouteTableId,
    DestinationCidrBlock: p.DestinationCidrBlock,
    DestinationIpv6CidrBlock: p.DestinationIpv6CidrBlock,
    DestinationPrefixListId: p.DestinationPrefixListId,
  };
  for (const k of ROUTE_TARGETS) if (p[k] !== undefined) out[k] = p[k];
  return out;
}

export const route: ResourceProvider = {
  type: 'AWS::EC2::Route',
  service: 'ec2',
  replaceOn: ['RouteTableId', 'DestinationCidrBlock', 'DestinationIpv6CidrBlock', 'DestinationPrefixListId'],
  required: ['RouteTableId'],
  async create(ctx, p) {
    await ctx.call('ec2', 'CreateRoute', routeInput(p));
    const dest = p.DestinationCidrBlock ?? p.DestinationIpv6CidrBlock ?? p.DestinationPrefixListId;
    return { physicalId: `${p.RouteTableId}|${dest}`, attributes: { CidrBlock: p.DestinationCidrBlock } };
  },
  // A new target is the same route pointing elsewhere.
  async update(ctx, _id, p) {
    await ctx.call('ec2', 'ReplaceRoute', routeInput(p));
  },
  async delete(ctx, _id, p) {
    const { RouteTableId, DestinationCidrBlock, DestinationIpv6CidrBlock, DestinationPrefixListId } = p;
    await ignoreMissing(ctx.call('ec2', 'DeleteRoute', { RouteTableId, DestinationCidrBlock, DestinationIpv6CidrBlock, DestinationPrefixListId }));
  },
};

export const subnetRouteTableAssociation: ResourceProvider = {
  type: 'AWS::EC2::SubnetRouteTableAssociation',
  service: 'ec2',
  replaceOn: ['RouteTableId', 'SubnetId'],
  required: ['RouteTableId', 'SubnetId'],
  async create(ctx, p) {
    // A subnet has one explicit association at most. When the replacement of this resource (a new
    // route table) arrives while the old association still holds the subnet, it moves the subnet over:
    // "the physical ID changes when the route table ID is changed".
    const tables = (await ctx.call<DescribeRouteTablesResult>('ec2', 'DescribeRouteTables', { Filters: [{ Name: 'association.subnet-id', Values: [p.SubnetId] }] })).RouteTables ?? [];
    const current = tables.flatMap((t) => t.Associations ?? []).find((a) => a.SubnetId === p.SubnetId && !a.Main);
    let id: string;
    if (current) {
      id = (await ctx.call<ReplaceRouteTableAssociationResult>('ec2', 'ReplaceRouteTableAssociation', { AssociationId: current.RouteTableAssociationId, RouteTableId: p.RouteTableId })).NewAssociationId!;
    } else {
      id = (await ctx.call<AssociateRouteTableResult>('ec2', 'AssociateRouteTable', { RouteTableId: p.RouteTableId, SubnetId: p.SubnetId })).AssociationId!;
    }
    return { physicalId: id, attributes: { Id: id } };
  },
  async delete(ctx, id) {
    await ignoreMissing(ctx.call('ec2', 'DisassociateRouteTable', { AssociationId: id }));
  },
};

// --- AWS::EC2::EIP and AWS::EC2::NatGateway ---

async function addressOf(ctx: ProviderContext, allocationId: string) {
  return (await ctx.call<DescribeAddressesResult>('ec2', 'DescribeAddresses', { Filters: [{ Name: 'allocation-id', Values: [allocationId] }] })).Addresses?.[0];
}

export const eip: ResourceProvider = {
  type: 'AWS::EC2::EIP',
  service: 'ec2',
  replaceOn: ['Domain', 'NetworkBorderGroup', 'PublicIpv4Pool', 'TransferAddress', 'IpamPoolId', 'Address'],
  async create(ctx, p) {
    if (p.TransferAddress) throw notEmulated('Transferring an Elastic IP address (TransferAddress)');
    const out = await ctx.call<AllocateAddressResult>('ec2', 'AllocateAddress', {
      Domain: p.Domain ?? 'vpc',
      NetworkBorderGroup: p.NetworkBorderGroup,
      PublicIpv4Pool: p.PublicIpv4Pool,
      Address: p.Address,
      TagSpecifications: tagSpecs('elastic-ip', p.Tags),
    });
    if (p.InstanceId) {
      await orUndo(
        () => ctx.call('ec2', 'AssociateAddress', { AllocationId: out.AllocationId, InstanceId: p.InstanceId }),
        () => ctx.call('ec2', 'ReleaseAddress', { AllocationId: out.AllocationId }),
      );
    }
    // Ref gives the address itself, which is also the physical id CloudFormation shows.
    return { physicalId: out.PublicIp!, attributes: { AllocationId: out.AllocationId, PublicIp: out.PublicIp } };
  },
  async update(ctx, _ip, p, old, attrs) {
    const allocationId = String(attrs.AllocationId);
    if (changed(p.InstanceId, old.InstanceId)) {
      const a = await addressOf(ctx, allocationId);
      if (a?.AssociationId) await ctx.call('ec2', 'DisassociateAddress', { AssociationId: a.AssociationId });
      if (p.InstanceId) await ctx.call('ec2', 'AssociateAddress', { AllocationId: allocationId, InstanceId: p.InstanceId });
    }
    await syncTags(ctx, allocationId, p.Tags, old.Tags);
  },
  async delete(ctx, _ip, p, attrs) {
    const allocationId = String(attrs.AllocationId);
    if (p.InstanceId) {
      const a = await addressOf(ctx, allocationId);
      if (a?.AssociationId && a.InstanceId) await ignoreMissing(ctx.call('ec2', 'DisassociateAddress', { AssociationId: a.AssociationId }));
    }
    // A NAT gateway being deleted gives its address back a moment later.
    await ignoreMissing(whileDependent(() => ctx.call('ec2', 'ReleaseAddress', { AllocationId: allocationId })));
  },
};

async function natGatewayOf(ctx: ProviderContext, id: string) {
  return (await ctx.call<DescribeNatGatewaysResult>('ec2', 'DescribeNatGateways', { NatGatewayIds: [id] })).NatGateways?.[0];
}

export const natGateway: ResourceProvider = {
  type: 'AWS::EC2::NatGateway',
  service: 'ec2',
  replaceOn: ['AllocationId', 'SubnetId', 'ConnectivityType', 'PrivateIpAddress'],
  required: ['SubnetId'],
  async create(ctx, p) {
    if (p.SecondaryAllocationIds?.length || p.SecondaryPrivateIpAddresses?.length || p.SecondaryPrivateIpAddressCount !== undefined) {
      throw notEmulated('A NAT gateway with secondary addresses');
    }
    const out = await ctx.call<CreateNatGatewayResult>('ec2', 'CreateNatGateway', {
      SubnetId: p.SubnetId,
      AllocationId: p.AllocationId,
      ConnectivityType: p.ConnectivityType,
      PrivateIpAddress: p.PrivateIpAddress,
      TagSpecifications: tagSpecs('natgateway', p.Tags),
    });
    const id = out.NatGateway!.NatGatewayId!;
    // CloudFormation waits until the gateway is available, and fails the resource if it fails.
    const nat = await waitFor(async () => {
      const n = await natGatewayOf(ctx, id);
      return n?.State === 'pending' ? undefined : n;
    }, `NAT gateway ${id}`);
    if (nat.State !== 'available') {
      throw new Error(`NAT gateway ${id} went to ${String(nat.State).toUpperCase()} state. Failure code: ${nat.FailureCode} Failure message: ${nat.FailureMessage}`);
    }
    return { physicalId: id, attributes: { NatGatewayId: id } };
  },
  async update(ctx, id, p, old) {
    await syncTags(ctx, id, p.Tags, old.Tags);
  },
  async delete(ctx, id) {
    await ignoreMissing(ctx.call('ec2', 'DeleteNatGateway', { NatGatewayId: id }));
    await waitFor(async () => {
      const n = await natGatewayOf(ctx, id).catch(() => undefined);
      return !n || n.State === 'deleted' ? true : undefined;
    }, `NAT gateway ${id}`);
  },
};

// --- AWS::EC2::NetworkAcl, AWS::EC2::NetworkAclEntry, AWS::EC2::SubnetNetworkAclAssociation ---

export const networkAcl: ResourceProvider = {
  type: 'AWS::EC2::NetworkAcl',
  service: 'ec2',
  replaceOn: ['VpcId'],
  required: ['VpcId'],
  async create(ctx, p) {
    const out = await ctx.call<CreateNetworkAclResult>('ec2', 'CreateNetworkAcl', { VpcId: p.VpcId, TagSpecifications: tagSpecs('network-acl', p.Tags) });
    const id = out.NetworkAcl!.NetworkAclId!;
    return { physicalId: id, attributes: { Id: id } };
  },
  async update(ctx, id, p, old) {
    await syncTags(ctx, id, p.Tags, old.Tags);
  },
  async delete(ctx, id) {
    await ignoreMissing(whileDependent(() => ctx.call('ec2', 'DeleteNetworkAcl', { NetworkAclId: id })));
  },
};

function aclEntryInput(p: Record<string, any>): Record<string, unknown> {
  return {
    NetworkAclId: p.NetworkAclId,
    RuleNumber: num(p.RuleNumber),
    Protocol: String(p.Protocol),
    RuleAction: p.RuleAction,
    Egress: bool(p.Egress) ?? false,
    CidrBlock: p.CidrBlock,
    Ipv6CidrBlock: p.Ipv6CidrBlock,
    IcmpTypeCode: p.Icmp ? { Code: num(p.Icmp.Code), Type: num(p.Icmp.Type) } : undefined,
    PortRange: p.PortRange ? { From: num(p.PortRange.From), To: num(p.PortRange.To) } : undefined,
  };
}

export const networkAclEntry: ResourceProvider = {
  type: 'AWS::EC2::NetworkAclEntry',
  service: 'ec2',
  replaceOn: ['NetworkAclId', 'RuleNumber', 'Egress'],
  required: ['NetworkAclId', 'Protocol', 'RuleAction', 'RuleNumber'],
  async create(ctx, p) {
    await ctx.call('ec2', 'CreateNetworkAclEntry', aclEntryInput(p));
    const id = physicalName(ctx, { max: 64 });
    return { physicalId: id, attributes: { Id: id } };
  },
  async update(ctx, _id, p) {
    await ctx.call('ec2', 'ReplaceNetworkAclEntry', aclEntryInput(p));
  },
  async delete(ctx, _id, p) {
    await ignoreMissing(ctx.call('ec2', 'DeleteNetworkAclEntry', { NetworkAclId: p.NetworkAclId, RuleNumber: num(p.RuleNumber), Egress: bool(p.Egress) ?? false }));
  },
};

/** The network ACL association a subnet has now (every subnet has exactly one). */
async function aclAssociationOf(ctx: ProviderContext, subnetId: string): Promise<{ associationId: string; vpcId: string } | undefined> {
  const acls = (await ctx.call<DescribeNetworkAclsResult>('ec2', 'DescribeNetworkAcls', { Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }] })).NetworkAcls ?? [];
  for (const acl of acls) {
    const a = acl.Associations?.find((x) => x.SubnetId === subnetId);
    if (a) return { associationId: a.NetworkAclAssociationId!, vpcId: acl.VpcId! };
  }
  return undefined;
}

export const subnetNetworkAclAssociation: ResourceProvider = {
  type: 'AWS::EC2::SubnetNetworkAclAssociation',
  service: 'ec2',
  replaceOn: ['NetworkAclId', 'SubnetId'],
  required: ['NetworkAclId', 'SubnetId'],
  async create(ctx, p) {
    // Associating is replacing the subnet's current association (with its VPC's default ACL at first).
    const current = await aclAssociationOf(ctx, p.SubnetId);
    if (!current) throw new Error(`The subnet ID '${p.SubnetId}' does not exist`);
    const out = await ctx.call<ReplaceNetworkAclAssociationResult>('ec2', 'ReplaceNetworkAclAssociation', { AssociationId: current.associationId, NetworkAclId: p.NetworkAclId });
    return { physicalId: out.NewAssociationId!, attributes: { AssociationId: out.NewAssociationId } };
  },
  async delete(ctx, id, p) {
    // The subnet goes back to its VPC's default network ACL, unless another association took it since.
    const current = await aclAssociationOf(ctx, p.SubnetId);
    if (!current || current.associationId !== id) return;
    const acl = (
      await ctx.call<DescribeNetworkAclsResult>('ec2', 'DescribeNetworkAcls', {
        Filters: [
          { Name: 'vpc-id', Values: [current.vpcId] },
          { Name: 'default', Values: ['true'] },
        ],
      })
    ).NetworkAcls?.[0];
    if (acl) await ctx.call('ec2', 'ReplaceNetworkAclAssociation', { AssociationId: id, NetworkAclId: acl.NetworkAclId });
  },
};
