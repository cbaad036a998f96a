import type {
  AuthorizeSecurityGroupIngressResult,
  CreateSecurityGroupResult,
  DescribeSecurityGroupsResult,
  IpPermission,
  SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { isAwsError } from '../../../core/errors.js';
import { ignoreMissing, num, orUndo, syncTags, tagSpecs, whileDependent } from './ec2Common.js';
import { changed, physicalName, type ProviderContext, type ResourceProvider } from './types.js';

/**
 * Security groups, with rules written inline (SecurityGroupIngress, SecurityGroupEgress) or as
 * separate AWS::EC2::SecurityGroupIngress and AWS::EC2::SecurityGroupEgress resources.
 */

/** A rule as templates write it, inline or as its own resource. */
interface CfnRule {
  IpProtocol: string | number;
  FromPort?: number | string;
  ToPort?: number | string;
  CidrIp?: string;
  CidrIpv6?: string;
  Description?: string;
  SourceSecurityGroupId?: string;
  SourceSecurityGroupName?: string;
  SourceSecurityGroupOwnerId?: string;
  SourcePrefixListId?: string;
  DestinationSecurityGroupId?: string;
  DestinationPrefixListId?: string;
}

const PROTOCOL_NAMES: Record<string, string> = { '-1': '-1', all: '-1', '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };
const protocolOf = (p: unknown) => PROTOCOL_NAMES[String(p).toLowerCase()] ?? String(p).toLowerCase();

/** One template rule as the API's IpPermission (a rule names one peer). */
function permission(r: CfnRule, egress: boolean): IpPermission {
  const IpProtocol = protocolOf(r.IpProtocol);
  const perm: IpPermission = { IpProtocol, ...(IpProtocol === '-1' ? {} : { FromPort: num(r.FromPort), ToPort: num(r.ToPort) }) };
  const Description = r.Description;
  const prefixList = egress ? r.DestinationPrefixListId : r.SourcePrefixListId;
  const groupId = egress ? r.DestinationSecurityGroupId : r.SourceSecurityGroupId;
  if (r.CidrIp) perm.IpRanges = [{ CidrIp: r.CidrIp, Description }];
  else if (r.CidrIpv6) perm.Ipv6Ranges = [{ CidrIpv6: r.CidrIpv6, Description }];
  else if (prefixList) perm.PrefixListIds = [{ PrefixListId: prefixList, Description }];
  else if (groupId || (!egress && r.SourceSecurityGroupName)) {
    perm.UserIdGroupPairs = [{ GroupId: groupId, GroupName: groupId ? undefined : r.SourceSecurityGroupName, UserId: egress ? undefined : r.SourceSecurityGroupOwnerId, Description }];
  }
  return perm;
}

/** What identifies a rule, so that the rules of two template versions can be compared. */
const ruleKey = (p: IpPermission) => JSON.stringify(p);

/** A group with no egress rules in its template keeps (or gets back) EC2's default: all traffic out. */
const ALL_OUT: IpPermission = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

function desired(p: Record<string, any> | undefined): { ingress: IpPermission[]; egress: IpPermission[] } {
  if (!p) return { ingress: [], egress: [ALL_OUT] };
  const ingress = ((p.SecurityGroupIngress ?? []) as CfnRule[]).map((r) => permission(r, false));
  const egress = ((p.SecurityGroupEgress ?? []) as CfnRule[]).map((r) => permission(r, true));
  return { ingress, egress: egress.length ? egress : [ALL_OUT] };
}

const ignoreUnknownRule = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (!(isAwsError(e) && /NotFound/.test(e.code))) throw e;
  }
};

/**
 * Takes a group's inline rules from one template version to the next. Only the template's rules
 * are compared, so rules that separate SecurityGroupIngress/Egress resources added stay.
 */
async function syncRules(ctx: ProviderContext, groupId: string, after: Record<string, any>, before: Record<string, any> | undefined): Promise<void> {
  const a = desired(after);
  const b = desired(before);
  for (const [dir, egress] of [
    ['Ingress', false],
    ['Egress', true],
  ] as const) {
    const want = egress ? a.egress : a.ingress;
    const had = egress ? b.egress : b.ingress;
    const wantKeys = new Set(want.map(ruleKey));
    const hadKeys = new Set(had.map(ruleKey));
    // Revoke first: a rule whose description changed is the same rule to EC2.
    for (const p of had) if (!wantKeys.has(ruleKey(p))) await ignoreUnknownRule(ctx.call('ec2', `RevokeSecurityGroup${dir}`, { GroupId: groupId, IpPermissions: [p] }));
    const added = new Set<string>();
    for (const p of want) {
      const k = ruleKey(p);
      if (hadKeys.has(k) || added.has(k)) continue;
      added.add(k);
      await ctx.call('ec2', `AuthorizeSecurityGroup${dir}`, { GroupId: groupId, IpPermissions: [p] });
    }
  }
}

