import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as IAM from '@aws-sdk/client-iam';
import * as Lambda from '@aws-sdk/client-lambda';
import * as Logs from '@aws-sdk/client-cloudwatch-logs';
import * as S3 from '@aws-sdk/client-s3';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { ROOT } from '../helpers/cli.js';
import { expectSameShape, plainOutput, snapshot } from '../helpers/snapshots.js';
import { BASIC_EXECUTION, createFunction, eventually, executionRole, json, LAMBDA_TRUST, tail, text, zip } from '../helpers/lambda.js';

let emu: TestEmulator;
let iam: IAM.IAMClient;
let lambda: Lambda.LambdaClient;
let logs: Logs.CloudWatchLogsClient;
let role: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  iam = new IAM.IAMClient(emu.config());
  lambda = new Lambda.LambdaClient(emu.config());
  logs = new Logs.CloudWatchLogsClient(emu.config());
  role = await executionRole(iam, 'runtime-role', { managed: [BASIC_EXECUTION] });
});
afterAll(() => emu?.close());

const invoke = (name: string, event: unknown = {}, extra: Partial<Lambda.InvocationRequest> = {}) =>
  lambda.send(new Lambda.InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)), LogType: 'Tail', ...extra }));

/** An Invoke output as LocalStack's snapshots record it: the payload parsed, empty payloads as ''. */
function recorded(out: Lambda.InvocationResponse, drop: string[] = ['LogResult']): Record<string, unknown> {
  const o = plainOutput({ ...out, Payload: undefined }) as Record<string, unknown>;
  for (const k of drop) delete o[k];
  const t = text(out.Payload);
  return { ...o, Payload: t ? JSON.parse(t) : '' };
}
const invocationSnapshot = (test: string, key = 'invoke-result') => snapshot('lambda__test_lambda.snapshot.json', test, key);

/** The REPORT line of an invocation's log tail. */
const report = (out: Lambda.InvocationResponse) => tail(out.LogResult).split('\n').find((l) => l.startsWith('REPORT')) ?? '';
const isCold = (out: Lambda.InvocationResponse) => /Init Duration: [\d.]+ ms/.test(report(out));

