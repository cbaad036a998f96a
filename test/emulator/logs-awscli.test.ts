import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { AWS_CLI, aws, requireAwsCli } from '../helpers/awscli.js';

let emu: TestEmulator;

beforeAll(async () => {
  requireAwsCli();
  emu = await startTestEmulator();
});
afterAll(() => emu?.close());

describe('AWS CLI v2 against CloudWatch Logs', () => {
  it('groups, retention, streams, put/get/filter events, and `aws logs tail`', { timeout: 60_000 }, async () => {
    const cli = (args: string[]) => aws(emu.url, ['logs', ...args]);
    await cli(['create-log-group', '--log-group-name', '/course/app', '--tags', 'lab=logs']);
    await cli(['put-retention-policy', '--log-group-name', '/course/app', '--retention-in-days', '7']);
    await cli(['create-log-stream', '--log-group-name', '/course/app', '--log-stream-name', 'web']);
    const now = Date.now();
    const put = await cli([
      'put-log-events', '--log-group-name', '/course/app', '--log-stream-name', 'web',
      '--log-events', `timestamp=${now - 2000},message="INFO started"`, `timestamp=${now - 1000},message="ERROR disk full"`, `timestamp=${now},message="INFO done"`,
    ]);
    expect(put.nextSequenceToken).toMatch(/^\d{56}$/);

    const groups = await cli(['describe-log-groups', '--log-group-name-prefix', '/course']);
    expect(groups.logGroups).toEqual([expect.objectContaining({ logGroupName: '/course/app', retentionInDays: 7, storedBytes: 36 })]);
    const streams = await cli(['describe-log-streams', '--log-group-name', '/course/app', '--order-by', 'LastEventTime', '--descending']);
    expect(streams.logStreams[0]).toMatchObject({ logStreamName: 'web', firstEventTimestamp: now - 2000, lastEventTimestamp: now });

    const got = await cli(['get-log-events', '--log-group-name', '/course/app', '--log-stream-name', 'web', '--start-from-head']);
    expect(got.events.map((e: { message: string }) => e.message)).toEqual(['INFO started', 'ERROR disk full', 'INFO done']);
    const errors = await cli(['filter-log-events', '--log-group-name', '/course/app', '--filter-pattern', 'ERROR']);
    expect(errors.events.map((e: { message: string }) => e.message)).toEqual(['ERROR disk full']);

    // `aws logs tail` reads with FilterLogEvents and prints text.
    const { stdout } = await promisify(execFile)(
      AWS_CLI,
      ['--endpoint-url', emu.url, 'logs', 'tail', '/course/app', '--since', '1h', '--format', 'short', '--filter-pattern', '?ERROR ?done'],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_PAGER: '' }, timeout: 30_000 },
    );
    expect(stdout.trim().split('\n').map((l) => l.replace(/^\S+\s+/, ''))).toEqual(['ERROR disk full', 'INFO done']);

    await cli(['delete-log-group', '--log-group-name', '/course/app']);
    await expect(cli(['describe-log-streams', '--log-group-name', '/course/app'])).rejects.toThrow(/ResourceNotFoundException.*The specified log group does not exist\./);
  });
});
