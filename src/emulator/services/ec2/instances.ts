import type {
  DescribeInstanceAttributeRequest,
  DescribeInstanceStatusRequest,
  DescribeInstanceStatusResult,
  DescribeInstancesRequest,
  DescribeInstancesResult,
  Instance,
  InstanceAttribute,
  InstanceNetworkInterface,
  InstanceNetworkInterfaceSpecification,
  InstanceStateChange,
  ModifyInstanceAttributeRequest,
  RebootInstancesRequest,
  Reservation,
  RunInstancesRequest,
  StartInstancesRequest,
  StartInstancesResult,
  StopInstancesRequest,
  StopInstancesResult,
  TerminateInstancesRequest,
  TerminateInstancesResult,
} from '@aws-sdk/client-ec2';
import { randomUUID } from 'node:crypto';
import { AwsError } from '../../core/errors.js';
import { operation, type AuthorizationRequest } from '../../core/service.js';
import type { IamState } from '../iam/state.js';
import {
  applyTagSpecifications,
  ec2Arn,
  ec2Id,
  instancesNotFound,
  invalidParameterCombination,
  invalidParameterValue,
  need,
  nowIso,
  nowMs,
  paginate,
  tagList,
  tagsOf,
  timings,
} from './common.js';
import { applyFilters, type FilterSpec } from './filters.js';
import { findImage } from './data/images.js';
import { INSTANCE_TYPES } from './data/instanceTypes.js';
import { ec2State, type Ec2Context, type Ec2State, type EniRec, type InstanceRec, type InstanceStateName, type SubnetRec } from './state.js';
import { STATE_CODES, stateShape, userInitiated } from './lifecycle.js';
import { groupsFor, newEni, privateDnsName, publicDnsName } from './networkInterfaces.js';
import { allocatePublicIp } from './addresses.js';
import { defaultVpcOf, groupByName } from './securityGroups.js';
import { availableIps } from './subnets.js';

const USER_DATA_LIMIT = 16 * 1024;

// --- shapes ---

function toInstanceEni(state: Ec2State, ctx: Ec2Context, eni: EniRec, launch: boolean): InstanceNetworkInterface {
  const assoc =
    eni.association && !(launch && !eni.association.AllocationId)
      ? {
          IpOwnerId: eni.association.AllocationId ? ctx.accountId : 'amazon',
          PublicDnsName: publicDnsName(state, ctx.region, eni.VpcId, eni.association.PublicIp),
          PublicIp: eni.association.PublicIp,
        }
      : undefined;
  const a = eni.attachment!;
  return {
    Association: assoc,
    Attachment: {
      AttachTime: new Date(a.AttachTime),
      AttachmentId: a.AttachmentId,
      DeleteOnTermination: a.DeleteOnTermination,
      DeviceIndex: a.DeviceIndex,
      Status: launch ? 'attaching' : 'attached',
      NetworkCardIndex: 0,
    },
    Description: eni.Description,
    Groups: eni.groups.map((id) => ({ GroupId: id, GroupName: state.securityGroups[id]?.GroupName })),
    Ipv6Addresses: [],
    MacAddress: eni.MacAddress,
    NetworkInterfaceId: eni.NetworkInterfaceId,
    OwnerId: ctx.accountId,
    PrivateDnsName: privateDnsName(ctx.region, eni.PrivateIpAddress),
    PrivateIpAddress: eni.PrivateIpAddress,
    PrivateIpAddresses: [{ Association: assoc, Primary: true, PrivateDnsName: privateDnsName(ctx.region, eni.PrivateIpAddress), PrivateIpAddress: eni.PrivateIpAddress }],
    SourceDestCheck: eni.SourceDestCheck,
    Status: 'in-use',
    SubnetId: eni.SubnetId,
    VpcId: eni.VpcId,
    InterfaceType: 'interface',
  };
}

/**
 * The Instance shape. `launch` is RunInstances' view: pending, and without the public address
 * AWS only shows once the instance is described.
 */
