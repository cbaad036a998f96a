import type {
  AuthorizeSecurityGroupEgressRequest,
  AuthorizeSecurityGroupEgressResult,
  AuthorizeSecurityGroupIngressRequest,
  AuthorizeSecurityGroupIngressResult,
  CreateSecurityGroupRequest,
  CreateSecurityGroupResult,
  DeleteSecurityGroupRequest,
  DeleteSecurityGroupResult,
  DescribeSecurityGroupRulesRequest,
  DescribeSecurityGroupRulesResult,
  DescribeSecurityGroupsRequest,
  DescribeSecurityGroupsResult,
  GetSecurityGroupsForVpcRequest,
  GetSecurityGroupsForVpcResult,
  IpPermission,
  ModifySecurityGroupRulesRequest,
  ModifySecurityGroupRulesResult,
  RevokeSecurityGroupEgressRequest,
  RevokeSecurityGroupEgressResult,
  RevokeSecurityGroupIngressRequest,
  RevokeSecurityGroupIngressResult,
  SecurityGroup,
  SecurityGroupRule,
  UpdateSecurityGroupRuleDescriptionsIngressRequest,
  UpdateSecurityGroupRuleDescriptionsIngressResult,
} from '@aws-sdk/client-ec2';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import { normalizeCidr } from './cidr.js';
import {
  applyTagSpecifications,
  byIds,
  dependencyViolation,
  ec2Arn,
  ec2Id,
  invalidParameterValue,
  need,
  notFound,
  paginate,
  tagList,
  tagsOf,
} from './common.js';
import { applyFilters, type FilterSpec } from './filters.js';
import { ec2State, type Ec2Context, type Ec2State, type SecurityGroupRec, type SgRuleRec } from './state.js';

/** Every VPC's `default` group: all traffic from members of the group itself, all traffic out. */
export function newDefaultSecurityGroup(state: Ec2State, vpcId: string): SecurityGroupRec {
  const GroupId = ec2Id('sg');
  const sg: SecurityGroupRec = {
    GroupId,
    GroupName: 'default',
    Description: 'default VPC security group',
    VpcId: vpcId,
    rules: [
      { SecurityGroupRuleId: ec2Id('sgr'), IsEgress: false, IpProtocol: '-1', ReferencedGroupId: GroupId },
      { SecurityGroupRuleId: ec2Id('sgr'), IsEgress: true, IpProtocol: '-1', CidrIpv4: '0.0.0.0/0' },
    ],
  };
  state.securityGroups[GroupId] = sg;
  return sg;
}

export const defaultGroupOf = (state: Ec2State, vpcId: string): SecurityGroupRec | undefined =>
  Object.values(state.securityGroups).find((g) => g.VpcId === vpcId && g.GroupName === 'default');

export const defaultVpcOf = (state: Ec2State) => Object.values(state.vpcs).find((v) => v.IsDefault);

/** A group by name, as the EC2-Classic-era parameters (GroupName, SecurityGroups) name them: in the default VPC. */
export function groupByName(state: Ec2State, name: string, vpcId?: string): SecurityGroupRec {
  const vpc = vpcId ?? defaultVpcOf(state)?.VpcId;
  const g = Object.values(state.securityGroups).find((x) => x.GroupName === name && x.VpcId === vpc);
  if (!g) {
    if (!vpc) throw new AwsError('VPCIdNotSpecified', 'No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.', 400);
    throw new AwsError('InvalidGroup.NotFound', `The security group '${name}' does not exist in default VPC '${vpc}'`, 400);
  }
  return g;
}

function findGroup(state: Ec2State, groupId: string | undefined, groupName: string | undefined): SecurityGroupRec {
  if (groupId) return need(state.securityGroups, groupId, 'sg');
  if (groupName) return groupByName(state, groupName);
  throw new AwsError('MissingParameter', 'The request must contain the parameter groupName or groupId', 400);
}

