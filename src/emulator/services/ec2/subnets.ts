import type {
  CreateSubnetRequest,
  CreateSubnetResult,
  DeleteSubnetRequest,
  DescribeSubnetsRequest,
  DescribeSubnetsResult,
  ModifySubnetAttributeRequest,
  Subnet,
} from '@aws-sdk/client-ec2';
import { randomInt } from 'node:crypto';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import { cidrContains, cidrsOverlap, cidrToString, cidrContainsIp, ipToString, parseCidr, parseIp } from './cidr.js';
import { applyTagSpecifications, byIds, dependencyViolation, ec2Arn, ec2Id, invalidParameterValue, need, paginate, tagList, tagsOf } from './common.js';
import { applyFilters, type FilterSpec } from './filters.js';
import { zonesOf } from './data/regions.js';
import { ec2State, type Ec2Context, type Ec2State, type SubnetRec, type VpcRec } from './state.js';
import { defaultAclOf } from './networkAcls.js';

/** AWS keeps the first four addresses of every subnet and the last one. */
const RESERVED_LOW = 4;

export function subnetCapacity(s: SubnetRec): number {
  return parseCidr(s.CidrBlock)!.size - RESERVED_LOW - 1;
}

export const availableIps = (s: SubnetRec): number => subnetCapacity(s) - Object.keys(s.ips).length;

/**
 * Takes a private address for `owner`: the one asked for (checked as AWS checks it), or a free one
 * picked at random, as AWS's DHCP does.
 */
export function allocateIp(subnet: SubnetRec, owner: string, requested?: string): string {
  const cidr = parseCidr(subnet.CidrBlock)!;
  const first = cidr.base + RESERVED_LOW;
  const last = cidr.base + cidr.size - 2;
  if (requested) {
    const ip = parseIp(requested);
    if (ip === undefined) throw invalidParameterValue(`Value (${requested}) for parameter privateIpAddress is invalid. Not a valid IP address.`);
    if (!cidrContainsIp(cidr, ip)) throw invalidParameterValue(`Address ${requested} does not fall within the subnet's address range`);
    if (ip < first || ip > last) throw invalidParameterValue(`Address ${requested} is in subnet's reserved address range`);
    if (subnet.ips[requested]) throw new AwsError('InvalidIPAddress.InUse', `Address ${requested} is in use.`, 400);
    subnet.ips[requested] = owner;
    return requested;
  }
  if (availableIps(subnet) <= 0) {
    throw new AwsError('InsufficientFreeAddressesInSubnet', `There are not enough free addresses in subnet '${subnet.SubnetId}' to satisfy the requested number of instances.`, 400);
  }
  let ip = first + randomInt(last - first + 1);
  // Random probes first; a crowded subnet falls back to a scan from the random start.
  for (let tries = 0; tries < 16 && subnet.ips[ipToString(ip)]; tries++) ip = first + randomInt(last - first + 1);
  while (subnet.ips[ipToString(ip)]) ip = ip >= last ? first : ip + 1;
  const text = ipToString(ip);
  subnet.ips[text] = owner;
  return text;
}

export function releaseIp(state: Ec2State, subnetId: string, ip: string): void {
  const s = state.subnets[subnetId];
  if (s) delete s.ips[ip];
}

export function newSubnet(
  state: Ec2State,
  vpc: VpcRec,
  cidr: string,
  zone: { ZoneName: string; ZoneId: string },
  opts: { defaultForAz?: boolean; mapPublicIp?: boolean } = {},
): SubnetRec {
  const subnet: SubnetRec = {
    SubnetId: ec2Id('subnet'),
    VpcId: vpc.VpcId,
    CidrBlock: cidr,
    AvailabilityZone: zone.ZoneName,
    AvailabilityZoneId: zone.ZoneId,
    DefaultForAz: opts.defaultForAz ?? false,
    MapPublicIpOnLaunch: opts.mapPublicIp ?? false,
    ips: {},
  };
  state.subnets[subnet.SubnetId] = subnet;
  const acl = defaultAclOf(state, vpc.VpcId);
  if (acl) acl.associations[subnet.SubnetId] = ec2Id('aclassoc');
  return subnet;
}

export function toSubnet(state: Ec2State, ctx: Ec2Context, s: SubnetRec): Subnet {
  return {
    AvailabilityZoneId: s.AvailabilityZoneId,
    MapCustomerOwnedIpOnLaunch: false,
    OwnerId: ctx.accountId,
    AssignIpv6AddressOnCreation: false,
    Ipv6CidrBlockAssociationSet: [],
    Tags: tagList(state, s.SubnetId),
    SubnetArn: ec2Arn(ctx, 'subnet', s.SubnetId),
    EnableDns64: false,
    Ipv6Native: false,
    PrivateDnsNameOptionsOnLaunch: { HostnameType: 'ip-name', EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false },
    SubnetId: s.SubnetId,
    State: 'available',
    VpcId: s.VpcId,
    CidrBlock: s.CidrBlock,
    AvailableIpAddressCount: availableIps(s),
    AvailabilityZone: s.AvailabilityZone,
    DefaultForAz: s.DefaultForAz,
    MapPublicIpOnLaunch: s.MapPublicIpOnLaunch,
  };
}

