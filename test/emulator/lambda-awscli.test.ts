import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { aws, requireAwsCli } from '../helpers/awscli.js';
import { BASIC_EXECUTION, eventually, LAMBDA_TRUST, zip } from '../helpers/lambda.js';

let emu: TestEmulator;
let dir: string;

beforeAll(async () => {
  requireAwsCli();
  emu = await startTestEmulator();
  dir = mkdtempSync(join(tmpdir(), 'awslings-lambda-cli-'));
});
afterAll(async () => {
  await emu?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('AWS CLI v2: a function from a zip, invoked both ways, and its logs', () => {
  const cli = (...args: string[]) => aws(emu.url, args);
  const outFile = () => join(dir, 'out.json');

  it('create-function from a zip, then the function-active-v2 waiter', async () => {
    const role = await cli('iam', 'create-role', '--role-name', 'cli-fn-role', '--assume-role-policy-document', LAMBDA_TRUST);
    await cli('iam', 'attach-role-policy', '--role-name', 'cli-fn-role', '--policy-arn', BASIC_EXECUTION);
    const zipPath = join(dir, 'function.zip');
    writeFileSync(zipPath, zip({ 'index.mjs': `export const handler = async (event) => { console.log('got', JSON.stringify(event)); return { hello: event.name ?? 'world' }; };` }));
    const created = await cli(
      'lambda', 'create-function',
      '--function-name', 'cli-hello',
      '--runtime', 'nodejs20.x',
      '--role', role.Role.Arn,
      '--handler', 'index.handler',
      '--zip-file', `fileb://${zipPath}`,
    );
    expect(created).toMatchObject({ FunctionName: 'cli-hello', State: 'Pending', Runtime: 'nodejs20.x', PackageType: 'Zip' });
    // The CLI's waiter polls GetFunction until State is Active.
    await cli('lambda', 'wait', 'function-active-v2', '--function-name', 'cli-hello');
  });

  it('invoke (RequestResponse) writes the result to a file and returns the log tail', async () => {
    const sync = await cli(
      'lambda', 'invoke',
      '--function-name', 'cli-hello',
      '--cli-binary-format', 'raw-in-base64-out',
      '--payload', '{"name":"cli"}',
      '--log-type', 'Tail',
      outFile(),
    );
    expect(sync).toMatchObject({ StatusCode: 200, ExecutedVersion: '$LATEST' });
    expect(JSON.parse(readFileSync(outFile(), 'utf8'))).toEqual({ hello: 'cli' });
    const logTail = Buffer.from(sync.LogResult, 'base64').toString('utf8');
    expect(logTail).toMatch(/START RequestId: \S+ Version: \$LATEST/);
    expect(logTail).toMatch(/\tINFO\tgot {"name":"cli"}/);
    expect(logTail).toMatch(/REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB/);
  });

  it('invoke --invocation-type Event answers 202 with an empty payload', async () => {
    const event = await cli('lambda', 'invoke', '--function-name', 'cli-hello', '--invocation-type', 'Event', '--cli-binary-format', 'raw-in-base64-out', '--payload', '{"name":"later"}', outFile());
    expect(event.StatusCode).toBe(202);
    expect(readFileSync(outFile(), 'utf8')).toBe('');
  });

  it('both invocations are in CloudWatch Logs (logs filter-log-events)', async () => {
    const messages = await eventually(async () => {
      const found = await cli('logs', 'filter-log-events', '--log-group-name', '/aws/lambda/cli-hello');
      const text: string[] = found.events.map((e: { message: string }) => e.message);
      return text.some((m) => m.includes('got {"name":"later"}')) && text.filter((m) => m.startsWith('REPORT')).length === 2 ? text : undefined;
    }, 15_000, 200);
    expect(messages.filter((m) => m.startsWith('START RequestId:'))).toHaveLength(2);
    expect(messages.some((m) => m.includes('got {"name":"cli"}'))).toBe(true);
  });

  it('delete-function', async () => {
    await cli('lambda', 'delete-function', '--function-name', 'cli-hello');
    await expect(cli('lambda', 'get-function', '--function-name', 'cli-hello')).rejects.toThrow(/ResourceNotFoundException/);
  });
});
