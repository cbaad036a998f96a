import type { AnalysisComponent, Explanation, PathComponent } from '@aws-sdk/client-ec2';
import { ipToString, parseCidr, parseIp, PRIVATE_RANGES, rangeToCidrs, SHARED_RANGE } from './cidr.js';
import { ec2Arn } from './common.js';
import {
  ALL_ADDRESSES,
  ALL_PORTS,
  firstMatch,
  projection,
  rangeMinus,
  type Box,
  type Constraint,
  type Dim,
  type Range,
} from './headerSpace.js';
import { aclOfSubnet, DEFAULT_RULE, orderedEntries } from './networkAcls.js';
import { routeState, routeTableOfSubnet } from './routeTables.js';
import { natState } from './natGateways.js';
import type { AclEntryRec, Ec2Context, Ec2State, EniRec, IgwRec, InsightsPathRec, RouteRec, SgRuleRec, SubnetRec } from './state.js';

/**
 * The VPC Reachability Analyzer, computed from the emulated configuration. It follows a packet as
 * AWS models it: from the source (the internet through an internet gateway, an instance or a
 * subnet) through the network ACLs (stateless: the reply must be admitted too), the security
 * groups (stateful), the route tables and gateways, to the destination; and the reply back. The
 * set of packets that can make it is narrowed hop by hop; the first hop that empties it is the
 * one that blocks, named with AWS's explanation code.
 */

export interface AnalysisResult {
  NetworkPathFound: boolean;
  ForwardPathComponents?: PathComponent[];
  ReturnPathComponents?: PathComponent[];
  Explanations?: Explanation[];
}

/** An end of the path: a network interface, a subnet (any host in it), or the internet behind a gateway. */
interface Endpoint {
  kind: 'eni' | 'subnet' | 'internet';
  eni?: EniRec;
  subnet?: SubnetRec;
  igw?: IgwRec;
  vpcId?: string;
  /** The addresses the endpoint may use. */
  addresses: Range[];
}

const PROTOCOL_NUMBER: Record<string, string> = { tcp: '6', udp: '17' };
const single = (ip: number): Range => [ip, ip];
const cidrRange = (text: string | undefined): Range | undefined => {
  const c = parseCidr(text);
  return c && [c.base, c.base + c.size - 1];
};

/** Internet addresses: everything but the private (RFC 1918) and shared (RFC 6598) ranges. */
const INTERNET: Range[] = rangeMinus(
  [ALL_ADDRESSES],
  [...PRIVATE_RANGES, SHARED_RANGE].map((c) => [c.base, c.base + c.size - 1] as Range),
);

class Run {
  forward: PathComponent[] = [];
  back: PathComponent[] = [];
  explanation?: Explanation;

  constructor(
    readonly state: Ec2State,
    readonly ctx: Ec2Context,
    readonly protocol: string,
  ) {}

  comp(type: string, id: string): AnalysisComponent {
    const name = this.state.tags[id]?.find((t) => t.Key === 'Name')?.Value;
    return { Id: id, Arn: ec2Arn(this.ctx, type, id), Name: name };
  }

  push(leg: 'forward' | 'back', c: Omit<PathComponent, 'SequenceNumber'>): void {
    const list = leg === 'forward' ? this.forward : this.back;
    list.push({ SequenceNumber: list.length + 1, ...c });
  }

  block(e: Explanation): undefined {
    this.explanation ??= e;
    return undefined;
  }

  vpc = (id: string | undefined) => (id ? this.comp('vpc', id) : undefined);
  subnetComp = (s: SubnetRec) => this.comp('subnet', s.SubnetId);

  header(boxes: Box[], srcDim: Dim, dstDim: Dim, sportDim: Dim, dportDim: Dim) {
    const cidrs = (d: Dim) => projection(boxes, d).flatMap(([lo, hi]) => rangeToCidrs(lo, hi));
    const ports = (d: Dim) => projection(boxes, d).map(([From, To]) => ({ From, To }));
    return {
      Protocol: PROTOCOL_NUMBER[this.protocol] ?? this.protocol,
      SourceAddresses: cidrs(srcDim),
      DestinationAddresses: cidrs(dstDim),
      SourcePortRanges: ports(sportDim),
      DestinationPortRanges: ports(dportDim),
    };
  }