const PROTOCOLS: Record<string, string> = { '-1': '-1', all: '-1', tcp: 'tcp', '6': 'tcp', udp: 'udp', '17': 'udp', icmp: 'icmp', '1': 'icmp', icmpv6: 'icmpv6', '58': 'icmpv6' };

export function normalizeProtocol(p: string | undefined): string {
  const key = String(p ?? '').toLowerCase();
  const known = PROTOCOLS[key];
  if (known) return known;
  if (/^\d{1,3}$/.test(key) && Number(key) <= 255) return key;
  throw invalidParameterValue(`Invalid value '${p}' for IP protocol. Unknown protocol.`);
}

/** Protocols whose rules carry ports (ICMP's "ports" are its type and code). */
const hasPorts = (protocol: string) => protocol === 'tcp' || protocol === 'udp' || protocol === 'icmp' || protocol === 'icmpv6';

/** Expands IpPermissions into one rule per peer, validated as AWS validates them. */
function rulesOf(state: Ec2State, group: SecurityGroupRec, perms: IpPermission[], egress: boolean): Omit<SgRuleRec, 'SecurityGroupRuleId'>[] {
  const out: Omit<SgRuleRec, 'SecurityGroupRuleId'>[] = [];
  for (const p of perms) {
    const IpProtocol = normalizeProtocol(p.IpProtocol);
    let FromPort: number | undefined;
    let ToPort: number | undefined;
    if (hasPorts(IpProtocol)) {
      FromPort = p.FromPort;
      ToPort = p.ToPort;
      if (IpProtocol === 'tcp' || IpProtocol === 'udp') {
        if (FromPort === undefined || ToPort === undefined) {
          throw invalidParameterValue(`Invalid value 'null' for portRange. Must specify both from and to ports with TCP/UDP.`);
        }
        if (FromPort < 0 || ToPort > 65535 || FromPort > ToPort) {
          throw invalidParameterValue(`Invalid value '${FromPort}-${ToPort}' for portRange. From port must not exceed to port, and both must be between 0 and 65535.`);
        }
      } else {
        FromPort ??= -1;
        ToPort ??= -1;
      }
    }
    const base = { IsEgress: egress, IpProtocol, FromPort, ToPort };
    for (const r of p.IpRanges ?? []) {
      const cidr = r.CidrIp && normalizeCidr(r.CidrIp);
      if (!cidr) throw invalidParameterValue(`CIDR block ${r.CidrIp} is malformed`);
      out.push({ ...base, CidrIpv4: cidr, Description: r.Description });
    }
    for (const r of p.Ipv6Ranges ?? []) {
      if (!r.CidrIpv6 || !/^[0-9a-f:]+\/\d{1,3}$/i.test(r.CidrIpv6)) throw invalidParameterValue(`CIDR block ${r.CidrIpv6} is malformed`);
      out.push({ ...base, CidrIpv6: r.CidrIpv6.toLowerCase(), Description: r.Description });
    }
    for (const r of p.PrefixListIds ?? []) {
      if (!r.PrefixListId?.startsWith('pl-')) throw new AwsError('InvalidPrefixListId.Malformed', `Invalid prefix list id: "${r.PrefixListId}"`, 400);
      out.push({ ...base, PrefixListId: r.PrefixListId, Description: r.Description });
    }
    for (const pair of p.UserIdGroupPairs ?? []) {
      const peer = pair.GroupId ? need(state.securityGroups, pair.GroupId, 'sg') : groupByName(state, pair.GroupName ?? '', group.VpcId);
      if (peer.VpcId !== group.VpcId) {
        throw new AwsError('InvalidGroup.NotFound', `You have specified two resources that belong to different networks.`, 400);
      }
      out.push({ ...base, ReferencedGroupId: peer.GroupId, Description: pair.Description });
    }
    if (!p.IpRanges?.length && !p.Ipv6Ranges?.length && !p.PrefixListIds?.length && !p.UserIdGroupPairs?.length) {
      throw new AwsError('MissingParameter', 'The request must contain the parameter ipPermissions.ipRanges, ipv6Ranges, prefixListIds or groups', 400);
    }
  }
  return out;
}

