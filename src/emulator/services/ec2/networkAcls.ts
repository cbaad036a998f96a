import type {
  CreateNetworkAclEntryRequest,
  CreateNetworkAclRequest,
  CreateNetworkAclResult,
  DeleteNetworkAclEntryRequest,
  DeleteNetworkAclRequest,
  DescribeNetworkAclsRequest,
  DescribeNetworkAclsResult,
  NetworkAcl,
  ReplaceNetworkAclAssociationRequest,
  ReplaceNetworkAclAssociationResult,
  ReplaceNetworkAclEntryRequest,
} from '@aws-sdk/client-ec2';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import { normalizeCidr } from './cidr.js';
import { applyTagSpecifications, byIds, dependencyViolation, ec2Id, invalidParameterValue, need, notFound, paginate, tagList, tagsOf } from './common.js';
import { applyFilters, type FilterSpec } from './filters.js';
import { ec2State, type AclEntryRec, type Ec2Context, type Ec2State, type NetworkAclRec } from './state.js';

/** The last rule of every network ACL, in both directions: deny what no numbered rule allowed. */
export const DEFAULT_RULE = 32767;

const allowAll = (Egress: boolean, RuleNumber = 100): AclEntryRec => ({ RuleNumber, Protocol: '-1', RuleAction: 'allow', Egress, CidrBlock: '0.0.0.0/0' });
const denyAll = (Egress: boolean): AclEntryRec => ({ RuleNumber: DEFAULT_RULE, Protocol: '-1', RuleAction: 'deny', Egress, CidrBlock: '0.0.0.0/0' });

/** A VPC's default network ACL allows everything (rule 100); one made with CreateNetworkAcl denies everything. */
export function newNetworkAcl(state: Ec2State, vpcId: string, isDefault: boolean): NetworkAclRec {
  const acl: NetworkAclRec = {
    NetworkAclId: ec2Id('acl'),
    VpcId: vpcId,
    IsDefault: isDefault,
    entries: isDefault ? [allowAll(true), denyAll(true), allowAll(false), denyAll(false)] : [denyAll(true), denyAll(false)],
    associations: {},
  };
  state.networkAcls[acl.NetworkAclId] = acl;
  return acl;
}

export const defaultAclOf = (state: Ec2State, vpcId: string): NetworkAclRec | undefined =>
  Object.values(state.networkAcls).find((a) => a.VpcId === vpcId && a.IsDefault);

export const aclOfSubnet = (state: Ec2State, subnetId: string): NetworkAclRec | undefined =>
  Object.values(state.networkAcls).find((a) => a.associations[subnetId]);

/** Entries in evaluation order for one direction: lowest rule number first, the `*` rule last. */
export const orderedEntries = (acl: NetworkAclRec, egress: boolean): AclEntryRec[] =>
  acl.entries.filter((e) => e.Egress === egress).sort((a, b) => a.RuleNumber - b.RuleNumber);

function toNetworkAcl(state: Ec2State, ctx: Ec2Context, acl: NetworkAclRec): NetworkAcl {
  // AWS lists the outbound entries first, each direction by rule number.
  const entries = [...orderedEntries(acl, true), ...orderedEntries(acl, false)];
  return {
    Associations: Object.entries(acl.associations).map(([SubnetId, NetworkAclAssociationId]) => ({ NetworkAclAssociationId, NetworkAclId: acl.NetworkAclId, SubnetId })),
    Entries: entries.map((e) => ({
      CidrBlock: e.CidrBlock,
      Ipv6CidrBlock: e.Ipv6CidrBlock,
      Egress: e.Egress,
      IcmpTypeCode: e.IcmpTypeCode,
      PortRange: e.PortRange,
      Protocol: e.Protocol,
      RuleAction: e.RuleAction,
      RuleNumber: e.RuleNumber,
    })),
    IsDefault: acl.IsDefault,
    NetworkAclId: acl.NetworkAclId,
    Tags: tagList(state, acl.NetworkAclId, true),
    VpcId: acl.VpcId,
    OwnerId: ctx.accountId,
  };
}

const PROTOCOL_NUMBERS: Record<string, string> = { all: '-1', tcp: '6', udp: '17', icmp: '1', icmpv6: '58' };

