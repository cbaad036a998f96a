import { AttachRolePolicyCommand, CreateRoleCommand, GetRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand,
  InvokeCommand,
  LambdaClient,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { SESClient, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { waitForFunctionActive, zipHandler } from 'awslings/labkit';

const iam = new IAMClient({});
const lambda = new LambdaClient({});
const ses = new SESClient({});
const sqs = new SQSClient({});

const FUNCTION = 'welcome-email';
const ROLE = 'welcome-email-role';

await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'welcome@example.com' }));

const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'welcome-email-failures' }));
const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;

let roleArn: string;
try {
  roleArn = (await iam.send(new GetRoleCommand({ RoleName: ROLE }))).Role!.Arn!;
} catch {
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
  roleArn = (await iam.send(new CreateRoleCommand({ RoleName: ROLE, AssumeRolePolicyDocument: JSON.stringify(trust) }))).Role!.Arn!;
}
await iam.send(new AttachRolePolicyCommand({ RoleName: ROLE, PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }));
await iam.send(
  new PutRolePolicyCommand({
    RoleName: ROLE,
    PolicyName: 'send-welcome-email',
    PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'ses:SendEmail', Resource: '*' },
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queueArn },
      ],
    }),
  }),
);

const zip = await zipHandler('handler.ts');
try {
  await lambda.send(new CreateFunctionCommand({ FunctionName: FUNCTION, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: roleArn, Code: { ZipFile: zip } }));
} catch (e) {
  if ((e as Error).name !== 'ResourceConflictException') throw e;
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FUNCTION, ZipFile: zip }));
}
await waitForFunctionActive(lambda, FUNCTION);

await lambda.send(
  new PutFunctionEventInvokeConfigCommand({
    FunctionName: FUNCTION,
    MaximumRetryAttempts: 1,
    MaximumEventAgeInSeconds: 3600,
    DestinationConfig: { OnFailure: { Destination: queueArn } },
  }),
);

const res = await lambda.send(
  new InvokeCommand({ FunctionName: FUNCTION, InvocationType: 'Event', Payload: JSON.stringify({ email: 'ada@example.com', name: 'Ada' }) }),
);
console.log(`asynchronous invoke: HTTP ${res.StatusCode} (202 means queued)`);