describe('handlers', () => {
  it('runs an ESM async handler, with the event, and reuses the environment while warm', async () => {
    await createFunction(lambda, 'esm-async', role, `export const handler = async (event) => ({ got: event, pid: process.pid });`);
    const a = await invoke('esm-async', { n: 1 });
    expect(a.StatusCode).toBe(200);
    expect(a.FunctionError).toBeUndefined();
    expect(a.ExecutedVersion).toBe('$LATEST');
    expect(json(a.Payload).got).toEqual({ n: 1 });
    const b = await invoke('esm-async', { n: 2 });
    expect(json(b.Payload).pid).toBe(json(a.Payload).pid);
    expect(isCold(a)).toBe(true);
    expect(isCold(b)).toBe(false);
  });

  it('runs CommonJS (.js without "type": "module", .cjs) and ESM (.js under "type": "module")', async () => {
    await createFunction(lambda, 'cjs', role, { 'index.js': `exports.handler = async () => 'cjs:' + typeof require;` });
    await createFunction(lambda, 'cjs-ext', role, { 'app.cjs': `module.exports.main = async () => 'cjs-ext';` }, { Handler: 'app.main' });
    await createFunction(lambda, 'esm-js', role, { 'package.json': '{"type":"module"}', 'index.js': `export const handler = async () => 'esm:' + typeof require;` });
    expect(json((await invoke('cjs')).Payload)).toBe('cjs:function');
    expect(json((await invoke('cjs-ext')).Payload)).toBe('cjs-ext');
    expect(json((await invoke('esm-js')).Payload)).toBe('esm:undefined');
  });

  it('finds handlers in nested directories and nested properties', async () => {
    await createFunction(lambda, 'nested', role, { 'src/handlers/api.mjs': `export const routes = { get: async () => 'deep' };` }, { Handler: 'src/handlers/api.routes.get' });
    expect(json((await invoke('nested')).Payload)).toBe('deep');
  });

  it('supports callback handlers, and waits for the event loop to empty unless told not to', async () => {
    await createFunction(
      lambda,
      'callback',
      role,
      {
        'index.js': `exports.handler = (event, context, callback) => {
          context.callbackWaitsForEmptyEventLoop = event.wait;
          const started = Date.now();
          setTimeout(() => { globalThis.timerDone = Date.now() - started; }, 300);
          callback(null, { timerDoneBeforeReturn: globalThis.timerDone ?? null });
        };`,
      },
      { Timeout: 5 },
    );
    const duration = (o: Lambda.InvocationResponse) => Number(/\tDuration: ([\d.]+) ms/.exec(report(o))![1]);
    const waited = await invoke('callback', { wait: true });
    expect(json(waited.Payload)).toEqual({ timerDoneBeforeReturn: null });
    expect(duration(waited)).toBeGreaterThanOrEqual(290);
    const quick = await invoke('callback', { wait: false });
    expect(quick.StatusCode).toBe(200);
    expect(duration(quick)).toBeLessThan(290);
  });

  it('returns null for a non-async handler that neither calls back nor returns a promise (as AWS does)', async () => {
    await createFunction(lambda, 'sync-return', role, { 'index.js': `exports.handler = (event) => ({ ignored: true });` });
    expect(text((await invoke('sync-return')).Payload)).toBe('null');
  });

  it('gives the context object AWS gives', async () => {
    await createFunction(
      lambda,
      'ctx',
      role,
      `export const handler = async (event, context) => ({ ...context, remaining: context.getRemainingTimeInMillis(), keys: Object.keys(context) });`,
      { Timeout: 7, MemorySize: 256 },
    );
    const out = await invoke('ctx', {}, { ClientContext: Buffer.from(JSON.stringify({ custom: { foo: 'bar' } })).toString('base64') });
    const c = json(out.Payload);
    expect(c.awsRequestId).toBe(out.$metadata.requestId);
    expect(c.functionName).toBe('ctx');
    expect(c.functionVersion).toBe('$LATEST');
    expect(c.memoryLimitInMB).toBe('256');
    expect(c.invokedFunctionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:ctx');
    expect(c.logGroupName).toBe('/aws/lambda/ctx');
    expect(c.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(c.callbackWaitsForEmptyEventLoop).toBe(true);
    expect(c.clientContext).toEqual({ custom: { foo: 'bar' } });
    expect(c.remaining).toBeGreaterThan(5000);
    expect(c.remaining).toBeLessThanOrEqual(7000);
  });

  it('sets the environment variables AWS sets, then the function\'s own', async () => {
    await createFunction(lambda, 'env', role, `export const handler = async () => ({ ...process.env, tz: new Date(0).getTimezoneOffset() });`, {
      Environment: { Variables: { GREETING: 'hello' } },
    });
    const out = await invoke('env');
    const env = json(out.Payload);
    expect(env).toMatchObject({
      AWS_LAMBDA_FUNCTION_NAME: 'env',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/env',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      _HANDLER: 'index.handler',
      TZ: ':UTC',
      // The loopback address, not `localhost`: the S3 client then addresses buckets by path.
      AWS_ENDPOINT_URL: emu.url.replace('//localhost:', '//127.0.0.1:'),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      GREETING: 'hello',
      tz: 0,
    });
    expect(env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/\[\$LATEST\]/);
    expect(env.AWS_ACCESS_KEY_ID).toMatch(/^ASIA/);
    expect(env.AWS_SECRET_ACCESS_KEY).toBeTruthy();
    expect(env.AWS_SESSION_TOKEN).toBeTruthy();
    expect(env.LAMBDA_TASK_ROOT).toBeTruthy();
    expect(env.NODE_PATH).toBeTruthy();
    // Nothing leaks from the emulator's own environment.
    expect(env.AWS_CONFIG_FILE).toBeUndefined();
  });

  it('lets ESM and CommonJS functions import @aws-sdk without bundling it, and calls back to the sandbox as the execution role', async () => {
    const body = `const { STSClient, GetCallerIdentityCommand } = SDK;
      return new STSClient({}).send(new GetCallerIdentityCommand({})).then((r) => r.Arn);`;
    await createFunction(lambda, 'sdk-esm', role, `import * as SDK from '@aws-sdk/client-sts'; export const handler = async () => { ${body} };`, { Timeout: 20 });
    await createFunction(lambda, 'sdk-cjs', role, { 'index.js': `const SDK = require('@aws-sdk/client-sts'); exports.handler = async () => { ${body} };` }, { Timeout: 20 });
    for (const name of ['sdk-esm', 'sdk-cjs']) {
      const out = await invoke(name);
      expect(out.FunctionError, text(out.Payload)).toBeUndefined();
      expect(json(out.Payload)).toBe(`arn:aws:sts::000000000000:assumed-role/runtime-role/${name}`);
    }
  });

  it('lets a handler use S3 with a plain `new S3Client({})`, as on AWS', async () => {
    const bucket = 'runtime-s3-notes';
    const s3Role = await executionRole(iam, 'runtime-s3-role', {
      managed: [BASIC_EXECUTION],
      inline: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: `arn:aws:s3:::${bucket}/*` }] },
    });
    await new S3.S3Client({ ...emu.config(), forcePathStyle: true }).send(new S3.CreateBucketCommand({ Bucket: bucket }));
    const code = `const { S3Client, PutObjectCommand, GetObjectCommand } = require('@aws-sdk/client-s3');
      const s3 = new S3Client({});
      exports.handler = async (e) => {
        await s3.send(new PutObjectCommand({ Bucket: '${bucket}', Key: 'notes/a.txt', Body: e.text }));
        return (await s3.send(new GetObjectCommand({ Bucket: '${bucket}', Key: 'notes/a.txt' }))).Body.transformToString();
      };`;
    await createFunction(lambda, 'sdk-s3', s3Role, { 'index.js': code }, { Timeout: 20 });
    const out = await invoke('sdk-s3', { text: 'kept' });
    expect(out.FunctionError, text(out.Payload)).toBeUndefined();
    expect(json(out.Payload)).toBe('kept');
  });

  it('writes console output with timestamp, request id and level, and START/END/REPORT, to the log tail and to CloudWatch Logs', async () => {
    await createFunction(lambda, 'logger', role, `console.log('loading'); export const handler = async () => { console.log('info', { a: 1 }); console.warn('careful'); console.error('bad'); process.stdout.write('raw line\\n'); return 1; };`);
    const out = await invoke('logger');
    const id = out.$metadata.requestId!;
    const lines = tail(out.LogResult).split('\n');
    expect(lines[0]).toMatch(/^INIT_START Runtime Version: nodejs:\d+\.v\d+\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}$/);
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z\tundefined\tINFO\tloading$/);
    expect(lines[2]).toBe(`START RequestId: ${id} Version: $LATEST`);
    expect(lines[3]).toMatch(new RegExp(`^\\S+Z\\t${id}\\tINFO\\tinfo { a: 1 }$`));
    expect(lines[4]).toMatch(new RegExp(`\\t${id}\\tWARN\\tcareful$`));
    expect(lines[5]).toMatch(new RegExp(`\\t${id}\\tERROR\\tbad$`));
    expect(lines[6]).toBe('raw line');
    expect(lines[7]).toBe(`END RequestId: ${id}`);
    expect(lines[8]).toMatch(
      new RegExp(`^REPORT RequestId: ${id}\\tDuration: \\d+\\.\\d\\d ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: \\d+\\.\\d\\d ms\\t$`),
    );
    const events = await eventually(async () => {
      const streams = await logs.send(new Logs.DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/logger' }));
      const stream = streams.logStreams?.[0]?.logStreamName;
      if (!stream) return undefined;
      const got = await logs.send(new Logs.GetLogEventsCommand({ logGroupName: '/aws/lambda/logger', logStreamName: stream, startFromHead: true }));
      return got.events?.some((e) => e.message?.startsWith('REPORT')) ? got.events : undefined;
    });
    expect(events.map((e) => e.message!.trimEnd())).toEqual(lines.filter(Boolean).map((l) => l.trimEnd()));
  });
});