export function toInstance(state: Ec2State, ctx: Ec2Context, inst: InstanceRec, launch = false): Instance {
  const st = inst.state;
  const enis = inst.eniIds.map((id) => state.networkInterfaces[id]).filter((e): e is EniRec => !!e?.attachment);
  const primary = enis[0];
  const gone = st === 'terminated';
  const publicIp = !launch || primary?.association?.AllocationId ? primary?.association?.PublicIp : undefined;
  const type = INSTANCE_TYPES.get(inst.InstanceType);
  const image = findImage(ctx.region, inst.ImageId);
  const imdsV2 = image?.ImdsSupport === 'v2.0';
  return {
    Architecture: inst.Architecture as Instance['Architecture'],
    BlockDeviceMappings: gone
      ? []
      : [{ DeviceName: inst.RootDeviceName, Ebs: { AttachTime: new Date(inst.LaunchTime), DeleteOnTermination: true, Status: launch ? 'attaching' : 'attached', VolumeId: inst.rootVolumeId } }],
    ClientToken: inst.ClientToken,
    EbsOptimized: inst.EbsOptimized,
    EnaSupport: true,
    Hypervisor: 'xen',
    IamInstanceProfile: inst.IamInstanceProfile,
    NetworkInterfaces: enis.map((e) => toInstanceEni(state, ctx, e, launch)),
    RootDeviceName: inst.RootDeviceName,
    RootDeviceType: 'ebs',
    SecurityGroups: gone ? [] : (primary?.groups ?? []).map((id) => ({ GroupId: id, GroupName: state.securityGroups[id]?.GroupName })),
    SourceDestCheck: gone ? undefined : (primary?.SourceDestCheck ?? true),
    StateReason: inst.stateReason ?? (launch ? { Code: 'pending', Message: 'pending' } : undefined),
    Tags: tagList(state, inst.InstanceId),
    VirtualizationType: 'hvm',
    CpuOptions: { CoreCount: type?.VCpuInfo?.DefaultCores, ThreadsPerCore: type?.VCpuInfo?.DefaultThreadsPerCore },
    CapacityReservationSpecification: { CapacityReservationPreference: 'open' },
    HibernationOptions: { Configured: false },
    MetadataOptions: {
      State: launch ? 'pending' : 'applied',
      HttpTokens: imdsV2 ? 'required' : 'optional',
      HttpPutResponseHopLimit: imdsV2 ? 2 : 1,
      HttpEndpoint: 'enabled',
      HttpProtocolIpv6: 'disabled',
      InstanceMetadataTags: 'disabled',
    },
    EnclaveOptions: { Enabled: false },
    BootMode: image?.BootMode,
    PlatformDetails: inst.PlatformDetails,
    UsageOperation: inst.Platform === 'windows' ? 'RunInstances:0002' : 'RunInstances',
    UsageOperationUpdateTime: new Date(inst.LaunchTime),
    PrivateDnsNameOptions: { HostnameType: 'ip-name', EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false },
    MaintenanceOptions: { AutoRecovery: 'default' },
    CurrentInstanceBootMode: bootMode(image?.BootMode, type?.SupportedBootModes),
    NetworkPerformanceOptions: { BandwidthWeighting: 'default' },
    Operator: { Managed: false },
    InstanceId: inst.InstanceId,
    ImageId: inst.ImageId,
    State: stateShape(st),
    PrivateDnsName: gone ? '' : privateDnsName(ctx.region, primary?.PrivateIpAddress ?? ''),
    PublicDnsName: gone ? '' : publicDnsName(state, ctx.region, inst.VpcId, publicIp),
    StateTransitionReason: inst.StateTransitionReason,
    KeyName: inst.KeyName,
    AmiLaunchIndex: inst.AmiLaunchIndex,
    ProductCodes: [],
    InstanceType: inst.InstanceType as Instance['InstanceType'],
    LaunchTime: new Date(inst.LaunchTime),
    Placement: { AvailabilityZoneId: state.subnets[inst.SubnetId]?.AvailabilityZoneId, GroupName: '', Tenancy: 'default', AvailabilityZone: inst.AvailabilityZone },
    Platform: inst.Platform as Instance['Platform'],
    Monitoring: { State: inst.monitoring ? 'enabled' : 'disabled' },
    SubnetId: gone ? undefined : inst.SubnetId,
    VpcId: gone ? undefined : inst.VpcId,
    PrivateIpAddress: gone ? undefined : primary?.PrivateIpAddress,
    PublicIpAddress: gone ? undefined : publicIp,
  };
}

/** `uefi-preferred` images boot with UEFI where the instance type supports it. */
function bootMode(image: string | undefined, supported: string[] | undefined): 'uefi' | 'legacy-bios' {
  const uefi = supported?.includes('uefi');
  if (image === 'uefi' || (image === 'uefi-preferred' && uefi)) return 'uefi';
  return supported?.includes('legacy-bios') ? 'legacy-bios' : 'uefi';
}

/** Instances grouped into their reservations, in launch order. */
function toReservations(state: Ec2State, ctx: Ec2Context, instances: InstanceRec[]): Reservation[] {
  const byId = new Map<string, Reservation>();
  for (const inst of instances) {
    let r = byId.get(inst.ReservationId);
    if (!r) {
      r = { ReservationId: inst.ReservationId, OwnerId: ctx.accountId, Groups: [], Instances: [] };
      byId.set(inst.ReservationId, r);
    }
    r.Instances!.push(toInstance(state, ctx, inst));
  }
  return [...byId.values()];
}

// --- filters ---