/** The legacy single-rule parameters (CidrIp, IpProtocol, FromPort, ToPort, SourceSecurityGroupName) as IpPermissions. */
function legacyPermissions(state: Ec2State, input: AuthorizeSecurityGroupIngressRequest): IpPermission[] {
  if (input.IpPermissions?.length) return input.IpPermissions;
  if (input.SourceSecurityGroupName) {
    const peer = groupByName(state, input.SourceSecurityGroupName);
    return [{ IpProtocol: input.IpProtocol ?? '-1', FromPort: input.FromPort, ToPort: input.ToPort, UserIdGroupPairs: [{ GroupId: peer.GroupId }] }];
  }
  if (input.CidrIp || input.IpProtocol) {
    return [{ IpProtocol: input.IpProtocol ?? '-1', FromPort: input.FromPort, ToPort: input.ToPort, IpRanges: [{ CidrIp: input.CidrIp ?? '0.0.0.0/0' }] }];
  }
  throw new AwsError('MissingParameter', 'The request must contain the parameter ipPermissions', 400);
}

const sameRule = (a: Omit<SgRuleRec, 'SecurityGroupRuleId'>, b: Omit<SgRuleRec, 'SecurityGroupRuleId'>) =>
  a.IsEgress === b.IsEgress &&
  a.IpProtocol === b.IpProtocol &&
  (a.IpProtocol === '-1' || (a.FromPort === b.FromPort && a.ToPort === b.ToPort)) &&
  a.CidrIpv4 === b.CidrIpv4 &&
  a.CidrIpv6 === b.CidrIpv6 &&
  a.PrefixListId === b.PrefixListId &&
  a.ReferencedGroupId === b.ReferencedGroupId;

/** The rule as AWS names it in InvalidPermission.Duplicate. */
function describeRule(r: Omit<SgRuleRec, 'SecurityGroupRuleId'>): string {
  const peer = r.CidrIpv4 ?? r.CidrIpv6 ?? r.PrefixListId ?? r.ReferencedGroupId;
  if (r.IpProtocol === '-1') return `peer: ${peer}, ALL, ALLOW`;
  const proto = r.IpProtocol.toUpperCase();
  return `peer: ${peer}, ${proto}, from port: ${r.FromPort}, to port: ${r.ToPort}, ALLOW`;
}

export function toSecurityGroupRule(ctx: Ec2Context, state: Ec2State, g: SecurityGroupRec, r: SgRuleRec): SecurityGroupRule {
  return {
    SecurityGroupRuleId: r.SecurityGroupRuleId,
    GroupId: g.GroupId,
    GroupOwnerId: ctx.accountId,
    IsEgress: r.IsEgress,
    IpProtocol: r.IpProtocol,
    FromPort: r.FromPort ?? -1,
    ToPort: r.ToPort ?? -1,
    CidrIpv4: r.CidrIpv4,
    CidrIpv6: r.CidrIpv6,
    PrefixListId: r.PrefixListId,
    ReferencedGroupInfo: r.ReferencedGroupId ? { GroupId: r.ReferencedGroupId, UserId: ctx.accountId } : undefined,
    Description: r.Description,
    Tags: tagList(state, r.SecurityGroupRuleId, true),
    SecurityGroupRuleArn: ec2Arn(ctx, 'security-group-rule', r.SecurityGroupRuleId),
  };
}