describe('invocation types and limits', () => {
  beforeAll(() => createFunction(lambda, 'types', role, `export const handler = async (e) => e;`));

  it('RequestResponse 200 with ExecutedVersion, Event 202, DryRun 204, in AWS\'s shapes', async () => {
    const sync = await invoke('types', {}, { LogType: 'None' });
    expectSameShape(recorded(sync), invocationSnapshot('test_invocation_type_request_response[nodejs16.x]'));
    expect([sync.StatusCode, sync.ExecutedVersion, sync.LogResult]).toEqual([200, '$LATEST', undefined]);
    const ev = await invoke('types', { x: 2 }, { InvocationType: 'Event', LogType: 'None' });
    expectSameShape(recorded(ev), invocationSnapshot('test_invocation_type_event[nodejs16.x]'));
    const dry = await invoke('types', {}, { InvocationType: 'DryRun', LogType: 'None' });
    expectSameShape(recorded(dry), invocationSnapshot('test_invocation_type_dry_run[nodejs16.x]'));
    const tailed = await invoke('types', {});
    expectSameShape(recorded(tailed, []), { ...snapshot('lambda__test_lambda.snapshot.json', 'test_invocation_with_logs[nodejs16.x]', 'invoke'), LogResult: '<base64>' });
  });

  it('passes {} for an empty payload', async () => {
    const out = await lambda.send(new Lambda.InvokeCommand({ FunctionName: 'types' }));
    expect(json(out.Payload)).toEqual({});
  });

  it('refuses payloads over 6 MB (sync) and 1 MB (async), and payloads that are not JSON', async () => {
    const big = Buffer.alloc(6 * 1024 * 1024 + 1, 0x20);
    await expect(lambda.send(new Lambda.InvokeCommand({ FunctionName: 'types', Payload: big }))).rejects.toMatchObject({
      name: 'RequestEntityTooLargeException',
      message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
      $metadata: { httpStatusCode: 413 },
    });
    const medium = Buffer.from(JSON.stringify({ s: 'x'.repeat(1024 * 1024) }));
    await expect(lambda.send(new Lambda.InvokeCommand({ FunctionName: 'types', Payload: medium, InvocationType: 'Event' }))).rejects.toMatchObject({
      name: 'RequestEntityTooLargeException',
      message: `${medium.length} byte payload is too large for the Event invocation type (limit 1048576 bytes)`,
    });
    await expect(lambda.send(new Lambda.InvokeCommand({ FunctionName: 'types', Payload: Buffer.from('{not json') }))).rejects.toMatchObject({
      name: 'InvalidRequestContentException',
      message: expect.stringMatching(/^Could not parse request body into json: Could not parse payload into json: /),
      $metadata: { httpStatusCode: 400 },
    });
    // The environment that saw the bad payload is still fine.
    expect(json((await invoke('types', { ok: true })).Payload)).toEqual({ ok: true });
  });

  it('answers a response over 6 MB with Function.ResponseSizeTooLarge', async () => {
    await createFunction(lambda, 'huge-response', role, `export const handler = async () => 'x'.repeat(6 * 1024 * 1024 + 100);`);
    const out = await invoke('huge-response');
    expect(out.FunctionError).toBe('Unhandled');
    expect(json(out.Payload)).toEqual({ errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).', errorType: 'Function.ResponseSizeTooLarge' });
  });
});

describe('failure modes, each followed by a successful invocation', () => {
  const code = `
    export const handler = async (event) => {
      switch (event.mode) {
        case 'throw': { const e = new TypeError('bad input'); throw e; }
        case 'custom': { class OrderError extends Error { constructor(m) { super(m); this.name = 'OrderError'; } } throw new OrderError('no stock'); }
        case 'string': throw 'just a string';
        case 'timeout': await new Promise((r) => setTimeout(r, 5000)); return 'late';
        case 'exit': process.exit(3);
        case 'exit0': process.exit(0);
        case 'unhandled': Promise.reject(new Error('forgotten')); await new Promise((r) => setTimeout(r, 200)); return 'after';
        case 'uncaught': setTimeout(() => { throw new RangeError('in a timer'); }, 10); await new Promise((r) => setTimeout(r, 200)); return 'after';
        case 'never': return new Promise(() => {});
        default: return { ok: true, pid: process.pid };
      }
    };`;
  beforeAll(() => createFunction(lambda, 'failing', role, code, { Timeout: 1 }));

  async function thenOk(expectCold: boolean, pidBefore?: number): Promise<void> {
    const ok = await invoke('failing', { mode: 'ok' });
    expect(ok.FunctionError).toBeUndefined();
    expect(json(ok.Payload).ok).toBe(true);
    expect(isCold(ok)).toBe(expectCold);
    if (pidBefore !== undefined) expect(json(ok.Payload).pid === pidBefore).toBe(!expectCold);
  }

  it('a thrown error: errorType, errorMessage, trace; the environment is reused', async () => {
    const pid = json((await invoke('failing', { mode: 'ok' })).Payload).pid;
    const out = await invoke('failing', { mode: 'throw' });
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe('Unhandled');
    const err = json(out.Payload);
    expect(err).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad input' });
    expect(err.trace[0]).toBe('TypeError: bad input');
    expect(err.trace[1]).toMatch(/at .*index\.mjs/);
    expect(tail(out.LogResult)).toMatch(/\tERROR\tInvoke Error \t\{"errorType":"TypeError","errorMessage":"bad input","stack":\["TypeError: bad input",/);
    await thenOk(false, pid);
  });

  it('a custom error class and a thrown string keep their shapes', async () => {
    expect(json((await invoke('failing', { mode: 'custom' })).Payload)).toMatchObject({ errorType: 'OrderError', errorMessage: 'no stock' });
    expect(json((await invoke('failing', { mode: 'string' })).Payload)).toEqual({ errorType: 'string', errorMessage: 'just a string', trace: [] });
    await thenOk(false);
  });

  it('a timeout: Sandbox.Timedout, "Task timed out after 1.00 seconds", and the environment is discarded', async () => {
    const out = await invoke('failing', { mode: 'timeout' });
    const id = out.$metadata.requestId;
    expect(out.FunctionError).toBe('Unhandled');
    expect(json(out.Payload)).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${id} Error: Task timed out after 1.00 seconds` });
    expectSameShape(recorded(out), invocationSnapshot('test_lambda_invoke_with_timeout'));
    expect(tail(out.LogResult)).toMatch(new RegExp(`Z ${id} Task timed out after 1.00 seconds\\n`));
    expect(report(out)).toMatch(/\tDuration: 1000.00 ms\tBilled Duration: 1000 ms\t.*\tStatus: timeout\t$/);
    await thenOk(true);
  });

  it('process.exit: Runtime.ExitError with the exit status, or "without providing a reason" for 0', async () => {
    let out = await invoke('failing', { mode: 'exit' });
    expect(out.FunctionError).toBe('Unhandled');
    expect(json(out.Payload)).toEqual({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${out.$metadata.requestId} Error: Runtime exited with error: exit status 3` });
    expect(report(out)).toMatch(/Status: error\tError Type: Runtime.ExitError/);
    await thenOk(true);
    out = await invoke('failing', { mode: 'exit0' });
    expect(json(out.Payload)).toEqual({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${out.$metadata.requestId} Error: Runtime exited without providing a reason` });
    expectSameShape(recorded(out), snapshot('lambda__test_lambda.snapshot.json', 'test_lambda_handler_exit', 'invocation_error'));
    await thenOk(true);
  });

  it('an unhandled rejection: Runtime.UnhandledPromiseRejection, then the runtime restarts', async () => {
    const out = await invoke('failing', { mode: 'unhandled' });
    expect(out.FunctionError).toBe('Unhandled');
    const err = json(out.Payload);
    expect(err).toMatchObject({ errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: 'Error: forgotten' });
    expect(err.trace[0]).toBe('Runtime.UnhandledPromiseRejection: Error: forgotten');
    expect(tail(out.LogResult)).toMatch(/\tERROR\tUnhandled Promise Rejection \t\{"errorType":"Runtime.UnhandledPromiseRejection"/);
    expect(tail(out.LogResult)).toMatch(/Runtime exited with error: exit status 128\nRuntime.ExitError/);
    await thenOk(true);
  });

  it('an uncaught exception in a timer fails the invocation with that error', async () => {
    const out = await invoke('failing', { mode: 'uncaught' });
    expect(json(out.Payload)).toMatchObject({ errorType: 'RangeError', errorMessage: 'in a timer' });
    expect(tail(out.LogResult)).toMatch(/Runtime exited with error: exit status 129/);
    await thenOk(true);
  });

  it('an async handler whose promise never settles: Runtime.NodeJsExit', async () => {
    const out = await invoke('failing', { mode: 'never' });
    expect(json(out.Payload)).toMatchObject({ errorType: 'Runtime.NodeJsExit' });
    await thenOk(false);
  });

  it('running out of memory: Runtime.OutOfMemory, "signal: killed", Max Memory Used at the limit', async () => {
    await createFunction(lambda, 'hungry', role, `const keep = []; export const handler = async (e) => { if (e.eat) for (;;) keep.push(new Array(1e6).fill(Math.random())); return 'fine'; };`, {
      Timeout: 30,
      MemorySize: 128,
    });
    const out = await invoke('hungry', { eat: true });
    expect(out.FunctionError).toBe('Unhandled');
    expect(json(out.Payload)).toEqual({ errorType: 'Runtime.OutOfMemory', errorMessage: `RequestId: ${out.$metadata.requestId} Error: Runtime exited with error: signal: killed` });
    expect(report(out)).toMatch(/Max Memory Used: 128 MB\t(Init Duration: [\d.]+ ms\t)?Status: error\tError Type: Runtime.OutOfMemory/);
    const ok = await invoke('hungry', {});
    expect([json(ok.Payload), isCold(ok)]).toEqual(['fine', true]);
  });

  it('a missing handler: Runtime.HandlerNotFound; fixed with UpdateFunctionConfiguration', async () => {
    await createFunction(lambda, 'no-handler', role, `export const main = async () => 'main';`, { Handler: 'index.nothere' });
    const out = await invoke('no-handler');
    expect(out.FunctionError).toBe('Unhandled');
    expect(json(out.Payload)).toMatchObject({ errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.nothere is undefined or not exported' });
    expect(tail(out.LogResult)).toMatch(/INIT_REPORT Init Duration: [\d.]+ ms\tPhase: init\tStatus: error\tError Type: Runtime.HandlerNotFound/);
    await lambda.send(new Lambda.UpdateFunctionConfigurationCommand({ FunctionName: 'no-handler', Handler: 'index.main' }));
    expect(json((await invoke('no-handler')).Payload)).toBe('main');
  });

  it('a missing module: Runtime.ImportModuleError', async () => {
    await createFunction(lambda, 'no-module', role, { 'index.js': `require('left-pad'); exports.handler = async () => 1;` });
    const out = await invoke('no-module');
    expect(json(out.Payload)).toMatchObject({ errorType: 'Runtime.ImportModuleError', errorMessage: expect.stringMatching(/^Error: Cannot find module 'left-pad'/) });
    await lambda.send(new Lambda.UpdateFunctionCodeCommand({ FunctionName: 'no-module', ZipFile: zip({ 'index.js': `exports.handler = async () => 'fixed';` }) }));
    expect(json((await invoke('no-module')).Payload)).toBe('fixed');
  });

  it('a syntax error at import: Runtime.UserCodeSyntaxError; an error thrown at import keeps its type', async () => {
    await createFunction(lambda, 'syntax', role, `export const handler = async () => { return 1 +; };`);
    const out = await invoke('syntax');
    expect(json(out.Payload)).toMatchObject({ errorType: 'Runtime.UserCodeSyntaxError', errorMessage: expect.stringMatching(/^SyntaxError: /) });
    await createFunction(lambda, 'init-throws', role, `throw new Error('no config'); export const handler = async () => 1;`);
    expect(json((await invoke('init-throws')).Payload)).toMatchObject({ errorType: 'Error', errorMessage: 'no config' });
    await lambda.send(new Lambda.UpdateFunctionCodeCommand({ FunctionName: 'syntax', ZipFile: zip({ 'index.mjs': `export const handler = async () => 'parsed';` }) }));
    expect(json((await invoke('syntax')).Payload)).toBe('parsed');
  });
});

describe('concurrency', () => {
  const sleeper = `export const handler = async (e) => { await new Promise((r) => setTimeout(r, e.ms ?? 300)); return process.pid; };`;

  it('concurrent invocations get more environments, bounded by the concurrency', async () => {
    await createFunction(lambda, 'parallel', role, sleeper);
    const outs = await Promise.all(Array.from({ length: 6 }, () => invoke('parallel', { ms: 400 })));
    expect(outs.every((o) => o.StatusCode === 200 && !o.FunctionError)).toBe(true);
    const pids = new Set(outs.map((o) => json(o.Payload)));
    expect(pids.size).toBeGreaterThan(1);
    expect(pids.size).toBeLessThanOrEqual(6);
    const envs = (await (await fetch(`${emu.url}/_awslings/lambda/environments`)).json()) as { environments: { functionName: string }[] };
    expect(envs.environments.filter((e) => e.functionName === 'parallel').length).toBe(pids.size);
  });

  it('reserved concurrency throttles with TooManyRequestsException (ReservedFunctionConcurrentInvocationLimitExceeded)', async () => {
    await createFunction(lambda, 'reserved', role, sleeper);
    await lambda.send(new Lambda.PutFunctionConcurrencyCommand({ FunctionName: 'reserved', ReservedConcurrentExecutions: 1 }));
    const first = invoke('reserved', { ms: 1500 });
    // Wait until the first invocation holds the one environment.
    await eventually(async () => {
      const body = (await (await fetch(`${emu.url}/_awslings/lambda/environments`)).json()) as { environments: { functionName: string; state: string }[] };
      return body.environments.some((e) => e.functionName === 'reserved' && e.state !== 'idle');
    });
    await expect(invoke('reserved', { ms: 10 })).rejects.toMatchObject({
      name: 'TooManyRequestsException',
      message: 'Rate Exceeded.',
      Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
      Type: 'User',
      $metadata: { httpStatusCode: 429 },
    });
    expect((await first).StatusCode).toBe(200);
    await lambda.send(new Lambda.PutFunctionConcurrencyCommand({ FunctionName: 'reserved', ReservedConcurrentExecutions: 0 }));
    await expect(invoke('reserved')).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    await lambda.send(new Lambda.DeleteFunctionConcurrencyCommand({ FunctionName: 'reserved' }));
    expect((await invoke('reserved', { ms: 1 })).StatusCode).toBe(200);
  });
});

describe('the execution role', () => {
  it('a function whose role lacks ses:SendEmail gets AccessDenied from inside the function', async () => {
    const limited = await executionRole(iam, 'no-ses', { managed: [BASIC_EXECUTION] });
    await createFunction(
      lambda,
      'mailer',
      limited,
      `import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
       export const handler = async () => {
         try {
           await new SESClient({}).send(new SendEmailCommand({ Source: 'a@example.com', Destination: { ToAddresses: ['b@example.com'] }, Message: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } } }));
           return 'sent';
         } catch (e) { return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode }; }
       };`,
      { Timeout: 20 },
    );
    const out = await invoke('mailer');
    expect(json(out.Payload)).toEqual({
      name: 'AccessDenied',
      message: expect.stringMatching(/^User: arn:aws:sts::000000000000:assumed-role\/no-ses\/mailer is not authorized to perform: ses:SendEmail on resource: /),
      status: 403,
    });
  });
});

describe('a role that goes away', () => {
  it('a new environment cannot start: Invoke fails as CreateFunction would', async () => {
    const doomed = await executionRole(iam, 'short-lived');
    await createFunction(lambda, 'orphan', doomed, `export const handler = async () => 1;`);
    await iam.send(new IAM.DeleteRoleCommand({ RoleName: 'short-lived' }));
    await expect(invoke('orphan')).rejects.toMatchObject({ name: 'InvalidParameterValueException', message: 'The role defined for the function cannot be assumed by Lambda.' });
    await iam.send(new IAM.CreateRoleCommand({ RoleName: 'short-lived', AssumeRolePolicyDocument: LAMBDA_TRUST }));
    expect(json((await invoke('orphan')).Payload)).toBe(1);
  });
});

describe('environments: cold start, warm reuse, reclaim after idle, cold again', () => {
  let idle: TestEmulator;
  afterAll(() => idle?.close());

  it('reads it all from REPORT lines and from /_awslings/lambda/environments', async () => {
    idle = await startTestEmulator({ services: { lambda: { idleSeconds: 3 } } });
    const iam2 = new IAM.IAMClient(idle.config());
    const l2 = new Lambda.LambdaClient(idle.config());
    const r = await executionRole(iam2, 'idle-role');
    await createFunction(l2, 'idler', r, `export const handler = async () => 'hi';`);
    const call = () => l2.send(new Lambda.InvokeCommand({ FunctionName: 'idler', LogType: 'Tail' }));
    const streamOf = (o: Lambda.InvocationResponse) => tail(o.LogResult);

    const cold = await call();
    const warm = await call();
    expect(isCold(cold)).toBe(true);
    expect(isCold(warm)).toBe(false);
    const envs = async () => ((await (await fetch(`${idle.url}/_awslings/lambda/environments?accountId=000000000000`)).json()) as any);
    const before = await envs();
    expect(before.environments).toHaveLength(1);
    expect(before.environments[0]).toMatchObject({ functionName: 'idler', version: '$LATEST', state: 'idle', invocations: 2 });
    expect(before.invocations.filter((i: any) => i.functionName === 'idler').map((i: any) => i.cold)).toEqual([true, false]);
    expect(before.invocations[0].initDurationMs).toBeGreaterThan(0);
    expect(before.invocations[1].initDurationMs).toBeUndefined();

    await eventually(async () => (await envs()).environments.length === 0, 10_000, 100);
    const again = await call();
    expect(isCold(again)).toBe(true);
    expect(streamOf(again)).not.toBe(streamOf(cold));
    const after = await envs();
    expect(after.environments[0].id).not.toBe(before.environments[0].id);
    expect(after.environments[0].logStreamName).not.toBe(before.environments[0].logStreamName);
  });
});

describe('what a function can import', () => {
  let inProject: TestEmulator | undefined;
  let dir: string | undefined;
  afterAll(async () => {
    await inProject?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('only its own files and the SDK, even when the state directory sits inside a project with node_modules', async () => {
    // The default state directory is .awslings/state in the project: the project's node_modules is above the code.
    mkdirSync(join(ROOT, '.awslings'), { recursive: true });
    dir = mkdtempSync(join(ROOT, '.awslings', 'test-lambda-imports-'));
    inProject = await startTestEmulator({ stateDir: dir });
    const iam3 = new IAM.IAMClient(inProject.config());
    const l3 = new Lambda.LambdaClient(inProject.config());
    const r = await executionRole(iam3, 'imports-role');
    await createFunction(l3, 'esm-import', r, `import { zipSync } from 'fflate'; export const handler = async () => typeof zipSync;`);
    await createFunction(l3, 'cjs-import', r, { 'index.js': `const yaml = require('yaml'); exports.handler = async () => typeof yaml;` });
    await createFunction(l3, 'own-modules', r, {
      'index.mjs': `import { zipSync } from 'fflate'; import { STSClient } from '@aws-sdk/client-sts'; export const handler = async () => [zipSync(), typeof STSClient];`,
      'node_modules/fflate/package.json': '{"name":"fflate","type":"module","exports":"./index.js"}',
      'node_modules/fflate/index.js': `export const zipSync = () => 'bundled';`,
    });
    const call = async (name: string) => (await l3.send(new Lambda.InvokeCommand({ FunctionName: name }))).Payload;
    expect(json(await call('esm-import'))).toMatchObject({ errorType: 'Error', errorMessage: expect.stringMatching(/^Cannot find package 'fflate' imported from /) });
    expect(json(await call('cjs-import'))).toMatchObject({ errorType: 'Runtime.ImportModuleError', errorMessage: expect.stringMatching(/^Error: Cannot find module 'yaml'/) });
    expect(json(await call('own-modules'))).toEqual(['bundled', 'function']);
  });
});
