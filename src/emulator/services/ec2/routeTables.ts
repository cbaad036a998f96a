import type {
  AssociateRouteTableRequest,
  AssociateRouteTableResult,
  CreateRouteRequest,
  CreateRouteResult,
  CreateRouteTableRequest,
  CreateRouteTableResult,
  DeleteRouteRequest,
  DeleteRouteTableRequest,
  DescribeRouteTablesRequest,
  DescribeRouteTablesResult,
  DisassociateRouteTableRequest,
  ReplaceRouteRequest,
  ReplaceRouteTableAssociationRequest,
  ReplaceRouteTableAssociationResult,
  Route,
  RouteTable,
} from '@aws-sdk/client-ec2';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import { normalizeCidr } from './cidr.js';
import { applyTagSpecifications, byIds, dependencyViolation, ec2Id, invalidParameterValue, need, notFound, paginate, tagList, tagsOf } from './common.js';
import { applyFilters, type FilterSpec } from './filters.js';
import { ec2State, type Ec2Context, type Ec2State, type RouteRec, type RouteTableRec } from './state.js';
import { natState } from './natGateways.js';
import { instanceStateOf } from './lifecycle.js';

export function newRouteTable(state: Ec2State, vpcId: string, main: boolean): RouteTableRec {
  const vpc = state.vpcs[vpcId];
  const rtb: RouteTableRec = {
    RouteTableId: ec2Id('rtb'),
    VpcId: vpcId,
    routes: [{ DestinationCidrBlock: vpc.CidrBlock, GatewayId: 'local', Origin: 'CreateRouteTable' }],
    associations: main ? [{ RouteTableAssociationId: ec2Id('rtbassoc'), Main: true }] : [],
  };
  state.routeTables[rtb.RouteTableId] = rtb;
  return rtb;
}

export const mainRouteTable = (state: Ec2State, vpcId: string): RouteTableRec | undefined =>
  Object.values(state.routeTables).find((r) => r.VpcId === vpcId && r.associations.some((a) => a.Main));

/** The route table a subnet uses: its explicit association, else its VPC's main table. */
export function routeTableOfSubnet(state: Ec2State, subnetId: string): RouteTableRec | undefined {
  const explicit = Object.values(state.routeTables).find((r) => r.associations.some((a) => a.SubnetId === subnetId));
  if (explicit) return explicit;
  const subnet = state.subnets[subnetId];
  return subnet && mainRouteTable(state, subnet.VpcId);
}

/** A route whose target is gone or not working is a black hole, as DescribeRouteTables shows it. */
export function routeState(state: Ec2State, ctx: Ec2Context, rtb: RouteTableRec, r: RouteRec): 'active' | 'blackhole' {
  if (r.GatewayId === 'local') return 'active';
  if (r.GatewayId?.startsWith('igw-')) return state.internetGateways[r.GatewayId]?.vpcId === rtb.VpcId ? 'active' : 'blackhole';
  if (r.NatGatewayId) {
    const nat = state.natGateways[r.NatGatewayId];
    return nat && natState(ctx, nat) === 'available' ? 'active' : 'blackhole';
  }
  if (r.InstanceId) {
    const i = state.instances[r.InstanceId];
    return i && instanceStateOf(ctx, i) === 'running' ? 'active' : 'blackhole';
  }
  if (r.NetworkInterfaceId) {
    const eni = state.networkInterfaces[r.NetworkInterfaceId];
    return eni?.attachment ? 'active' : 'blackhole';
  }
  return 'blackhole';
}

function toRoute(state: Ec2State, ctx: Ec2Context, rtb: RouteTableRec, r: RouteRec): Route {
  return {
    DestinationCidrBlock: r.DestinationCidrBlock,
    GatewayId: r.GatewayId,
    InstanceId: r.InstanceId,
    InstanceOwnerId: r.InstanceId ? ctx.accountId : undefined,
    NatGatewayId: r.NatGatewayId,
    NetworkInterfaceId: r.NetworkInterfaceId,
    VpcPeeringConnectionId: r.VpcPeeringConnectionId,
    Origin: r.Origin,
    State: routeState(state, ctx, rtb, r),
  };
}

