import type { DescribeInstancesResult, Instance, Reservation } from '@aws-sdk/client-ec2';
import { bool, ignoreMissing, num, orUndo, syncTags, tagSpecs, waitFor } from './ec2Common.js';
import { changed, type ProviderContext, type ResourceProvider } from './types.js';

/**
 * AWS::EC2::Instance: launched with RunInstances, then CloudFormation waits until it is running.
 * Updates follow the template reference: some properties change in place, some need the instance
 * stopped and started again ("some interruptions"), the rest replace it.
 */

/** Changed with the instance stopped, then started again. */
const STOP_START = ['InstanceType', 'UserData', 'EbsOptimized'];
/** Changed while it runs. */
const IN_PLACE = ['SecurityGroupIds', 'DisableApiTermination', 'InstanceInitiatedShutdownBehavior', 'SourceDestCheck', 'Tags'];

async function describeInstance(ctx: ProviderContext, id: string): Promise<Instance | undefined> {
  try {
    return (await ctx.call<DescribeInstancesResult>('ec2', 'DescribeInstances', { InstanceIds: [id] })).Reservations?.[0]?.Instances?.[0];
  } catch {
    return undefined;
  }
}

/** Waits for a state; an instance that ends anywhere else (terminated while launching) fails the resource. */
async function waitForState(ctx: ProviderContext, id: string, wanted: 'running' | 'stopped' | 'terminated'): Promise<Instance | undefined> {
  return waitFor(async () => {
    const i = await describeInstance(ctx, id);
    const s = i?.State?.Name;
    if (!i || s === wanted) return i ?? null;
    if (wanted !== 'terminated' && (s === 'terminated' || (s === 'shutting-down' && wanted === 'running'))) {
      throw new Error(`Instance ${id} went to ${s}${i.StateReason?.Message ? `: ${i.StateReason.Message}` : ''}`);
    }
    return undefined;
  }, `Instance ${id}`).then((i) => i ?? undefined);
}

/** Fn::GetAtt values, as they are once the instance runs (a public address shows only then). */
function attributesOf(i: Instance): Record<string, unknown> {
  return {
    InstanceId: i.InstanceId,
    AvailabilityZone: i.Placement?.AvailabilityZone,
    PrivateIp: i.PrivateIpAddress,
    PrivateDnsName: i.PrivateDnsName,
    // Left out when the instance has no public address: Fn::GetAtt on them then fails, as in AWS.
    PublicIp: i.PublicIpAddress,
    PublicDnsName: i.PublicIpAddress ? i.PublicDnsName : undefined,
    VpcId: i.VpcId,
    'State.Code': i.State?.Code !== undefined ? String(i.State.Code) : undefined,
    'State.Name': i.State?.Name,
  };
}

function runInput(p: Record<string, any>): Record<string, unknown> {
  const placement = p.AvailabilityZone || p.Tenancy || p.PlacementGroupName ? { AvailabilityZone: p.AvailabilityZone, Tenancy: p.Tenancy, GroupName: p.PlacementGroupName } : undefined;
  return {
    ImageId: p.ImageId,
    InstanceType: p.InstanceType,
    KeyName: p.KeyName,
    MinCount: 1,
    MaxCount: 1,
    SubnetId: p.SubnetId,
    SecurityGroupIds: p.SecurityGroupIds,
    SecurityGroups: p.SecurityGroups,
    // Templates give user data already in Base64 (Fn::Base64), as RunInstances takes it.
    UserData: p.UserData,
    Placement: placement,
    PrivateIpAddress: p.PrivateIpAddress,
    NetworkInterfaces: (p.NetworkInterfaces as Record<string, any>[] | undefined)?.map((n) => ({
      DeviceIndex: num(n.DeviceIndex),
      SubnetId: n.SubnetId,
      Groups: n.GroupSet,
      AssociatePublicIpAddress: bool(n.AssociatePublicIpAddress),
      PrivateIpAddress: n.PrivateIpAddress,
      NetworkInterfaceId: n.NetworkInterfaceId,
      DeleteOnTermination: bool(n.DeleteOnTermination),
      Description: n.Description,
    })),
    // The template names the instance profile; the API takes it by name or ARN.
    IamInstanceProfile: p.IamInstanceProfile ? { Name: p.IamInstanceProfile } : undefined,
    DisableApiTermination: bool(p.DisableApiTermination),
    InstanceInitiatedShutdownBehavior: p.InstanceInitiatedShutdownBehavior,
    EbsOptimized: bool(p.EbsOptimized),
    Monitoring: p.Monitoring !== undefined ? { Enabled: bool(p.Monitoring) } : undefined,
    TagSpecifications: tagSpecs('instance', p.Tags),
  };
}