  /**
   * A network ACL, first matching rule wins. `cidr` and `port` say which dimensions of the box the
   * rules' CIDR and port range apply to (the far end and the packet's destination port).
   */
  acl(leg: 'forward' | 'back', subnet: SubnetRec, egress: boolean, boxes: Box[], cidr: Dim, port: Dim): Box[] | undefined {
    const acl = aclOfSubnet(this.state, subnet.SubnetId);
    if (!acl) return boxes;
    const entries = orderedEntries(acl, egress).filter((e) => e.CidrBlock && aclProtocolMatches(e, this.protocol));
    const { decided, rest } = firstMatch(
      boxes,
      entries.map((e) => {
        const c: Constraint = { [cidr]: cidrRange(e.CidrBlock)! };
        if (e.PortRange && (e.Protocol === '6' || e.Protocol === '17')) c[port] = [e.PortRange.From, e.PortRange.To];
        return { rule: e, match: [c] };
      }),
    );
    const allowed = decided.filter((d) => d.rule.RuleAction === 'allow');
    const direction = egress ? 'egress' : 'ingress';
    if (!allowed.length) {
      const deny = decided.find((d) => d.rule.RuleAction === 'deny')?.rule ?? (rest.length ? undefined : entries.find((e) => e.RuleAction === 'deny'));
      const rule = deny ?? { RuleNumber: DEFAULT_RULE, Protocol: '-1', RuleAction: 'deny', Egress: egress, CidrBlock: '0.0.0.0/0' };
      return this.block({
        ExplanationCode: 'SUBNET_ACL_RESTRICTION',
        Acl: this.comp('network-acl', acl.NetworkAclId),
        AclRule: aclRule(rule),
        Component: this.comp('network-acl', acl.NetworkAclId),
        Direction: direction,
        Subnet: this.subnetComp(subnet),
        Vpc: this.vpc(subnet.VpcId),
      });
    }
    this.push(leg, { Component: this.comp('network-acl', acl.NetworkAclId), AclRule: aclRule(allowed[0].rule), Subnet: this.subnetComp(subnet), Vpc: this.vpc(subnet.VpcId) });
    return allowed.flatMap((d) => d.boxes);
  }

  /** Security groups of an interface: the union of their rules in one direction (they only allow). */
  sg(leg: 'forward' | 'back', eni: EniRec, egress: boolean, boxes: Box[], peer: Dim, port: Dim): Box[] | undefined {
    const rules: { group: string; rule: SgRuleRec; match: Constraint[] }[] = [];
    for (const gid of eni.groups) {
      for (const r of this.state.securityGroups[gid]?.rules ?? []) {
        if (r.IsEgress !== egress || !sgProtocolMatches(r, this.protocol)) continue;
        const ports: Range | undefined = r.IpProtocol === '-1' || !['tcp', 'udp', '6', '17'].includes(r.IpProtocol) ? undefined : [r.FromPort ?? 0, r.ToPort ?? 65535];
        const peers = sgPeers(this.state, r);
        rules.push({ group: gid, rule: r, match: peers.map((p) => ({ [peer]: p, ...(ports ? { [port]: ports } : {}) })) });
      }
    }
    const { decided } = firstMatch(boxes, rules.map((r) => ({ rule: r, match: r.match })));
    const direction = egress ? 'egress' : 'ingress';
    if (!decided.length) {
      return this.block({
        ExplanationCode: 'ENI_SG_RULES_MISMATCH',
        Component: this.comp('network-interface', eni.NetworkInterfaceId),
        NetworkInterface: this.comp('network-interface', eni.NetworkInterfaceId),
        SecurityGroups: eni.groups.map((g) => this.comp('security-group', g)),
        Direction: direction,
        Subnet: this.comp('subnet', eni.SubnetId),
        Vpc: this.vpc(eni.VpcId),
      });
    }
    const first = decided[0].rule;
    this.push(leg, {
      Component: this.comp('security-group', first.group),
      SecurityGroupRule: {
        Cidr: first.rule.CidrIpv4,
        Direction: direction,
        SecurityGroupId: first.rule.ReferencedGroupId,
        PortRange: first.rule.IpProtocol === '-1' ? undefined : { From: first.rule.FromPort, To: first.rule.ToPort },
        PrefixListId: first.rule.PrefixListId,
        Protocol: first.rule.IpProtocol === '-1' ? 'all' : first.rule.IpProtocol,
      },
    });
    return decided.flatMap((d) => d.boxes);
  }