/** Rules grouped back into IpPermissions by protocol and ports, in the order they were added. */
function toPermissions(ctx: Ec2Context, rules: SgRuleRec[]): IpPermission[] {
  const out: IpPermission[] = [];
  const byKey = new Map<string, IpPermission>();
  for (const r of rules) {
    const key = `${r.IpProtocol}|${r.FromPort}|${r.ToPort}`;
    let p = byKey.get(key);
    if (!p) {
      p = { IpProtocol: r.IpProtocol, FromPort: r.FromPort, ToPort: r.ToPort, UserIdGroupPairs: [], IpRanges: [], Ipv6Ranges: [], PrefixListIds: [] };
      byKey.set(key, p);
      out.push(p);
    }
    if (r.CidrIpv4) p.IpRanges!.push({ CidrIp: r.CidrIpv4, Description: r.Description });
    if (r.CidrIpv6) p.Ipv6Ranges!.push({ CidrIpv6: r.CidrIpv6, Description: r.Description });
    if (r.PrefixListId) p.PrefixListIds!.push({ PrefixListId: r.PrefixListId, Description: r.Description });
    if (r.ReferencedGroupId) p.UserIdGroupPairs!.push({ UserId: ctx.accountId, GroupId: r.ReferencedGroupId, Description: r.Description });
  }
  return out;
}

export function toSecurityGroup(state: Ec2State, ctx: Ec2Context, g: SecurityGroupRec): SecurityGroup {
  return {
    GroupId: g.GroupId,
    IpPermissionsEgress: toPermissions(ctx, g.rules.filter((r) => r.IsEgress)),
    Tags: tagList(state, g.GroupId),
    VpcId: g.VpcId,
    SecurityGroupArn: ec2Arn(ctx, 'security-group', g.GroupId),
    OwnerId: ctx.accountId,
    GroupName: g.GroupName,
    Description: g.Description,
    IpPermissions: toPermissions(ctx, g.rules.filter((r) => !r.IsEgress)),
  };
}

const perms = (g: SecurityGroupRec, egress: boolean) => g.rules.filter((r) => r.IsEgress === egress);

const sgFilters = (state: Ec2State, ctx: Ec2Context): FilterSpec<SecurityGroupRec> => {
  const spec: FilterSpec<SecurityGroupRec> = {
    description: (g) => g.Description,
    'group-id': (g) => g.GroupId,
    'group-name': (g) => g.GroupName,
    'owner-id': () => ctx.accountId,
    'vpc-id': (g) => g.VpcId,
  };
  for (const [prefix, egress] of [
    ['ip-permission', false],
    ['egress.ip-permission', true],
  ] as const) {
    spec[`${prefix}.cidr`] = (g) => perms(g, egress).map((r) => r.CidrIpv4);
    spec[`${prefix}.ipv6-cidr`] = (g) => perms(g, egress).map((r) => r.CidrIpv6);
    spec[`${prefix}.prefix-list-id`] = (g) => perms(g, egress).map((r) => r.PrefixListId);
    spec[`${prefix}.from-port`] = (g) => perms(g, egress).map((r) => r.FromPort ?? -1);
    spec[`${prefix}.to-port`] = (g) => perms(g, egress).map((r) => r.ToPort ?? -1);
    spec[`${prefix}.protocol`] = (g) => perms(g, egress).map((r) => r.IpProtocol);
    spec[`${prefix}.group-id`] = (g) => perms(g, egress).map((r) => r.ReferencedGroupId);
    spec[`${prefix}.group-name`] = (g) => perms(g, egress).map((r) => (r.ReferencedGroupId ? state.securityGroups[r.ReferencedGroupId]?.GroupName : undefined));
    spec[`${prefix}.user-id`] = (g) => perms(g, egress).map((r) => (r.ReferencedGroupId ? ctx.accountId : undefined));
  }
  return spec;
};

