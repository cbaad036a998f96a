import { zonesOf } from './data/regions.js';
import { ipToString, parseCidr } from './cidr.js';
import type { Ec2Context, Ec2State, VpcRec } from './state.js';
import { newVpc } from './vpcs.js';
import { newSubnet } from './subnets.js';
import { attach, newInternetGateway } from './internetGateways.js';
import { mainRouteTable } from './routeTables.js';

export const DEFAULT_VPC_CIDR = '172.31.0.0/16';

/**
 * The default VPC as AWS makes it in every region: 172.31.0.0/16, one /20 default subnet per zone
 * (172.31.0.0/20, 172.31.16.0/20, …) that gives instances public addresses, an attached internet
 * gateway and a main route table sending 0.0.0.0/0 to it; the VPC's default network ACL and
 * security group come with the VPC itself.
 */
export function makeDefaultVpc(state: Ec2State, ctx: Ec2Context): VpcRec {
  const vpc = newVpc(state, ctx, DEFAULT_VPC_CIDR, { isDefault: true });
  const base = parseCidr(DEFAULT_VPC_CIDR)!.base;
  zonesOf(ctx.region).forEach((zone, i) => {
    newSubnet(state, vpc, `${ipToString(base + i * 4096)}/20`, zone, { defaultForAz: true, mapPublicIp: true });
  });
  const igw = newInternetGateway(state);
  attach(state, igw, vpc.VpcId);
  mainRouteTable(state, vpc.VpcId)!.routes.push({ DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw.InternetGatewayId, Origin: 'CreateRoute' });
  return vpc;
}

export function seedRegion(state: Ec2State, ctx: Ec2Context): void {
  state.seeded = true;
  makeDefaultVpc(state, ctx);
}