  /**
   * Routes a set of packets by the destination address in `dim` (longest prefix first), and keeps
   * those sent where `accept` allows; the rest has no route to the destination.
   */
  route(
    leg: 'forward' | 'back',
    subnet: SubnetRec,
    boxes: Box[],
    dim: Dim,
    accept: (r: RouteRec) => boolean,
    destination: AnalysisComponent,
  ): { route: RouteRec; boxes: Box[] } | undefined {
    const rtb = routeTableOfSubnet(this.state, subnet.SubnetId)!;
    const routes = [...rtb.routes].sort((a, b) => parseCidr(b.DestinationCidrBlock)!.prefix - parseCidr(a.DestinationCidrBlock)!.prefix);
    const { decided } = firstMatch(boxes, routes.map((r) => ({ rule: r, match: [{ [dim]: cidrRange(r.DestinationCidrBlock)! }] })));
    const good = decided.filter((d) => accept(d.rule));
    const usable = good.filter((d) => routeState(this.state, this.ctx, rtb, d.rule) === 'active');
    if (!usable.length) {
      if (good.length) {
        return this.block({
          ExplanationCode: 'BAD_STATE_ROUTE',
          Component: this.comp('route-table', rtb.RouteTableId),
          RouteTable: this.comp('route-table', rtb.RouteTableId),
          RouteTableRoute: routeShape(good[0].rule, 'blackhole'),
          Subnet: this.subnetComp(subnet),
          Vpc: this.vpc(rtb.VpcId),
        });
      }
      return this.block({
        ExplanationCode: 'NO_ROUTE_TO_DESTINATION',
        Component: this.comp('route-table', rtb.RouteTableId),
        RouteTable: this.comp('route-table', rtb.RouteTableId),
        Destination: destination,
        Subnet: this.subnetComp(subnet),
        Vpc: this.vpc(rtb.VpcId),
      });
    }
    this.push(leg, { Component: this.comp('route-table', rtb.RouteTableId), RouteTableRoute: routeShape(usable[0].rule, 'active'), Subnet: this.subnetComp(subnet), Vpc: this.vpc(rtb.VpcId) });
    return { route: usable[0].rule, boxes: usable.flatMap((d) => d.boxes) };
  }

  eniComponent(leg: 'forward' | 'back', eni: EniRec, boxes?: Box[]): void {
    const instanceId = eni.attachment?.InstanceId;
    this.push(leg, {
      Component: this.comp('network-interface', eni.NetworkInterfaceId),
      AttachedTo: instanceId ? this.comp('instance', instanceId) : undefined,
      InboundHeader: boxes && leg === 'forward' ? this.header(boxes, 'src', 'dst', 'sport', 'dport') : undefined,
      Subnet: this.comp('subnet', eni.SubnetId),
      Vpc: this.vpc(eni.VpcId),
    });
  }
}

function aclProtocolMatches(e: AclEntryRec, protocol: string): boolean {
  return e.Protocol === '-1' || e.Protocol === PROTOCOL_NUMBER[protocol];
}

function sgProtocolMatches(r: SgRuleRec, protocol: string): boolean {
  return r.IpProtocol === '-1' || r.IpProtocol === protocol || r.IpProtocol === PROTOCOL_NUMBER[protocol];
}

/** The addresses a security group rule admits: its CIDR, or every interface in the group it references. */
function sgPeers(state: Ec2State, r: SgRuleRec): Range[] {
  if (r.CidrIpv4) return [cidrRange(r.CidrIpv4)!];
  if (r.ReferencedGroupId) {
    return Object.values(state.networkInterfaces)
      .filter((e) => e.groups.includes(r.ReferencedGroupId!))
      .map((e) => single(parseIp(e.PrivateIpAddress)!));
  }
  // Prefix lists (AWS service ranges) and IPv6 rules do not match the IPv4 traffic analysed here.
  return [];
}

