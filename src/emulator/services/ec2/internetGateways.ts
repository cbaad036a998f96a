import type {
  AttachInternetGatewayRequest,
  CreateInternetGatewayRequest,
  CreateInternetGatewayResult,
  DeleteInternetGatewayRequest,
  DescribeInternetGatewaysRequest,
  DescribeInternetGatewaysResult,
  DetachInternetGatewayRequest,
  InternetGateway,
} from '@aws-sdk/client-ec2';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import { applyTagSpecifications, byIds, dependencyViolation, ec2Id, need, paginate, tagList, tagsOf } from './common.js';
import { applyFilters } from './filters.js';
import { ec2State, type Ec2Context, type Ec2State, type IgwRec } from './state.js';

export function newInternetGateway(state: Ec2State): IgwRec {
  const igw: IgwRec = { InternetGatewayId: ec2Id('igw') };
  state.internetGateways[igw.InternetGatewayId] = igw;
  return igw;
}

export const igwOfVpc = (state: Ec2State, vpcId: string): IgwRec | undefined =>
  Object.values(state.internetGateways).find((g) => g.vpcId === vpcId);

export function attach(state: Ec2State, igw: IgwRec, vpcId: string): void {
  if (igw.vpcId) throw new AwsError('Resource.AlreadyAssociated', `resource ${igw.InternetGatewayId} is already attached to network ${igw.vpcId}`, 400);
  const other = igwOfVpc(state, vpcId);
  if (other) throw new AwsError('Resource.AlreadyAssociated', `resource ${vpcId} already has an internet gateway (${other.InternetGatewayId}) attached`, 400);
  igw.vpcId = vpcId;
}

function toIgw(state: Ec2State, ctx: Ec2Context, g: IgwRec): InternetGateway {
  return {
    // Internet gateway attachments show `available` (not one of AttachmentStatus's values) in EC2's answers.
    Attachments: g.vpcId ? [{ State: 'available' as never, VpcId: g.vpcId }] : [],
    InternetGatewayId: g.InternetGatewayId,
    OwnerId: ctx.accountId,
    Tags: tagList(state, g.InternetGatewayId, true),
  };
}

export const CreateInternetGateway = operation<CreateInternetGatewayRequest, CreateInternetGatewayResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const igw = newInternetGateway(state);
    applyTagSpecifications(state, igw.InternetGatewayId, 'internet-gateway', input.TagSpecifications);
    return { InternetGateway: toIgw(state, ctx, igw) };
  },
});

export const DescribeInternetGateways = operation<DescribeInternetGatewaysRequest, DescribeInternetGatewaysResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const items = applyFilters(
      byIds(state.internetGateways, input.InternetGatewayIds, 'igw'),
      input.Filters,
      {
        'attachment.state': (g) => (g.vpcId ? 'available' : undefined),
        'attachment.vpc-id': (g) => g.vpcId,
        'internet-gateway-id': (g) => g.InternetGatewayId,
        'owner-id': () => ctx.accountId,
      },
      (g) => tagsOf(state, g.InternetGatewayId),
    );
    const { page, NextToken } = paginate(items, input, { ids: input.InternetGatewayIds, idsParam: 'internetGatewayIds' });
    return { InternetGateways: page.map((g) => toIgw(state, ctx, g)), NextToken };
  },
});

export const AttachInternetGateway = operation<AttachInternetGatewayRequest, object>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const igw = need(state.internetGateways, input.InternetGatewayId, 'igw');
    const vpc = need(state.vpcs, input.VpcId, 'vpc');
    attach(state, igw, vpc.VpcId);
    return {};
  },
});

export const DetachInternetGateway = operation<DetachInternetGatewayRequest, object>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const igw = need(state.internetGateways, input.InternetGatewayId, 'igw');
    const vpc = need(state.vpcs, input.VpcId, 'vpc');
    if (igw.vpcId !== vpc.VpcId) {
      throw new AwsError('Gateway.NotAttached', `resource ${igw.InternetGatewayId} is not attached to network ${vpc.VpcId}`, 400);
    }
    // Public addresses need the gateway: AWS refuses to detach it while any is mapped in the VPC.
    const mapped = Object.values(state.networkInterfaces).some((e) => e.VpcId === vpc.VpcId && e.association);
    if (mapped) {
      throw dependencyViolation(`Network ${vpc.VpcId} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.`);
    }
    igw.vpcId = undefined;
    return {};
  },
});

export const DeleteInternetGateway = operation<DeleteInternetGatewayRequest, object>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const igw = need(state.internetGateways, input.InternetGatewayId, 'igw');
    if (igw.vpcId) throw dependencyViolation(`The internetGateway '${igw.InternetGatewayId}' has dependencies and cannot be deleted.`);
    delete state.internetGateways[igw.InternetGatewayId];
    delete state.tags[igw.InternetGatewayId];
    return {};
  },
});