const instanceFilters = (state: Ec2State, ctx: Ec2Context): FilterSpec<InstanceRec> => {
  const enis = (i: InstanceRec) => i.eniIds.map((id) => state.networkInterfaces[id]).filter((e): e is EniRec => !!e);
  const primary = (i: InstanceRec) => state.networkInterfaces[i.eniIds[0]];
  return {
    architecture: (i) => i.Architecture,
    'availability-zone': (i) => i.AvailabilityZone,
    'block-device-mapping.device-name': (i) => i.RootDeviceName,
    'block-device-mapping.volume-id': (i) => i.rootVolumeId,
    'block-device-mapping.status': (i) => (i.state === 'terminated' ? undefined : 'attached'),
    'client-token': (i) => i.ClientToken,
    'dns-name': (i) => publicDnsName(state, ctx.region, i.VpcId, primary(i)?.association?.PublicIp),
    'group-id': (i) => primary(i)?.groups,
    'group-name': (i) => primary(i)?.groups.map((g) => state.securityGroups[g]?.GroupName),
    'instance.group-id': (i) => primary(i)?.groups,
    'instance.group-name': (i) => primary(i)?.groups.map((g) => state.securityGroups[g]?.GroupName),
    hypervisor: () => 'xen',
    'iam-instance-profile.arn': (i) => i.IamInstanceProfile?.Arn,
    'iam-instance-profile.id': (i) => i.IamInstanceProfile?.Id,
    'image-id': (i) => i.ImageId,
    'instance-id': (i) => i.InstanceId,
    'instance-lifecycle': () => undefined,
    'instance-state-code': (i) => STATE_CODES[i.state],
    'instance-state-name': (i) => i.state,
    'instance-type': (i) => i.InstanceType,
    'ip-address': (i) => primary(i)?.association?.PublicIp,
    'key-name': (i) => i.KeyName,
    'launch-index': (i) => i.AmiLaunchIndex,
    'launch-time': (i) => i.LaunchTime,
    'monitoring-state': (i) => (i.monitoring ? 'enabled' : 'disabled'),
    'network-interface.addresses.private-ip-address': (i) => enis(i).map((e) => e.PrivateIpAddress),
    'network-interface.addresses.association.public-ip': (i) => enis(i).map((e) => e.association?.PublicIp),
    'network-interface.association.public-ip': (i) => enis(i).map((e) => e.association?.PublicIp),
    'network-interface.attachment.attachment-id': (i) => enis(i).map((e) => e.attachment?.AttachmentId),
    'network-interface.attachment.device-index': (i) => enis(i).map((e) => e.attachment?.DeviceIndex),
    'network-interface.group-id': (i) => enis(i).flatMap((e) => e.groups),
    'network-interface.mac-address': (i) => enis(i).map((e) => e.MacAddress),
    'network-interface.network-interface-id': (i) => enis(i).map((e) => e.NetworkInterfaceId),
    'network-interface.private-dns-name': (i) => enis(i).map((e) => privateDnsName(ctx.region, e.PrivateIpAddress)),
    'network-interface.source-dest-check': (i) => enis(i).map((e) => e.SourceDestCheck),
    'network-interface.subnet-id': (i) => enis(i).map((e) => e.SubnetId),
    'network-interface.vpc-id': (i) => enis(i).map((e) => e.VpcId),
    'owner-id': () => ctx.accountId,
    'placement-group-name': () => undefined,
    platform: (i) => i.Platform,
    'platform-details': (i) => i.PlatformDetails,
    'private-dns-name': (i) => (i.state === 'terminated' ? '' : privateDnsName(ctx.region, primary(i)?.PrivateIpAddress ?? '')),
    'private-ip-address': (i) => primary(i)?.PrivateIpAddress,
    'product-code': () => undefined,
    reason: (i) => i.StateTransitionReason,
    'reservation-id': (i) => i.ReservationId,
    'root-device-name': (i) => i.RootDeviceName,
    'root-device-type': () => 'ebs',
    'source-dest-check': (i) => primary(i)?.SourceDestCheck,
    'state-reason-code': (i) => i.stateReason?.Code,
    'state-reason-message': (i) => i.stateReason?.Message,
    'subnet-id': (i) => (i.state === 'terminated' ? undefined : i.SubnetId),
    tenancy: () => 'default',
    'virtualization-type': () => 'hvm',
    'vpc-id': (i) => (i.state === 'terminated' ? undefined : i.VpcId),
  };
};

// --- RunInstances ---

function checkUserData(text: string | undefined): string | undefined {
  if (text === undefined || text === '') return undefined;
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) throw invalidParameterValue('Invalid BASE64 encoding of user data.');
  if (Buffer.from(compact, 'base64').length > USER_DATA_LIMIT) throw invalidParameterValue(`User data is limited to ${USER_DATA_LIMIT} bytes`);
  return compact;
}

function iamProfile(ctx: Ec2Context, spec: RunInstancesRequest['IamInstanceProfile']): { Arn: string; Id: string; roleArns: string[] } | undefined {
  if (!spec?.Arn && !spec?.Name) return undefined;
  let iam: IamState | undefined;
  try {
    iam = ctx.emulator.stateFor<IamState>('iam', ctx.accountId, 'global');
  } catch {
    iam = undefined; // IAM not loaded yet: no instance profile can exist
  }
  const profiles = Object.values(iam?.instanceProfiles ?? {});
  const p = spec.Arn ? profiles.find((x) => x.Arn === spec.Arn) : profiles.find((x) => x.InstanceProfileName === spec.Name);
  if (!p) {
    const [param, value] = spec.Arn ? ['iamInstanceProfile.arn', spec.Arn] : ['iamInstanceProfile.name', spec.Name];
    throw invalidParameterValue(`Value (${value}) for parameter ${param} is invalid. Invalid IAM Instance Profile ${spec.Arn ? 'ARN' : 'name'}`);
  }
  return { Arn: p.Arn, Id: p.InstanceProfileId, roleArns: p.roles.map((r) => iam!.roles[r]?.Arn).filter(Boolean) };
}

