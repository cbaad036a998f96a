import type {
  Address,
  AllocateAddressRequest,
  AllocateAddressResult,
  AssociateAddressRequest,
  AssociateAddressResult,
  DescribeAddressesRequest,
  DescribeAddressesResult,
  DisassociateAddressRequest,
  ReleaseAddressRequest,
} from '@aws-sdk/client-ec2';
import { randomInt } from 'node:crypto';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import { applyTagSpecifications, ec2Id, invalidParameterValue, need, notFound, tagList, tagsOf } from './common.js';
import { applyFilters } from './filters.js';
import { publicPool } from './data/regions.js';
import { ec2State, type Ec2Context, type Ec2State, type ElasticIpRec, type EniRec } from './state.js';
import { igwOfVpc } from './internetGateways.js';
import { instanceStateOf } from './lifecycle.js';

/** A public address from the region's Amazon pool that nothing in this account holds. */
export function allocatePublicIp(state: Ec2State, ctx: Ec2Context): string {
  const used = new Set<string>();
  for (const a of Object.values(state.addresses)) used.add(a.PublicIp);
  for (const e of Object.values(state.networkInterfaces)) if (e.association) used.add(e.association.PublicIp);
  const pool = publicPool(ctx.region);
  for (;;) {
    const [a, b] = pool[randomInt(pool.length)];
    const ip = `${a}.${b}.${randomInt(256)}.${1 + randomInt(254)}`;
    if (!used.has(ip)) return ip;
  }
}

/** Moves an Elastic IP onto an interface, replacing an auto-assigned address (which AWS gives back to its pool). */
export function associateEip(state: Ec2State, eip: ElasticIpRec, eni: EniRec): string {
  if (eni.association?.AllocationId && eni.association.AllocationId !== eip.AllocationId) {
    const previous = state.addresses[eni.association.AllocationId];
    if (previous) clearEip(previous);
  }
  const AssociationId = ec2Id('eipassoc');
  eip.AssociationId = AssociationId;
  eip.NetworkInterfaceId = eni.NetworkInterfaceId;
  eip.PrivateIpAddress = eni.PrivateIpAddress;
  eni.association = { PublicIp: eip.PublicIp, AllocationId: eip.AllocationId, AssociationId };
  return AssociationId;
}

export function clearEip(eip: ElasticIpRec): void {
  eip.AssociationId = undefined;
  eip.NetworkInterfaceId = undefined;
  eip.PrivateIpAddress = undefined;
  eip.natGatewayId = undefined;
}

function toAddress(state: Ec2State, ctx: Ec2Context, a: ElasticIpRec): Address {
  const eni = a.NetworkInterfaceId ? state.networkInterfaces[a.NetworkInterfaceId] : undefined;
  return {
    AllocationId: a.AllocationId,
    AssociationId: a.AssociationId,
    Domain: 'vpc',
    NetworkInterfaceId: a.NetworkInterfaceId,
    NetworkInterfaceOwnerId: a.NetworkInterfaceId ? ctx.accountId : undefined,
    PrivateIpAddress: a.PrivateIpAddress,
    Tags: tagList(state, a.AllocationId),
    PublicIpv4Pool: 'amazon',
    NetworkBorderGroup: a.NetworkBorderGroup,
    InstanceId: eni?.attachment?.InstanceId,
    PublicIp: a.PublicIp,
  };
}

export const AllocateAddress = operation<AllocateAddressRequest, AllocateAddressResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    if (input.Domain && input.Domain !== 'vpc') throw invalidParameterValue(`Value (${input.Domain}) for parameter domain is invalid. Valid values: vpc`);
    if (input.Address || (input.PublicIpv4Pool && input.PublicIpv4Pool !== 'amazon')) {
      throw invalidParameterValue('awslings: bring-your-own address pools are not emulated; allocate from the amazon pool.');
    }
    if (input.NetworkBorderGroup && input.NetworkBorderGroup !== ctx.region) {
      throw invalidParameterValue(`The network border group '${input.NetworkBorderGroup}' is invalid.`);
    }
    const eip: ElasticIpRec = { AllocationId: ec2Id('eipalloc'), PublicIp: allocatePublicIp(state, ctx), NetworkBorderGroup: ctx.region };
    state.addresses[eip.AllocationId] = eip;
    applyTagSpecifications(state, eip.AllocationId, 'elastic-ip', input.TagSpecifications);
    return { PublicIp: eip.PublicIp, AllocationId: eip.AllocationId, PublicIpv4Pool: 'amazon', NetworkBorderGroup: eip.NetworkBorderGroup, Domain: 'vpc' };
  },
});

function eipOf(state: Ec2State, allocationId: string | undefined, publicIp: string | undefined): ElasticIpRec {
  if (allocationId) return need(state.addresses, allocationId, 'eipalloc');
  const eip = Object.values(state.addresses).find((a) => a.PublicIp === publicIp);
  if (!eip) {
    if (!publicIp) throw new AwsError('MissingParameter', 'The request must contain the parameter AllocationId or PublicIp', 400);
    throw new AwsError('InvalidAddress.NotFound', `Address '${publicIp}' not found.`, 400);
  }
  return eip;
}

