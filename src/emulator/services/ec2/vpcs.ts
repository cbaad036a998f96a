import type {
  CreateDefaultVpcRequest,
  CreateDefaultVpcResult,
  CreateVpcRequest,
  CreateVpcResult,
  DeleteVpcRequest,
  DescribeVpcAttributeRequest,
  DescribeVpcAttributeResult,
  DescribeVpcsRequest,
  DescribeVpcsResult,
  ModifyVpcAttributeRequest,
  Vpc,
} from '@aws-sdk/client-ec2';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import { cidrToString, parseCidr, VPC_PREFIX_MAX, VPC_PREFIX_MIN } from './cidr.js';
import {
  applyTagSpecifications,
  byIds,
  dependencyViolation,
  ec2Id,
  invalidParameterCombination,
  invalidParameterValue,
  need,
  nowMs,
  paginate,
  tagList,
  tagsOf,
} from './common.js';
import { applyFilters, type FilterSpec } from './filters.js';
import { ec2State, type Ec2Context, type Ec2State, type VpcRec } from './state.js';
import { newRouteTable } from './routeTables.js';
import { newNetworkAcl } from './networkAcls.js';
import { newDefaultSecurityGroup } from './securityGroups.js';
import { defaultDhcpOptions } from './dhcpOptions.js';
import { makeDefaultVpc } from './defaultVpc.js';

/** A VPC with what AWS makes along with it: a main route table, a default network ACL and a default security group. */
export function newVpc(state: Ec2State, ctx: Ec2Context, cidr: string, opts: { isDefault?: boolean; tenancy?: string } = {}): VpcRec {
  const vpc: VpcRec = {
    VpcId: ec2Id('vpc'),
    CidrBlock: cidr,
    cidrAssociationId: ec2Id('vpc-cidr-assoc'),
    DhcpOptionsId: defaultDhcpOptions(state, ctx).DhcpOptionsId,
    InstanceTenancy: opts.tenancy ?? 'default',
    IsDefault: opts.isDefault ?? false,
    enableDnsSupport: true,
    // Only the default VPC gives instances public DNS names without being asked to.
    enableDnsHostnames: opts.isDefault ?? false,
    createdAt: nowMs(ctx),
  };
  state.vpcs[vpc.VpcId] = vpc;
  newRouteTable(state, vpc.VpcId, true);
  newNetworkAcl(state, vpc.VpcId, true);
  newDefaultSecurityGroup(state, vpc.VpcId);
  return vpc;
}

export function toVpc(state: Ec2State, ctx: Ec2Context, v: VpcRec, stateName: 'pending' | 'available' = 'available'): Vpc {
  return {
    OwnerId: ctx.accountId,
    InstanceTenancy: v.InstanceTenancy as Vpc['InstanceTenancy'],
    Ipv6CidrBlockAssociationSet: [],
    CidrBlockAssociationSet: [{ AssociationId: v.cidrAssociationId, CidrBlock: v.CidrBlock, CidrBlockState: { State: 'associated' } }],
    IsDefault: v.IsDefault,
    Tags: tagList(state, v.VpcId),
    VpcId: v.VpcId,
    State: stateName,
    CidrBlock: v.CidrBlock,
    DhcpOptionsId: v.DhcpOptionsId,
  };
}

