import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { aws, requireAwsCli } from '../helpers/awscli.js';

let emu: TestEmulator;

beforeAll(async () => {
  requireAwsCli();
  emu = await startTestEmulator();
});
afterAll(() => emu?.close());

// AWS CLI 2.9 predates SQS's JSON protocol: every call below goes over the query protocol (XML),
// and the CLI checks the MD5s of bodies and attributes as the SDKs do.
const cli = (args: string[]) => aws(emu.url, ['sqs', ...args]);
const url = () => `${emu.url}/000000000000/cli-jobs`;

describe('AWS CLI v2 (query protocol) against SQS', () => {
  it('queues, messages with attributes, batches, visibility, attributes and tags', { timeout: 60_000 }, async () => {
    const { QueueUrl } = await cli(['create-queue', '--queue-name', 'cli-jobs', '--attributes', 'VisibilityTimeout=0,DelaySeconds=0']);
    expect(QueueUrl).toBe(url());
    expect((await cli(['list-queues', '--queue-name-prefix', 'cli-'])).QueueUrls).toEqual([url()]);

    const sent = await cli([
      'send-message', '--queue-url', url(), '--message-body', 'héllo',
      '--message-attributes', '{"kind":{"DataType":"String","StringValue":"greeting"},"raw":{"DataType":"Binary","BinaryValue":"AQID"},"n":{"DataType":"Number","StringValue":"42"}}',
    ]);
    expect(sent.MD5OfMessageBody).toMatch(/^[0-9a-f]{32}$/);
    const batch = await cli(['send-message-batch', '--queue-url', url(), '--entries', 'Id=one,MessageBody=first', 'Id=two,MessageBody=second,DelaySeconds=0']);
    expect(batch.Successful.map((e: { Id: string }) => e.Id).sort()).toEqual(['one', 'two']);

    const got = await cli(['receive-message', '--queue-url', url(), '--max-number-of-messages', '10', '--attribute-names', 'All', '--message-attribute-names', 'All']);
    const bodies = got.Messages.map((m: { Body: string }) => m.Body).sort();
    expect(bodies).toEqual(['first', 'héllo', 'second']);
    const hello = got.Messages.find((m: { Body: string }) => m.Body === 'héllo');
    expect(hello.MessageAttributes).toEqual({
      kind: { StringValue: 'greeting', DataType: 'String' },
      raw: { BinaryValue: 'AQID', DataType: 'Binary' },
      n: { StringValue: '42', DataType: 'Number' },
    });
    expect(hello.Attributes).toMatchObject({ ApproximateReceiveCount: '1', SenderId: '000000000000' });

    await cli(['change-message-visibility', '--queue-url', url(), '--receipt-handle', hello.ReceiptHandle, '--visibility-timeout', '600']);
    const others = got.Messages.filter((m: { Body: string }) => m.Body !== 'héllo');
    await cli(['delete-message-batch', '--queue-url', url(), '--entries', ...others.map((m: { ReceiptHandle: string }, i: number) => `Id=d${i},ReceiptHandle=${m.ReceiptHandle}`)]);
    const attrs = (await cli(['get-queue-attributes', '--queue-url', url(), '--attribute-names', 'All'])).Attributes;
    expect(attrs).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '1', VisibilityTimeout: '0', QueueArn: 'arn:aws:sqs:us-east-1:000000000000:cli-jobs' });
    await cli(['delete-message', '--queue-url', url(), '--receipt-handle', hello.ReceiptHandle]);

    await cli(['tag-queue', '--queue-url', url(), '--tags', 'team=course,stage=lab']);
    await cli(['untag-queue', '--queue-url', url(), '--tag-keys', 'stage']);
    expect((await cli(['list-queue-tags', '--queue-url', url()])).Tags).toEqual({ team: 'course' });
  });

  it('a dead-letter queue, a FIFO queue, and errors in the query protocol\'s words', { timeout: 60_000 }, async () => {
    // Dead-letter queue: one failed receive too many and the message moves.
    const { QueueUrl: dlq } = await cli(['create-queue', '--queue-name', 'cli-dlq']);
    const redrive = JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:cli-dlq', maxReceiveCount: 1 });
    await cli(['set-queue-attributes', '--queue-url', url(), '--attributes', JSON.stringify({ RedrivePolicy: redrive })]);
    await cli(['send-message', '--queue-url', url(), '--message-body', 'poison']);
    expect((await cli(['receive-message', '--queue-url', url()])).Messages).toHaveLength(1);
    expect((await cli(['receive-message', '--queue-url', url()])).Messages).toBeUndefined();
    const dead = await cli(['receive-message', '--queue-url', dlq, '--attribute-names', 'All']);
    expect(dead.Messages[0]).toMatchObject({ Body: 'poison', Attributes: { DeadLetterQueueSourceArn: 'arn:aws:sqs:us-east-1:000000000000:cli-jobs', ApproximateReceiveCount: '2' } });

    // FIFO.
    const { QueueUrl: fifo } = await cli(['create-queue', '--queue-name', 'cli.fifo', '--attributes', 'FifoQueue=true,ContentBasedDeduplication=true']);
    const f1 = await cli(['send-message', '--queue-url', fifo, '--message-body', 'a', '--message-group-id', 'g']);
    expect(f1.SequenceNumber).toMatch(/^\d{20}$/);
    const f2 = await cli(['send-message', '--queue-url', fifo, '--message-body', 'a', '--message-group-id', 'g']);
    expect(f2.MessageId).toBe(f1.MessageId);
    const fr = await cli(['receive-message', '--queue-url', fifo, '--attribute-names', 'All']);
    expect(fr.Messages[0].Attributes).toMatchObject({ MessageGroupId: 'g', SequenceNumber: f1.SequenceNumber });

    await cli(['delete-queue', '--queue-url', fifo]);
    // The query protocol's own wording for a missing queue.
    await expect(cli(['get-queue-url', '--queue-name', 'cli.fifo'])).rejects.toThrow(
      /\(AWS\.SimpleQueueService\.NonExistentQueue\) when calling the GetQueueUrl operation: The specified queue does not exist for this wsdl version\./,
    );
    await expect(cli(['send-message', '--queue-url', url(), '--message-body', ''])).rejects.toThrow(/\(MissingParameter\).*The request must contain the parameter MessageBody\./);
  });
});