export const AssociateAddress = operation<AssociateAddressRequest, AssociateAddressResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const eip = eipOf(state, input.AllocationId, input.PublicIp);
    let eni: EniRec;
    if (input.NetworkInterfaceId) eni = need(state.networkInterfaces, input.NetworkInterfaceId, 'eni');
    else if (input.InstanceId) {
      const inst = need(state.instances, input.InstanceId, 'i');
      const st = instanceStateOf(ctx, inst);
      if (st === 'terminated' || st === 'shutting-down') {
        throw new AwsError('IncorrectInstanceState', `The instance '${inst.InstanceId}' is not in a valid state for this operation.`, 400);
      }
      if (inst.eniIds.length > 1) {
        throw new AwsError('InvalidInstanceID', `There are multiple interfaces attached to instance '${inst.InstanceId}'. Please specify an interface ID for the operation instead.`, 400);
      }
      eni = state.networkInterfaces[inst.eniIds[0]];
    } else throw new AwsError('MissingParameter', 'The request must contain the parameter InstanceId or NetworkInterfaceId', 400);
    if (input.PrivateIpAddress && input.PrivateIpAddress !== eni.PrivateIpAddress) {
      throw invalidParameterValue(`The private IP address ${input.PrivateIpAddress} is not assigned to network interface ${eni.NetworkInterfaceId}`);
    }
    if (!igwOfVpc(state, eni.VpcId)) throw new AwsError('Gateway.NotAttached', `Network ${eni.VpcId} is not attached to any internet gateway`, 400);
    if (eip.natGatewayId) throw new AwsError('Resource.AlreadyAssociated', `resource ${eip.AllocationId} is already associated with associate-id ${eip.AssociationId}`, 400);
    if (eip.AssociationId && eip.NetworkInterfaceId !== eni.NetworkInterfaceId) {
      // In a VPC, reassociation is automatic unless the caller says false.
      if (input.AllowReassociation === false) {
        throw new AwsError('Resource.AlreadyAssociated', `resource ${eip.AllocationId} is already associated with associate-id ${eip.AssociationId}`, 400);
      }
      const old = state.networkInterfaces[eip.NetworkInterfaceId!];
      if (old) old.association = undefined;
    }
    return { AssociationId: associateEip(state, eip, eni) };
  },
});

export const DisassociateAddress = operation<DisassociateAddressRequest, object>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const eip = input.AssociationId
      ? Object.values(state.addresses).find((a) => a.AssociationId === input.AssociationId)
      : eipOf(state, undefined, input.PublicIp);
    if (!eip || !eip.AssociationId) throw notFound('eipassoc', input.AssociationId ?? input.PublicIp ?? '');
    if (eip.natGatewayId) throw new AwsError('InvalidIPAddress.InUse', `Address ${eip.PublicIp} is in use by NAT gateway ${eip.natGatewayId}.`, 400);
    const eni = eip.NetworkInterfaceId ? state.networkInterfaces[eip.NetworkInterfaceId] : undefined;
    clearEip(eip);
    if (eni) {
      eni.association = undefined;
      // An instance launched with a public address gets a fresh one from Amazon's pool once its Elastic IP goes.
      const inst = eni.attachment?.InstanceId ? state.instances[eni.attachment.InstanceId] : undefined;
      if (inst?.autoPublicIp && inst.eniIds[0] === eni.NetworkInterfaceId && instanceStateOf(ctx, inst) === 'running') {
        eni.association = { PublicIp: allocatePublicIp(state, ctx) };
      }
    }
    return {};
  },
});

export const ReleaseAddress = operation<ReleaseAddressRequest, object>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const eip = eipOf(state, input.AllocationId, input.PublicIp);
    if (eip.AssociationId || eip.natGatewayId) throw new AwsError('InvalidIPAddress.InUse', 'Address is in use.', 400);
    delete state.addresses[eip.AllocationId];
    delete state.tags[eip.AllocationId];
    return {};
  },
});

export const DescribeAddresses = operation<DescribeAddressesRequest, DescribeAddressesResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    let items = Object.values(state.addresses);
    if (input.AllocationIds?.length) items = input.AllocationIds.map((id) => need(state.addresses, id, 'eipalloc'));
    if (input.PublicIps?.length) {
      items = input.PublicIps.map((ip) => {
        const a = items.find((x) => x.PublicIp === ip);
        if (!a) throw new AwsError('InvalidAddress.NotFound', `Address '${ip}' not found.`, 400);
        return a;
      });
    }
    const found = applyFilters(
      items,
      input.Filters,
      {
        'allocation-id': (a) => a.AllocationId,
        'association-id': (a) => a.AssociationId,
        domain: () => 'vpc',
        'instance-id': (a) => (a.NetworkInterfaceId ? state.networkInterfaces[a.NetworkInterfaceId]?.attachment?.InstanceId : undefined),
        'network-border-group': (a) => a.NetworkBorderGroup,
        'network-interface-id': (a) => a.NetworkInterfaceId,
        'network-interface-owner-id': (a) => (a.NetworkInterfaceId ? ctx.accountId : undefined),
        'private-ip-address': (a) => a.PrivateIpAddress,
        'public-ip': (a) => a.PublicIp,
      },
      (a) => tagsOf(state, a.AllocationId),
    );
    return { Addresses: found.map((a) => toAddress(state, ctx, a)) };
  },
});