export const CreateSecurityGroup = operation<CreateSecurityGroupRequest, CreateSecurityGroupResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const name = input.GroupName!;
    const vpcId = input.VpcId ?? defaultVpcOf(state)?.VpcId;
    if (!vpcId) throw new AwsError('VPCIdNotSpecified', 'No default VPC for this user', 400);
    need(state.vpcs, vpcId, 'vpc');
    if (!name || name.length > 255) throw invalidParameterValue(`Value (${name}) for parameter GroupName is invalid. Character sets beyond ASCII are not supported.`);
    if (/^sg-/i.test(name)) throw invalidParameterValue('Group names may not be in the format sg-*.');
    if (name === 'default') throw new AwsError('InvalidGroup.Reserved', "The security group 'default' is reserved", 400);
    if ((input.Description ?? '').length > 255) throw invalidParameterValue('Value for parameter GroupDescription is invalid. The maximum length is 255 characters.');
    if (Object.values(state.securityGroups).some((g) => g.VpcId === vpcId && g.GroupName === name)) {
      throw new AwsError('InvalidGroup.Duplicate', `The security group '${name}' already exists for VPC '${vpcId}'`, 400);
    }
    const sg: SecurityGroupRec = {
      GroupId: ec2Id('sg'),
      GroupName: name,
      Description: input.Description!,
      VpcId: vpcId,
      // New groups allow all outbound traffic until told otherwise.
      rules: [{ SecurityGroupRuleId: ec2Id('sgr'), IsEgress: true, IpProtocol: '-1', CidrIpv4: '0.0.0.0/0' }],
    };
    state.securityGroups[sg.GroupId] = sg;
    applyTagSpecifications(state, sg.GroupId, 'security-group', input.TagSpecifications);
    return { GroupId: sg.GroupId, Tags: tagList(state, sg.GroupId), SecurityGroupArn: ec2Arn(ctx, 'security-group', sg.GroupId) };
  },
});

export const DeleteSecurityGroup = operation<DeleteSecurityGroupRequest, DeleteSecurityGroupResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const g = findGroup(state, input.GroupId, input.GroupName);
    if (g.GroupName === 'default') {
      throw new AwsError('CannotDelete', `the specified group: "${g.GroupId}" name: "default" cannot be deleted by a user`, 400);
    }
    const inUse =
      Object.values(state.networkInterfaces).some((e) => e.groups.includes(g.GroupId)) ||
      Object.values(state.securityGroups).some((o) => o.GroupId !== g.GroupId && o.rules.some((r) => r.ReferencedGroupId === g.GroupId));
    if (inUse) throw dependencyViolation(`resource ${g.GroupId} has a dependent object`);
    delete state.securityGroups[g.GroupId];
    delete state.tags[g.GroupId];
    for (const r of g.rules) delete state.tags[r.SecurityGroupRuleId];
    return { Return: true, GroupId: g.GroupId };
  },
});

export const DescribeSecurityGroups = operation<DescribeSecurityGroupsRequest, DescribeSecurityGroupsResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    let groups = byIds(state.securityGroups, input.GroupIds, 'sg');
    if (input.GroupNames?.length) {
      const named = input.GroupNames.map((n) => groupByName(state, n));
      groups = input.GroupIds?.length ? groups.filter((g) => named.includes(g)) : named;
    }
    const items = applyFilters(groups, input.Filters, sgFilters(state, ctx), (g) => tagsOf(state, g.GroupId));
    const ids = [...(input.GroupIds ?? []), ...(input.GroupNames ?? [])];
    const { page, NextToken } = paginate(items, input, { ids, idsParam: 'groupIds' });
    return { SecurityGroups: page.map((g) => toSecurityGroup(state, ctx, g)), NextToken };
  },
});

export const DescribeSecurityGroupRules = operation<DescribeSecurityGroupRulesRequest, DescribeSecurityGroupRulesResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const all: { g: SecurityGroupRec; r: SgRuleRec }[] = [];
    for (const g of Object.values(state.securityGroups)) for (const r of g.rules) all.push({ g, r });
    let rules = all;
    if (input.SecurityGroupRuleIds?.length) {
      rules = input.SecurityGroupRuleIds.map((id) => {
        const hit = all.find((x) => x.r.SecurityGroupRuleId === id);
        if (!hit) throw notFound('sgr', id);
        return hit;
      });
    }
    const items = applyFilters(
      rules,
      input.Filters,
      { 'group-id': (x) => x.g.GroupId, 'security-group-rule-id': (x) => x.r.SecurityGroupRuleId },
      (x) => tagsOf(state, x.r.SecurityGroupRuleId),
    );
    const { page, NextToken } = paginate(items, input, { ids: input.SecurityGroupRuleIds, idsParam: 'securityGroupRuleIds' });
    return { SecurityGroupRules: page.map((x) => toSecurityGroupRule(ctx, state, x.g, x.r)), NextToken };
  },
});