const modify = (ctx: ProviderContext, id: string, change: Record<string, unknown>) => ctx.call('ec2', 'ModifyInstanceAttribute', { InstanceId: id, ...change });

export const instance: ResourceProvider = {
  type: 'AWS::EC2::Instance',
  service: 'ec2',
  replaceOn: [
    'ImageId',
    'KeyName',
    'SubnetId',
    'AvailabilityZone',
    'PrivateIpAddress',
    'NetworkInterfaces',
    'SecurityGroups',
    'PlacementGroupName',
    'LaunchTemplate',
    'CpuOptions',
    'Ipv6Addresses',
    'Ipv6AddressCount',
    'HibernationOptions',
    'EnclaveOptions',
    'LicenseSpecifications',
  ],
  // An instance has no name of its own: KeyName and PlacementGroupName name other resources.
  nameProperty: null,
  async create(ctx, p) {
    const out = await ctx.call<Reservation>('ec2', 'RunInstances', runInput(p));
    const id = out.Instances![0].InstanceId!;
    return orUndo(
      async () => {
        if (bool(p.SourceDestCheck) === false) await modify(ctx, id, { SourceDestCheck: { Value: false } });
        const running = await waitForState(ctx, id, 'running');
        if (!running) throw new Error(`Instance ${id} does not exist`);
        return { physicalId: id, attributes: attributesOf(running) };
      },
      // Its interface holds an address of the subnet until it is terminated.
      async () => {
        await ctx.call('ec2', 'TerminateInstances', { InstanceIds: [id] });
        await waitForState(ctx, id, 'terminated');
      },
    );
  },
  async update(ctx, id, p, old) {
    const differs = (k: string) => changed(p[k], old[k]);
    const unsupported = Object.keys({ ...p, ...old }).filter((k) => differs(k) && !STOP_START.includes(k) && !IN_PLACE.includes(k));
    if (unsupported.length) throw new Error(`awslings: changing ${unsupported.join(', ')} of an instance in place is not emulated by the sandbox.`);
    if (differs('SecurityGroupIds')) await modify(ctx, id, { Groups: p.SecurityGroupIds });
    if (differs('DisableApiTermination')) await modify(ctx, id, { DisableApiTermination: { Value: bool(p.DisableApiTermination) ?? false } });
    if (differs('InstanceInitiatedShutdownBehavior')) await modify(ctx, id, { InstanceInitiatedShutdownBehavior: { Value: p.InstanceInitiatedShutdownBehavior ?? 'stop' } });
    if (differs('SourceDestCheck')) await modify(ctx, id, { SourceDestCheck: { Value: bool(p.SourceDestCheck) ?? true } });
    await syncTags(ctx, id, p.Tags, old.Tags);
    if (STOP_START.some(differs)) {
      // These attributes can only change while the instance is stopped.
      await ctx.call('ec2', 'StopInstances', { InstanceIds: [id] });
      await waitForState(ctx, id, 'stopped');
      if (differs('InstanceType')) await modify(ctx, id, { InstanceType: { Value: p.InstanceType } });
      if (differs('UserData')) await modify(ctx, id, { UserData: { Value: Buffer.from(String(p.UserData ?? ''), 'base64') } });
      if (differs('EbsOptimized')) await modify(ctx, id, { EbsOptimized: { Value: bool(p.EbsOptimized) ?? false } });
      await ctx.call('ec2', 'StartInstances', { InstanceIds: [id] });
    }
    const running = await waitForState(ctx, id, 'running');
    if (!running) throw new Error(`Instance ${id} does not exist`);
    // A stop and start gives the instance a new public address.
    return { attributes: attributesOf(running) };
  },
  async delete(ctx, id) {
    await ignoreMissing(ctx.call('ec2', 'TerminateInstances', { InstanceIds: [id] }));
    // Its network interface, and so its subnet and security groups, are free once it is terminated.
    await waitForState(ctx, id, 'terminated');
  },
};