const aclRule = (e: AclEntryRec) => ({
  Cidr: e.CidrBlock,
  Egress: e.Egress,
  PortRange: e.PortRange ? { From: e.PortRange.From, To: e.PortRange.To } : undefined,
  Protocol: e.Protocol === '-1' ? 'all' : e.Protocol,
  RuleAction: e.RuleAction,
  RuleNumber: e.RuleNumber,
});

const routeShape = (r: RouteRec, state: string) => ({
  DestinationCidr: r.DestinationCidrBlock,
  GatewayId: r.GatewayId,
  NatGatewayId: r.NatGatewayId,
  InstanceId: r.InstanceId,
  NetworkInterfaceId: r.NetworkInterfaceId,
  Origin: r.Origin,
  State: state,
});

export class PathError extends Error {}

/** Resolves a path's source or destination to an endpoint, as CreateNetworkInsightsPath accepts them. */
export function endpointOf(state: Ec2State, id: string, ip: string | undefined, role: 'source' | 'destination'): Endpoint {
  const ipNum = ip ? parseIp(ip) : undefined;
  if (ip && ipNum === undefined) throw new PathError(`The ${role} IP address ${ip} is not a valid IPv4 address.`);
  if (id.startsWith('igw-')) {
    const igw = state.internetGateways[id];
    if (!igw) throw new PathError(`The ${role} ${id} does not exist.`);
    return { kind: 'internet', igw, vpcId: igw.vpcId, addresses: ipNum !== undefined ? [single(ipNum)] : INTERNET };
  }
  let eni: EniRec | undefined;
  if (id.startsWith('i-')) {
    const inst = state.instances[id];
    if (!inst) throw new PathError(`The ${role} ${id} does not exist.`);
    eni = state.networkInterfaces[inst.eniIds[0]];
    if (!eni) throw new PathError(`The ${role} ${id} has no network interface (it is terminated).`);
  } else if (id.startsWith('eni-')) {
    eni = state.networkInterfaces[id];
    if (!eni) throw new PathError(`The ${role} ${id} does not exist.`);
  }
  if (eni) {
    const own = parseIp(eni.PrivateIpAddress)!;
    return { kind: 'eni', eni, subnet: state.subnets[eni.SubnetId], vpcId: eni.VpcId, addresses: [single(ipNum ?? own)] };
  }
  if (id.startsWith('subnet-')) {
    const subnet = state.subnets[id];
    if (!subnet) throw new PathError(`The ${role} ${id} does not exist.`);
    return { kind: 'subnet', subnet, vpcId: subnet.VpcId, addresses: ipNum !== undefined ? [single(ipNum)] : [cidrRange(subnet.CidrBlock)!] };
  }
  throw new PathError(`awslings: the ${role} ${id} is not a resource type the sandbox analyses (internet gateways, instances, network interfaces and subnets are).`);
}

