import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as IAM from '@aws-sdk/client-iam';
import * as Lambda from '@aws-sdk/client-lambda';
import * as Logs from '@aws-sdk/client-cloudwatch-logs';
import * as SQS from '@aws-sdk/client-sqs';
import * as CFN from '@aws-sdk/client-cloudformation';
import * as IDP from '@aws-sdk/client-cognito-identity-provider';
import * as CI from '@aws-sdk/client-cognito-identity';
import * as APIGW from '@aws-sdk/client-api-gateway';
import * as APIGW2 from '@aws-sdk/client-apigatewayv2';
import * as EC2 from '@aws-sdk/client-ec2';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { clientConfig, zipFiles, type TargetInfo } from '../../src/labkit/index.js';
import { LAB_TAG_KEY, tagClient } from '../../src/labkit/tags.js';
import { sweepTagged } from '../../src/labkit/sweep.js';

/**
 * The lab tag on every kind of resource the course makes, put on by the SDK middleware the labkit
 * adds on a real account, and the sweep of `awslings cleanup` finding and deleting each kind, with
 * real SDK clients against the emulator.
 */

let emu: TestEmulator;
let target: TargetInfo;
const LAB = 'tag-test';

beforeAll(async () => {
  emu = await startTestEmulator();
  target = {
    name: 'aws',
    endpoint: emu.url,
    region: 'us-east-1',
    accountId: '210987654321',
    credentials: { accessKeyId: '210987654321', secretAccessKey: 'test' },
    isAwslings: true,
  };
});
afterAll(() => emu.close());

/** An SDK client for the test account, tagging as the labkit does on a real account. */
const tagged = <T extends { middlewareStack: unknown }>(Ctor: new (c: ReturnType<typeof clientConfig>) => T) => tagClient(new Ctor(clientConfig(target)), LAB);
const plain = <T,>(Ctor: new (c: ReturnType<typeof clientConfig>) => T) => new Ctor(clientConfig(target));

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