async function groupOf(ctx: ProviderContext, filter: { GroupIds?: string[]; GroupNames?: string[] }) {
  return (await ctx.call<DescribeSecurityGroupsResult>('ec2', 'DescribeSecurityGroups', filter)).SecurityGroups![0];
}

export const securityGroup: ResourceProvider = {
  type: 'AWS::EC2::SecurityGroup',
  service: 'ec2',
  replaceOn: ['GroupDescription', 'GroupName', 'VpcId'],
  required: ['GroupDescription'],
  async create(ctx, p) {
    const name = p.GroupName ?? physicalName(ctx, { max: 255 });
    const out = await ctx.call<CreateSecurityGroupResult>('ec2', 'CreateSecurityGroup', {
      GroupName: name,
      Description: p.GroupDescription,
      VpcId: p.VpcId,
      TagSpecifications: tagSpecs('security-group', p.Tags),
    });
    const id = out.GroupId!;
    // A rule EC2 refuses fails the resource; the group it was made for goes too.
    await orUndo(
      () => syncRules(ctx, id, p, undefined),
      () => ctx.call('ec2', 'DeleteSecurityGroup', { GroupId: id }),
    );
    const g = await groupOf(ctx, { GroupIds: [id] });
    // Ref is the group's id when the template names a VPC, and its name otherwise.
    return { physicalId: id, ref: p.VpcId ? id : name, attributes: { GroupId: id, VpcId: g.VpcId } };
  },
  async update(ctx, id, p, old) {
    await syncRules(ctx, id, p, old);
    await syncTags(ctx, id, p.Tags, old.Tags);
  },
  async delete(ctx, id) {
    // Interfaces of instances being terminated, or other groups' rules that refer to it, let go shortly.
    await ignoreMissing(whileDependent(() => ctx.call('ec2', 'DeleteSecurityGroup', { GroupId: id })));
  },
};

/** The id of the group a standalone rule belongs to (templates for the default VPC may name it). */
async function groupIdOf(ctx: ProviderContext, p: Record<string, any>): Promise<string> {
  if (p.GroupId) return p.GroupId;
  return (await groupOf(ctx, { GroupNames: [p.GroupName] })).GroupId!;
}

/** A standalone rule's only in-place change is its description. */
async function describeRule(ctx: ProviderContext, ruleId: string, p: Record<string, any>, egress: boolean): Promise<void> {
  const perm = permission(p as CfnRule, egress);
  await ctx.call('ec2', 'ModifySecurityGroupRules', {
    GroupId: await groupIdOf(ctx, p),
    SecurityGroupRules: [
      {
        SecurityGroupRuleId: ruleId,
        SecurityGroupRule: {
          IpProtocol: perm.IpProtocol,
          FromPort: perm.FromPort,
          ToPort: perm.ToPort,
          CidrIpv4: perm.IpRanges?.[0]?.CidrIp,
          CidrIpv6: perm.Ipv6Ranges?.[0]?.CidrIpv6,
          PrefixListId: perm.PrefixListIds?.[0]?.PrefixListId,
          ReferencedGroupId: perm.UserIdGroupPairs?.[0]?.GroupId,
          Description: p.Description,
        },
      },
    ],
  });
}

function ruleProvider(egress: boolean): ResourceProvider {
  const dir = egress ? 'Egress' : 'Ingress';
  const peers = egress ? ['DestinationPrefixListId', 'DestinationSecurityGroupId'] : ['SourcePrefixListId', 'SourceSecurityGroupId', 'SourceSecurityGroupName', 'SourceSecurityGroupOwnerId'];
  return {
    type: `AWS::EC2::SecurityGroup${dir}`,
    service: 'ec2',
    replaceOn: ['GroupId', ...(egress ? [] : ['GroupName']), 'IpProtocol', 'FromPort', 'ToPort', 'CidrIp', 'CidrIpv6', ...peers],
    // GroupName names the group the rule joins, not the rule: a change of port still replaces the rule.
    nameProperty: null,
    required: egress ? ['GroupId', 'IpProtocol'] : ['IpProtocol'],
    async create(ctx, p) {
      const out = await ctx.call<AuthorizeSecurityGroupIngressResult>('ec2', `AuthorizeSecurityGroup${dir}`, {
        GroupId: p.GroupId,
        GroupName: egress ? undefined : p.GroupName,
        IpPermissions: [permission(p as CfnRule, egress)],
      });
      const rule: SecurityGroupRule | undefined = out.SecurityGroupRules?.[0];
      return { physicalId: rule!.SecurityGroupRuleId!, attributes: { Id: rule!.SecurityGroupRuleId } };
    },
    async update(ctx, id, p, old) {
      if (changed(p.Description, old.Description)) await describeRule(ctx, id, p, egress);
    },
    async delete(ctx, id, p) {
      await ignoreUnknownRule(
        (async () => ctx.call('ec2', `RevokeSecurityGroup${dir}`, { GroupId: await groupIdOf(ctx, p), SecurityGroupRuleIds: [id] }))(),
      );
    },
  };
}

export const securityGroupIngress = ruleProvider(false);
export const securityGroupEgress = ruleProvider(true);
