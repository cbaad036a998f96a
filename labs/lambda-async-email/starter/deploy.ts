import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SESClient } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import { zipHandler } from 'awslings/labkit';

const iam = new IAMClient({});
const lambda = new LambdaClient({});
const ses = new SESClient({});
const sqs = new SQSClient({});

// TODO 1: verify the sender identity welcome@example.com (VerifyEmailIdentityCommand).
// TODO 2: create the queue welcome-email-failures and read its ARN (GetQueueAttributes, QueueArn).
// TODO 3: create the role welcome-email-role: trusted by lambda.amazonaws.com, with
//         AWSLambdaBasicExecutionRole attached and an inline policy allowing ses:SendEmail and
//         sqs:SendMessage on the queue's ARN.
// TODO 4: create (or update) the function welcome-email from handler.ts and wait until it is active.
// TODO 5: PutFunctionEventInvokeConfig: MaximumRetryAttempts 1, MaximumEventAgeInSeconds 3600,
//         DestinationConfig.OnFailure.Destination = the queue's ARN.
// TODO 6: invoke it once asynchronously (InvocationType 'Event') and print the status code (202).

const zip = await zipHandler('handler.ts');
console.log(`package: ${zip.length} bytes`);
void iam;
void lambda;
void ses;
void sqs;