interface NetworkPlan {
  subnet: SubnetRec;
  groups: string[];
  publicIp: boolean;
  privateIp?: string;
  description?: string;
  deleteOnTermination: boolean;
  existingEni?: EniRec;
}

/** Where the instances go: the subnet, groups and public address, from whichever parameters the caller used. */
function networkPlan(state: Ec2State, ctx: Ec2Context, input: RunInstancesRequest, count: number): NetworkPlan[] {
  const specs = input.NetworkInterfaces ?? [];
  if (specs.length) {
    if (input.SubnetId) throw invalidParameterCombination('Network interfaces and an instance-level subnet ID may not be specified on the same request');
    if (input.SecurityGroupIds?.length || input.SecurityGroups?.length) {
      throw invalidParameterCombination('Network interfaces and an instance-level security groups may not be specified on the same request');
    }
    if (specs.length > 1 && specs.some((s) => s.AssociatePublicIpAddress !== undefined)) {
      throw invalidParameterCombination('The associatePublicIPAddress parameter cannot be specified when launching with multiple network interfaces.');
    }
    const sorted = [...specs].sort((a, b) => (a.DeviceIndex ?? 0) - (b.DeviceIndex ?? 0));
    if ((sorted[0].DeviceIndex ?? 0) !== 0) throw invalidParameterValue('Each instance must have a network interface at device index 0.');
    return sorted.map((s: InstanceNetworkInterfaceSpecification) => {
      if (s.NetworkInterfaceId) {
        const eni = need(state.networkInterfaces, s.NetworkInterfaceId, 'eni');
        if (eni.attachment) throw new AwsError('InvalidNetworkInterface.InUse', `Interface: [${eni.NetworkInterfaceId}] in use.`, 400);
        if (count > 1) throw invalidParameterCombination('Cannot specify an existing network interface when launching more than one instance.');
        return { subnet: state.subnets[eni.SubnetId], groups: eni.groups, publicIp: false, deleteOnTermination: s.DeleteOnTermination ?? false, existingEni: eni };
      }
      const subnet = need(state.subnets, s.SubnetId, 'subnet');
      const subnetMaps = subnet.MapPublicIpOnLaunch && specs.length === 1;
      return {
        subnet,
        groups: groupsFor(state, subnet.VpcId, s.Groups, subnet.SubnetId),
        publicIp: (s.DeviceIndex ?? 0) === 0 ? (s.AssociatePublicIpAddress ?? subnetMaps) : false,
        privateIp: s.PrivateIpAddress,
        description: s.Description,
        deleteOnTermination: s.DeleteOnTermination ?? true,
      };
    });
  }
  let subnet: SubnetRec | undefined;
  if (input.SubnetId) subnet = need(state.subnets, input.SubnetId, 'subnet');
  else {
    const vpc = defaultVpcOf(state);
    if (!vpc) throw new AwsError('VPCIdNotSpecified', 'No default VPC for this user', 400);
    const defaults = Object.values(state.subnets).filter((s) => s.VpcId === vpc.VpcId && s.DefaultForAz);
    const az = input.Placement?.AvailabilityZone;
    subnet = az ? defaults.find((s) => s.AvailabilityZone === az) : defaults.sort((a, b) => a.AvailabilityZone.localeCompare(b.AvailabilityZone))[0];
    if (!subnet) {
      if (az) throw invalidParameterValue(`Invalid availability zone: [${az}]`);
      throw new AwsError('MissingInput', 'No subnets found for the default VPC. Please specify a subnet.', 400);
    }
  }
  if (input.Placement?.AvailabilityZone && input.Placement.AvailabilityZone !== subnet.AvailabilityZone) {
    throw invalidParameterValue(`The specified availability zone (${input.Placement.AvailabilityZone}) does not match the availability zone of the subnet (${subnet.AvailabilityZone}).`);
  }
  let groupIds = input.SecurityGroupIds;
  if (input.SecurityGroups?.length) {
    if (!state.vpcs[subnet.VpcId]?.IsDefault) throw invalidParameterCombination('The parameter groupName cannot be used with the parameter subnet');
    groupIds = [...(groupIds ?? []), ...input.SecurityGroups.map((n) => groupByName(state, n, subnet!.VpcId).GroupId)];
  }
  return [{ subnet, groups: groupsFor(state, subnet.VpcId, groupIds, subnet.SubnetId), publicIp: subnet.MapPublicIpOnLaunch, privateIp: input.PrivateIpAddress, deleteOnTermination: true }];
}

function attachEni(eni: EniRec, instanceId: string, deviceIndex: number, at: string, deleteOnTermination: boolean): void {
  eni.attachment = { AttachmentId: ec2Id('eni-attach'), InstanceId: instanceId, DeviceIndex: deviceIndex, AttachTime: at, DeleteOnTermination: deleteOnTermination };
}

