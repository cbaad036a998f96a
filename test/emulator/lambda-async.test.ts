import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as IAM from '@aws-sdk/client-iam';
import * as Lambda from '@aws-sdk/client-lambda';
import * as SQS from '@aws-sdk/client-sqs';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { expectSameShape, snapshot } from '../helpers/snapshots.js';
import { BASIC_EXECUTION, createFunction, eventually, executionRole } from '../helpers/lambda.js';

const ACCOUNT = '000000000000';
/** One AWS minute takes 300 ms here: retries come 0.3 s and 0.6 s after a failure. */
const SCALE = 0.005;

let emu: TestEmulator;
let iam: IAM.IAMClient;
let lambda: Lambda.LambdaClient;
let sqs: SQS.SQSClient;
let role: string;

// What Lambda needs to deliver records (no sqs:GetQueueUrl: Lambda sends to a queue by its ARN).
const SEND_ANYWHERE = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sqs:SendMessage', 'lambda:InvokeFunction'], Resource: '*' }] };

beforeAll(async () => {
  emu = await startTestEmulator({ services: { lambda: { asyncTimeScale: SCALE } } });
  iam = new IAM.IAMClient(emu.config());
  lambda = new Lambda.LambdaClient(emu.config());
  sqs = new SQS.SQSClient(emu.config());
  role = await executionRole(iam, 'async-role', { managed: [BASIC_EXECUTION], inline: SEND_ANYWHERE });
});
afterAll(() => emu?.close());

const FAILING = `export const handler = async (event, context) => { throw new Error('intentional failure'); };`;
const ECHO = `export const handler = async (event) => ({ echoed: event });`;

