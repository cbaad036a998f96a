import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as EC2 from '@aws-sdk/client-ec2';
import * as IAM from '@aws-sdk/client-iam';
import * as Lambda from '@aws-sdk/client-lambda';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { BASIC_EXECUTION, createFunction, executionRole } from '../helpers/lambda.js';
import { validateVpcConfig } from '../../src/emulator/services/ec2/lambdaVpc.js';

const VPC_ACCESS = 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole';
const CODE = 'export const handler = async () => "ok";';

let emu: TestEmulator;
let ec2: EC2.EC2Client;
let lambda: Lambda.LambdaClient;
let iam: IAM.IAMClient;
let subnetA: string;
let subnetB: string;
let sg: string;
let otherVpcSg: string;
let vpcId: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  ec2 = new EC2.EC2Client(emu.config());
  lambda = new Lambda.LambdaClient(emu.config());
  iam = new IAM.IAMClient(emu.config());
  vpcId = (await ec2.send(new EC2.CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  subnetA = (await ec2.send(new EC2.CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
  subnetB = (await ec2.send(new EC2.CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.2.0/24', AvailabilityZone: 'us-east-1b' }))).Subnet!.SubnetId!;
  sg = (await ec2.send(new EC2.CreateSecurityGroupCommand({ GroupName: 'fn', Description: 'function', VpcId: vpcId }))).GroupId!;
  otherVpcSg = (await ec2.send(new EC2.DescribeSecurityGroupsCommand({ GroupNames: ['default'] }))).SecurityGroups![0].GroupId!;
});
afterAll(() => emu?.close());

describe('Lambda VpcConfig against EC2', () => {
  it('the helper resolves the VPC of the subnets and groups, or refuses them in Lambda’s words', async () => {
    const ok = await validateVpcConfig(emu.emulator, '000000000000', 'us-east-1', { SubnetIds: [subnetA, subnetB], SecurityGroupIds: [sg] });
    expect(ok).toEqual({ SubnetIds: [subnetA, subnetB], SecurityGroupIds: [sg], VpcId: vpcId, Ipv6AllowedForDualStack: false });
    expect(await validateVpcConfig(emu.emulator, '000000000000', 'us-east-1', { SubnetIds: [], SecurityGroupIds: [] })).toMatchObject({ VpcId: '' });
    await expect(validateVpcConfig(emu.emulator, '000000000000', 'us-east-1', { SubnetIds: ['subnet-0000000000000dead'], SecurityGroupIds: [sg] })).rejects.toMatchObject({
      code: 'InvalidParameterValueException',
      message: "Error occurred while DescribeSubnets. EC2 Error Code: InvalidSubnetID.NotFound. EC2 Error Message: The subnet ID 'subnet-0000000000000dead' does not exist",
    });
    await expect(validateVpcConfig(emu.emulator, '000000000000', 'us-east-1', { SubnetIds: [subnetA], SecurityGroupIds: [otherVpcSg] })).rejects.toMatchObject({
      message: 'Security groups and subnets must all belong to the same VPC.',
    });
  });

  it('CreateFunction validates the subnets and groups, needs the ENI permissions, and shows VpcConfig', async () => {
    const basic = await executionRole(iam, 'fn-basic', { managed: [BASIC_EXECUTION] });
    const vpcRole = await executionRole(iam, 'fn-vpc', { managed: [BASIC_EXECUTION, VPC_ACCESS] });

    const missing = await createFunction(lambda, 'bad-subnet', vpcRole, CODE, { VpcConfig: { SubnetIds: ['subnet-0000000000000dead'], SecurityGroupIds: [sg] } }).catch((e) => e);
    expect(missing).toMatchObject({ name: 'InvalidParameterValueException', message: expect.stringContaining('InvalidSubnetID.NotFound'), $metadata: { httpStatusCode: 400 } });
    const badGroup = await createFunction(lambda, 'bad-group', vpcRole, CODE, { VpcConfig: { SubnetIds: [subnetA], SecurityGroupIds: ['sg-0000000000000dead'] } }).catch((e) => e);
    expect(badGroup.message).toBe("Error occurred while DescribeSecurityGroups. EC2 Error Code: InvalidGroup.NotFound. EC2 Error Message: The security group 'sg-0000000000000dead' does not exist");

    const noPerms = await createFunction(lambda, 'no-perms', basic, CODE, { VpcConfig: { SubnetIds: [subnetA], SecurityGroupIds: [sg] } }).catch((e) => e);
    expect(noPerms).toMatchObject({ name: 'InvalidParameterValueException', message: 'The provided execution role does not have permissions to call CreateNetworkInterface on EC2' });

    // An inline policy granting only CreateNetworkInterface is not enough either.
    const partial = await executionRole(iam, 'fn-partial', { managed: [BASIC_EXECUTION], inline: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:CreateNetworkInterface', Resource: '*' }] } });
    const partialErr = await createFunction(lambda, 'partial', partial, CODE, { VpcConfig: { SubnetIds: [subnetA], SecurityGroupIds: [sg] } }).catch((e) => e);
    expect(partialErr.message).toBe('The provided execution role does not have permissions to call DescribeNetworkInterfaces on EC2');

    const created = await createFunction(lambda, 'in-vpc', vpcRole, CODE, { VpcConfig: { SubnetIds: [subnetA, subnetB], SecurityGroupIds: [sg] } });
    expect(created.VpcConfig).toEqual({ SubnetIds: [subnetA, subnetB], SecurityGroupIds: [sg], VpcId: vpcId, Ipv6AllowedForDualStack: false });
    const conf = await lambda.send(new Lambda.GetFunctionConfigurationCommand({ FunctionName: 'in-vpc' }));
    expect(conf.VpcConfig).toMatchObject({ SubnetIds: [subnetA, subnetB], SecurityGroupIds: [sg], VpcId: vpcId });
  });

  it('UpdateFunctionConfiguration moves a function into and out of a VPC, with the same checks', async () => {
    const basic = await executionRole(iam, 'upd-basic', { managed: [BASIC_EXECUTION] });
    await createFunction(lambda, 'movable', basic, CODE);
    const denied = await lambda.send(new Lambda.UpdateFunctionConfigurationCommand({ FunctionName: 'movable', VpcConfig: { SubnetIds: [subnetA], SecurityGroupIds: [sg] } })).catch((e) => e);
    expect(denied.message).toBe('The provided execution role does not have permissions to call CreateNetworkInterface on EC2');
    await iam.send(new IAM.AttachRolePolicyCommand({ RoleName: 'upd-basic', PolicyArn: VPC_ACCESS }));
    const moved = await lambda.send(new Lambda.UpdateFunctionConfigurationCommand({ FunctionName: 'movable', VpcConfig: { SubnetIds: [subnetB], SecurityGroupIds: [sg] } }));
    expect(moved.VpcConfig).toMatchObject({ SubnetIds: [subnetB], VpcId: vpcId });
    const out = await lambda.send(new Lambda.UpdateFunctionConfigurationCommand({ FunctionName: 'movable', VpcConfig: { SubnetIds: [], SecurityGroupIds: [] } }));
    expect(out.VpcConfig?.VpcId ?? '').toBe('');
  });
});
