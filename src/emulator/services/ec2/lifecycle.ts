import type { InstanceState } from '@aws-sdk/client-ec2';
import { nowMs, timings, type Ec2Timings } from './common.js';
import type { Ec2Context, Ec2State, InstanceRec, InstanceStateName } from './state.js';

export const STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export const stateShape = (name: InstanceStateName): InstanceState => ({ Code: STATE_CODES[name], Name: name });

/** Where a transitional state is heading, and how long it takes. */
function next(t: Ec2Timings, s: InstanceStateName): [InstanceStateName, number] | undefined {
  if (s === 'pending') return ['running', t.instancePending];
  if (s === 'stopping') return ['stopped', t.instanceStopping];
  if (s === 'shutting-down') return ['terminated', t.instanceShuttingDown];
  return undefined;
}

/** The state an instance is in now, by the clock (transitions finish a few seconds after they start). */
export function instanceStateOf(ctx: Pick<Ec2Context, 'emulator'>, inst: InstanceRec): InstanceStateName {
  const n = next(timings(ctx), inst.state);
  return n && nowMs(ctx) - inst.stateSince >= n[1] * 1000 ? n[0] : inst.state;
}

export const userInitiated = (ms: number): string => `User initiated (${new Date(ms).toISOString().replace('T', ' ').slice(0, 19)} GMT)`;

/**
 * Completes the transitions whose time has come, with what each implies: a stopped instance gives
 * its auto-assigned public address back; a terminated one loses its network interfaces and
 * addresses, and disappears from Describe* an hour later.
 */
export function settleInstances(ctx: Ec2Context, state: Ec2State): void {
  const now = nowMs(ctx);
  const t = timings(ctx);
  for (const inst of Object.values(state.instances)) {
    if (inst.state === 'running' || inst.state === 'stopped') continue;
    const n = next(t, inst.state);
    if (n && now - inst.stateSince >= n[1] * 1000) {
      const at = inst.stateSince + n[1] * 1000;
      inst.state = n[0];
      inst.stateSince = at;
      if (inst.state === 'stopped') releaseAutoPublicIps(state, inst);
      if (inst.state === 'terminated') releaseNetwork(state, inst);
    }
    if (inst.state === 'terminated' && now - inst.stateSince >= t.terminatedVisible * 1000) {
      delete state.instances[inst.InstanceId];
      delete state.tags[inst.InstanceId];
      delete state.tags[inst.rootVolumeId];
    }
  }
}

function releaseAutoPublicIps(state: Ec2State, inst: InstanceRec): void {
  for (const id of inst.eniIds) {
    const eni = state.networkInterfaces[id];
    if (eni?.association && !eni.association.AllocationId) eni.association = undefined;
  }
}

function releaseNetwork(state: Ec2State, inst: InstanceRec): void {
  for (const id of inst.eniIds) {
    const eni = state.networkInterfaces[id];
    if (!eni) continue;
    if (eni.association?.AllocationId) {
      const eip = state.addresses[eni.association.AllocationId];
      if (eip) Object.assign(eip, { AssociationId: undefined, NetworkInterfaceId: undefined, PrivateIpAddress: undefined });
    }
    eni.association = undefined;
    if (eni.attachment?.DeleteOnTermination) {
      const subnet = state.subnets[eni.SubnetId];
      if (subnet) delete subnet.ips[eni.PrivateIpAddress];
      delete state.networkInterfaces[id];
      delete state.tags[id];
    } else eni.attachment = undefined;
  }
}
