import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as SQS from '@aws-sdk/client-sqs';
import * as IAM from '@aws-sdk/client-iam';
import { startTestEmulator, type Credentials, type TestEmulator } from '../helpers/emulator.js';
import { expectSameShape, plainOutput, recorded, snapshot } from '../helpers/snapshots.js';
import { queueUrlFromArn } from '../../src/emulator/services/sqs/state.js';

const FILE = 'sqs__test_sqs.snapshot.json';
let emu: TestEmulator;
let sqs: SQS.SQSClient;
// A clock the tests move forward: visibility timeouts, delays and retention follow it.
let offset = 0;
const clock = { now: () => Date.now() + offset };
const advance = (seconds: number) => (offset += seconds * 1000);

/** Snapshot values AWS tests normalise to words ("timestamp") count as "any value". */
function normalised(snap: unknown): unknown {
  return JSON.parse(JSON.stringify(snap), (_k, v) => (v === 'timestamp' ? '<timestamp>' : v));
}

/** An SDK error against a boto-recorded one: the query code, the JSON type, message and HTTP status. */
function expectError(err: any, test: string, key: string): void {
  const rec = recorded(FILE, test, key);
  const e = rec.Error;
  expect(err.Code ?? err.name, 'query error code').toBe(e.Code);
  if (e.QueryErrorCode) expect(String(err.__type ?? err.name).replace(/^.*#/, ''), 'JSON error type').toBe(e.QueryErrorCode);
  if (!/<[^>]+>/.test(e.Message)) expect(err.message).toBe(e.Message);
  expect(err.$metadata.httpStatusCode).toBe(rec.ResponseMetadata.HTTPStatusCode);
}

const create = async (QueueName: string, Attributes?: Record<string, string>) =>
  (await sqs.send(new SQS.CreateQueueCommand({ QueueName, Attributes }))).QueueUrl!;
const attrs = async (QueueUrl: string) => (await sqs.send(new SQS.GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes!;

beforeAll(async () => {
  emu = await startTestEmulator({ clock });
  sqs = new SQS.SQSClient(emu.config());
});
afterAll(() => emu.close());

describe('SQS queues', () => {
  it('CreateQueue gives a URL on the caller\'s own endpoint, with AWS\'s default attributes', async () => {
    const url = await create('plain');
    expect(url).toBe(`${emu.url}/000000000000/plain`);
    const res = await sqs.send(new SQS.GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    expectSameShape(plainOutput(res), normalised(snapshot(FILE, 'test_set_queue_attributes_default_values[sqs]', 'get-queue-attributes-initial-values')));
    expect(res.Attributes!.QueueArn).toBe('arn:aws:sqs:us-east-1:000000000000:plain');
  });

  it('is idempotent with the same attributes and refuses different ones', async () => {
    const url = await create('idem', { ReceiveMessageWaitTimeSeconds: '1', DelaySeconds: '1' });
    expect(await create('idem')).toBe(url);
    expect(await create('idem', { DelaySeconds: '1' })).toBe(url);
    const err = await create('idem', { ReceiveMessageWaitTimeSeconds: '1', DelaySeconds: '2' }).catch((e) => e);
    expectError(err, 'test_create_queue_with_different_attributes_raises_exception[sqs]', 'create_queue_01');
  });

  it('FIFO queues: .fifo names, their attributes, and the standard/FIFO attribute rules', async () => {
    const url = await create('orders.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    expectSameShape(plainOutput(await sqs.send(new SQS.GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))), normalised(snapshot(FILE, 'test_fifo_set_content_based_deduplication_strategy[sqs]', 'before-update')));
    const diff = await create('orders.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'false' }).catch((e) => e);
    expectError(diff, 'test_create_fifo_queue_with_different_attributes_raises_error[sqs]', 'queue-already-exists');
    await expect(create('no-suffix', { FifoQueue: 'true' })).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(create('bad.fifo')).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    const cases = ['invalid-attribute-fifo-queue', 'invalid-attribute-content-based-deduplication', 'invalid-attribute-deduplication-scope', 'invalid-attribute-throughput-limit'];
    const given: Record<string, string>[] = [{ FifoQueue: 'false' }, { ContentBasedDeduplication: 'false' }, { DeduplicationScope: 'queue' }, { FifoThroughputLimit: 'perQueue' }];
    for (let i = 0; i < cases.length; i++) {
      const err = await create('standard-x', given[i]).catch((e) => e);
      expectError(err, 'test_create_standard_queue_with_fifo_attribute_raises_error[sqs]', cases[i]);
    }
  });

  it('GetQueueUrl, ListQueues with prefix and pagination, and AWS\'s error for a missing queue', async () => {
    for (let i = 0; i < 5; i++) await create(`page-${i}`);
    const all = await sqs.send(new SQS.ListQueuesCommand({ QueueNamePrefix: 'page-' }));
    expect(all.QueueUrls).toEqual([0, 1, 2, 3, 4].map((i) => `${emu.url}/000000000000/page-${i}`));
    expect(all.NextToken).toBeUndefined();
    const first = await sqs.send(new SQS.ListQueuesCommand({ QueueNamePrefix: 'page-', MaxResults: 2 }));
    expect(first.QueueUrls).toHaveLength(2);
    expect(first.NextToken).toBeTruthy();
    const rest = await sqs.send(new SQS.ListQueuesCommand({ QueueNamePrefix: 'page-', MaxResults: 10, NextToken: first.NextToken }));
    expect(rest.QueueUrls!.map((u) => u.split('/').pop())).toEqual(['page-2', 'page-3', 'page-4']);
    expect((await sqs.send(new SQS.GetQueueUrlCommand({ QueueName: 'page-3' }))).QueueUrl).toBe(`${emu.url}/000000000000/page-3`);

    const missing = await sqs.send(new SQS.GetQueueUrlCommand({ QueueName: 'nope' })).catch((e) => e);
    expectError(missing, 'TestSqsProvider::test_non_existent_queue', 'queue-does-not-exist');
    const byUrl = await sqs.send(new SQS.SendMessageCommand({ QueueUrl: `${emu.url}/000000000000/nope`, MessageBody: 'x' })).catch((e) => e);
    expectError(byUrl, 'TestSqsProvider::test_non_existent_queue', 'queue-does-not-exist-url');
    expect(missing).toBeInstanceOf(SQS.QueueDoesNotExist);
  });

  it('accepts AWS and LocalStack queue URLs for the same queue', async () => {
    await create('hosts');
    for (const url of ['https://sqs.us-east-1.amazonaws.com/000000000000/hosts', 'http://sqs.us-east-1.localhost.localstack.cloud:4566/000000000000/hosts']) {
      await expect(sqs.send(new SQS.SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }))).resolves.toHaveProperty('MessageId');
    }
    expect((await attrs(`${emu.url}/000000000000/hosts`)).ApproximateNumberOfMessages).toBe('2');
  });

  it('Set/GetQueueAttributes validate names and values, and manage encryption as AWS does', async () => {
    const url = await create('settable', { VisibilityTimeout: '20', ReceiveMessageWaitTimeSeconds: '10', MessageRetentionPeriod: '604800' });
    await sqs.send(new SQS.SetQueueAttributesCommand({ QueueUrl: url, Attributes: { DelaySeconds: '420', MaximumMessageSize: '2048', VisibilityTimeout: '69' } }));
    expectSameShape(plainOutput(await sqs.send(new SQS.GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))), normalised(snapshot(FILE, 'test_create_and_update_queue_attributes[sqs]', 'get_updated_queue_attributes')));

    const one = await sqs.send(new SQS.GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout'] }));
    expect(one.Attributes).toEqual({ VisibilityTimeout: '69' });
    await expect(sqs.send(new SQS.SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '50000' } }))).rejects.toMatchObject({ name: 'InvalidAttributeValue' });
    const fifoAttr = await sqs.send(new SQS.SetQueueAttributesCommand({ QueueUrl: url, Attributes: { FifoQueue: 'true' } })).catch((e) => e);
    expectError(fifoAttr, 'test_set_unsupported_attribute_standard[sqs]', 'invalid-attr-name-1');
    const fifo = await create('typed.fifo', { FifoQueue: 'true' });
    const toStandard = await sqs.send(new SQS.SetQueueAttributesCommand({ QueueUrl: fifo, Attributes: { FifoQueue: 'false' } })).catch((e) => e);
    expectError(toStandard, 'test_set_unsupported_attribute_fifo[sqs]', 'invalid-attr-name-2');

    await sqs.send(new SQS.SetQueueAttributesCommand({ QueueUrl: url, Attributes: { KmsMasterKeyId: 'testKeyId', KmsDataKeyReusePeriodSeconds: '6000' } }));
    expect(await attrs(url)).toMatchObject({ KmsMasterKeyId: 'testKeyId', KmsDataKeyReusePeriodSeconds: '6000', SqsManagedSseEnabled: 'false' });
    await sqs.send(new SQS.SetQueueAttributesCommand({ QueueUrl: url, Attributes: { KmsMasterKeyId: '', KmsDataKeyReusePeriodSeconds: '300' } }));
    const after = await attrs(url);
    expect(after.KmsMasterKeyId).toBeUndefined();
    expect(after.KmsDataKeyReusePeriodSeconds).toBeUndefined();
  });

  it('tags: TagQueue, UntagQueue, ListQueueTags, and tags given at creation', async () => {
    const url = (await sqs.send(new SQS.CreateQueueCommand({ QueueName: 'tagged', tags: { tag1: 'value1' } }))).QueueUrl!;
    await sqs.send(new SQS.TagQueueCommand({ QueueUrl: url, Tags: { tag2: 'value2', tag3: '' } }));
    expectSameShape(plainOutput(await sqs.send(new SQS.ListQueueTagsCommand({ QueueUrl: url }))), snapshot(FILE, 'test_tag_untag_queue[sqs]', 'get-tag-1'));
    await sqs.send(new SQS.UntagQueueCommand({ QueueUrl: url, TagKeys: ['tag1', 'tag3'] }));
    expectSameShape(plainOutput(await sqs.send(new SQS.ListQueueTagsCommand({ QueueUrl: url }))), snapshot(FILE, 'test_tag_untag_queue[sqs]', 'get-tag-2'));
    await sqs.send(new SQS.UntagQueueCommand({ QueueUrl: url, TagKeys: ['tag2'] }));
    expectSameShape(plainOutput(await sqs.send(new SQS.ListQueueTagsCommand({ QueueUrl: url }))), snapshot(FILE, 'test_tag_untag_queue[sqs]', 'get-tag-after-untag'));
  });

  it('DeleteQueue, then AWS\'s 60-second wait before the name can be reused', async () => {
    const url = await create('short-lived');
    await sqs.send(new SQS.DeleteQueueCommand({ QueueUrl: url }));
    await expect(sqs.send(new SQS.GetQueueUrlCommand({ QueueName: 'short-lived' }))).rejects.toBeInstanceOf(SQS.QueueDoesNotExist);
    await expect(create('short-lived')).rejects.toMatchObject({ name: 'QueueDeletedRecently' });
    advance(61);
    expect(await create('short-lived')).toBe(url);
  });
});

describe('SQS messages', () => {
  it('SendMessage and ReceiveMessage: MD5s as AWS computes them (the SDK checks them), attribute filters', async () => {
    const url = await create('md5', { VisibilityTimeout: '0' });
    const sent = await sqs.send(new SQS.SendMessageCommand({
      QueueUrl: url,
      MessageBody: 'msg',
      MessageAttributes: {
        'Help.Me': { DataType: 'String', StringValue: 'Me' },
        Hello: { DataType: 'String', StringValue: 'There' },
        General: { DataType: 'String', StringValue: 'Kenobi' },
      },
    }));
    const snap = 'test_receive_message_message_attribute_names_filters[sqs]';
    expectSameShape(plainOutput(sent), snapshot(FILE, snap, 'send_message_response'));
    const recv = async (names: string[]) => (await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: names }))).Messages![0];
    expectSameShape(plainOutput({ Messages: [await recv([])] }), snapshot(FILE, snap, 'empty_filter'));
    expectSameShape(plainOutput({ Messages: [await recv(['All'])] }), snapshot(FILE, snap, 'all_name'));
    for (const [names, key] of [[['*'], 'all_wildcard_asterisk'], [['.*'], 'all_wildcard'], [['Foo', 'Help'], 'only_non_existing_names'], [['Hello', 'General'], 'only_existing'], [['Foo', 'Hello'], 'existing_and_non_existing'], [['Hel.*'], 'prefix_filter']] as const) {
      expectSameShape(plainOutput(await recv([...names])), snapshot(FILE, snap, key));
    }
  });

  it('binary attributes and AWSTraceHeader round-trip with their MD5s', async () => {
    const url = await create('binary');
    const value = Buffer.from('traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01');
    const sent = await sqs.send(new SQS.SendMessageCommand({
      QueueUrl: url,
      MessageBody: 'test',
      MessageAttributes: { attr1: { DataType: 'Binary', BinaryValue: value } },
      MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1' } },
    }));
    expect(sent.MD5OfMessageAttributes).toBe('8cbe4db156db8a94db8b801b7addb984');
    expect(sent.MD5OfMessageSystemAttributes).toMatch(/^[0-9a-f]{32}$/);
    const m = (await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['AWSTraceHeader', 'SentTimestamp'] }))).Messages![0];
    expect(Buffer.from(m.MessageAttributes!.attr1.BinaryValue!).equals(value)).toBe(true);
    expect(m.MD5OfMessageAttributes).toBe('8cbe4db156db8a94db8b801b7addb984');
    expect(Object.keys(m.Attributes!).sort()).toEqual(['AWSTraceHeader', 'SentTimestamp']);
  });

  it('system attributes: All, single names, counts and timestamps', async () => {
    const url = await create('sysattrs', { VisibilityTimeout: '0' });
    await sqs.send(new SQS.SendMessageCommand({ QueueUrl: url, MessageBody: 'msg', MessageAttributes: { Foo: { DataType: 'String', StringValue: 'Bar' } } }));
    const snap = 'test_receive_message_attribute_names_filters[sqs]';
    const all = await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['All'] }));
    expectSameShape(plainOutput(all), normalised(snapshot(FILE, snap, 'all_attributes')));
    const both = await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url, AttributeNames: ['All'], MessageAttributeNames: ['All'] }));
    expectSameShape(plainOutput(both), normalised(snapshot(FILE, snap, 'all_system_and_message_attributes')));
    const single = await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['SenderId'] }));
    expectSameShape(plainOutput(single), normalised(snapshot(FILE, snap, 'single_attribute')));
    expect(single.Messages![0].Attributes!.SenderId).toBe('000000000000');
    expect(Number(all.Messages![0].Attributes!.SentTimestamp)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('validates bodies, attributes, sizes and receive parameters with AWS\'s errors', async () => {
    const url = await create('validation');
    expectError(await sqs.send(new SQS.SendMessageCommand({ QueueUrl: url, MessageBody: '' })).catch((e) => e), 'test_send_empty_message[sqs]', 'send_empty_message');
    const big = await sqs.send(new SQS.SendMessageCommand({ QueueUrl: url, MessageBody: 'a'.repeat(1_048_576 - 8 + 1), MessageAttributes: { k: { DataType: 'String', StringValue: 'x' } } })).catch((e) => e);
    expectError(big, 'test_send_oversized_message[sqs]', 'send_oversized_message');
    const empty = await sqs.send(new SQS.SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageAttributes: { ErrorDetails: { DataType: 'String', StringValue: '' } } })).catch((e) => e);
    expectError(empty, 'test_send_message_with_empty_string_attribute[sqs]', 'empty-string-attr');
    await expect(sqs.send(new SQS.SendMessageCommand({ QueueUrl: url, MessageBody: 'bad \u0000 char' }))).rejects.toMatchObject({ name: 'InvalidMessageContents' });
    const max = await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 11 })).catch((e) => e);
    expectError(max, 'test_send_receive_max_number_of_messages[sqs]', 'send_max_number_of_messages');
    const wait = await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 21 })).catch((e) => e);
    expectError(wait, 'test_send_receive_wait_time_seconds[sqs]', 'recieve_message_error_too_large');
    const group = await sqs.send(new SQS.SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'group 123' })).catch((e) => e);
    expectError(group, 'test_send_message_to_standard_queue_with_invalid_message_group_id[spaces]', 'error-response');
  });

  it('batches: SendMessageBatch with per-entry failures, DeleteMessageBatch, ChangeMessageVisibilityBatch, and batch errors', async () => {
    const url = await create('batches', { MaximumMessageSize: '1024' });
    const res = await sqs.send(new SQS.SendMessageBatchCommand({
      QueueUrl: url,
      Entries: [
        { Id: 'a4cff0d1-1961-44bd-ae53-c6d5ed71ed08', MessageBody: 'a'.repeat(1024) },
        { Id: '35b535ed-b76a-4ebd-b749-6eb35cdb55ee', MessageBody: 'a'.repeat(1025) },
      ],
    }));
    expectSameShape(plainOutput(res), snapshot(FILE, 'test_send_batch_message_size', 'send-message-batch-result'));
    expect(res.Failed![0]).toMatchObject({ Id: '35b535ed-b76a-4ebd-b749-6eb35cdb55ee', SenderFault: true });

    const twenty = Array.from({ length: 20 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' }));
    expectError(await sqs.send(new SQS.SendMessageBatchCommand({ QueueUrl: url, Entries: twenty })).catch((e) => e), 'test_too_many_entries_in_batch_request[sqs]', 'test_too_many_entries_in_batch_request');
    expectError(await sqs.send(new SQS.SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'invalid:id', MessageBody: 'x' }] })).catch((e) => e), 'test_invalid_batch_id[sqs]', 'test_invalid_batch_id');
    await expect(sqs.send(new SQS.SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: 'x' }, { Id: 'a', MessageBody: 'y' }] }))).rejects.toBeInstanceOf(SQS.BatchEntryIdsNotDistinct);
    await expect(sqs.send(new SQS.SendMessageBatchCommand({ QueueUrl: url, Entries: [] }))).rejects.toBeInstanceOf(SQS.EmptyBatchRequest);

    const got = await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }));
    expect(got.Messages).toHaveLength(1);
    const vis = await sqs.send(new SQS.ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: [{ Id: 'v', ReceiptHandle: got.Messages![0].ReceiptHandle!, VisibilityTimeout: 0 }, { Id: 'bad', ReceiptHandle: 'garbage', VisibilityTimeout: 0 }] }));
    expect(vis.Successful).toEqual([{ Id: 'v' }]);
    expect(vis.Failed).toEqual([expect.objectContaining({ Id: 'bad', Code: 'ReceiptHandleIsInvalid', SenderFault: true })]);
    const again = await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url }));
    const del = await sqs.send(new SQS.DeleteMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'd', ReceiptHandle: again.Messages![0].ReceiptHandle! }] }));
    expect(del.Successful).toEqual([{ Id: 'd' }]);
    expect(await attrs(url)).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });

  it('visibility timeouts and delays follow the clock; counts show visible, in flight and delayed', async () => {
    const url = await create('clocked', { VisibilityTimeout: '30' });
    await sqs.send(new SQS.SendMessageCommand({ QueueUrl: url, MessageBody: 'now' }));
    await sqs.send(new SQS.SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 10 }));
    expect(await attrs(url)).toMatchObject({ ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesDelayed: '1', ApproximateNumberOfMessagesNotVisible: '0' });
    const first = (await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }))).Messages!;
    expect(first.map((m) => m.Body)).toEqual(['now']);
    expect(await attrs(url)).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '1', ApproximateNumberOfMessagesDelayed: '1' });
    expect((await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url }))).Messages).toBeUndefined();
    advance(11);
    expect((await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url }))).Messages!.map((m) => m.Body)).toEqual(['later']);
    advance(20);
    const back = (await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }))).Messages!;
    expect(back.map((m) => [m.Body, m.Attributes!.ApproximateReceiveCount])).toEqual([['now', '2']]);
    // A longer visibility keeps 'now' hidden while 'later' comes back; 0 makes it visible at once.
    await sqs.send(new SQS.ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: back[0].ReceiptHandle!, VisibilityTimeout: 300 }));
    advance(31);
    expect(await attrs(url)).toMatchObject({ ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesNotVisible: '1' });
    await sqs.send(new SQS.ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: back[0].ReceiptHandle!, VisibilityTimeout: 0 }));
    expect(await attrs(url)).toMatchObject({ ApproximateNumberOfMessages: '2', ApproximateNumberOfMessagesNotVisible: '0' });
    await sqs.send(new SQS.DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: back[0].ReceiptHandle! }));
    // Deleting again is harmless on a standard queue; a handle the queue never issued is not.
    await sqs.send(new SQS.DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: back[0].ReceiptHandle! }));
    await expect(sqs.send(new SQS.DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'not-a-handle' }))).rejects.toBeInstanceOf(SQS.ReceiptHandleIsInvalid);
  });

  it('messages older than the retention period disappear', async () => {
    const url = await create('retained', { MessageRetentionPeriod: '60' });
    await sqs.send(new SQS.SendMessageCommand({ QueueUrl: url, MessageBody: 'old' }));
    advance(61);
    await sqs.send(new SQS.SendMessageCommand({ QueueUrl: url, MessageBody: 'new' }));
    const got = await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    expect(got.Messages!.map((m) => m.Body)).toEqual(['new']);
  });

  it('long polling returns as soon as a message arrives', async () => {
    const url = await create('long-poll');
    const t0 = Date.now();
    const pending = sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 10 }));
    await new Promise((r) => setTimeout(r, 300));
    await sqs.send(new SQS.SendMessageCommand({ QueueUrl: url, MessageBody: 'wake up' }));
    const res = await pending;
    const took = Date.now() - t0;
    expect(res.Messages!.map((m) => m.Body)).toEqual(['wake up']);
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(3000);
  });

  it('long polling with nothing to receive waits WaitTimeSeconds (the queue\'s default too), then answers empty', async () => {
    const url = await create('long-empty', { ReceiveMessageWaitTimeSeconds: '1' });
    const t0 = Date.now();
    const res = await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url }));
    expect(res.Messages).toBeUndefined();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    const t1 = Date.now();
    await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 0 }));
    expect(Date.now() - t1).toBeLessThan(500);
  });

  it('a pending long poll ends when the emulator closes', async () => {
    const other = await startTestEmulator();
    const url = (await new SQS.SQSClient(other.config()).send(new SQS.CreateQueueCommand({ QueueName: 'closing' }))).QueueUrl!;
    const t0 = Date.now();
    const pending = other.emulator.call('sqs', 'ReceiveMessage', { QueueUrl: url, WaitTimeSeconds: 20 }, { accountId: '000000000000' });
    await new Promise((r) => setTimeout(r, 100));
    await other.close();
    expect(await pending).toEqual({});
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('PurgeQueue empties the queue, at most once a minute', async () => {
    const url = await create('purged');
    await sqs.send(new SQS.SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    await sqs.send(new SQS.PurgeQueueCommand({ QueueUrl: url }));
    expect((await attrs(url)).ApproximateNumberOfMessages).toBe('0');
    const err = await sqs.send(new SQS.PurgeQueueCommand({ QueueUrl: url })).catch((e) => e);
    expectError(err, 'test_successive_purge_calls_fail[sqs]', 'purge_queue_error');
    expect(err.message).toBe('Only one PurgeQueue operation on purged is allowed every 60 seconds.');
    advance(61);
    await sqs.send(new SQS.PurgeQueueCommand({ QueueUrl: url }));
  });
});

describe('SQS FIFO queues', () => {
  it('orders by group, blocks a group while a message is in flight, and deduplicates', async () => {
    const url = await create('fifo-order.fifo', { FifoQueue: 'true', VisibilityTimeout: '30' });
    const send = (body: string, group: string, dedup: string) => sqs.send(new SQS.SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: group, MessageDeduplicationId: dedup }));
    const a1 = await send('a1', 'A', 'd1');
    expect(a1.SequenceNumber).toMatch(/^\d{20}$/);
    await send('a2', 'A', 'd2');
    await send('b1', 'B', 'd3');
    const dup = await send('a1 again', 'A', 'd1');
    expect(dup.MessageId).toBe(a1.MessageId);
    const first = (await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1 }))).Messages!;
    expect(first.map((m) => m.Body)).toEqual(['a1']);
    // a2 waits for a1; b1 is free.
    const second = (await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] }))).Messages!;
    expect(second.map((m) => m.Body)).toEqual(['b1']);
    expect(second[0].Attributes).toMatchObject({ MessageGroupId: 'B', MessageDeduplicationId: 'd3' });
    await sqs.send(new SQS.DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first[0].ReceiptHandle! }));
    expect((await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url }))).Messages!.map((m) => m.Body)).toEqual(['a2']);
    // An old handle after the visibility timeout: FIFO queues refuse it.
    advance(31);
    const redelivered = (await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }))).Messages!;
    expect(redelivered.map((m) => m.Body).sort()).toEqual(['a2', 'b1']);
    advance(31);
    const expired = await sqs.send(new SQS.DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: redelivered[0].ReceiptHandle! })).catch((e) => e);
    expect(expired).toMatchObject({ name: 'InvalidParameterValue' });
    expect(expired.message).toMatch(/Reason: The receipt handle has expired\.$/);
  });

  it('content-based deduplication, and AWS\'s errors for missing group or deduplication ids', async () => {
    const url = await create('fifo-rules.fifo', { FifoQueue: 'true' });
    const snap = 'test_posting_to_fifo_requires_deduplicationid_group_id[sqs]';
    expectError(await sqs.send(new SQS.SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g' })).catch((e) => e), snap, 'invalid-parameter-value');
    expectError(await sqs.send(new SQS.SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageDeduplicationId: 'd' })).catch((e) => e), snap, 'missing-parameter');
    expectError(await sqs.send(new SQS.SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd', DelaySeconds: 2 })).catch((e) => e), 'test_fifo_queue_send_message_with_delay_seconds_fails[sqs]', 'send_message');
    expectError(await sqs.send(new SQS.SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: 'x', MessageDeduplicationId: 'd' }] })).catch((e) => e), 'test_send_batch_missing_message_group_id_for_fifo_queue[sqs]', 'test_missing_message_group_id_for_fifo_queue');

    const cbd = await create('fifo-cbd.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    const one = await sqs.send(new SQS.SendMessageCommand({ QueueUrl: cbd, MessageBody: '{"foo":"bar"}', MessageGroupId: 'g' }));
    const two = await sqs.send(new SQS.SendMessageCommand({ QueueUrl: cbd, MessageBody: '{"foo":"bar"}', MessageGroupId: 'g' }));
    expect(two.MessageId).toBe(one.MessageId);
    const m = (await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: cbd, MaxNumberOfMessages: 10 }))).Messages!;
    expect(m).toHaveLength(1);
    await sqs.send(new SQS.DeleteMessageCommand({ QueueUrl: cbd, ReceiptHandle: m[0].ReceiptHandle! }));
    // Deleted, then sent again within five minutes: still a duplicate.
    await sqs.send(new SQS.SendMessageCommand({ QueueUrl: cbd, MessageBody: '{"foo":"bar"}', MessageGroupId: 'g' }));
    expect((await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: cbd }))).Messages).toBeUndefined();
    advance(301);
    await sqs.send(new SQS.SendMessageCommand({ QueueUrl: cbd, MessageBody: '{"foo":"bar"}', MessageGroupId: 'g' }));
    expect((await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: cbd }))).Messages).toHaveLength(1);
  });
});

