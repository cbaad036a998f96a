import { AwsError } from '../../core/errors.js';
import type { Emulator } from '../../emulator.js';
import { evaluate } from '../../auth/policy.js';
import type { AssumedRolePrincipal } from '../../auth/principal.js';
import { principalPolicies } from '../iam/policies.js';
import { iamStateOf } from '../iam/state.js';
import { ec2StateOf } from './state.js';

/**
 * What Lambda asks of EC2 when a function joins a VPC: its subnets and security groups must exist
 * and share one VPC, and its execution role must be allowed to manage network interfaces.
 */

export interface LambdaVpcConfig {
  SubnetIds?: string[];
  SecurityGroupIds?: string[];
}

export interface ResolvedVpcConfig {
  SubnetIds: string[];
  SecurityGroupIds: string[];
  /** The VPC the subnets and groups belong to; empty when the function is not in a VPC. */
  VpcId: string;
  /** Lambda refuses IPv6 for dual-stack unless asked; echoed as Lambda shows it. */
  Ipv6AllowedForDualStack: boolean;
}

const invalid = (message: string) => new AwsError('InvalidParameterValueException', message);

/** Checks a function's VpcConfig against EC2, with Lambda's error messages. */
export async function validateVpcConfig(emulator: Emulator, accountId: string, region: string, cfg: LambdaVpcConfig | undefined): Promise<ResolvedVpcConfig> {
  const SubnetIds = [...new Set(cfg?.SubnetIds ?? [])];
  const SecurityGroupIds = [...new Set(cfg?.SecurityGroupIds ?? [])];
  if (!SubnetIds.length && !SecurityGroupIds.length) return { SubnetIds, SecurityGroupIds, VpcId: '', Ipv6AllowedForDualStack: false };
  if (SubnetIds.length > 16) throw invalid('The number of subnets exceeds the maximum of 16.');
  if (SecurityGroupIds.length > 5) throw invalid('The number of security groups exceeds the maximum of 5.');
  const state = await ec2StateOf(emulator, accountId, region);
  for (const id of SubnetIds) {
    if (!state.subnets[id]) {
      throw invalid(`Error occurred while DescribeSubnets. EC2 Error Code: InvalidSubnetID.NotFound. EC2 Error Message: The subnet ID '${id}' does not exist`);
    }
  }
  for (const id of SecurityGroupIds) {
    if (!state.securityGroups[id]) {
      throw invalid(`Error occurred while DescribeSecurityGroups. EC2 Error Code: InvalidGroup.NotFound. EC2 Error Message: The security group '${id}' does not exist`);
    }
  }
  if (SubnetIds.length && !SecurityGroupIds.length) throw invalid('SecurityGroupIds are required when SubnetIds are specified.');
  if (!SubnetIds.length) throw invalid('SubnetIds are required when SecurityGroupIds are specified.');
  const vpcs = new Set([...SubnetIds.map((id) => state.subnets[id].VpcId), ...SecurityGroupIds.map((id) => state.securityGroups[id].VpcId)]);
  if (vpcs.size > 1) throw invalid('Security groups and subnets must all belong to the same VPC.');
  return { SubnetIds, SecurityGroupIds, VpcId: [...vpcs][0], Ipv6AllowedForDualStack: false };
}

const ENI_ACTIONS = ['CreateNetworkInterface', 'DescribeNetworkInterfaces', 'DeleteNetworkInterface'];

/**
 * Lambda checks, when the function is created or configured, that its execution role may manage
 * network interfaces (AWSLambdaVPCAccessExecutionRole grants this).
 */
export async function checkEniPermissions(emulator: Emulator, roleArn: string): Promise<void> {
  const m = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(roleArn);
  if (!m) return;
  const role = (await iamStateOf(emulator, m[1])).roles[m[2]];
  if (!role) return;
  const principal: AssumedRolePrincipal = {
    type: 'assumed-role',
    accountId: m[1],
    roleName: role.RoleName,
    roleId: role.RoleId,
    roleArn: role.Arn,
    sessionName: 'awslambda-vpc-check',
    arn: `arn:aws:sts::${m[1]}:assumed-role/${role.RoleName}/awslambda-vpc-check`,
    userId: `${role.RoleId}:awslambda-vpc-check`,
    expiration: emulator.clock.now() + 60_000,
  };
  const policies = await principalPolicies(emulator, principal);
  for (const action of ENI_ACTIONS) {
    const ev = await evaluate({ principal: principal.arn, principalAccount: m[1], action: `ec2:${action}`, resource: '*', resourceAccount: m[1], policies, context: {} });
    if (ev.result !== 'Allowed') throw invalid(`The provided execution role does not have permissions to call ${action} on EC2`);
  }
}