/** Validates an entry as CreateNetworkAclEntry and ReplaceNetworkAclEntry do. */
function entryOf(input: CreateNetworkAclEntryRequest): AclEntryRec {
  const n = input.RuleNumber!;
  if (!Number.isInteger(n) || n < 1 || n > 32766) {
    throw invalidParameterValue(`Value (${n}) for parameter ruleNumber is invalid. Rule number must be between 1 and 32766.`);
  }
  const raw = String(input.Protocol).toLowerCase();
  const protocol = PROTOCOL_NUMBERS[raw] ?? raw;
  if (!/^-1$|^\d{1,3}$/.test(protocol) || Number(protocol) > 255) throw invalidParameterValue(`Invalid value '${input.Protocol}' for protocol. Value must be a protocol number or -1.`);
  const action = String(input.RuleAction).toLowerCase();
  if (action !== 'allow' && action !== 'deny') throw invalidParameterValue(`Value (${input.RuleAction}) for parameter ruleAction is invalid. Valid values: allow, deny`);
  if (!input.CidrBlock && !input.Ipv6CidrBlock) throw new AwsError('MissingParameter', 'The request must contain the parameter cidrBlock or ipv6CidrBlock', 400);
  const cidr = input.CidrBlock ? normalizeCidr(input.CidrBlock) : undefined;
  if (input.CidrBlock && !cidr) throw invalidParameterValue(`Value (${input.CidrBlock}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);
  const entry: AclEntryRec = { RuleNumber: n, Protocol: protocol, RuleAction: action, Egress: !!input.Egress, CidrBlock: cidr, Ipv6CidrBlock: input.Ipv6CidrBlock };
  if (protocol === '6' || protocol === '17') {
    const from = input.PortRange?.From;
    const to = input.PortRange?.To;
    if (from === undefined || to === undefined) throw new AwsError('MissingParameter', 'The request must contain the parameter portRange', 400);
    if (from < 0 || to > 65535 || from > to) throw invalidParameterValue(`Invalid port range: ${from}-${to}`);
    entry.PortRange = { From: from, To: to };
  } else if (protocol === '1') {
    if (input.IcmpTypeCode?.Type === undefined || input.IcmpTypeCode.Code === undefined) {
      throw new AwsError('MissingParameter', 'The request must contain the parameter icmpTypeCode', 400);
    }
    entry.IcmpTypeCode = { Code: input.IcmpTypeCode.Code, Type: input.IcmpTypeCode.Type };
  }
  return entry;
}

const aclFilters = (ctx: Ec2Context): FilterSpec<NetworkAclRec> => ({
  'association.association-id': (a) => Object.values(a.associations),
  'association.network-acl-id': (a) => (Object.keys(a.associations).length ? a.NetworkAclId : undefined),
  'association.subnet-id': (a) => Object.keys(a.associations),
  default: (a) => a.IsDefault,
  'entry.cidr': (a) => a.entries.map((e) => e.CidrBlock),
  'entry.ipv6-cidr': (a) => a.entries.map((e) => e.Ipv6CidrBlock),
  'entry.icmp.code': (a) => a.entries.map((e) => e.IcmpTypeCode?.Code),
  'entry.icmp.type': (a) => a.entries.map((e) => e.IcmpTypeCode?.Type),
  'entry.port-range.from': (a) => a.entries.map((e) => e.PortRange?.From),
  'entry.port-range.to': (a) => a.entries.map((e) => e.PortRange?.To),
  'entry.protocol': (a) => a.entries.map((e) => e.Protocol),
  'entry.rule-action': (a) => a.entries.map((e) => e.RuleAction),
  'entry.rule-number': (a) => a.entries.map((e) => e.RuleNumber),
  'entry.egress': (a) => a.entries.map((e) => e.Egress),
  'network-acl-id': (a) => a.NetworkAclId,
  'owner-id': () => ctx.accountId,
  'vpc-id': (a) => a.VpcId,
});

export const CreateNetworkAcl = operation<CreateNetworkAclRequest, CreateNetworkAclResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const vpc = need(state.vpcs, input.VpcId, 'vpc');
    const acl = newNetworkAcl(state, vpc.VpcId, false);
    applyTagSpecifications(state, acl.NetworkAclId, 'network-acl', input.TagSpecifications);
    return { NetworkAcl: toNetworkAcl(state, ctx, acl), ClientToken: input.ClientToken };
  },
});

export const DescribeNetworkAcls = operation<DescribeNetworkAclsRequest, DescribeNetworkAclsResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const items = applyFilters(byIds(state.networkAcls, input.NetworkAclIds, 'acl'), input.Filters, aclFilters(ctx), (a) => tagsOf(state, a.NetworkAclId));
    const { page, NextToken } = paginate(items, input, { ids: input.NetworkAclIds, idsParam: 'networkAclIds' });
    return { NetworkAcls: page.map((a) => toNetworkAcl(state, ctx, a)), NextToken };
  },
});

export const DeleteNetworkAcl = operation<DeleteNetworkAclRequest, object>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const acl = need(state.networkAcls, input.NetworkAclId, 'acl');
    if (acl.IsDefault) throw invalidParameterValue(`cannot delete default network ACL ${acl.NetworkAclId}`);
    if (Object.keys(acl.associations).length) throw dependencyViolation(`The networkAcl '${acl.NetworkAclId}' has dependencies and cannot be deleted.`);
    delete state.networkAcls[acl.NetworkAclId];
    delete state.tags[acl.NetworkAclId];
    return {};
  },
});

export const CreateNetworkAclEntry = operation<CreateNetworkAclEntryRequest, object>({
  handler(input, ctx) {
    const acl = need(ec2State(ctx).networkAcls, input.NetworkAclId, 'acl');
    const entry = entryOf(input);
    if (acl.entries.some((e) => e.Egress === entry.Egress && e.RuleNumber === entry.RuleNumber)) {
      throw new AwsError('NetworkAclEntryAlreadyExists', `The network acl entry identified by ${entry.RuleNumber} already exists.`, 400);
    }
    acl.entries.push(entry);
    return {};
  },
});

export const ReplaceNetworkAclEntry = operation<ReplaceNetworkAclEntryRequest, object>({
  handler(input, ctx) {
    const acl = need(ec2State(ctx).networkAcls, input.NetworkAclId, 'acl');
    const entry = entryOf(input);
    const i = acl.entries.findIndex((e) => e.Egress === entry.Egress && e.RuleNumber === entry.RuleNumber);
    if (i < 0) throw new AwsError('InvalidNetworkAclEntry.NotFound', `The network acl entry identified by ${entry.RuleNumber} does not exist.`, 400);
    acl.entries[i] = entry;
    return {};
  },
});

export const DeleteNetworkAclEntry = operation<DeleteNetworkAclEntryRequest, object>({
  handler(input, ctx) {
    const acl = need(ec2State(ctx).networkAcls, input.NetworkAclId, 'acl');
    const i = acl.entries.findIndex((e) => e.Egress === !!input.Egress && e.RuleNumber === input.RuleNumber);
    if (i < 0 || input.RuleNumber === DEFAULT_RULE) {
      throw new AwsError('InvalidNetworkAclEntry.NotFound', `The network acl entry identified by ${input.RuleNumber} does not exist.`, 400);
    }
    acl.entries.splice(i, 1);
    return {};
  },
});

export const ReplaceNetworkAclAssociation = operation<ReplaceNetworkAclAssociationRequest, ReplaceNetworkAclAssociationResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const target = need(state.networkAcls, input.NetworkAclId, 'acl');
    const current = Object.values(state.networkAcls).find((a) => Object.values(a.associations).includes(input.AssociationId!));
    if (!current) throw notFound('aclassoc', input.AssociationId ?? '');
    const subnetId = Object.entries(current.associations).find(([, id]) => id === input.AssociationId)![0];
    if (target.VpcId !== current.VpcId) throw invalidParameterValue(`Network ACL ${target.NetworkAclId} and subnet ${subnetId} belong to different networks.`);
    delete current.associations[subnetId];
    const id = ec2Id('aclassoc');
    target.associations[subnetId] = id;
    return { NewAssociationId: id };
  },
});