export function toRouteTable(state: Ec2State, ctx: Ec2Context, rtb: RouteTableRec): RouteTable {
  return {
    Associations: rtb.associations.map((a) => ({
      Main: a.Main,
      RouteTableAssociationId: a.RouteTableAssociationId,
      RouteTableId: rtb.RouteTableId,
      SubnetId: a.SubnetId,
      GatewayId: a.GatewayId,
      AssociationState: { State: 'associated' },
    })),
    PropagatingVgws: [],
    RouteTableId: rtb.RouteTableId,
    Routes: rtb.routes.map((r) => toRoute(state, ctx, rtb, r)),
    Tags: tagList(state, rtb.RouteTableId, true),
    VpcId: rtb.VpcId,
    OwnerId: ctx.accountId,
  };
}

const rtbFilters = (state: Ec2State, ctx: Ec2Context): FilterSpec<RouteTableRec> => ({
  'association.gateway-id': (r) => r.associations.map((a) => a.GatewayId),
  'association.route-table-association-id': (r) => r.associations.map((a) => a.RouteTableAssociationId),
  'association.route-table-id': (r) => (r.associations.length ? r.RouteTableId : undefined),
  'association.subnet-id': (r) => r.associations.map((a) => a.SubnetId),
  'association.main': (r) => r.associations.map((a) => a.Main),
  'owner-id': () => ctx.accountId,
  'route-table-id': (r) => r.RouteTableId,
  'route.destination-cidr-block': (r) => r.routes.map((x) => x.DestinationCidrBlock),
  'route.gateway-id': (r) => r.routes.map((x) => x.GatewayId),
  'route.instance-id': (r) => r.routes.map((x) => x.InstanceId),
  'route.nat-gateway-id': (r) => r.routes.map((x) => x.NatGatewayId),
  'route.network-interface-id': (r) => r.routes.map((x) => x.NetworkInterfaceId),
  'route.origin': (r) => r.routes.map((x) => x.Origin),
  'route.state': (r) => r.routes.map((x) => routeState(state, ctx, r, x)),
  'route.vpc-peering-connection-id': (r) => r.routes.map((x) => x.VpcPeeringConnectionId),
  'vpc-id': (r) => r.VpcId,
});

const TARGETS =
  'gatewayId, natGatewayId, networkInterfaceId, vpcPeeringConnectionId, egressOnlyInternetGatewayId, transitGatewayId, localGatewayId, carrierGatewayId, instanceId, vpcEndpointId or coreNetworkArn';

/** Checks a CreateRoute/ReplaceRoute target against the table's VPC, as AWS does, and gives the route's target fields. */
function routeTarget(state: Ec2State, ctx: Ec2Context, rtb: RouteTableRec, input: CreateRouteRequest): Omit<RouteRec, 'DestinationCidrBlock' | 'Origin'> {
  const given = [
    input.GatewayId,
    input.NatGatewayId,
    input.InstanceId,
    input.NetworkInterfaceId,
    input.VpcPeeringConnectionId,
    input.EgressOnlyInternetGatewayId,
    input.TransitGatewayId,
    input.LocalGatewayId,
    input.CarrierGatewayId,
    input.VpcEndpointId,
    input.CoreNetworkArn,
  ].filter(Boolean);
  if (given.length === 0) throw new AwsError('MissingParameter', `The request must contain exactly one of ${TARGETS}`, 400);
  if (given.length > 1) throw new AwsError('InvalidParameterCombination', `The request must contain exactly one of ${TARGETS}`, 400);
  if (input.GatewayId) {
    if (input.GatewayId.startsWith('igw-')) {
      const igw = state.internetGateways[input.GatewayId];
      if (!igw) throw new AwsError('InvalidInternetGatewayID.NotFound', `The internetGateway ID '${input.GatewayId}' does not exist`, 400);
      if (igw.vpcId !== rtb.VpcId) {
        throw invalidParameterValue(`route table ${rtb.RouteTableId} and network gateway ${igw.InternetGatewayId} belong to different networks`);
      }
      return { GatewayId: igw.InternetGatewayId };
    }
    throw new AwsError('InvalidGatewayID.NotFound', `The gateway ID '${input.GatewayId}' does not exist`, 400);
  }
  if (input.NatGatewayId) {
    const nat = need(state.natGateways, input.NatGatewayId, 'nat');
    if (nat.VpcId !== rtb.VpcId) throw invalidParameterValue(`route table ${rtb.RouteTableId} and NAT gateway ${nat.NatGatewayId} belong to different networks`);
    return { NatGatewayId: nat.NatGatewayId };
  }
  if (input.InstanceId) {
    const inst = need(state.instances, input.InstanceId, 'i');
    if (inst.eniIds.length !== 1) {
      throw new AwsError('InvalidInstanceID', `There are multiple interfaces attached to instance '${inst.InstanceId}'. Please specify an interface ID for the operation instead.`, 400);
    }
    if (inst.VpcId !== rtb.VpcId) throw invalidParameterValue(`route table ${rtb.RouteTableId} and instance ${inst.InstanceId} belong to different networks`);
    return { InstanceId: inst.InstanceId, NetworkInterfaceId: inst.eniIds[0] };
  }
  if (input.NetworkInterfaceId) {
    const eni = need(state.networkInterfaces, input.NetworkInterfaceId, 'eni');
    if (eni.VpcId !== rtb.VpcId) throw invalidParameterValue(`route table ${rtb.RouteTableId} and interface ${eni.NetworkInterfaceId} belong to different networks`);
    return { NetworkInterfaceId: eni.NetworkInterfaceId, InstanceId: eni.attachment?.InstanceId };
  }
  if (input.VpcPeeringConnectionId) throw new AwsError('InvalidVpcPeeringConnectionID.NotFound', `The vpcPeeringConnection ID '${input.VpcPeeringConnectionId}' does not exist`, 400);
  throw invalidParameterValue('awslings: this route target type is not emulated; use an internet gateway, NAT gateway, instance or network interface.');
}