/** Runs the analysis of a path against the configuration as it is now. */
export function analyze(state: Ec2State, ctx: Ec2Context, path: InsightsPathRec): AnalysisResult {
  const run = new Run(state, ctx, path.Protocol);
  let src: Endpoint;
  let dst: Endpoint;
  try {
    src = endpointOf(state, path.Source, path.SourceIp, 'source');
    dst = endpointOf(state, path.Destination ?? '', path.DestinationIp, 'destination');
  } catch (e) {
    // A resource deleted since the path was made: nothing to reach.
    if (!(e instanceof PathError)) throw e;
    return { NetworkPathFound: false, Explanations: [{ ExplanationCode: 'UNKNOWN_DESTINATION' }] };
  }
  const filter = (path.FilterAtSource ?? {}) as {
    SourceAddress?: string;
    DestinationAddress?: string;
    SourcePortRange?: { FromPort?: number; ToPort?: number };
    DestinationPortRange?: { FromPort?: number; ToPort?: number };
  };
  const sport: Range = filter.SourcePortRange ? [filter.SourcePortRange.FromPort ?? 0, filter.SourcePortRange.ToPort ?? 65535] : ALL_PORTS;
  const dport: Range =
    path.DestinationPort !== undefined
      ? [path.DestinationPort, path.DestinationPort]
      : filter.DestinationPortRange
        ? [filter.DestinationPortRange.FromPort ?? 0, filter.DestinationPortRange.ToPort ?? 65535]
        : ALL_PORTS;
  // FilterAtSource narrows the addresses the path considers.
  const narrow = (ranges: Range[], cidr: string | undefined): Range[] => {
    const r = cidr ? cidrRange(cidr.includes('/') ? cidr : `${cidr}/32`) : undefined;
    return r ? ranges.map(([lo, hi]): Range => [Math.max(lo, r[0]), Math.min(hi, r[1])]).filter(([lo, hi]) => lo <= hi) : ranges;
  };
  const boxes: Box[] = [];
  for (const s of narrow(src.addresses, filter.SourceAddress)) {
    for (const d of narrow(dst.addresses, filter.DestinationAddress)) boxes.push({ src: s, dst: d, sport, dport });
  }

  let found = false;
  if (!boxes.length) run.block({ ExplanationCode: 'NO_POSSIBLE_DESTINATION', Component: run.comp(resourceType(path.Source), path.Source) });
  else if (src.kind === 'internet' && dst.kind === 'eni') found = fromInternet(run, src, dst, boxes);
  else if (src.kind !== 'internet' && dst.kind === 'eni') found = withinVpc(run, src, dst, boxes);
  else if (src.kind !== 'internet' && dst.kind === 'internet') found = toInternet(run, src, dst, boxes);
  else run.block({ ExplanationCode: 'NO_POSSIBLE_DESTINATION', Component: run.comp(resourceType(path.Source), path.Source) });

  if (!found) return { NetworkPathFound: false, Explanations: [run.explanation ?? { ExplanationCode: 'NO_POSSIBLE_DESTINATION' }] };
  return { NetworkPathFound: true, ForwardPathComponents: run.forward, ReturnPathComponents: run.back, Explanations: [] };
}

/** The internet, through an internet gateway, to an interface: public address, ACL in, groups in; the reply: ACL out, a route back to the gateway. */
function fromInternet(run: Run, src: Endpoint, dst: Endpoint, start: Box[]): boolean {
  const igw = src.igw!;
  const eni = dst.eni!;
  const subnet = dst.subnet!;
  const igwComp = run.comp('internet-gateway', igw.InternetGatewayId);
  if (igw.vpcId !== eni.VpcId) {
    return !!run.block({ ExplanationCode: igw.vpcId ? 'NO_POSSIBLE_DESTINATION' : 'BAD_STATE', Component: igwComp, InternetGateway: igwComp, State: igw.vpcId ? undefined : 'detached', Vpc: run.vpc(eni.VpcId) });
  }
  let boxes = start;
  // Internet gateways drop inbound packets from private addresses.
  if (start.every((b) => !INTERNET.some(([lo, hi]) => b.src[0] >= lo && b.src[1] <= hi))) {
    return !!run.block({ ExplanationCode: 'IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS', Component: igwComp, InternetGateway: igwComp, Address: ipToString(start[0].src[0]) });
  }
  const publicIp = eni.association?.PublicIp;
  if (!publicIp) {
    return !!run.block({
      ExplanationCode: 'IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS',
      Component: igwComp,
      InternetGateway: igwComp,
      NetworkInterface: run.comp('network-interface', eni.NetworkInterfaceId),
      Address: eni.PrivateIpAddress,
      Vpc: run.vpc(eni.VpcId),
    });
  }
  const pub = parseIp(publicIp)!;
  const inbound = run.header(boxes.map((b) => ({ ...b, dst: single(pub) })), 'src', 'dst', 'sport', 'dport');
  run.push('forward', { Component: igwComp, InboundHeader: inbound, OutboundHeader: run.header(boxes, 'src', 'dst', 'sport', 'dport'), Vpc: run.vpc(eni.VpcId) });
  // Into the subnet, then the instance's groups.
  let next = run.acl('forward', subnet, false, boxes, 'src', 'dport');
  if (!next) return false;
  next = run.sg('forward', eni, false, next, 'src', 'dport');
  if (!next) return false;
  run.eniComponent('forward', eni, next);
  boxes = next;
  // The reply: the groups let it out (stateful); the ACL must, and the subnet must route it to the gateway.
  run.eniComponent('back', eni);
  next = run.acl('back', subnet, true, boxes, 'src', 'sport');
  if (!next) return false;
  const routed = run.route('back', subnet, next, 'src', (r) => r.GatewayId === igw.InternetGatewayId, igwComp);
  if (!routed) return false;
  run.push('back', { Component: igwComp, InboundHeader: run.header(routed.boxes, 'dst', 'src', 'dport', 'sport'), OutboundHeader: run.header(routed.boxes.map((b) => ({ ...b, dst: single(pub) })), 'dst', 'src', 'dport', 'sport'), Vpc: run.vpc(eni.VpcId) });
  return true;
}

