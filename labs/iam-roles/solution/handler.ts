// orders-reader: takes the waiting orders off the queue, and says how many are left.
import { DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

// The client signs its requests with the execution role's temporary credentials, which Lambda
// puts in the environment: every call below is allowed or denied by that role's policies.
const sqs = new SQSClient({});

export const handler = async () => {
  const QueueUrl = process.env.QUEUE_URL;
  if (!QueueUrl) throw new Error('The function has no QUEUE_URL environment variable.');

  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  const orders: string[] = [];
  for (const m of Messages) {
    console.log(`order: ${m.Body}`);
    orders.push(m.Body ?? '');
    // Received is not done: until it is deleted, the message comes back after its visibility timeout.
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
  }

  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return { orders, remaining: Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0) };
};