async function queue(name: string, client = sqs): Promise<{ url: string; arn: string }> {
  const url = (await client.send(new SQS.CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  return { url, arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}` };
}

async function receiveOne(url: string, client = sqs, timeoutMs = 10_000): Promise<SQS.Message> {
  return eventually(async () => {
    const r = await client.send(new SQS.ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1, MessageAttributeNames: ['All'], MaxNumberOfMessages: 10 }));
    if ((r.Messages?.length ?? 0) > 1) throw new Error(`expected one message, got ${r.Messages!.length}`);
    return r.Messages?.[0];
  }, timeoutMs);
}

async function invocationsOf(requestId: string, url = emu.url): Promise<{ status: string; startedAt: string }[]> {
  const body = (await (await fetch(`${url}/_awslings/lambda/environments`)).json()) as { invocations: { requestId: string; status: string; startedAt: string }[] };
  return body.invocations.filter((i) => i.requestId === requestId);
}

const asyncInvoke = (name: string, event: unknown, client = lambda) =>
  client.send(new Lambda.InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) }));

const NODE_ERROR = { errorType: '<type>', errorMessage: '<message>', trace: '<lines>' };

/** The failure record of a Node.js function: AWS's shape, with the Node runtime's error (trace, not Python's stackTrace). */
function failureRecordShape(test: string, key: string) {
  const rec = snapshot('lambda__test_lambda_destinations.snapshot.json', test, key) as { Messages: { Body: Record<string, any> }[] };
  const body = rec.Messages[0].Body;
  return { ...body, requestContext: { ...body.requestContext, approximateInvokeCount: '<count>' }, responsePayload: NODE_ERROR, timestamp: '<date>' };
}

describe('asynchronous invocation', () => {
  it('retries=1: a failing event lands in the on-failure SQS destination after exactly two attempts, a minute (scaled) apart', async () => {
    const dest = await queue('on-failure');
    await createFunction(lambda, 'fails-twice', role, FAILING);
    await lambda.send(new Lambda.PutFunctionEventInvokeConfigCommand({ FunctionName: 'fails-twice', MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: dest.arn } } }));
    const accepted = await asyncInvoke('fails-twice', { raise_error: 1 });
    expect(accepted.StatusCode).toBe(202);
    const requestId = accepted.$metadata.requestId!;

    const msg = await receiveOne(dest.url);
    const record = JSON.parse(msg.Body!);
    expectSameShape(record, failureRecordShape('test_assess_lambda_destination_invocation[payload1]', 'receive_message_result'));
    expect(record).toMatchObject({
      version: '1.0',
      requestContext: { requestId, functionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:fails-twice:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: 2 },
      requestPayload: { raise_error: 1 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'Error', errorMessage: 'intentional failure' },
    });
    const attempts = await invocationsOf(requestId);
    expect(attempts.map((a) => a.status)).toEqual(['error', 'error']);
    const gap = Date.parse(attempts[1].startedAt) - Date.parse(attempts[0].startedAt);
    expect(gap).toBeGreaterThanOrEqual(60_000 * SCALE - 20);
    // No third attempt comes later.
    await new Promise((r) => setTimeout(r, 120_000 * SCALE + 200));
    expect(await invocationsOf(requestId)).toHaveLength(2);
  });

  it('sends AWS\'s success record to the on-success destination', async () => {
    const dest = await queue('on-success');
    await createFunction(lambda, 'succeeds', role, ECHO);
    const put = await lambda.send(
      new Lambda.PutFunctionEventInvokeConfigCommand({ FunctionName: 'succeeds', MaximumRetryAttempts: 0, DestinationConfig: { OnSuccess: { Destination: dest.arn }, OnFailure: { Destination: dest.arn } } }),
    );
    expect(put.DestinationConfig).toEqual({ OnSuccess: { Destination: dest.arn }, OnFailure: { Destination: dest.arn } });
    const accepted = await asyncInvoke('succeeds', {});
    const record = JSON.parse((await receiveOne(dest.url)).Body!);
    const shape = snapshot('lambda__test_lambda_destinations.snapshot.json', 'test_assess_lambda_destination_invocation[payload0]', 'receive_message_result') as { Messages: { Body: Record<string, unknown> }[] };
    expectSameShape(record, { ...shape.Messages[0].Body, timestamp: '<date>', responsePayload: { echoed: {} } });
    expect(record.requestContext).toEqual({ requestId: accepted.$metadata.requestId, functionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:succeeds:$LATEST`, condition: 'Success', approximateInvokeCount: 1 });
    expect(record.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('a dead-letter queue gets the event itself, with RequestID, ErrorCode and ErrorMessage attributes', async () => {
    const dlq = await queue('dead-letters');
    await createFunction(lambda, 'with-dlq', role, FAILING, { DeadLetterConfig: { TargetArn: dlq.arn } });
    await lambda.send(new Lambda.PutFunctionEventInvokeConfigCommand({ FunctionName: 'with-dlq', MaximumRetryAttempts: 0 }));
    const accepted = await asyncInvoke('with-dlq', { raise_error: 1 });
    const msg = await receiveOne(dlq.url);
    expect(JSON.parse(msg.Body!)).toEqual({ raise_error: 1 });
    const expected = snapshot('lambda__test_lambda_destinations.snapshot.json', 'test_dead_letter_queue', 'receive_result') as { Messages: { MessageAttributes: object }[] };
    expectSameShape(msg.MessageAttributes, { ...expected.Messages[0].MessageAttributes, ErrorMessage: { DataType: 'String', StringValue: 'intentional failure' } });
    expect(msg.MessageAttributes!.RequestID.StringValue).toBe(accepted.$metadata.requestId);
    // The DLQ must be one the role can send to.
    const noSend = await executionRole(iam, 'no-send', { managed: [BASIC_EXECUTION] });
    await expect(createFunction(lambda, 'dlq-denied', noSend, FAILING, { DeadLetterConfig: { TargetArn: dlq.arn } })).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: 'The provided execution role does not have permissions to call SendMessage on SQS',
    });
  });

  it('drops events older than MaximumEventAgeInSeconds, with condition EventAgeExceeded', async () => {
    const dest = await queue('too-old');
    await createFunction(lambda, 'slow-retry', role, FAILING);
    await lambda.send(
      new Lambda.PutFunctionEventInvokeConfigCommand({ FunctionName: 'slow-retry', MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: dest.arn } } }),
    );
    const accepted = await asyncInvoke('slow-retry', { message: 'hello' });
    const record = JSON.parse((await receiveOne(dest.url)).Body!);
    const expected = snapshot('lambda__test_lambda_destinations.snapshot.json', 'test_maxeventage', 'no_retry_failure_message') as { Body: Record<string, unknown> };
    expectSameShape(record, { ...expected.Body, timestamp: '<date>', responsePayload: NODE_ERROR });
    expect(record.requestContext).toMatchObject({ condition: 'EventAgeExceeded', approximateInvokeCount: 1 });
    expect(await invocationsOf(accepted.$metadata.requestId!)).toHaveLength(1);
  });

  it('with reserved concurrency 0, events go straight to the on-failure destination (ZeroReservedConcurrency)', async () => {
    const dest = await queue('zero');
    await createFunction(lambda, 'zero-conc', role, ECHO);
    await lambda.send(new Lambda.PutFunctionEventInvokeConfigCommand({ FunctionName: 'zero-conc', DestinationConfig: { OnFailure: { Destination: dest.arn } } }));
    await lambda.send(new Lambda.PutFunctionConcurrencyCommand({ FunctionName: 'zero-conc', ReservedConcurrentExecutions: 0 }));
    expect((await asyncInvoke('zero-conc', {})).StatusCode).toBe(202);
    const record = JSON.parse((await receiveOne(dest.url)).Body!);
    const expected = snapshot('lambda__test_lambda.snapshot.json', 'TestLambdaConcurrency::test_reserved_concurrency', 'msg') as { Body: Record<string, unknown> };
    expectSameShape(record, { ...expected.Body, timestamp: '<date>' });
    expect(record.requestContext).toMatchObject({ condition: 'ZeroReservedConcurrency', approximateInvokeCount: 0 });
  });

  it('a Lambda destination is invoked asynchronously with the record as its event', async () => {
    const inbox = await queue('relay');
    await createFunction(
      lambda,
      'relay',
      role,
      `import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
       export const handler = async (event) => { await new SQSClient({}).send(new SendMessageCommand({ QueueUrl: process.env.INBOX, MessageBody: JSON.stringify(event) })); return 'relayed'; };`,
      { Environment: { Variables: { INBOX: inbox.url } }, Timeout: 20 },
    );
    await createFunction(lambda, 'chained', role, ECHO);
    await lambda.send(
      new Lambda.PutFunctionEventInvokeConfigCommand({ FunctionName: 'chained', DestinationConfig: { OnSuccess: { Destination: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:relay` } } }),
    );
    await asyncInvoke('chained', { step: 1 });
    const record = JSON.parse((await receiveOne(inbox.url)).Body!);
    expect(record).toMatchObject({ requestContext: { condition: 'Success' }, requestPayload: { step: 1 }, responsePayload: { echoed: { step: 1 } } });
  });
});

describe('queued events survive a restart (at least once)', () => {
  let dir: string;
  let first: TestEmulator | undefined;
  let second: TestEmulator | undefined;
  afterAll(async () => {
    await first?.close();
    await second?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('an event waiting for its retry is retried after the emulator restarts', async () => {
    dir = mkdtempSync(join(tmpdir(), 'awslings-lambda-async-'));
    // One AWS minute takes 2 s: the first retry is due well after the restart below.
    const opts = { stateDir: dir, services: { lambda: { asyncTimeScale: 2 / 60 } } };
    first = await startTestEmulator(opts);
    const iam1 = new IAM.IAMClient(first.config());
    const l1 = new Lambda.LambdaClient(first.config());
    const s1 = new SQS.SQSClient(first.config());
    const r = await executionRole(iam1, 'restart-role', { managed: [BASIC_EXECUTION], inline: SEND_ANYWHERE });
    const dest = await queue('after-restart', s1);
    await createFunction(l1, 'restarts', r, FAILING);
    await l1.send(new Lambda.PutFunctionEventInvokeConfigCommand({ FunctionName: 'restarts', MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: dest.arn } } }));
    const accepted = await asyncInvoke('restarts', { n: 1 }, l1);
    await eventually(async () => (await invocationsOf(accepted.$metadata.requestId!, first!.url)).length === 1);
    await first.close();
    first = undefined;

    second = await startTestEmulator(opts);
    const l2 = new Lambda.LambdaClient(second.config());
    const s2 = new SQS.SQSClient(second.config());
    // Any Lambda request loads the service, which picks the queue up again.
    await l2.send(new Lambda.GetAccountSettingsCommand({}));
    const record = JSON.parse((await receiveOne(dest.url.replace(/^http:\/\/[^/]+/, second.url), s2, 15_000)).Body!);
    expect(record.requestContext).toMatchObject({ requestId: accepted.$metadata.requestId, condition: 'RetriesExhausted', approximateInvokeCount: 2 });
  });
});