/** Between two places in one VPC: groups out, ACLs out and in when the subnets differ, the local route, groups in; the reply through the ACLs again. */
function withinVpc(run: Run, src: Endpoint, dst: Endpoint, start: Box[]): boolean {
  const eni = dst.eni!;
  const dSubnet = dst.subnet!;
  const sSubnet = src.subnet!;
  if (src.vpcId !== dst.vpcId) {
    return !!run.block({ ExplanationCode: 'NO_ROUTE_TO_DESTINATION', Component: run.comp('vpc', src.vpcId!), SourceVpc: run.vpc(src.vpcId), DestinationVpc: run.vpc(dst.vpcId) });
  }
  let boxes: Box[] | undefined = start;
  if (src.eni) {
    run.eniComponent('forward', src.eni);
    boxes = run.sg('forward', src.eni, true, boxes, 'dst', 'dport');
    if (!boxes) return false;
  }
  const crossing = sSubnet.SubnetId !== dSubnet.SubnetId;
  if (crossing) {
    boxes = run.acl('forward', sSubnet, true, boxes, 'dst', 'dport');
    if (!boxes) return false;
  }
  const local = run.route('forward', sSubnet, boxes, 'dst', (r) => r.GatewayId === 'local', run.comp('network-interface', eni.NetworkInterfaceId));
  if (!local) return false;
  boxes = local.boxes;
  if (crossing) {
    boxes = run.acl('forward', dSubnet, false, boxes, 'src', 'dport');
    if (!boxes) return false;
  }
  boxes = run.sg('forward', eni, false, boxes, 'src', 'dport');
  if (!boxes) return false;
  run.eniComponent('forward', eni, boxes);
  // The reply.
  run.eniComponent('back', eni);
  if (crossing) {
    boxes = run.acl('back', dSubnet, true, boxes, 'src', 'sport');
    if (!boxes) return false;
    const back = run.route('back', dSubnet, boxes, 'src', (r) => r.GatewayId === 'local', src.eni ? run.comp('network-interface', src.eni.NetworkInterfaceId) : run.comp('subnet', sSubnet.SubnetId));
    if (!back) return false;
    boxes = run.acl('back', sSubnet, false, back.boxes, 'dst', 'sport');
    if (!boxes) return false;
  }
  if (src.eni) run.eniComponent('back', src.eni);
  return true;
}

