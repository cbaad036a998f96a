import type {
  CreateNetworkInterfaceRequest,
  CreateNetworkInterfaceResult,
  DeleteNetworkInterfaceRequest,
  DescribeNetworkInterfacesRequest,
  DescribeNetworkInterfacesResult,
  ModifyNetworkInterfaceAttributeRequest,
  NetworkInterface,
} from '@aws-sdk/client-ec2';
import { randomBytes } from 'node:crypto';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import { applyTagSpecifications, byIds, ec2Id, invalidParameterValue, need, paginate, tagList, tagsOf } from './common.js';
import { applyFilters, type FilterSpec } from './filters.js';
import { privateDnsSuffix, publicDnsSuffix } from './data/regions.js';
import { ec2State, type Ec2Context, type Ec2State, type EniRec, type SubnetRec } from './state.js';
import { allocateIp, releaseIp } from './subnets.js';
import { defaultGroupOf } from './securityGroups.js';

export const privateDnsName = (region: string, ip: string): string => `ip-${ip.replace(/\./g, '-')}.${privateDnsSuffix(region)}`;

/** Public DNS names exist only in VPCs with DNS hostnames enabled (the default VPC has them). */
export function publicDnsName(state: Ec2State, region: string, vpcId: string, ip: string | undefined): string {
  if (!ip || !state.vpcs[vpcId]?.enableDnsHostnames) return '';
  return `ec2-${ip.replace(/\./g, '-')}.${publicDnsSuffix(region)}`;
}

const macAddress = (): string => ['0e', ...[...randomBytes(5)].map((b) => b.toString(16).padStart(2, '0'))].join(':');

/** Checks security group ids for an interface in `vpcId` and gives them (the VPC's default group when none). */
export function groupsFor(state: Ec2State, vpcId: string, groupIds: string[] | undefined, subnetId: string): string[] {
  if (!groupIds?.length) {
    const def = defaultGroupOf(state, vpcId);
    return def ? [def.GroupId] : [];
  }
  return [...new Set(groupIds)].map((id) => {
    const g = need(state.securityGroups, id, 'sg');
    if (g.VpcId !== vpcId) throw new AwsError('InvalidParameter', `Security group ${g.GroupId} and subnet ${subnetId} belong to different networks.`, 400);
    return g.GroupId;
  });
}

export function newEni(
  state: Ec2State,
  subnet: SubnetRec,
  opts: { groups: string[]; description?: string; type?: EniRec['InterfaceType']; privateIp?: string; requesterId?: string },
): EniRec {
  const id = ec2Id('eni');
  const eni: EniRec = {
    NetworkInterfaceId: id,
    SubnetId: subnet.SubnetId,
    VpcId: subnet.VpcId,
    AvailabilityZone: subnet.AvailabilityZone,
    PrivateIpAddress: allocateIp(subnet, id, opts.privateIp),
    MacAddress: macAddress(),
    Description: opts.description ?? '',
    InterfaceType: opts.type ?? 'interface',
    RequesterId: opts.requesterId,
    RequesterManaged: !!opts.requesterId,
    SourceDestCheck: true,
    groups: opts.groups,
  };
  state.networkInterfaces[id] = eni;
  return eni;
}

export function deleteEni(state: Ec2State, eni: EniRec): void {
  releaseIp(state, eni.SubnetId, eni.PrivateIpAddress);
  delete state.networkInterfaces[eni.NetworkInterfaceId];
  delete state.tags[eni.NetworkInterfaceId];
}

export function toNetworkInterface(state: Ec2State, ctx: Ec2Context, eni: EniRec): NetworkInterface {
  const association = eni.association
    ? {
        IpOwnerId: eni.association.AllocationId ? ctx.accountId : 'amazon',
        PublicDnsName: publicDnsName(state, ctx.region, eni.VpcId, eni.association.PublicIp),
        PublicIp: eni.association.PublicIp,
        AllocationId: eni.association.AllocationId,
        AssociationId: eni.association.AssociationId,
      }
    : undefined;
  const a = eni.attachment;
  return {
    Association: association,
    Attachment: a
      ? {
          AttachTime: new Date(a.AttachTime),
          AttachmentId: a.AttachmentId,
          DeleteOnTermination: a.DeleteOnTermination,
          DeviceIndex: a.DeviceIndex,
          NetworkCardIndex: 0,
          InstanceId: a.InstanceId,
          InstanceOwnerId: ctx.accountId,
          Status: 'attached',
        }
      : undefined,
    AvailabilityZone: eni.AvailabilityZone,
    Description: eni.Description,
    Groups: eni.groups.map((id) => ({ GroupId: id, GroupName: state.securityGroups[id]?.GroupName })),
    // NAT gateways' interfaces show `nat_gateway` on the wire, whatever the SDK's enum spells.
    InterfaceType: eni.InterfaceType as NetworkInterface['InterfaceType'],
    Ipv6Addresses: [],
    MacAddress: eni.MacAddress,
    NetworkInterfaceId: eni.NetworkInterfaceId,
    OwnerId: ctx.accountId,
    PrivateDnsName: privateDnsName(ctx.region, eni.PrivateIpAddress),
    PrivateIpAddress: eni.PrivateIpAddress,
    PrivateIpAddresses: [{ Association: association, Primary: true, PrivateDnsName: privateDnsName(ctx.region, eni.PrivateIpAddress), PrivateIpAddress: eni.PrivateIpAddress }],
    RequesterId: eni.RequesterId,
    RequesterManaged: eni.RequesterManaged,
    SourceDestCheck: eni.SourceDestCheck,
    Status: a || eni.InterfaceType !== 'interface' ? 'in-use' : 'available',
    SubnetId: eni.SubnetId,
    TagSet: tagList(state, eni.NetworkInterfaceId, true),
    VpcId: eni.VpcId,
  };
}