function destination(input: { DestinationCidrBlock?: string; DestinationIpv6CidrBlock?: string; DestinationPrefixListId?: string }): string {
  if (!input.DestinationCidrBlock) {
    if (input.DestinationIpv6CidrBlock || input.DestinationPrefixListId) throw invalidParameterValue('awslings: IPv6 and prefix-list routes are not emulated.');
    throw new AwsError('MissingParameter', 'The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock', 400);
  }
  const cidr = normalizeCidr(input.DestinationCidrBlock);
  if (!cidr) throw invalidParameterValue(`Value (${input.DestinationCidrBlock}) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.`);
  return cidr;
}

export const CreateRouteTable = operation<CreateRouteTableRequest, CreateRouteTableResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const vpc = need(state.vpcs, input.VpcId, 'vpc');
    const rtb = newRouteTable(state, vpc.VpcId, false);
    applyTagSpecifications(state, rtb.RouteTableId, 'route-table', input.TagSpecifications);
    return { RouteTable: toRouteTable(state, ctx, rtb), ClientToken: input.ClientToken };
  },
});

export const DescribeRouteTables = operation<DescribeRouteTablesRequest, DescribeRouteTablesResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const items = applyFilters(byIds(state.routeTables, input.RouteTableIds, 'rtb'), input.Filters, rtbFilters(state, ctx), (r) => tagsOf(state, r.RouteTableId));
    const { page, NextToken } = paginate(items, input, { ids: input.RouteTableIds, idsParam: 'routeTableIds' });
    return { RouteTables: page.map((r) => toRouteTable(state, ctx, r)), NextToken };
  },
});

export const DeleteRouteTable = operation<DeleteRouteTableRequest, object>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const rtb = need(state.routeTables, input.RouteTableId, 'rtb');
    if (rtb.associations.length) throw dependencyViolation(`The routeTable '${rtb.RouteTableId}' has dependencies and cannot be deleted.`);
    delete state.routeTables[rtb.RouteTableId];
    delete state.tags[rtb.RouteTableId];
    return {};
  },
});

export const CreateRoute = operation<CreateRouteRequest, CreateRouteResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const rtb = need(state.routeTables, input.RouteTableId, 'rtb');
    const dest = destination(input);
    const target = routeTarget(state, ctx, rtb, input);
    if (rtb.routes.some((r) => r.DestinationCidrBlock === dest)) {
      throw new AwsError('RouteAlreadyExists', `The route identified by ${dest} already exists.`, 400);
    }
    rtb.routes.push({ DestinationCidrBlock: dest, ...target, Origin: 'CreateRoute' });
    return { Return: true };
  },
});

export const ReplaceRoute = operation<ReplaceRouteRequest, object>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const rtb = need(state.routeTables, input.RouteTableId, 'rtb');
    const dest = destination(input);
    const i = rtb.routes.findIndex((r) => r.DestinationCidrBlock === dest);
    if (i < 0) throw invalidParameterValue(`There is no route defined for '${dest}' in the route table. Use CreateRoute instead.`);
    if (rtb.routes[i].GatewayId === 'local') throw invalidParameterValue(`cannot replace local route ${dest} in route table ${rtb.RouteTableId}`);
    rtb.routes[i] = { DestinationCidrBlock: dest, ...routeTarget(state, ctx, rtb, input as CreateRouteRequest), Origin: 'CreateRoute' };
    return {};
  },
});