export const RunInstances = operation<RunInstancesRequest, Reservation>({
  authorize(input, ctx) {
    const reqs: AuthorizationRequest[] = [{ action: 'ec2:RunInstances', resource: ec2Arn(ctx, 'instance', '*') }];
    // Launching with an instance profile passes its role to EC2.
    try {
      for (const roleArn of iamProfile(ctx, input.IamInstanceProfile)?.roleArns ?? []) reqs.push({ action: 'iam:PassRole', resource: roleArn });
    } catch {
      /* an unknown profile is reported by the handler */
    }
    return reqs;
  },
  handler(input, ctx) {
    const state = ec2State(ctx);
    if (input.LaunchTemplate) throw invalidParameterValue('awslings: launch templates are not emulated; give ImageId and InstanceType.');
    if (!input.ImageId) throw new AwsError('MissingParameter', 'The request must contain the parameter ImageId', 400);
    const min = input.MinCount!;
    const max = input.MaxCount!;
    if (!Number.isInteger(min) || min < 1) throw invalidParameterValue(`Value (${min}) for parameter minCount is invalid. Expected a positive integer.`);
    if (!Number.isInteger(max) || max < 1) throw invalidParameterValue(`Value (${max}) for parameter maxCount is invalid. Expected a positive integer.`);
    if (min > max) throw invalidParameterValue('The minimum count must be less than or equal to the maximum count.');
    if (!/^ami-[0-9a-f]{8,17}$/.test(input.ImageId)) throw new AwsError('InvalidAMIID.Malformed', `Invalid id: "${input.ImageId}" (expecting "ami-...")`, 400);
    const image = findImage(ctx.region, input.ImageId);
    if (!image) throw new AwsError('InvalidAMIID.NotFound', `The image id '[${input.ImageId}]' does not exist`, 400);
    const typeName = input.InstanceType ?? 'm1.small';
    const type = INSTANCE_TYPES.get(typeName);
    if (!type) throw invalidParameterValue(`Invalid value '${typeName}' for InstanceType.`);
    const typeArchs = type.ProcessorInfo?.SupportedArchitectures ?? [];
    if (!typeArchs.includes(image.Architecture as never)) {
      throw invalidParameterValue(
        `The architecture '${typeArchs.join(',')}' of the specified instance type does not match the architecture '${image.Architecture}' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again. You can use 'describe-instance-types' or 'describe-images' to discover the architecture of the instance type or AMI.`,
      );
    }
    if (input.KeyName && !state.keyPairs[input.KeyName]) throw new AwsError('InvalidKeyPair.NotFound', `The key pair '${input.KeyName}' does not exist`, 400);
    const userData = checkUserData(input.UserData);
    if (input.PrivateIpAddress && max > 1) throw invalidParameterCombination('The parameter privateIpAddress cannot be used when launching more than one instance.');
    const profile = iamProfile(ctx, input.IamInstanceProfile);
    for (const spec of input.TagSpecifications ?? []) {
      if (!['instance', 'volume', 'network-interface'].includes(spec.ResourceType ?? '')) {
        throw invalidParameterValue(`'${spec.ResourceType}' is not a valid taggable resource type for this operation.`);
      }
    }
    if (input.ClientToken) {
      const earlier = Object.values(state.instances).filter((i) => i.ClientToken === input.ClientToken);
      if (earlier.length) {
        return { ReservationId: earlier[0].ReservationId, OwnerId: ctx.accountId, Groups: [], Instances: earlier.map((i) => toInstance(state, ctx, i, true)) };
      }
    }
    const plan = networkPlan(state, ctx, input, max);
    // As many as the subnet has addresses for, but at least MinCount, as AWS does.
    const free = Math.min(...plan.filter((p) => !p.existingEni).map((p) => availableIps(p.subnet)));
    const count = Math.min(max, Number.isFinite(free) ? free : max);
    if (count < min) {
      throw new AwsError('InsufficientFreeAddressesInSubnet', `There are not enough free addresses in subnet '${plan[0].subnet.SubnetId}' to satisfy the requested number of instances.`, 400);
    }
    const reservationId = ec2Id('r');
    const launchTime = nowIso(ctx).replace(/\.\d{3}Z$/, '.000Z');
    const clientToken = input.ClientToken ?? randomUUID();
    const launched: InstanceRec[] = [];
    for (let i = 0; i < count; i++) {
      const id = ec2Id('i');
      const eniIds: string[] = [];
      plan.forEach((p, deviceIndex) => {
        const eni = p.existingEni ?? newEni(state, p.subnet, { groups: p.groups, description: p.description, privateIp: p.privateIp });
        attachEni(eni, id, deviceIndex, launchTime, p.deleteOnTermination);
        if (deviceIndex === 0 && p.publicIp) eni.association = { PublicIp: allocatePublicIp(state, ctx) };
        applyTagSpecifications(state, eni.NetworkInterfaceId, 'network-interface', input.TagSpecifications, ['instance', 'volume']);
        eniIds.push(eni.NetworkInterfaceId);
      });
      const subnet = plan[0].subnet;
      const inst: InstanceRec = {
        InstanceId: id,
        ReservationId: reservationId,
        ImageId: image.ImageId!,
        InstanceType: typeName,
        KeyName: input.KeyName,
        LaunchTime: launchTime,
        AmiLaunchIndex: i,
        state: 'pending',
        stateSince: nowMs(ctx),
        StateTransitionReason: '',
        SubnetId: subnet.SubnetId,
        VpcId: subnet.VpcId,
        AvailabilityZone: subnet.AvailabilityZone,
        eniIds,
        userData,
        IamInstanceProfile: profile ? { Arn: profile.Arn, Id: profile.Id } : undefined,
        ClientToken: clientToken,
        DisableApiTermination: input.DisableApiTermination ?? false,
        DisableApiStop: input.DisableApiStop ?? false,
        InstanceInitiatedShutdownBehavior: (input.InstanceInitiatedShutdownBehavior as 'stop' | 'terminate') ?? 'stop',
        // Types that are EBS-optimized by default still show false unless the launch asked for it.
        EbsOptimized: input.EbsOptimized ?? false,
        rootVolumeId: ec2Id('vol'),
        RootDeviceName: image.RootDeviceName!,
        Architecture: image.Architecture!,
        Platform: image.Platform,
        PlatformDetails: image.PlatformDetails!,
        autoPublicIp: plan[0].publicIp,
        monitoring: input.Monitoring?.Enabled ?? false,
      };
      state.instances[id] = inst;
      applyTagSpecifications(state, id, 'instance', input.TagSpecifications, ['volume', 'network-interface']);
      applyTagSpecifications(state, inst.rootVolumeId, 'volume', input.TagSpecifications, ['instance', 'network-interface']);
      launched.push(inst);
    }
    return { ReservationId: reservationId, OwnerId: ctx.accountId, Groups: [], Instances: launched.map((i) => toInstance(state, ctx, i, true)) };
  },
});