export const GetSecurityGroupsForVpc = operation<GetSecurityGroupsForVpcRequest, GetSecurityGroupsForVpcResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const vpc = need(state.vpcs, input.VpcId, 'vpc');
    const groups = applyFilters(
      Object.values(state.securityGroups).filter((g) => g.VpcId === vpc.VpcId),
      input.Filters,
      {
        'group-id': (g) => g.GroupId,
        description: (g) => g.Description,
        'group-name': (g) => g.GroupName,
        'owner-id': () => ctx.accountId,
        'primary-vpc-id': (g) => g.VpcId,
      },
      (g) => tagsOf(state, g.GroupId),
    );
    const { page, NextToken } = paginate(groups, input);
    return {
      SecurityGroupForVpcs: page.map((g) => ({
        Description: g.Description,
        GroupName: g.GroupName,
        OwnerId: ctx.accountId,
        GroupId: g.GroupId,
        Tags: tagList(state, g.GroupId, true),
        PrimaryVpcId: g.VpcId,
      })),
      NextToken,
    };
  },
});

function authorize(ctx: Ec2Context, input: AuthorizeSecurityGroupIngressRequest, egress: boolean): { Return: boolean; SecurityGroupRules: SecurityGroupRule[] } {
  const state = ec2State(ctx);
  const g = findGroup(state, input.GroupId, egress ? undefined : input.GroupName);
  const wanted = rulesOf(state, g, legacyPermissions(state, input), egress);
  const added: SgRuleRec[] = [];
  for (const w of wanted) {
    if (g.rules.some((r) => sameRule(r, w)) || added.some((r) => sameRule(r, w))) {
      throw new AwsError('InvalidPermission.Duplicate', `the specified rule "${describeRule(w)}" already exists`, 400);
    }
    added.push({ SecurityGroupRuleId: ec2Id('sgr'), ...w });
  }
  g.rules.push(...added);
  for (const r of added) applyTagSpecifications(state, r.SecurityGroupRuleId, 'security-group-rule', input.TagSpecifications);
  return { Return: true, SecurityGroupRules: added.map((r) => toSecurityGroupRule(ctx, state, g, r)) };
}

function revoke(
  ctx: Ec2Context,
  input: RevokeSecurityGroupIngressRequest,
  egress: boolean,
): { Return: boolean; UnknownIpPermissions?: IpPermission[]; RevokedSecurityGroupRules?: { SecurityGroupRuleId: string; GroupId: string; IsEgress: boolean }[] } {
  const state = ec2State(ctx);
  const g = findGroup(state, input.GroupId, egress ? undefined : input.GroupName);
  let removed: SgRuleRec[] = [];
  const unknown: IpPermission[] = [];
  if (input.SecurityGroupRuleIds?.length) {
    for (const id of input.SecurityGroupRuleIds) {
      const r = g.rules.find((x) => x.SecurityGroupRuleId === id && x.IsEgress === egress);
      if (!r) throw notFound('sgr', id);
      removed.push(r);
    }
  } else {
    for (const p of legacyPermissions(state, input as AuthorizeSecurityGroupIngressRequest)) {
      const wanted = rulesOf(state, g, [p], egress);
      const hits = wanted.map((w) => g.rules.find((r) => sameRule(r, w)));
      if (hits.some((h) => !h)) unknown.push(p);
      removed.push(...(hits.filter(Boolean) as SgRuleRec[]));
    }
    if (!removed.length) throw new AwsError('InvalidPermission.NotFound', 'The specified rule does not exist in this security group.', 400);
  }
  removed = [...new Set(removed)];
  g.rules = g.rules.filter((r) => !removed.includes(r));
  for (const r of removed) delete state.tags[r.SecurityGroupRuleId];
  return {
    Return: true,
    UnknownIpPermissions: unknown.length ? unknown : undefined,
    RevokedSecurityGroupRules: removed.map((r) => ({ SecurityGroupRuleId: r.SecurityGroupRuleId, GroupId: g.GroupId, IsEgress: r.IsEgress })),
  };
}