export const DeleteRoute = operation<DeleteRouteRequest, object>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const rtb = need(state.routeTables, input.RouteTableId, 'rtb');
    const dest = destination(input);
    const route = rtb.routes.find((r) => r.DestinationCidrBlock === dest);
    if (!route) throw new AwsError('InvalidRoute.NotFound', `no route with destination-cidr-block ${dest} in route table ${rtb.RouteTableId}`, 400);
    if (route.GatewayId === 'local') throw invalidParameterValue(`cannot remove local route ${dest} in route table ${rtb.RouteTableId}`);
    rtb.routes = rtb.routes.filter((r) => r !== route);
    return {};
  },
});

export const AssociateRouteTable = operation<AssociateRouteTableRequest, AssociateRouteTableResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const rtb = need(state.routeTables, input.RouteTableId, 'rtb');
    if (input.GatewayId) {
      const igw = state.internetGateways[input.GatewayId];
      if (!igw) throw notFound('igw', input.GatewayId);
      if (igw.vpcId !== rtb.VpcId) throw invalidParameterValue(`Route table ${rtb.RouteTableId} and gateway ${igw.InternetGatewayId} belong to different networks.`);
      if (Object.values(state.routeTables).some((r) => r.associations.some((a) => a.GatewayId === igw.InternetGatewayId))) {
        throw new AwsError('Resource.AlreadyAssociated', `the specified association for route table ${rtb.RouteTableId} conflicts with an existing association`, 400);
      }
      const id = ec2Id('rtbassoc');
      rtb.associations.push({ RouteTableAssociationId: id, Main: false, GatewayId: igw.InternetGatewayId });
      return { AssociationId: id, AssociationState: { State: 'associated' } };
    }
    if (!input.SubnetId) throw new AwsError('MissingParameter', 'The request must contain the parameter subnetId or gatewayId', 400);
    const subnet = need(state.subnets, input.SubnetId, 'subnet');
    if (subnet.VpcId !== rtb.VpcId) throw invalidParameterValue(`Route table ${rtb.RouteTableId} and subnet ${subnet.SubnetId} belong to different networks.`);
    if (Object.values(state.routeTables).some((r) => r.associations.some((a) => a.SubnetId === subnet.SubnetId))) {
      throw new AwsError('Resource.AlreadyAssociated', `the specified association for route table ${rtb.RouteTableId} conflicts with an existing association`, 400);
    }
    const id = ec2Id('rtbassoc');
    rtb.associations.push({ RouteTableAssociationId: id, Main: false, SubnetId: subnet.SubnetId });
    return { AssociationId: id, AssociationState: { State: 'associated' } };
  },
});

function findAssociation(state: Ec2State, associationId: string | undefined) {
  for (const rtb of Object.values(state.routeTables)) {
    const a = rtb.associations.find((x) => x.RouteTableAssociationId === associationId);
    if (a) return { rtb, a };
  }
  throw notFound('rtbassoc', associationId ?? '');
}

export const DisassociateRouteTable = operation<DisassociateRouteTableRequest, object>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const { rtb, a } = findAssociation(state, input.AssociationId);
    if (a.Main) throw invalidParameterValue(`cannot disassociate the main route table association ${a.RouteTableAssociationId}`);
    rtb.associations = rtb.associations.filter((x) => x !== a);
    return {};
  },
});

export const ReplaceRouteTableAssociation = operation<ReplaceRouteTableAssociationRequest, ReplaceRouteTableAssociationResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const { rtb, a } = findAssociation(state, input.AssociationId);
    const target = need(state.routeTables, input.RouteTableId, 'rtb');
    if (target.VpcId !== rtb.VpcId) throw invalidParameterValue(`Route table ${target.RouteTableId} and association ${a.RouteTableAssociationId} belong to different networks.`);
    rtb.associations = rtb.associations.filter((x) => x !== a);
    const id = ec2Id('rtbassoc');
    // Replacing the main association makes the other table the VPC's main route table.
    target.associations.push({ ...a, RouteTableAssociationId: id });
    return { NewAssociationId: id, AssociationState: { State: 'associated' } };
  },
});