// --- Describe ---

function instancesByIds(state: Ec2State, ids: string[] | undefined): InstanceRec[] {
  if (!ids?.length) return Object.values(state.instances);
  for (const id of ids) {
    if (!/^i-([0-9a-f]{8}|[0-9a-f]{17})$/.test(id)) throw new AwsError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`, 400);
  }
  const missing = ids.filter((id) => !state.instances[id]);
  if (missing.length) throw instancesNotFound(missing);
  return [...new Set(ids)].map((id) => state.instances[id]);
}

export const DescribeInstances = operation<DescribeInstancesRequest, DescribeInstancesResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const found = applyFilters(instancesByIds(state, input.InstanceIds), input.Filters, instanceFilters(state, ctx), (i) => tagsOf(state, i.InstanceId));
    const { page, NextToken } = paginate(found, input, { ids: input.InstanceIds, idsParam: 'instancesSet' });
    return { Reservations: toReservations(state, ctx, page), NextToken };
  },
});

export const DescribeInstanceStatus = operation<DescribeInstanceStatusRequest, DescribeInstanceStatusResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    let items = instancesByIds(state, input.InstanceIds);
    if (!input.IncludeAllInstances) items = items.filter((i) => i.state === 'running');
    const checks = (i: InstanceRec) => {
      if (i.state !== 'running') return 'not-applicable';
      return nowMs(ctx) - i.stateSince < timings(ctx).instancePending * 1000 ? 'initializing' : 'ok';
    };
    const found = applyFilters(items, input.Filters, {
      'availability-zone': (i) => i.AvailabilityZone,
      'instance-state-code': (i) => STATE_CODES[i.state],
      'instance-state-name': (i) => i.state,
      'instance-status.status': checks,
      'instance-status.reachability': (i) => (checks(i) === 'ok' ? 'passed' : checks(i) === 'initializing' ? 'initializing' : undefined),
      'system-status.status': checks,
      'system-status.reachability': (i) => (checks(i) === 'ok' ? 'passed' : checks(i) === 'initializing' ? 'initializing' : undefined),
      'event.code': () => undefined,
    });
    const { page, NextToken } = paginate(found, input, { ids: input.InstanceIds, idsParam: 'instancesSet' });
    return {
      InstanceStatuses: page.map((i) => {
        const status = checks(i);
        const detail = status === 'not-applicable' ? [] : [{ Name: 'reachability' as const, Status: status === 'ok' ? ('passed' as const) : ('initializing' as const) }];
        return {
          AvailabilityZone: i.AvailabilityZone,
          AvailabilityZoneId: state.subnets[i.SubnetId]?.AvailabilityZoneId,
          InstanceId: i.InstanceId,
          InstanceState: stateShape(i.state),
          InstanceStatus: { Status: status, Details: detail },
          SystemStatus: { Status: status, Details: detail },
          AttachedEbsStatus: { Status: status, Details: detail },
        };
      }),
      NextToken,
    };
  },
});

// --- state changes ---

/**
 * IAM sees each instance an action names, by ARN, with its tags as `ec2:ResourceTag/<key>` (and
 * `aws:ResourceTag/<key>`), so policies can allow stopping only the instances tagged env=dev.
 */
function perInstance(action: string) {
  return (input: { InstanceId?: string; InstanceIds?: string[] }, ctx: Ec2Context): AuthorizationRequest[] => {
    const ids = input.InstanceIds ?? (input.InstanceId ? [input.InstanceId] : []);
    let state: Ec2State | undefined;
    try {
      state = ctx.emulator.stateFor<Ec2State>('ec2', ctx.accountId, ctx.region);
    } catch {
      state = undefined;
    }
    return ids.map((id) => {
      const context: Record<string, string> = {};
      for (const t of state?.tags[id] ?? []) {
        context[`ec2:ResourceTag/${t.Key}`] = t.Value;
        context[`aws:ResourceTag/${t.Key}`] = t.Value;
      }
      return { action, resource: ec2Arn(ctx, 'instance', id), context };
    });
  };
}

function change(inst: InstanceRec, previous: InstanceStateName): InstanceStateChange {
  return { InstanceId: inst.InstanceId, CurrentState: stateShape(inst.state), PreviousState: stateShape(previous) };
}

function moveTo(ctx: Ec2Context, inst: InstanceRec, to: InstanceStateName): void {
  inst.state = to;
  inst.stateSince = nowMs(ctx);
}

export const StartInstances = operation<StartInstancesRequest, StartInstancesResult>({
  authorize: perInstance('ec2:StartInstances'),
  handler(input, ctx) {
    const state = ec2State(ctx);
    const list = instancesByIds(state, input.InstanceIds);
    for (const inst of list) {
      if (['stopping', 'shutting-down', 'terminated'].includes(inst.state)) {
        throw new AwsError('IncorrectInstanceState', `The instance '${inst.InstanceId}' is not in a state from which it can be started.`, 400);
      }
    }
    return {
      StartingInstances: list.map((inst) => {
        const previous = inst.state;
        if (previous === 'stopped') {
          moveTo(ctx, inst, 'pending');
          inst.StateTransitionReason = '';
          inst.stateReason = undefined;
          // A new auto-assigned public address at every start; an Elastic IP stays.
          const eni = state.networkInterfaces[inst.eniIds[0]];
          if (inst.autoPublicIp && eni && !eni.association) eni.association = { PublicIp: allocatePublicIp(state, ctx) };
        }
        return change(inst, previous);
      }),
    };
  },
});

export const StopInstances = operation<StopInstancesRequest, StopInstancesResult>({
  authorize: perInstance('ec2:StopInstances'),
  handler(input, ctx) {
    const state = ec2State(ctx);
    const list = instancesByIds(state, input.InstanceIds);
    for (const inst of list) {
      if (['pending', 'shutting-down', 'terminated'].includes(inst.state)) {
        throw new AwsError('IncorrectInstanceState', `This instance '${inst.InstanceId}' is not in a state from which it can be stopped.`, 400);
      }
      if (inst.DisableApiStop && inst.state === 'running') {
        throw new AwsError('OperationNotPermitted', `The instance '${inst.InstanceId}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.`, 400);
      }
    }
    return {
      StoppingInstances: list.map((inst) => {
        const previous = inst.state;
        if (previous === 'running') {
          moveTo(ctx, inst, 'stopping');
          inst.StateTransitionReason = userInitiated(nowMs(ctx));
          inst.stateReason = { Code: 'Client.UserInitiatedShutdown', Message: 'Client.UserInitiatedShutdown: User initiated shutdown' };
        }
        return change(inst, previous);
      }),
    };
  },
});