describe('SQS dead-letter queues', () => {
  it('moves a message received maxReceiveCount times to the DLQ, with its attributes and source ARN', async () => {
    const dlq = await create('dead-letters');
    const dlqArn = (await attrs(dlq)).QueueArn!;
    const src = await create('work', { VisibilityTimeout: '0', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) });
    expect(JSON.parse((await attrs(src)).RedrivePolicy!)).toEqual({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 });
    await sqs.send(new SQS.SendMessageCommand({ QueueUrl: src, MessageBody: 'poison', MessageAttributes: { MyAttribute: { DataType: 'String', StringValue: 'foobar' } } }));
    for (let i = 1; i <= 2; i++) {
      const got = await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: src, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
      expect(got.Messages![0].Attributes!.ApproximateReceiveCount).toBe(String(i));
    }
    expect((await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: src }))).Messages).toBeUndefined();
    expect((await attrs(src)).ApproximateNumberOfMessages).toBe('0');
    const dead = (await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: dlq, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }))).Messages!;
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ Body: 'poison', MessageAttributes: { MyAttribute: { DataType: 'String', StringValue: 'foobar' } } });
    expect(dead[0].Attributes).toMatchObject({ DeadLetterQueueSourceArn: 'arn:aws:sqs:us-east-1:000000000000:work', ApproximateReceiveCount: '3' });
    // AWS's record, less SenderId (which the recording dropped).
    const { SenderId: _, ...rest } = dead[0].Attributes!;
    expectSameShape(Object.keys(rest).sort(), Object.keys((snapshot(FILE, 'test_dead_letter_queue_message_attributes', 'dlq-messages') as unknown as any[])[1].Attributes).sort());
  });

  it('validates the redrive policy and clears it with an empty string', async () => {
    const url = await create('redrive-checks');
    const bad = (p: string) => sqs.send(new SQS.SetQueueAttributesCommand({ QueueUrl: url, Attributes: { RedrivePolicy: p } }));
    await expect(bad('{"maxReceiveCount": 1}')).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(bad(JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:missing', maxReceiveCount: 1 }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    const fifoDlq = await create('fifo-dlq.fifo', { FifoQueue: 'true' });
    await expect(bad(JSON.stringify({ deadLetterTargetArn: (await attrs(fifoDlq)).QueueArn, maxReceiveCount: 1 }))).rejects.toMatchObject({ message: expect.stringMatching(/same type of queue/) });
    const dlq = await create('redrive-dlq');
    await bad(JSON.stringify({ deadLetterTargetArn: (await attrs(dlq)).QueueArn, maxReceiveCount: 3 }));
    await bad('');
    expect((await attrs(url)).RedrivePolicy).toBeUndefined();
  });
});

