import { zipSync, strToU8 } from 'fflate';
import * as CFN from '@aws-sdk/client-cloudformation';
import * as IAM from '@aws-sdk/client-iam';
import * as Lambda from '@aws-sdk/client-lambda';
import * as Logs from '@aws-sdk/client-cloudwatch-logs';
import * as S3 from '@aws-sdk/client-s3';
import * as SQS from '@aws-sdk/client-sqs';
import * as SSM from '@aws-sdk/client-ssm';
import { ms, report, spawnEmulator, stats, stop } from './lib.js';

const cfg = (endpoint: string) => ({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });

const SOURCE = 'exports.handler = async (e) => ({ ok: true, e });';
const TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const BASIC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

/** Ten resources across IAM, Lambda, Logs, SQS, S3 and SSM, with references between them. */
const TEMPLATE = JSON.stringify({
  Resources: {
    Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: TRUST, ManagedPolicyArns: [BASIC] } },
    Fn: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs20.x', Handler: 'index.handler', Role: { 'Fn::GetAtt': ['Role', 'Arn'] }, Code: { ZipFile: SOURCE } } },
    Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: { 'Fn::Sub': '/aws/lambda/${Fn}' }, RetentionInDays: 7 } },
    Dlq: { Type: 'AWS::SQS::Queue' },
    Queue: { Type: 'AWS::SQS::Queue', Properties: { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, maxReceiveCount: 3 } } },
    QueuePolicy: {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: { Queues: [{ Ref: 'Queue' }], PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['Queue', 'Arn'] } }] } },
    },
    Bucket: { Type: 'AWS::S3::Bucket' },
    BucketPolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: { Bucket: { Ref: 'Bucket' }, PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: { 'Fn::Sub': '${Bucket.Arn}/*' } }] } },
    },
    Param: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: { Ref: 'Queue' } } },
    Permission: { Type: 'AWS::Lambda::Permission', Properties: { FunctionName: { Ref: 'Fn' }, Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: { 'Fn::GetAtt': ['Bucket', 'Arn'] } } },
  },
});

async function stackTime(cfn: CFN.CloudFormationClient, name: string): Promise<number> {
  const t0 = performance.now();
  await cfn.send(new CFN.CreateStackCommand({ StackName: name, TemplateBody: TEMPLATE, Capabilities: ['CAPABILITY_IAM'] }));
  for (;;) {
    const s = (await cfn.send(new CFN.DescribeStacksCommand({ StackName: name }))).Stacks![0];
    if (s.StackStatus === 'CREATE_COMPLETE') return performance.now() - t0;
    if (!s.StackStatus!.endsWith('_IN_PROGRESS')) throw new Error(`${name}: ${s.StackStatus} ${s.StackStatusReason}`);
  }
}

/** The same ten resources made by direct API calls, one after another: what the engine adds is the difference. */
async function directTime(url: string, i: number): Promise<number> {
  const iam = new IAM.IAMClient(cfg(url));
  const lambda = new Lambda.LambdaClient(cfg(url));
  const logs = new Logs.CloudWatchLogsClient(cfg(url));
  const sqs = new SQS.SQSClient(cfg(url));
  const s3 = new S3.S3Client({ ...cfg(url), forcePathStyle: true });
  const ssm = new SSM.SSMClient(cfg(url));
  const t0 = performance.now();
  const role = await iam.send(new IAM.CreateRoleCommand({ RoleName: `direct-role-${i}`, AssumeRolePolicyDocument: JSON.stringify(TRUST) }));
  await iam.send(new IAM.AttachRolePolicyCommand({ RoleName: `direct-role-${i}`, PolicyArn: BASIC }));
  await lambda.send(new Lambda.CreateFunctionCommand({ FunctionName: `direct-fn-${i}`, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: role.Role!.Arn, Code: { ZipFile: zipSync({ 'index.js': strToU8(SOURCE) }) } }));
  await logs.send(new Logs.CreateLogGroupCommand({ logGroupName: `/aws/lambda/direct-fn-${i}` }));
  await logs.send(new Logs.PutRetentionPolicyCommand({ logGroupName: `/aws/lambda/direct-fn-${i}`, retentionInDays: 7 }));
  await sqs.send(new SQS.CreateQueueCommand({ QueueName: `direct-dlq-${i}` }));
  const q = await sqs.send(new SQS.CreateQueueCommand({ QueueName: `direct-q-${i}`, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:000000000000:direct-dlq-${i}`, maxReceiveCount: 3 }) } }));
  await sqs.send(new SQS.SetQueueAttributesCommand({ QueueUrl: q.QueueUrl, Attributes: { Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: '*' }] }) } }));
  await s3.send(new S3.CreateBucketCommand({ Bucket: `direct-bucket-${i}` }));
  await s3.send(new S3.PutBucketPolicyCommand({ Bucket: `direct-bucket-${i}`, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::direct-bucket-${i}/*` }] }) }));
  await ssm.send(new SSM.PutParameterCommand({ Name: `direct-param-${i}`, Type: 'String', Value: q.QueueUrl! }));
  await lambda.send(new Lambda.AddPermissionCommand({ FunctionName: `direct-fn-${i}`, StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' }));
  return performance.now() - t0;
}

export async function cloudformationBench(): Promise<void> {
  console.log('\nCloudFormation (issue 7)');
  const e = await spawnEmulator();
  try {
    const cfn = new CFN.CloudFormationClient(cfg(e.url));
    // Warm-up: loads every service involved.
    await stackTime(cfn, 'warmup');
    await directTime(e.url, 0);
    const stacks: number[] = [];
    const direct: number[] = [];
    for (let i = 1; i <= 10; i++) {
      stacks.push(await stackTime(cfn, `bench-${i}`));
      direct.push(await directTime(e.url, i));
    }
    const s = stats(stacks).median;
    const d = stats(direct).median;
    report(
      '10-resource stack (IAM role, Lambda function + permission, log group, 2 SQS queues + policy, S3 bucket + policy, SSM parameter): CreateStack to CREATE_COMPLETE (median of 10)',
      ms(s),
      '< 500 ms',
      s < 500,
      `the same resources by direct API calls: ${ms(d)}, ratio ${(s / d).toFixed(2)}x; p90 ${ms(stats(stacks).p90)}; CPU shared with other engineers, numbers are noisy`,
    );
  } finally {
    await stop(e.child);
  }
}