export const TerminateInstances = operation<TerminateInstancesRequest, TerminateInstancesResult>({
  authorize: perInstance('ec2:TerminateInstances'),
  handler(input, ctx) {
    const state = ec2State(ctx);
    const list = instancesByIds(state, input.InstanceIds);
    for (const inst of list) {
      if (inst.DisableApiTermination && inst.state !== 'terminated') {
        throw new AwsError('OperationNotPermitted', `The instance '${inst.InstanceId}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`, 400);
      }
    }
    return {
      TerminatingInstances: list.map((inst) => {
        const previous = inst.state;
        if (previous !== 'terminated' && previous !== 'shutting-down') {
          moveTo(ctx, inst, 'shutting-down');
          inst.StateTransitionReason = userInitiated(nowMs(ctx));
          inst.stateReason = { Code: 'Client.UserInitiatedShutdown', Message: 'Client.UserInitiatedShutdown: User initiated shutdown' };
        }
        return change(inst, previous);
      }),
    };
  },
});

export const RebootInstances = operation<RebootInstancesRequest, object>({
  authorize: perInstance('ec2:RebootInstances'),
  handler(input, ctx) {
    const state = ec2State(ctx);
    for (const inst of instancesByIds(state, input.InstanceIds)) {
      if (inst.state !== 'running' && inst.state !== 'pending') {
        throw new AwsError('IncorrectInstanceState', `The instance '${inst.InstanceId}' is not in a state from which it can be rebooted.`, 400);
      }
    }
    return {};
  },
});

// --- attributes ---

const ATTRIBUTES = [
  'instanceType',
  'kernel',
  'ramdisk',
  'userData',
  'disableApiTermination',
  'instanceInitiatedShutdownBehavior',
  'rootDeviceName',
  'blockDeviceMapping',
  'productCodes',
  'sourceDestCheck',
  'groupSet',
  'ebsOptimized',
  'sriovNetSupport',
  'enaSupport',
  'enclaveOptions',
  'disableApiStop',
];

