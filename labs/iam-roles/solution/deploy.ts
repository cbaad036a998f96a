import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateFunctionCommand, InvokeCommand, LambdaClient, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { decodePayload, waitForFunctionActive, zipHandler } from 'awslings/labkit';

const iam = new IAMClient({});
const lambda = new LambdaClient({});
const sqs = new SQSClient({});

const QUEUE = 'orders';
const ROLE = 'orders-reader-role';
const FUNCTION = 'orders-reader';
const PARTNER_ROLE = 'partner-audit-role';
const EXTERNAL_ID = 'partner-7f3c9e21';

const account = (await new STSClient({}).send(new GetCallerIdentityCommand({}))).Account!;
const partnerAccount = (BigInt(account) + 1n).toString().padStart(12, '0');

/** Creates a role, or brings the trust policy of an existing one up to date. */
async function ensureRole(name: string, trust: object): Promise<string> {
  try {
    return (await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }))).Role!.Arn!;
  } catch (e) {
    if ((e as Error).name !== 'EntityAlreadyExistsException') throw e;
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: name, PolicyDocument: JSON.stringify(trust) }));
    return `arn:aws:iam::${account}:role/${name}`;
  }
}

// 1. The queue, and its ARN: the resource the policies name.
const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: QUEUE }));
const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;

// 2. The execution role: Lambda may assume it; it may write logs and read this one queue.
const roleArn = await ensureRole(ROLE, {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
await iam.send(new AttachRolePolicyCommand({ RoleName: ROLE, PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }));
await iam.send(
  new PutRolePolicyCommand({
    RoleName: ROLE,
    PolicyName: 'read-orders',
    PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'ReadOrders', Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], Resource: queueArn }],
    }),
  }),
);

// 3. The function, told which queue to read through its environment.
const zip = await zipHandler('handler.ts');
const config = { Role: roleArn, Environment: { Variables: { QUEUE_URL: QueueUrl! } } };
try {
  await lambda.send(new CreateFunctionCommand({ FunctionName: FUNCTION, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: zip }, ...config }));
} catch (e) {
  if ((e as Error).name !== 'ResourceConflictException') throw e;
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FUNCTION, ZipFile: zip }));
  await waitForFunctionActive(lambda, FUNCTION);
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: FUNCTION, ...config }));
}
await waitForFunctionActive(lambda, FUNCTION);

// 4. The partner's role: only their account, only with the external ID they gave us.
await ensureRole(PARTNER_ROLE, {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${partnerAccount}:root` },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
    },
  ],
});
await iam.send(
  new PutRolePolicyCommand({
    RoleName: PARTNER_ROLE,
    PolicyName: 'watch-orders',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:GetQueueAttributes', Resource: queueArn }] }),
  }),
);

// Try it: one order in, the function takes it out.
await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ orderId: 'first', item: 'tea' }) }));
const res = await lambda.send(new InvokeCommand({ FunctionName: FUNCTION }));
console.log(res.FunctionError ? `the function failed: ${JSON.stringify(decodePayload(res.Payload))}` : `the function read: ${JSON.stringify(decodePayload(res.Payload))}`);