const eniFilters = (ctx: Ec2Context): FilterSpec<EniRec> => ({
  'addresses.private-ip-address': (e) => e.PrivateIpAddress,
  'addresses.primary': () => true,
  'addresses.association.public-ip': (e) => e.association?.PublicIp,
  'association.public-ip': (e) => e.association?.PublicIp,
  'association.allocation-id': (e) => e.association?.AllocationId,
  'association.association-id': (e) => e.association?.AssociationId,
  'attachment.attachment-id': (e) => e.attachment?.AttachmentId,
  'attachment.instance-id': (e) => e.attachment?.InstanceId,
  'attachment.instance-owner-id': (e) => (e.attachment ? ctx.accountId : undefined),
  'attachment.device-index': (e) => e.attachment?.DeviceIndex,
  'attachment.status': (e) => (e.attachment ? 'attached' : undefined),
  'attachment.delete-on-termination': (e) => e.attachment?.DeleteOnTermination,
  'availability-zone': (e) => e.AvailabilityZone,
  description: (e) => e.Description,
  'group-id': (e) => e.groups,
  'interface-type': (e) => e.InterfaceType,
  'mac-address': (e) => e.MacAddress,
  'network-interface-id': (e) => e.NetworkInterfaceId,
  'owner-id': () => ctx.accountId,
  'private-ip-address': (e) => e.PrivateIpAddress,
  'private-dns-name': (e) => privateDnsName(ctx.region, e.PrivateIpAddress),
  'requester-id': (e) => e.RequesterId,
  'requester-managed': (e) => e.RequesterManaged,
  'source-dest-check': (e) => e.SourceDestCheck,
  status: (e) => (e.attachment || e.InterfaceType !== 'interface' ? 'in-use' : 'available'),
  'subnet-id': (e) => e.SubnetId,
  'vpc-id': (e) => e.VpcId,
});

export const CreateNetworkInterface = operation<CreateNetworkInterfaceRequest, CreateNetworkInterfaceResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const subnet = need(state.subnets, input.SubnetId, 'subnet');
    const type = input.InterfaceType as EniRec['InterfaceType'] | undefined;
    if (type && type !== 'interface') throw invalidParameterValue(`awslings: interface type ${type} is not emulated.`);
    const eni = newEni(state, subnet, {
      groups: groupsFor(state, subnet.VpcId, input.Groups, subnet.SubnetId),
      description: input.Description,
      privateIp: input.PrivateIpAddress,
    });
    applyTagSpecifications(state, eni.NetworkInterfaceId, 'network-interface', input.TagSpecifications);
    return { NetworkInterface: toNetworkInterface(state, ctx, eni), ClientToken: input.ClientToken };
  },
});

export const DescribeNetworkInterfaces = operation<DescribeNetworkInterfacesRequest, DescribeNetworkInterfacesResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const items = applyFilters(byIds(state.networkInterfaces, input.NetworkInterfaceIds, 'eni'), input.Filters, eniFilters(ctx), (e) =>
      tagsOf(state, e.NetworkInterfaceId),
    );
    const { page, NextToken } = paginate(items, input, { ids: input.NetworkInterfaceIds, idsParam: 'networkInterfaceIds' });
    return { NetworkInterfaces: page.map((e) => toNetworkInterface(state, ctx, e)), NextToken };
  },
});

export const DeleteNetworkInterface = operation<DeleteNetworkInterfaceRequest, object>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const eni = need(state.networkInterfaces, input.NetworkInterfaceId, 'eni');
    if (eni.attachment || eni.InterfaceType !== 'interface') {
      throw new AwsError('InvalidNetworkInterface.InUse', `The network interface '${eni.NetworkInterfaceId}' is currently in use.`, 400);
    }
    if (eni.association?.AllocationId) {
      const eip = state.addresses[eni.association.AllocationId];
      if (eip) Object.assign(eip, { AssociationId: undefined, NetworkInterfaceId: undefined, PrivateIpAddress: undefined });
    }
    deleteEni(state, eni);
    return {};
  },
});

export const ModifyNetworkInterfaceAttribute = operation<ModifyNetworkInterfaceAttributeRequest, object>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const eni = need(state.networkInterfaces, input.NetworkInterfaceId, 'eni');
    if (input.SourceDestCheck?.Value !== undefined) eni.SourceDestCheck = input.SourceDestCheck.Value;
    if (input.Description?.Value !== undefined) eni.Description = input.Description.Value;
    if (input.Groups?.length) eni.groups = groupsFor(state, eni.VpcId, input.Groups, eni.SubnetId);
    return {};
  },
});