describe('lab tags and the cleanup sweep', () => {
  it('tags each kind at creation, keeps the learner’s tags, and the sweep deletes only what is tagged', async () => {
    const iam = tagged(IAM.IAMClient);
    const role = await iam.send(new IAM.CreateRoleCommand({ RoleName: 'tagged-role', AssumeRolePolicyDocument: TRUST, Tags: [{ Key: 'team', Value: 'blue' }] }));
    await iam.send(new IAM.CreateUserCommand({ UserName: 'tagged-user' }));
    const policy = await iam.send(new IAM.CreatePolicyCommand({ PolicyName: 'tagged-policy', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] }) }));
    await iam.send(new IAM.AttachRolePolicyCommand({ RoleName: 'tagged-role', PolicyArn: policy.Policy!.Arn }));
    await plain(IAM.IAMClient).send(new IAM.CreateUserCommand({ UserName: 'untagged-user' }));

    await tagged(Lambda.LambdaClient).send(
      new Lambda.CreateFunctionCommand({
        FunctionName: 'tagged-fn',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: role.Role!.Arn,
        Code: { ZipFile: zipFiles({ 'index.mjs': 'export const handler = async () => 1;' }) },
      }),
    );
    await tagged(Logs.CloudWatchLogsClient).send(new Logs.CreateLogGroupCommand({ logGroupName: '/tagged/group' }));
    await tagged(SQS.SQSClient).send(new SQS.CreateQueueCommand({ QueueName: 'tagged-queue' }));
    await plain(SQS.SQSClient).send(new SQS.CreateQueueCommand({ QueueName: 'untagged-queue' }));
    await tagged(CFN.CloudFormationClient).send(
      new CFN.CreateStackCommand({ StackName: 'tagged-stack', TemplateBody: JSON.stringify({ Resources: { P: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'v' } } } }) }),
    );
    const pool = await tagged(IDP.CognitoIdentityProviderClient).send(new IDP.CreateUserPoolCommand({ PoolName: 'tagged-pool' }));
    await plain(IDP.CognitoIdentityProviderClient).send(new IDP.CreateUserPoolDomainCommand({ UserPoolId: pool.UserPool!.Id, Domain: `tagged-${Date.now()}` }));
    await tagged(CI.CognitoIdentityClient).send(new CI.CreateIdentityPoolCommand({ IdentityPoolName: 'tagged_identities', AllowUnauthenticatedIdentities: true }));
    await tagged(APIGW.APIGatewayClient).send(new APIGW.CreateRestApiCommand({ name: 'tagged-rest' }));
    await tagged(APIGW2.ApiGatewayV2Client).send(new APIGW2.CreateApiCommand({ Name: 'tagged-http', ProtocolType: 'HTTP' }));
    const ec2 = tagged(EC2.EC2Client);
    const vpc = await ec2.send(new EC2.CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }));
    const subnet = await ec2.send(new EC2.CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId, CidrBlock: '10.9.1.0/24' }));
    const sg = await ec2.send(new EC2.CreateSecurityGroupCommand({ VpcId: vpc.Vpc!.VpcId, GroupName: 'tagged-sg', Description: 'x' }));
    const igw = await ec2.send(new EC2.CreateInternetGatewayCommand({}));
    await ec2.send(new EC2.AttachInternetGatewayCommand({ InternetGatewayId: igw.InternetGateway!.InternetGatewayId, VpcId: vpc.Vpc!.VpcId }));
    const rt = await ec2.send(new EC2.CreateRouteTableCommand({ VpcId: vpc.Vpc!.VpcId }));
    await ec2.send(new EC2.AssociateRouteTableCommand({ RouteTableId: rt.RouteTable!.RouteTableId, SubnetId: subnet.Subnet!.SubnetId }));
    const image = (await ec2.send(new EC2.DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['al2023-ami-2023.*-x86_64'] }] }))).Images![0];
    const run = await ec2.send(new EC2.RunInstancesCommand({ ImageId: image.ImageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SubnetId: subnet.Subnet!.SubnetId, SecurityGroupIds: [sg.GroupId!] }));

    // The tag is where each service keeps tags, beside the learner's own.
    expect((await iam.send(new IAM.ListRoleTagsCommand({ RoleName: 'tagged-role' }))).Tags).toEqual([
      { Key: 'team', Value: 'blue' },
      { Key: LAB_TAG_KEY, Value: LAB },
    ]);
    expect(run.Instances![0].Tags).toContainEqual({ Key: LAB_TAG_KEY, Value: LAB });
    expect((await plain(CFN.CloudFormationClient).send(new CFN.DescribeStacksCommand({ StackName: 'tagged-stack' }))).Stacks![0].Tags).toEqual([{ Key: LAB_TAG_KEY, Value: LAB }]);

    const found = await sweepTagged(target, { dryRun: true });
    const kinds = found.map((r) => `${r.kind}: ${r.id.replace(/ \(.*\)$/, '')}`);
    expect(kinds).toEqual([
      'CloudFormation stack: tagged-stack',
      'Lambda function: tagged-fn',
      'API Gateway REST API: tagged-rest',
      'API Gateway HTTP API: tagged-http',
      'SQS queue: tagged-queue',
      'CloudWatch Logs log group: /tagged/group',
      'Cognito user pool: tagged-pool',
      'Cognito identity pool: tagged_identities',
      `EC2 instance: ${run.Instances![0].InstanceId}`,
      `EC2 security group: ${sg.GroupId}`,
      `EC2 subnet: ${subnet.Subnet!.SubnetId}`,
      `EC2 route table: ${rt.RouteTable!.RouteTableId}`,
      `EC2 internet gateway: ${igw.InternetGateway!.InternetGatewayId}`,
      `EC2 VPC: ${vpc.Vpc!.VpcId}`,
      'IAM role: tagged-role',
      'IAM user: tagged-user',
      'IAM policy: tagged-policy',
    ]);
    expect(found.every((r) => r.lab === LAB && r.outcome === 'found')).toBe(true);
    expect(await sweepTagged(target, { dryRun: true, labs: ['another-lab'] })).toEqual([]);

    // A terminated instance frees its security group and subnet; a second sweep takes what had to wait.
    const first = await sweepTagged(target);
    const failed = first.filter((r) => r.outcome === 'failed');
    expect(failed.every((r) => /DependencyViolation|InvalidGroup.InUse/.test(r.reason ?? '')), JSON.stringify(failed)).toBe(true);
    for (let i = 0; i < 20 && (await sweepTagged(target, { dryRun: true })).length; i++) {
      await new Promise((r) => setTimeout(r, 250));
      await sweepTagged(target);
    }
    expect(await sweepTagged(target, { dryRun: true })).toEqual([]);
    // What the course did not make stays.
    await expect(plain(IAM.IAMClient).send(new IAM.GetUserCommand({ UserName: 'untagged-user' }))).resolves.toBeTruthy();
    await expect(plain(SQS.SQSClient).send(new SQS.GetQueueUrlCommand({ QueueName: 'untagged-queue' }))).resolves.toBeTruthy();
    await expect(plain(Lambda.LambdaClient).send(new Lambda.GetFunctionCommand({ FunctionName: 'tagged-fn' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  }, 60_000);

  it('says which kinds it could not list, rather than passing over them in silence', async () => {
    await plain(IAM.IAMClient).send(new IAM.CreateUserCommand({ UserName: 'no-rights' }));
    const key = (await plain(IAM.IAMClient).send(new IAM.CreateAccessKeyCommand({ UserName: 'no-rights' }))).AccessKey!;
    const unlisted: [string, string][] = [];
    const found = await sweepTagged(
      { ...target, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } },
      { dryRun: true, onUnlisted: (kind, reason) => unlisted.push([kind, reason]) },
    );
    expect(found).toEqual([]);
    expect(unlisted.map(([kind]) => kind)).toContain('IAM role');
    expect(unlisted.find(([kind]) => kind === 'Lambda function')?.[1]).toMatch(/^AccessDenied/);
  });
});
