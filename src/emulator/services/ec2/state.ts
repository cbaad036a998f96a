import type { RequestContext } from '../../core/service.js';
import type { Emulator } from '../../emulator.js';
import { seedRegion } from './defaultVpc.js';
import { settleInstances } from './lifecycle.js';

/** The records behind each EC2 resource: plain JSON, close to the shapes Describe* returns. */

export interface VpcRec {
  VpcId: string;
  CidrBlock: string;
  cidrAssociationId: string;
  DhcpOptionsId: string;
  InstanceTenancy: string;
  IsDefault: boolean;
  enableDnsSupport: boolean;
  enableDnsHostnames: boolean;
  /** Clock time when it was made: CreateVpc answers `pending`, Describe* `available`. */
  createdAt: number;
}

export interface SubnetRec {
  SubnetId: string;
  VpcId: string;
  CidrBlock: string;
  AvailabilityZone: string;
  AvailabilityZoneId: string;
  DefaultForAz: boolean;
  MapPublicIpOnLaunch: boolean;
  /** Private addresses in use, and what holds them (a network interface id). */
  ips: Record<string, string>;
}

export interface IgwRec {
  InternetGatewayId: string;
  /** The VPC it is attached to, if any (an internet gateway attaches to one VPC at most). */
  vpcId?: string;
}

export interface RouteRec {
  DestinationCidrBlock: string;
  GatewayId?: string;
  NatGatewayId?: string;
  InstanceId?: string;
  NetworkInterfaceId?: string;
  VpcPeeringConnectionId?: string;
  Origin: 'CreateRouteTable' | 'CreateRoute';
}

export interface RtbAssociationRec {
  RouteTableAssociationId: string;
  Main: boolean;
  SubnetId?: string;
  GatewayId?: string;
}

export interface RouteTableRec {
  RouteTableId: string;
  VpcId: string;
  routes: RouteRec[];
  associations: RtbAssociationRec[];
}

export interface AclEntryRec {
  RuleNumber: number;
  /** Protocol number as a string, `-1` for all. */
  Protocol: string;
  RuleAction: 'allow' | 'deny';
  Egress: boolean;
  CidrBlock?: string;
  Ipv6CidrBlock?: string;
  PortRange?: { From: number; To: number };
  IcmpTypeCode?: { Code: number; Type: number };
}

export interface NetworkAclRec {
  NetworkAclId: string;
  VpcId: string;
  IsDefault: boolean;
  entries: AclEntryRec[];
  /** Subnet id → association id. Every subnet is associated with exactly one network ACL. */
  associations: Record<string, string>;
}

export interface SgRuleRec {
  SecurityGroupRuleId: string;
  IsEgress: boolean;
  /** `-1`, `tcp`, `udp`, `icmp`, `icmpv6` or a protocol number. */
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  CidrIpv4?: string;
  CidrIpv6?: string;
  PrefixListId?: string;
  ReferencedGroupId?: string;
  ReferencedGroupOwnerId?: string;
  Description?: string;
}

export interface SecurityGroupRec {
  GroupId: string;
  GroupName: string;
  Description: string;
  VpcId: string;
  rules: SgRuleRec[];
}

export interface DhcpOptionsRec {
  DhcpOptionsId: string;
  configurations: { Key: string; Values: string[] }[];
}

export interface ElasticIpRec {
  AllocationId: string;
  PublicIp: string;
  NetworkBorderGroup: string;
  AssociationId?: string;
  NetworkInterfaceId?: string;
  PrivateIpAddress?: string;
  /** Set when the address is a NAT gateway's. */
  natGatewayId?: string;
}

export interface NatGatewayRec {
  NatGatewayId: string;
  SubnetId: string;
  VpcId: string;
  ConnectivityType: 'public' | 'private';
  createdAt: number;
  deletedAt?: number;
  AllocationId?: string;
  NetworkInterfaceId: string;
  PrivateIp: string;
  /** Why it went to `failed`, decided when it was created. */
  failure?: { code: string; message: string };
}

export interface EniRec {
  NetworkInterfaceId: string;
  SubnetId: string;
  VpcId: string;
  AvailabilityZone: string;
  PrivateIpAddress: string;
  MacAddress: string;
  Description: string;
  InterfaceType: 'interface' | 'nat_gateway' | 'lambda';
  RequesterId?: string;
  RequesterManaged: boolean;
  SourceDestCheck: boolean;
  groups: string[];
  attachment?: { AttachmentId: string; InstanceId?: string; DeviceIndex: number; AttachTime: string; DeleteOnTermination: boolean };
  /** A public address: auto-assigned at launch (released on stop) or an Elastic IP. */
  association?: { PublicIp: string; AllocationId?: string; AssociationId?: string };
}

