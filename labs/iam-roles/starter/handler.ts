// orders-reader: takes the waiting orders off the queue, and says how many are left.
import { SQSClient } from '@aws-sdk/client-sqs';

// The client signs its requests with the execution role's temporary credentials, which Lambda
// puts in the environment: every call it makes is allowed or denied by that role's policies.
const sqs = new SQSClient({});

export const handler = async () => {
  const QueueUrl = process.env.QUEUE_URL;
  if (!QueueUrl) throw new Error('The function has no QUEUE_URL environment variable.');

  // TODO 1: receive up to 10 messages (ReceiveMessageCommand: QueueUrl, MaxNumberOfMessages: 10,
  //         WaitTimeSeconds: 1) and collect their bodies.
  // TODO 2: delete each message you received (DeleteMessageCommand with its ReceiptHandle):
  //         a message that is received but not deleted comes back later.
  // TODO 3: read ApproximateNumberOfMessages (GetQueueAttributesCommand) for `remaining`.
  void sqs;
  const orders: string[] = [];
  return { orders, remaining: 0 };
};
