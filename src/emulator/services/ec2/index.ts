import * as ec2 from '@aws-sdk/client-ec2';
import { AwsError } from '../../core/errors.js';
import { defineService, type Operation } from '../../core/service.js';
import { pickOperations } from '../../core/operations.js';
import { initialEc2State, type Ec2State } from './state.js';
import * as regions from './regions.js';
import * as vpcs from './vpcs.js';
import * as subnets from './subnets.js';
import * as internetGateways from './internetGateways.js';
import * as routeTables from './routeTables.js';
import * as natGateways from './natGateways.js';
import * as addresses from './addresses.js';
import * as networkAcls from './networkAcls.js';
import * as securityGroups from './securityGroups.js';
import * as networkInterfaces from './networkInterfaces.js';
import * as dhcpOptions from './dhcpOptions.js';
import * as keyPairs from './keyPairs.js';
import * as tags from './tags.js';
import * as images from './images.js';
import * as instanceTypes from './instanceTypes.js';
import * as instances from './instances.js';
import * as reachability from './reachability.js';

/**
 * EC2's DryRun: once IAM has allowed the call (the gateway asks before the handler runs), the
 * answer is DryRunOperation instead of the change.
 */
function withDryRun(ops: Record<string, Operation>): Record<string, Operation> {
  const out: Record<string, Operation> = {};
  for (const [name, op] of Object.entries(ops)) {
    out[name] = {
      ...op,
      handler: (input: { DryRun?: boolean }, ctx) => {
        if (input?.DryRun) throw new AwsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
        return op.handler(input, ctx);
      },
    };
  }
  return out;
}

/** EC2 and VPC: networking from the default VPC up, instances through their states, and the Reachability Analyzer. */
export default defineService<Ec2State>({
  id: 'ec2',
  signingName: 'ec2',
  protocol: 'ec2Query',
  sdk: ec2,
  xmlNamespace: 'http://ec2.amazonaws.com/doc/2016-11-15/',
  state: initialEc2State,
  operations: withDryRun(
    pickOperations(
      regions,
      vpcs,
      subnets,
      internetGateways,
      routeTables,
      natGateways,
      addresses,
      networkAcls,
      securityGroups,
      networkInterfaces,
      dhcpOptions,
      keyPairs,
      tags,
      images,
      instanceTypes,
      instances,
      reachability,
    ),
  ),
});