export const AuthorizeSecurityGroupIngress = operation<AuthorizeSecurityGroupIngressRequest, AuthorizeSecurityGroupIngressResult>({
  handler: (input, ctx) => authorize(ctx, input, false),
});

export const AuthorizeSecurityGroupEgress = operation<AuthorizeSecurityGroupEgressRequest, AuthorizeSecurityGroupEgressResult>({
  handler: (input, ctx) => authorize(ctx, { ...input, IpPermissions: input.IpPermissions } as AuthorizeSecurityGroupIngressRequest, true),
});

export const RevokeSecurityGroupIngress = operation<RevokeSecurityGroupIngressRequest, RevokeSecurityGroupIngressResult>({
  handler: (input, ctx) => revoke(ctx, input, false),
});

export const RevokeSecurityGroupEgress = operation<RevokeSecurityGroupEgressRequest, RevokeSecurityGroupEgressResult>({
  handler: (input, ctx) => revoke(ctx, input as RevokeSecurityGroupIngressRequest, true),
});

export const ModifySecurityGroupRules = operation<ModifySecurityGroupRulesRequest, ModifySecurityGroupRulesResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const g = need(state.securityGroups, input.GroupId, 'sg');
    const updates = (input.SecurityGroupRules ?? []).map((u) => {
      const i = g.rules.findIndex((r) => r.SecurityGroupRuleId === u.SecurityGroupRuleId);
      if (i < 0) throw notFound('sgr', u.SecurityGroupRuleId ?? '');
      const req = u.SecurityGroupRule ?? {};
      const perm: IpPermission = {
        IpProtocol: req.IpProtocol,
        FromPort: req.FromPort,
        ToPort: req.ToPort,
        IpRanges: req.CidrIpv4 ? [{ CidrIp: req.CidrIpv4, Description: req.Description }] : undefined,
        Ipv6Ranges: req.CidrIpv6 ? [{ CidrIpv6: req.CidrIpv6, Description: req.Description }] : undefined,
        PrefixListIds: req.PrefixListId ? [{ PrefixListId: req.PrefixListId, Description: req.Description }] : undefined,
        UserIdGroupPairs: req.ReferencedGroupId ? [{ GroupId: req.ReferencedGroupId, Description: req.Description }] : undefined,
      };
      const [rule] = rulesOf(state, g, [perm], g.rules[i].IsEgress);
      return { i, rule };
    });
    for (const { i, rule } of updates) g.rules[i] = { SecurityGroupRuleId: g.rules[i].SecurityGroupRuleId, ...rule };
    return { Return: true };
  },
});

export const UpdateSecurityGroupRuleDescriptionsIngress = operation<UpdateSecurityGroupRuleDescriptionsIngressRequest, UpdateSecurityGroupRuleDescriptionsIngressResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const g = findGroup(state, input.GroupId, input.GroupName);
    for (const d of input.SecurityGroupRuleDescriptions ?? []) {
      const r = g.rules.find((x) => x.SecurityGroupRuleId === d.SecurityGroupRuleId && !x.IsEgress);
      if (!r) throw notFound('sgr', d.SecurityGroupRuleId ?? '');
      r.Description = d.Description;
    }
    for (const w of input.IpPermissions?.length ? rulesOf(state, g, input.IpPermissions, false) : []) {
      const r = g.rules.find((x) => sameRule(x, w));
      if (!r) throw new AwsError('InvalidPermission.NotFound', 'The specified rule does not exist in this security group.', 400);
      r.Description = w.Description;
    }
    return { Return: true };
  },
});