/** Out to the internet: directly through the gateway with a public address, or through a NAT gateway; and the reply. */
function toInternet(run: Run, src: Endpoint, dst: Endpoint, start: Box[]): boolean {
  const igw = dst.igw!;
  const sSubnet = src.subnet!;
  const igwComp = run.comp('internet-gateway', igw.InternetGatewayId);
  if (igw.vpcId !== src.vpcId) {
    return !!run.block({ ExplanationCode: igw.vpcId ? 'NO_POSSIBLE_DESTINATION' : 'BAD_STATE', Component: igwComp, InternetGateway: igwComp, State: igw.vpcId ? undefined : 'detached', Vpc: run.vpc(src.vpcId) });
  }
  let boxes: Box[] | undefined = start;
  if (src.eni) {
    run.eniComponent('forward', src.eni);
    boxes = run.sg('forward', src.eni, true, boxes, 'dst', 'dport');
    if (!boxes) return false;
  }
  boxes = run.acl('forward', sSubnet, true, boxes, 'dst', 'dport');
  if (!boxes) return false;
  const routed = run.route('forward', sSubnet, boxes, 'dst', (r) => r.GatewayId === igw.InternetGatewayId || !!r.NatGatewayId, igwComp);
  if (!routed) return false;
  boxes = routed.boxes;
  if (routed.route.GatewayId) {
    // Straight out: the gateway translates the private source to the interface's public address.
    const publicIp = src.eni?.association?.PublicIp;
    if (!publicIp) {
      return !!run.block({
        ExplanationCode: 'IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS',
        Component: igwComp,
        InternetGateway: igwComp,
        NetworkInterface: src.eni ? run.comp('network-interface', src.eni.NetworkInterfaceId) : undefined,
        Vpc: run.vpc(src.vpcId),
      });
    }
    const pub = single(parseIp(publicIp)!);
    run.push('forward', { Component: igwComp, InboundHeader: run.header(boxes, 'src', 'dst', 'sport', 'dport'), OutboundHeader: run.header(boxes.map((b) => ({ ...b, src: pub })), 'src', 'dst', 'sport', 'dport'), Vpc: run.vpc(src.vpcId) });
    run.push('back', { Component: igwComp, Vpc: run.vpc(src.vpcId) });
    boxes = run.acl('back', sSubnet, false, boxes, 'dst', 'sport');
    if (!boxes) return false;
    if (src.eni) run.eniComponent('back', src.eni);
    return true;
  }
  // Through a NAT gateway: it must be available, in a subnet that routes to the gateway.
  const nat = run.state.natGateways[routed.route.NatGatewayId!];
  const natComp = run.comp('natgateway', nat.NatGatewayId);
  if (natState(run.ctx, nat) !== 'available' || nat.ConnectivityType !== 'public') {
    return !!run.block({ ExplanationCode: 'BAD_STATE', Component: natComp, NatGateway: natComp, State: natState(run.ctx, nat) });
  }
  const natSubnet = run.state.subnets[nat.SubnetId];
  const natIp = single(parseIp(nat.PrivateIp)!);
  if (natSubnet.SubnetId !== sSubnet.SubnetId) {
    boxes = run.acl('forward', natSubnet, false, boxes, 'src', 'dport');
    if (!boxes) return false;
  }
  // The NAT gateway rewrites the source to its own address and an ephemeral port.
  const translated = boxes.map((b) => ({ ...b, src: natIp, sport: [1024, 65535] as Range }));
  run.push('forward', { Component: natComp, InboundHeader: run.header(boxes, 'src', 'dst', 'sport', 'dport'), OutboundHeader: run.header(translated, 'src', 'dst', 'sport', 'dport'), Subnet: run.subnetComp(natSubnet), Vpc: run.vpc(nat.VpcId) });
  let out = run.acl('forward', natSubnet, true, translated, 'dst', 'dport');
  if (!out) return false;
  const natRoute = run.route('forward', natSubnet, out, 'dst', (r) => r.GatewayId === igw.InternetGatewayId, igwComp);
  if (!natRoute) return false;
  run.push('forward', { Component: igwComp, Vpc: run.vpc(nat.VpcId) });
  // The reply comes back to the NAT gateway, which sends it on to the source.
  run.push('back', { Component: igwComp, Vpc: run.vpc(nat.VpcId) });
  out = run.acl('back', natSubnet, false, natRoute.boxes, 'dst', 'sport');
  if (!out) return false;
  run.push('back', { Component: natComp, Subnet: run.subnetComp(natSubnet), Vpc: run.vpc(nat.VpcId) });
  let reply: Box[] | undefined = boxes;
  if (natSubnet.SubnetId !== sSubnet.SubnetId) {
    reply = run.acl('back', natSubnet, true, reply, 'src', 'sport');
    if (!reply) return false;
  }
  reply = run.acl('back', sSubnet, false, reply, 'dst', 'sport');
  if (!reply) return false;
  if (src.eni) run.eniComponent('back', src.eni);
  return true;
}

const PATH_RESOURCES: [string, string][] = [
  ['igw-', 'internet-gateway'],
  ['i-', 'instance'],
  ['eni-', 'network-interface'],
  ['subnet-', 'subnet'],
];

/** The ARN resource type of a path's source or destination. */
const resourceType = (id: string): string => PATH_RESOURCES.find(([p]) => id.startsWith(p))?.[1] ?? 'resource';

/** What NetworkInsightsPath shows for a source or destination, with its ARN. */
export function resourceArn(ctx: Ec2Context, id: string): string | undefined {
  return PATH_RESOURCES.some(([p]) => id.startsWith(p)) ? ec2Arn(ctx, resourceType(id), id) : undefined;
}

