import type {
  CreateNatGatewayRequest,
  CreateNatGatewayResult,
  DeleteNatGatewayRequest,
  DeleteNatGatewayResult,
  DescribeNatGatewaysRequest,
  DescribeNatGatewaysResult,
  NatGateway,
  NatGatewayState,
} from '@aws-sdk/client-ec2';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import { applyTagSpecifications, byIds, ec2Id, invalidParameterValue, need, nowMs, paginate, tagList, tagsOf, timings } from './common.js';
import { applyFilters } from './filters.js';
import { ec2State, type Ec2Context, type Ec2State, type NatGatewayRec } from './state.js';
import { deleteEni, newEni } from './networkInterfaces.js';
import { igwOfVpc } from './internetGateways.js';
import { associateEip, clearEip } from './addresses.js';

/** A NAT gateway's state is a function of the clock: pending for a few seconds, then available (or failed). */
export function natState(ctx: Pick<Ec2Context, 'emulator'>, nat: NatGatewayRec): NatGatewayState {
  const t = timings(ctx);
  const now = nowMs(ctx);
  if (nat.deletedAt !== undefined) return now - nat.deletedAt >= t.natDeleting * 1000 ? 'deleted' : 'deleting';
  if (now - nat.createdAt < t.natPending * 1000) return 'pending';
  return nat.failure ? 'failed' : 'available';
}

/** Deleted and failed gateways stay visible for an hour, as in AWS, then disappear. */
function visible(ctx: Ec2Context, nat: NatGatewayRec): boolean {
  const t = timings(ctx);
  const gone = nat.deletedAt ?? (nat.failure ? nat.createdAt + t.natPending * 1000 : undefined);
  return gone === undefined || nowMs(ctx) - gone < t.natDeletedVisible * 1000;
}

function toNatGateway(state: Ec2State, ctx: Ec2Context, nat: NatGatewayRec): NatGateway {
  const st = natState(ctx, nat);
  const eip = nat.AllocationId ? state.addresses[nat.AllocationId] : undefined;
  const addressStatus = st === 'pending' ? 'associating' : st === 'available' ? 'succeeded' : st === 'failed' ? 'failed' : st === 'deleting' ? 'disassociating' : 'succeeded';
  return {
    CreateTime: new Date(nat.createdAt),
    DeleteTime: nat.deletedAt !== undefined && st === 'deleted' ? new Date(nat.deletedAt + timings(ctx).natDeleting * 1000) : undefined,
    FailureCode: st === 'failed' ? nat.failure?.code : undefined,
    FailureMessage: st === 'failed' ? nat.failure?.message : undefined,
    NatGatewayAddresses: [
      {
        AllocationId: nat.AllocationId,
        NetworkInterfaceId: nat.NetworkInterfaceId,
        PrivateIp: nat.PrivateIp,
        PublicIp: nat.ConnectivityType === 'public' ? eip?.PublicIp : undefined,
        AssociationId: nat.ConnectivityType === 'public' && !nat.failure ? eip?.AssociationId : undefined,
        IsPrimary: true,
        Status: addressStatus,
      },
    ],
    NatGatewayId: nat.NatGatewayId,
    State: st,
    SubnetId: nat.SubnetId,
    VpcId: nat.VpcId,
    Tags: tagList(state, nat.NatGatewayId, true),
    ConnectivityType: nat.ConnectivityType,
  };
}

export const CreateNatGateway = operation<CreateNatGatewayRequest, CreateNatGatewayResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const subnet = need(state.subnets, input.SubnetId, 'subnet');
    const connectivity = (input.ConnectivityType ?? 'public') as 'public' | 'private';
    if (connectivity !== 'public' && connectivity !== 'private') {
      throw invalidParameterValue(`Value (${input.ConnectivityType}) for parameter connectivityType is invalid. Valid values: public, private`);
    }
    if (connectivity === 'public' && !input.AllocationId) {
      throw new AwsError('MissingParameter', 'The request must contain the parameter AllocationId for a public NAT gateway', 400);
    }
    if (connectivity === 'private' && input.AllocationId) {
      throw invalidParameterValue('Private NAT gateways cannot have an Elastic IP address (AllocationId).');
    }
    const eip = input.AllocationId ? need(state.addresses, input.AllocationId, 'eipalloc') : undefined;
    const id = ec2Id('nat');
    const eni = newEni(state, subnet, { groups: [], description: `Interface for NAT Gateway ${id}`, type: 'nat_gateway', privateIp: input.PrivateIpAddress, requesterId: 'amazon' });
    const nat: NatGatewayRec = {
      NatGatewayId: id,
      SubnetId: subnet.SubnetId,
      VpcId: subnet.VpcId,
      ConnectivityType: connectivity,
      createdAt: nowMs(ctx),
      AllocationId: eip?.AllocationId,
      NetworkInterfaceId: eni.NetworkInterfaceId,
      PrivateIp: eni.PrivateIpAddress,
    };
    // AWS accepts the request and the gateway fails a little later; the reason is known now.
    if (eip && (eip.AssociationId || eip.natGatewayId)) {
      nat.failure = { code: 'Resource.AlreadyAssociated', message: `Elastic IP address [${eip.AllocationId}] is already associated` };
    } else if (connectivity === 'public' && !igwOfVpc(state, subnet.VpcId)) {
      nat.failure = { code: 'Gateway.NotAttached', message: `Network ${subnet.VpcId} has no Internet gateway attached` };
    }
    if (nat.failure) deleteEni(state, eni);
    else if (eip) {
      associateEip(state, eip, eni);
      eip.natGatewayId = id;
    }
    state.natGateways[id] = nat;
    applyTagSpecifications(state, id, 'natgateway', input.TagSpecifications);
    return { NatGateway: toNatGateway(state, ctx, nat), ClientToken: input.ClientToken };
  },
});

export const DescribeNatGateways = operation<DescribeNatGatewaysRequest, DescribeNatGatewaysResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    let items = byIds(state.natGateways, input.NatGatewayIds, 'nat');
    if (!input.NatGatewayIds?.length) items = items.filter((n) => visible(ctx, n));
    const found = applyFilters(
      items,
      input.Filter,
      {
        'nat-gateway-id': (n) => n.NatGatewayId,
        state: (n) => natState(ctx, n),
        'subnet-id': (n) => n.SubnetId,
        'vpc-id': (n) => n.VpcId,
      },
      (n) => tagsOf(state, n.NatGatewayId),
    );
    const { page, NextToken } = paginate(found, input, { ids: input.NatGatewayIds, idsParam: 'natGatewayIds' });
    return { NatGateways: page.map((n) => toNatGateway(state, ctx, n)), NextToken };
  },
});

export const DeleteNatGateway = operation<DeleteNatGatewayRequest, DeleteNatGatewayResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const nat = need(state.natGateways, input.NatGatewayId, 'nat');
    if (nat.deletedAt !== undefined) return { NatGatewayId: nat.NatGatewayId };
    nat.deletedAt = nowMs(ctx);
    // The gateway's interface and address are given back as it is deleted.
    const eni = state.networkInterfaces[nat.NetworkInterfaceId];
    if (eni) deleteEni(state, eni);
    const eip = nat.AllocationId ? state.addresses[nat.AllocationId] : undefined;
    if (eip?.natGatewayId === nat.NatGatewayId) clearEip(eip);
    return { NatGatewayId: nat.NatGatewayId };
  },
});