export const DescribeInstanceAttribute = operation<DescribeInstanceAttributeRequest, InstanceAttribute>({
  authorize: perInstance('ec2:DescribeInstanceAttribute'),
  handler(input, ctx) {
    const state = ec2State(ctx);
    const [inst] = instancesByIds(state, [input.InstanceId!]);
    const eni = state.networkInterfaces[inst.eniIds[0]];
    const base = { InstanceId: inst.InstanceId };
    switch (input.Attribute) {
      case 'instanceType':
        return { ...base, InstanceType: { Value: inst.InstanceType } };
      case 'kernel':
        return { ...base, KernelId: {} };
      case 'ramdisk':
        return { ...base, RamdiskId: {} };
      case 'userData':
        return { ...base, UserData: inst.userData ? { Value: inst.userData } : {} };
      case 'disableApiTermination':
        return { ...base, DisableApiTermination: { Value: inst.DisableApiTermination } };
      case 'disableApiStop':
        return { ...base, DisableApiStop: { Value: inst.DisableApiStop } };
      case 'instanceInitiatedShutdownBehavior':
        return { ...base, InstanceInitiatedShutdownBehavior: { Value: inst.InstanceInitiatedShutdownBehavior } };
      case 'rootDeviceName':
        return { ...base, RootDeviceName: { Value: inst.RootDeviceName } };
      case 'blockDeviceMapping':
        return {
          ...base,
          BlockDeviceMappings:
            inst.state === 'terminated'
              ? []
              : [{ DeviceName: inst.RootDeviceName, Ebs: { AttachTime: new Date(inst.LaunchTime), DeleteOnTermination: true, Status: 'attached', VolumeId: inst.rootVolumeId } }],
        };
      case 'productCodes':
        return { ...base, ProductCodes: [] };
      case 'sourceDestCheck':
        return { ...base, SourceDestCheck: { Value: eni?.SourceDestCheck ?? true } };
      case 'groupSet':
        return { ...base, Groups: (eni?.groups ?? []).map((id) => ({ GroupId: id, GroupName: state.securityGroups[id]?.GroupName })) };
      case 'ebsOptimized':
        return { ...base, EbsOptimized: { Value: inst.EbsOptimized } };
      case 'sriovNetSupport':
        return { ...base, SriovNetSupport: {} };
      case 'enaSupport':
        return { ...base, EnaSupport: { Value: true } };
      case 'enclaveOptions':
        return { ...base, EnclaveOptions: { Enabled: false } };
      default:
        throw invalidParameterValue(`Value (${input.Attribute}) for parameter attribute is invalid. Unknown attribute. Valid values: ${ATTRIBUTES.join(', ')}`);
    }
  },
});

export const ModifyInstanceAttribute = operation<ModifyInstanceAttributeRequest, object>({
  authorize: perInstance('ec2:ModifyInstanceAttribute'),
  handler(input, ctx) {
    const state = ec2State(ctx);
    const [inst] = instancesByIds(state, [input.InstanceId!]);
    const eni = state.networkInterfaces[inst.eniIds[0]];
    const needStopped = () => {
      if (inst.state !== 'stopped') throw new AwsError('IncorrectInstanceState', `The instance '${inst.InstanceId}' is not in the 'stopped' state.`, 400);
    };
    // The legacy form names one attribute and a string value.
    const legacy = input.Attribute && input.Value !== undefined ? { [input.Attribute]: input.Value } : {};
    const typeValue = input.InstanceType?.Value ?? legacy.instanceType;
    if (typeValue !== undefined) {
      needStopped();
      const type = INSTANCE_TYPES.get(typeValue);
      if (!type) throw invalidParameterValue(`Invalid value '${typeValue}' for InstanceType.`);
      if (!type.ProcessorInfo?.SupportedArchitectures?.includes(inst.Architecture as never)) {
        throw invalidParameterValue(`The instance type '${typeValue}' does not support the architecture '${inst.Architecture}' of instance '${inst.InstanceId}'.`);
      }
      inst.InstanceType = typeValue;
    }
    if (input.UserData?.Value !== undefined) {
      needStopped();
      const raw = Buffer.from(input.UserData.Value);
      if (raw.length > USER_DATA_LIMIT) throw invalidParameterValue(`User data is limited to ${USER_DATA_LIMIT} bytes`);
      inst.userData = raw.length ? raw.toString('base64') : undefined;
    }
    const bool = (v: { Value?: boolean } | undefined, name: string) => v?.Value ?? (legacy[name] !== undefined ? legacy[name] === 'true' : undefined);
    const dat = bool(input.DisableApiTermination, 'disableApiTermination');
    if (dat !== undefined) inst.DisableApiTermination = dat;
    const das = bool(input.DisableApiStop, 'disableApiStop');
    if (das !== undefined) inst.DisableApiStop = das;
    const sdc = bool(input.SourceDestCheck, 'sourceDestCheck');
    if (sdc !== undefined && eni) eni.SourceDestCheck = sdc;
    const ebs = bool(input.EbsOptimized, 'ebsOptimized');
    if (ebs !== undefined) inst.EbsOptimized = ebs;
    const behavior = input.InstanceInitiatedShutdownBehavior?.Value ?? legacy.instanceInitiatedShutdownBehavior;
    if (behavior !== undefined) {
      if (behavior !== 'stop' && behavior !== 'terminate') throw invalidParameterValue(`Value (${behavior}) for parameter instanceInitiatedShutdownBehavior is invalid.`);
      inst.InstanceInitiatedShutdownBehavior = behavior;
    }
    if (input.Groups?.length && eni) eni.groups = groupsFor(state, eni.VpcId, input.Groups, eni.SubnetId);
    return {};
  },
});