const subnetFilters = (ctx: Ec2Context): FilterSpec<SubnetRec> => ({
  'availability-zone': (s) => s.AvailabilityZone,
  availabilityZone: (s) => s.AvailabilityZone,
  'availability-zone-id': (s) => s.AvailabilityZoneId,
  'available-ip-address-count': (s) => availableIps(s),
  'cidr-block': (s) => s.CidrBlock,
  cidr: (s) => s.CidrBlock,
  cidrBlock: (s) => s.CidrBlock,
  'default-for-az': (s) => s.DefaultForAz,
  defaultForAz: (s) => s.DefaultForAz,
  'map-public-ip-on-launch': (s) => s.MapPublicIpOnLaunch,
  'owner-id': () => ctx.accountId,
  state: () => 'available',
  'subnet-arn': (s) => ec2Arn(ctx, 'subnet', s.SubnetId),
  'subnet-id': (s) => s.SubnetId,
  'vpc-id': (s) => s.VpcId,
});

function pickZone(state: Ec2State, ctx: Ec2Context, vpc: VpcRec, input: CreateSubnetRequest): { ZoneName: string; ZoneId: string } {
  const zones = zonesOf(ctx.region);
  if (input.AvailabilityZone || input.AvailabilityZoneId) {
    const z = zones.find((x) => (input.AvailabilityZone ? x.ZoneName === input.AvailabilityZone : x.ZoneId === input.AvailabilityZoneId));
    if (!z) {
      const [param, value] = input.AvailabilityZone ? ['availabilityZone', input.AvailabilityZone] : ['availabilityZoneId', input.AvailabilityZoneId];
      throw invalidParameterValue(
        `Value (${value}) for parameter ${param} is invalid. Subnets can currently only be created in the following availability zones: ${zones.map((x) => x.ZoneName).join(', ')}.`,
      );
    }
    return z;
  }
  // AWS picks a zone for you; the least used one in this VPC spreads subnets as a learner would.
  const used = (z: string) => Object.values(state.subnets).filter((s) => s.VpcId === vpc.VpcId && s.AvailabilityZone === z).length;
  return [...zones].sort((a, b) => used(a.ZoneName) - used(b.ZoneName))[0];
}

export const CreateSubnet = operation<CreateSubnetRequest, CreateSubnetResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const vpc = need(state.vpcs, input.VpcId, 'vpc');
    if (!input.CidrBlock) {
      if (input.Ipv4IpamPoolId || input.Ipv6Native) throw invalidParameterValue('awslings: IPAM pools and IPv6-only subnets are not emulated; give a CidrBlock.');
      throw new AwsError('MissingParameter', "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.", 400);
    }
    const cidr = parseCidr(input.CidrBlock, true);
    if (!cidr) throw invalidParameterValue(`Value (${input.CidrBlock}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);
    if (cidr.prefix < 16 || cidr.prefix > 28 || !cidrContains(parseCidr(vpc.CidrBlock)!, cidr)) {
      throw new AwsError('InvalidSubnet.Range', `The CIDR '${input.CidrBlock}' is invalid.`, 400);
    }
    for (const s of Object.values(state.subnets)) {
      if (s.VpcId === vpc.VpcId && cidrsOverlap(parseCidr(s.CidrBlock)!, cidr)) {
        throw new AwsError('InvalidSubnet.Conflict', `The CIDR '${input.CidrBlock}' conflicts with another subnet`, 400);
      }
    }
    const subnet = newSubnet(state, vpc, cidrToString(cidr), pickZone(state, ctx, vpc, input));
    applyTagSpecifications(state, subnet.SubnetId, 'subnet', input.TagSpecifications);
    return { Subnet: toSubnet(state, ctx, subnet) };
  },
});

export const DescribeSubnets = operation<DescribeSubnetsRequest, DescribeSubnetsResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const subnets = applyFilters(byIds(state.subnets, input.SubnetIds, 'subnet'), input.Filters, subnetFilters(ctx), (s) => tagsOf(state, s.SubnetId));
    const { page, NextToken } = paginate(subnets, input, { ids: input.SubnetIds, idsParam: 'subnetIds' });
    return { Subnets: page.map((s) => toSubnet(state, ctx, s)), NextToken };
  },
});

export const DeleteSubnet = operation<DeleteSubnetRequest, object>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const subnet = need(state.subnets, input.SubnetId, 'subnet');
    const id = subnet.SubnetId;
    const inUse =
      Object.values(state.networkInterfaces).some((e) => e.SubnetId === id) ||
      // A failed NAT gateway holds no interface: it does not keep the subnet.
      Object.values(state.natGateways).some((n) => n.SubnetId === id && n.deletedAt === undefined && !n.failure);
    if (inUse) throw dependencyViolation(`The subnet '${id}' has dependencies and cannot be deleted.`);
    for (const rtb of Object.values(state.routeTables)) rtb.associations = rtb.associations.filter((a) => a.SubnetId !== id);
    for (const acl of Object.values(state.networkAcls)) delete acl.associations[id];
    delete state.subnets[id];
    delete state.tags[id];
    return {};
  },
});

export const ModifySubnetAttribute = operation<ModifySubnetAttributeRequest, object>({
  handler(input, ctx) {
    const subnet = need(ec2State(ctx).subnets, input.SubnetId, 'subnet');
    if (input.MapPublicIpOnLaunch?.Value !== undefined) subnet.MapPublicIpOnLaunch = input.MapPublicIpOnLaunch.Value;
    if (input.AssignIpv6AddressOnCreation?.Value) {
      throw invalidParameterValue(
        `Invalid value 'true' for assignIpv6AddressOnCreation. Cannot set assignIpv6AddressOnCreation to true unless the subnet (${subnet.SubnetId}) has an IPv6 CIDR block associated with it.`,
      );
    }
    if (input.EnableDns64?.Value) {
      throw invalidParameterValue(`Invalid value 'true' for enableDns64. Cannot enable DNS64 on subnet (${subnet.SubnetId}) without an IPv6 CIDR block.`);
    }
    return {};
  },
});