export type InstanceStateName = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export interface InstanceRec {
  InstanceId: string;
  ReservationId: string;
  ImageId: string;
  InstanceType: string;
  KeyName?: string;
  LaunchTime: string;
  AmiLaunchIndex: number;
  state: InstanceStateName;
  /** Clock time of the last state change: transitions complete a few seconds later. */
  stateSince: number;
  StateTransitionReason: string;
  stateReason?: { Code: string; Message: string };
  SubnetId: string;
  VpcId: string;
  AvailabilityZone: string;
  /** Network interfaces by device index (the first is the primary one). */
  eniIds: string[];
  userData?: string;
  IamInstanceProfile?: { Arn: string; Id: string };
  ClientToken: string;
  DisableApiTermination: boolean;
  DisableApiStop: boolean;
  InstanceInitiatedShutdownBehavior: 'stop' | 'terminate';
  EbsOptimized: boolean;
  rootVolumeId: string;
  RootDeviceName: string;
  Architecture: string;
  Platform?: string;
  PlatformDetails: string;
  /** Whether the primary interface got an auto-assigned public address at launch (it gets a new one at each start). */
  autoPublicIp: boolean;
  monitoring: boolean;
}

export interface KeyPairRec {
  KeyPairId: string;
  KeyName: string;
  KeyFingerprint: string;
  KeyType: 'rsa' | 'ed25519';
  PublicKey: string;
  CreateTime: string;
}

export interface InsightsPathRec {
  NetworkInsightsPathId: string;
  CreatedDate: string;
  Source: string;
  Destination?: string;
  SourceIp?: string;
  DestinationIp?: string;
  Protocol: string;
  DestinationPort?: number;
  FilterAtSource?: unknown;
  FilterAtDestination?: unknown;
}

export interface InsightsAnalysisRec {
  NetworkInsightsAnalysisId: string;
  NetworkInsightsPathId: string;
  StartDate: string;
  startedAt: number;
  /** The outcome, computed from the configuration when the analysis started, as the SDK's shapes. */
  result: Record<string, unknown>;
}

export interface Ec2State {
  /** The default VPC and its parts are made on first use of a region, as AWS made them when the account opened. */
  seeded: boolean;
  vpcs: Record<string, VpcRec>;
  subnets: Record<string, SubnetRec>;
  internetGateways: Record<string, IgwRec>;
  routeTables: Record<string, RouteTableRec>;
  networkAcls: Record<string, NetworkAclRec>;
  securityGroups: Record<string, SecurityGroupRec>;
  dhcpOptions: Record<string, DhcpOptionsRec>;
  addresses: Record<string, ElasticIpRec>;
  natGateways: Record<string, NatGatewayRec>;
  networkInterfaces: Record<string, EniRec>;
  instances: Record<string, InstanceRec>;
  keyPairs: Record<string, KeyPairRec>;
  insightsPaths: Record<string, InsightsPathRec>;
  insightsAnalyses: Record<string, InsightsAnalysisRec>;
  /** Tags of every taggable resource, by resource id, in the order they were set. */
  tags: Record<string, { Key: string; Value: string }[]>;
}

export const initialEc2State = (): Ec2State => ({
  seeded: false,
  vpcs: {},
  subnets: {},
  internetGateways: {},
  routeTables: {},
  networkAcls: {},
  securityGroups: {},
  dhcpOptions: {},
  addresses: {},
  natGateways: {},
  networkInterfaces: {},
  instances: {},
  keyPairs: {},
  insightsPaths: {},
  insightsAnalyses: {},
  tags: {},
});

export type Ec2Context = Pick<RequestContext, 'emulator' | 'accountId' | 'region'>;

/** This account and region's EC2 state: its default VPC made on first use, instance transitions brought up to the clock. */
export function ec2State(ctx: Ec2Context): Ec2State {
  const state = ctx.emulator.stateFor<Ec2State>('ec2', ctx.accountId, ctx.region);
  if (!state.seeded) {
    seedRegion(state, ctx);
    // The ids of the default VPC must survive a restart even if only Describe* calls were made.
    ctx.emulator.persistSoon();
  }
  settleInstances(ctx, state);
  return state;
}

/** For other services (Lambda's VpcConfig): loads EC2 first, then gives its state. */
export async function ec2StateOf(emulator: Emulator, accountId: string, region: string): Promise<Ec2State> {
  await emulator.service('ec2');
  return ec2State({ emulator, accountId, region });
}