describe('SQS and IAM', () => {
  const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
  async function userIn(accountId: string, name: string, ...statements: object[]): Promise<Credentials> {
    const iam = new IAM.IAMClient(emu.config({ accessKeyId: accountId, secretAccessKey: 'x' }));
    await iam.send(new IAM.CreateUserCommand({ UserName: name }));
    if (statements.length) await iam.send(new IAM.PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: policy(...statements) }));
    const k = (await iam.send(new IAM.CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
  }

  it('evaluates identity policies on the queue ARN', async () => {
    const url = await create('guarded');
    const creds = await userIn('000000000000', 'sender', { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-1:000000000000:guarded' });
    const asUser = new SQS.SQSClient(emu.config(creds));
    await expect(asUser.send(new SQS.SendMessageCommand({ QueueUrl: url, MessageBody: 'ok' }))).resolves.toHaveProperty('MessageId');
    const err = await asUser.send(new SQS.ReceiveMessageCommand({ QueueUrl: url })).catch((e) => e);
    expect(err).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(err.message).toBe(
      'User: arn:aws:iam::000000000000:user/sender is not authorized to perform: sqs:ReceiveMessage on resource: arn:aws:sqs:us-east-1:000000000000:guarded because no identity-based policy allows the sqs:ReceiveMessage action',
    );
  });

  it('another account\'s principal may send only when the queue policy allows it', async () => {
    const url = await create('shared-inbox');
    const arn = 'arn:aws:sqs:us-east-1:000000000000:shared-inbox';
    const creds = await userIn('111111111111', 'partner', { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' });
    const partner = new SQS.SQSClient(emu.config(creds));
    await expect(partner.send(new SQS.SendMessageCommand({ QueueUrl: url, MessageBody: 'hi' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    await sqs.send(new SQS.SetQueueAttributesCommand({
      QueueUrl: url,
      Attributes: { Policy: policy({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sqs:SendMessage', Resource: arn }) },
    }));
    const sent = await partner.send(new SQS.SendMessageCommand({ QueueUrl: url, MessageBody: 'hi' }));
    expect(sent.MessageId).toBeTruthy();
    const got = (await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['SenderId'] }))).Messages!;
    expect(got[0].Attributes!.SenderId).toMatch(/^AIDA/);
    // The policy allows sending only.
    await expect(partner.send(new SQS.ReceiveMessageCommand({ QueueUrl: url }))).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('AddPermission and RemovePermission write the queue policy as AWS does', async () => {
    const url = await create('permitted');
    await sqs.send(new SQS.AddPermissionCommand({ QueueUrl: url, AWSAccountIds: ['111111111111'], Actions: ['ReceiveMessage'], Label: 'crossaccountpermission' }));
    const p = JSON.parse((await attrs(url)).Policy!);
    expect(p).toEqual({
      Version: '2008-10-17',
      Id: 'arn:aws:sqs:us-east-1:000000000000:permitted/SQSDefaultPolicy',
      Statement: [{ Sid: 'crossaccountpermission', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'SQS:ReceiveMessage', Resource: 'arn:aws:sqs:us-east-1:000000000000:permitted' }],
    });
    const snap = 'test_sqs_permission_lifecycle[sqs]';
    expectError(await sqs.send(new SQS.AddPermissionCommand({ QueueUrl: url, AWSAccountIds: ['222222222222'], Actions: ['ReceiveMessage'], Label: 'crossaccountpermission' })).catch((e) => e), snap, 'get-queue-policy-attribute-second-account-same-label');
    await sqs.send(new SQS.RemovePermissionCommand({ QueueUrl: url, Label: 'crossaccountpermission' }));
    expect((await attrs(url)).Policy).toBeUndefined();
    expect((await sqs.send(new SQS.RemovePermissionCommand({ QueueUrl: url, Label: 'crossaccountpermission' })).catch((e) => e)).message).toBe(
      'Value crossaccountpermission for parameter Label is invalid. Reason: can\'t find label.',
    );
  });
});

describe('SQS persistence', () => {
  it('queues and their messages, in flight or not, survive a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awslings-sqs-'));
    try {
      const first = await startTestEmulator({ stateDir: dir });
      const c1 = new SQS.SQSClient(first.config());
      const url = (await c1.send(new SQS.CreateQueueCommand({ QueueName: 'durable' }))).QueueUrl!;
      await c1.send(new SQS.SendMessageCommand({ QueueUrl: url, MessageBody: 'one' }));
      await c1.send(new SQS.SendMessageCommand({ QueueUrl: url, MessageBody: 'two' }));
      await c1.send(new SQS.ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 600 }));
      await first.close();
      const second = await startTestEmulator({ stateDir: dir });
      try {
        const c2 = new SQS.SQSClient(second.config());
        const url2 = (await c2.send(new SQS.GetQueueUrlCommand({ QueueName: 'durable' }))).QueueUrl!;
        const a = (await c2.send(new SQS.GetQueueAttributesCommand({ QueueUrl: url2, AttributeNames: ['All'] }))).Attributes!;
        expect(a).toMatchObject({ ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesNotVisible: '1' });
        expect((await c2.send(new SQS.ReceiveMessageCommand({ QueueUrl: url2 }))).Messages!.map((m) => m.Body)).toEqual(['two']);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQS from inside the emulator (Lambda destinations)', () => {
  it('SendMessage by emulator.call with a queue ARN or the URL from queueUrlFromArn', async () => {
    const url = await create('destination');
    const arn = 'arn:aws:sqs:us-east-1:000000000000:destination';
    await emu.emulator.call('sqs', 'SendMessage', { QueueUrl: arn, MessageBody: 'by arn' }, { accountId: '000000000000' });
    expect(queueUrlFromArn(emu.emulator, arn)).toBe(url);
    await emu.emulator.call('sqs', 'SendMessage', { QueueUrl: queueUrlFromArn(emu.emulator, arn), MessageBody: 'by url' }, { accountId: '000000000000', region: 'us-east-1' });
    const got = await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    expect(got.Messages!.map((m) => m.Body)).toEqual(['by arn', 'by url']);
    // The public API still refuses an ARN where AWS wants a URL.
    await expect(sqs.send(new SQS.SendMessageCommand({ QueueUrl: arn, MessageBody: 'x' }))).rejects.toBeInstanceOf(SQS.QueueDoesNotExist);
  });
});