export function checkVpcCidr(text: string | undefined): string {
  const cidr = parseCidr(text, true);
  if (!cidr) throw invalidParameterValue(`Value (${text}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);
  if (cidr.prefix < VPC_PREFIX_MIN || cidr.prefix > VPC_PREFIX_MAX) throw new AwsError('InvalidVpc.Range', `The CIDR '${text}' is invalid.`, 400);
  return cidrToString(cidr);
}

const vpcFilters = (ctx: Ec2Context): FilterSpec<VpcRec> => ({
  'vpc-id': (v) => v.VpcId,
  cidr: (v) => v.CidrBlock,
  'cidr-block': (v) => v.CidrBlock,
  'cidr-block-association.cidr-block': (v) => v.CidrBlock,
  'cidr-block-association.association-id': (v) => v.cidrAssociationId,
  'cidr-block-association.state': () => 'associated',
  'dhcp-options-id': (v) => v.DhcpOptionsId,
  'is-default': (v) => v.IsDefault,
  'owner-id': () => ctx.accountId,
  state: () => 'available',
});

export const CreateVpc = operation<CreateVpcRequest, CreateVpcResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    if (!input.CidrBlock && !input.Ipv4IpamPoolId) {
      throw new AwsError('MissingParameter', "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.", 400);
    }
    if (input.Ipv4IpamPoolId) throw invalidParameterValue('awslings: IPAM pools are not emulated; give a CidrBlock.');
    const cidr = checkVpcCidr(input.CidrBlock);
    const tenancy = input.InstanceTenancy ?? 'default';
    if (!['default', 'dedicated', 'host'].includes(tenancy)) throw invalidParameterValue(`Value (${tenancy}) for parameter instanceTenancy is invalid.`);
    const vpc = newVpc(state, ctx, cidr, { tenancy });
    applyTagSpecifications(state, vpc.VpcId, 'vpc', input.TagSpecifications);
    return { Vpc: toVpc(state, ctx, vpc, 'pending') };
  },
});

export const CreateDefaultVpc = operation<CreateDefaultVpcRequest, CreateDefaultVpcResult>({
  handler(_input, ctx) {
    const state = ec2State(ctx);
    if (Object.values(state.vpcs).some((v) => v.IsDefault)) {
      throw new AwsError('DefaultVpcAlreadyExists', 'A Default VPC already exists for this account in this region.', 400);
    }
    const vpc = makeDefaultVpc(state, ctx);
    return { Vpc: toVpc(state, ctx, vpc, 'pending') };
  },
});

export const DescribeVpcs = operation<DescribeVpcsRequest, DescribeVpcsResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const vpcs = applyFilters(byIds(state.vpcs, input.VpcIds, 'vpc'), input.Filters, vpcFilters(ctx), (v) => tagsOf(state, v.VpcId));
    const { page, NextToken } = paginate(vpcs, input, { ids: input.VpcIds, idsParam: 'vpcIds' });
    return { Vpcs: page.map((v) => toVpc(state, ctx, v)), NextToken };
  },
});

export const DeleteVpc = operation<DeleteVpcRequest, object>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const vpc = need(state.vpcs, input.VpcId, 'vpc');
    const id = vpc.VpcId;
    const blocked =
      Object.values(state.subnets).some((s) => s.VpcId === id) ||
      Object.values(state.internetGateways).some((g) => g.vpcId === id) ||
      Object.values(state.securityGroups).some((g) => g.VpcId === id && g.GroupName !== 'default') ||
      Object.values(state.routeTables).some((r) => r.VpcId === id && !r.associations.some((a) => a.Main)) ||
      Object.values(state.networkAcls).some((a) => a.VpcId === id && !a.IsDefault) ||
      Object.values(state.natGateways).some((n) => n.VpcId === id && n.deletedAt === undefined && !n.failure) ||
      Object.values(state.networkInterfaces).some((e) => e.VpcId === id);
    if (blocked) throw dependencyViolation(`The vpc '${id}' has dependencies and cannot be deleted.`);
    for (const r of Object.values(state.routeTables)) if (r.VpcId === id) delete state.routeTables[r.RouteTableId];
    for (const a of Object.values(state.networkAcls)) if (a.VpcId === id) delete state.networkAcls[a.NetworkAclId];
    for (const g of Object.values(state.securityGroups)) {
      if (g.VpcId === id) {
        delete state.securityGroups[g.GroupId];
        delete state.tags[g.GroupId];
      }
    }
    delete state.vpcs[id];
    delete state.tags[id];
    return {};
  },
});

const VPC_ATTRIBUTES = ['enableDnsSupport', 'enableDnsHostnames', 'enableNetworkAddressUsageMetrics'];

export const DescribeVpcAttribute = operation<DescribeVpcAttributeRequest, DescribeVpcAttributeResult>({
  handler(input, ctx) {
    const vpc = need(ec2State(ctx).vpcs, input.VpcId, 'vpc');
    switch (input.Attribute) {
      case 'enableDnsSupport':
        return { VpcId: vpc.VpcId, EnableDnsSupport: { Value: vpc.enableDnsSupport } };
      case 'enableDnsHostnames':
        return { VpcId: vpc.VpcId, EnableDnsHostnames: { Value: vpc.enableDnsHostnames } };
      case 'enableNetworkAddressUsageMetrics':
        return { VpcId: vpc.VpcId, EnableNetworkAddressUsageMetrics: { Value: false } };
      default:
        throw invalidParameterValue(`Value (${input.Attribute}) for parameter attribute is invalid. Valid values: ${VPC_ATTRIBUTES.join(', ')}`);
    }
  },
});

export const ModifyVpcAttribute = operation<ModifyVpcAttributeRequest, object>({
  handler(input, ctx) {
    const vpc = need(ec2State(ctx).vpcs, input.VpcId, 'vpc');
    const given = [input.EnableDnsSupport, input.EnableDnsHostnames, input.EnableNetworkAddressUsageMetrics].filter((x) => x !== undefined);
    if (given.length !== 1) {
      throw invalidParameterCombination('Exactly one of enableDnsSupport, enableDnsHostnames or enableNetworkAddressUsageMetrics must be specified.');
    }
    if (input.EnableDnsSupport?.Value !== undefined) vpc.enableDnsSupport = input.EnableDnsSupport.Value;
    if (input.EnableDnsHostnames?.Value !== undefined) {
      if (input.EnableDnsHostnames.Value && !vpc.enableDnsSupport) {
        throw invalidParameterValue('DNS hostnames can only be enabled for a VPC that has DNS support enabled.');
      }
      vpc.enableDnsHostnames = input.EnableDnsHostnames.Value;
    }
    return {};
  },
});
