import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as L from '@aws-sdk/client-cloudwatch-logs';
import * as IAM from '@aws-sdk/client-iam';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { expectSameShape, plainOutput, snapshot } from '../helpers/snapshots.js';

const GROUPS = 'logs__test_logs_groups.snapshot.json';
const EVENTS = 'logs__test_logs_events.snapshot.json';
let emu: TestEmulator;
let logs: L.CloudWatchLogsClient;
let offset = 0;
const clock = { now: () => Date.now() + offset };
const DAY = 86_400_000;

/** Snapshot words AWS's recordings use for normalised values count as "any value". */
const normalised = (snap: unknown): unknown =>
  JSON.parse(JSON.stringify(snap), (_k, v) => (['timestamp', 'too-old-log-event-end-index', 'too-new-log-event-start-index'].includes(v) ? '<any>' : v));

/** A boto-recorded error (code and message) against an SDK error. */
function expectError(err: any, file: string, test: string, key: string): void {
  const e = (snapshot(file, test, key) as { Error: { Code: string; Message: string } }).Error;
  expect(err.name).toBe(e.Code);
  expect(err.message).toBe(e.Message);
  expect(err.$metadata.httpStatusCode).toBe(400);
}

async function group(name: string, streams: string[] = []): Promise<void> {
  await logs.send(new L.CreateLogGroupCommand({ logGroupName: name }));
  for (const s of streams) await logs.send(new L.CreateLogStreamCommand({ logGroupName: name, logStreamName: s }));
}
const put = (logGroupName: string, logStreamName: string, events: [number, string][]) =>
  logs.send(new L.PutLogEventsCommand({ logGroupName, logStreamName, logEvents: events.map(([timestamp, message]) => ({ timestamp, message })) }));
const filter = async (logGroupName: string, filterPattern: string, extra: Partial<L.FilterLogEventsRequest> = {}) =>
  (await logs.send(new L.FilterLogEventsCommand({ logGroupName, filterPattern, ...extra }))).events!.map((e) => e.message);

beforeAll(async () => {
  emu = await startTestEmulator({ clock });
  logs = new L.CloudWatchLogsClient(emu.config());
});
afterAll(() => emu.close());

describe('CloudWatch Logs: groups', () => {
  it('CreateLogGroup, DescribeLogGroups by prefix, in AWS\'s shape', async () => {
    for (let i = 0; i < 3; i++) await group(`test-prefix-abc-group-${i}`);
    const res = await logs.send(new L.DescribeLogGroupsCommand({ logGroupNamePrefix: 'test-prefix-abc' }));
    expectSameShape(plainOutput(res), normalised(snapshot(GROUPS, 'test_describe_log_groups_with_prefix', 'describe-log-groups-prefix')));
    expect(res.logGroups![0]).toMatchObject({
      logGroupName: 'test-prefix-abc-group-0',
      arn: 'arn:aws:logs:us-east-1:000000000000:log-group:test-prefix-abc-group-0:*',
      logGroupArn: 'arn:aws:logs:us-east-1:000000000000:log-group:test-prefix-abc-group-0',
      storedBytes: 0,
    });
  });

  it('searches by pattern (case-insensitive), lists groups, and refuses prefix with pattern', async () => {
    await group('test-pattern-XyZ42');
    const res = await logs.send(new L.DescribeLogGroupsCommand({ logGroupNamePattern: 'xyz42' }));
    // AWS adds a nextToken to pattern searches even when there is no next page; the sandbox does not.
    const { nextToken: _, ...recorded } = normalised(snapshot(GROUPS, 'test_describe_log_groups_with_pattern', 'describe-log-groups-pattern')) as Record<string, unknown>;
    expectSameShape(plainOutput(res), recorded);
    expectSameShape(plainOutput(await logs.send(new L.ListLogGroupsCommand({ logGroupNamePattern: 'no-such-group' }))), snapshot(GROUPS, 'test_list_log_groups_with_pattern', 'list-log-groups-no-match'));
    const listed = await logs.send(new L.ListLogGroupsCommand({ logGroupNamePattern: 'XYZ' }));
    expect(listed.logGroups).toEqual([{ logGroupName: 'test-pattern-XyZ42', logGroupArn: 'arn:aws:logs:us-east-1:000000000000:log-group:test-pattern-XyZ42', logGroupClass: 'STANDARD' }]);
    const err = await logs.send(new L.DescribeLogGroupsCommand({ logGroupNamePattern: 'x', logGroupNamePrefix: 'x' })).catch((e) => e);
    expectError(err, GROUPS, 'test_describe_log_groups_prefix_and_pattern_error', 'error-prefix-and-pattern');
  });

  it('paginates DescribeLogGroups with limit and nextToken', async () => {
    for (let i = 0; i < 5; i++) await group(`paged-${i}`);
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const res = await logs.send(new L.DescribeLogGroupsCommand({ logGroupNamePrefix: 'paged-', limit: 2, nextToken }));
      expect(res.logGroups!.length).toBeLessThanOrEqual(2);
      names.push(...res.logGroups!.map((g) => g.logGroupName!));
      nextToken = res.nextToken;
    } while (nextToken);
    expect(names).toEqual(['paged-0', 'paged-1', 'paged-2', 'paged-3', 'paged-4']);
  });

  it('refuses duplicates and bad names with AWS\'s errors; DeleteLogGroup', async () => {
    await group('dup');
    expectError(await logs.send(new L.CreateLogGroupCommand({ logGroupName: 'dup' })).catch((e) => e), GROUPS, 'test_create_log_group_duplicate_error', 'error-duplicate-log-group');
    expectError(await logs.send(new L.CreateLogGroupCommand({ logGroupName: 'a'.repeat(513) })).catch((e) => e), GROUPS, 'test_create_log_group_invalid_name_length', 'error-invalid-name-length');
    await expect(logs.send(new L.CreateLogGroupCommand({ logGroupName: 'has space' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await logs.send(new L.DeleteLogGroupCommand({ logGroupName: 'dup' }));
    const gone = await logs.send(new L.DeleteLogGroupCommand({ logGroupName: 'dup' })).catch((e) => e);
    expect(gone).toMatchObject({ name: 'ResourceNotFoundException', message: 'The specified log group does not exist.' });
  });

  it('tags: at creation, TagLogGroup/UntagLogGroup, and TagResource/ListTagsForResource by ARN', async () => {
    await logs.send(new L.CreateLogGroupCommand({ logGroupName: 'tagged', tags: { env: 'testing1' } }));
    expectSameShape(plainOutput(await logs.send(new L.ListTagsLogGroupCommand({ logGroupName: 'tagged' }))), snapshot(GROUPS, 'test_tag_resource_api', 'list-tags-after-create'));
    const arn = (await logs.send(new L.DescribeLogGroupsCommand({ logGroupNamePrefix: 'tagged' }))).logGroups![0].arn!;
    await logs.send(new L.TagResourceCommand({ resourceArn: arn.replace(/:\*$/, ''), tags: { test1: 'val1', test2: 'val2' } }));
    expectSameShape(plainOutput(await logs.send(new L.ListTagsForResourceCommand({ resourceArn: arn.replace(/:\*$/, '') }))), snapshot(GROUPS, 'test_tag_resource_api', 'list-tags-for-resource-after-tag-resource'));
    await logs.send(new L.TagLogGroupCommand({ logGroupName: 'tagged', tags: { test3: 'val3' } }));
    expectSameShape(plainOutput(await logs.send(new L.ListTagsLogGroupCommand({ logGroupName: 'tagged' }))), snapshot(GROUPS, 'test_tag_resource_api', 'list-tags-log-group-after-tag-log-group'));
    await logs.send(new L.UntagLogGroupCommand({ logGroupName: 'tagged', tags: ['test3', 'env'] }));
    await logs.send(new L.UntagResourceCommand({ resourceArn: arn.replace(/:\*$/, ''), tagKeys: ['test1'] }));
    expectSameShape(plainOutput(await logs.send(new L.ListTagsLogGroupCommand({ logGroupName: 'tagged' }))), snapshot(GROUPS, 'test_tag_resource_api', 'list-tags-log-group-after-untag'));
  });
});

describe('CloudWatch Logs: streams and events', () => {
  it('PutLogEvents without sequence tokens, and its errors', async () => {
    await group('events', ['s1']);
    const now = clock.now();
    const res = await put('events', 's1', [[now, 'hello'], [now, 'world']]);
    expect(res.nextSequenceToken).toMatch(/^\d{56}$/);
    expect(res.rejectedLogEventsInfo).toBeUndefined();
    expectError(await put('events', 's1', [[now, 'Message 0'], [now - 2 * DAY, 'Message 1']]).catch((e) => e), EVENTS, 'test_put_log_events_wrong_order', 'error-wrong-order');
    expectError(await put('events', 'invalid-stream', [[now, 'x']]).catch((e) => e), EVENTS, 'test_put_log_events_to_invalid_stream', 'error-invalid-stream');
    const old = await put('events', 's1', [[now - 30 * DAY, 'Old message']]);
    expectSameShape(plainOutput(old), normalised(snapshot(EVENTS, 'test_put_log_events_too_old', 'response-too-old')));
    expect(old.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 0 });
    const future = await put('events', 's1', [[now, 'fine'], [now + DAY, 'Future message']]);
    expectSameShape(plainOutput(future), normalised(snapshot(EVENTS, 'test_put_log_events_too_new', 'response-too-new')));
    expect(future.rejectedLogEventsInfo).toEqual({ tooNewLogEventStartIndex: 1 });
    const stored = await logs.send(new L.GetLogEventsCommand({ logGroupName: 'events', logStreamName: 's1', startFromHead: true }));
    expect(stored.events!.map((e) => e.message)).toEqual(['hello', 'world', 'fine']);
    expect(stored.events![0].ingestionTime).toBeGreaterThanOrEqual(now);
  });

  it('GetLogEvents: the latest events by default, startFromHead, and AWS\'s forward and backward tokens', async () => {
    await group('paging', ['s']);
    const t = clock.now() - 60_000;
    await put('paging', 's', Array.from({ length: 25 }, (_, i) => [t + i * 100, `message ${i}`] as [number, string]));
    const get = (extra: Partial<L.GetLogEventsRequest>) => logs.send(new L.GetLogEventsCommand({ logGroupName: 'paging', logStreamName: 's', ...extra }));
    const tail = await get({ limit: 10 });
    expect(tail.events!.map((e) => e.message)).toEqual(Array.from({ length: 10 }, (_, i) => `message ${15 + i}`));
    expect(tail.nextForwardToken).toMatch(/^f\/\d{56}\/s$/);
    expect(tail.nextBackwardToken).toMatch(/^b\/\d{56}\/s$/);
    // Forward from the tail: nothing more, and the same token back, which is how readers stop.
    const end = await get({ nextToken: tail.nextForwardToken });
    expect(end.events).toEqual([]);
    expect(end.nextForwardToken).toBe(tail.nextForwardToken);
    const earlier = await get({ nextToken: tail.nextBackwardToken, limit: 10 });
    expect(earlier.events!.map((e) => e.message)).toEqual(Array.from({ length: 10 }, (_, i) => `message ${5 + i}`));

    const head = await get({ startFromHead: true, limit: 10 });
    expect(head.events![0].message).toBe('message 0');
    const all: string[] = [];
    let token: string | undefined;
    for (;;) {
      const page = await get({ startFromHead: true, limit: 10, nextToken: token });
      all.push(...page.events!.map((e) => e.message!));
      if (page.nextForwardToken === token) break;
      token = page.nextForwardToken;
    }
    expect(all).toHaveLength(25);
    const ranged = await get({ startTime: t + 500, endTime: t + 800, startFromHead: true });
    expect(ranged.events!.map((e) => e.message)).toEqual(['message 5', 'message 6', 'message 7']);
    const byArn = await logs.send(new L.GetLogEventsCommand({ logGroupIdentifier: 'arn:aws:logs:us-east-1:000000000000:log-group:paging', logStreamName: 's', limit: 1 }));
    expect(byArn.events!.map((e) => e.message)).toEqual(['message 24']);

    expectError(await get({ nextToken: 'invalid-token' }).catch((e) => e), EVENTS, 'test_get_log_events_invalid_token', 'error-invalid-token');
    expectError(await get({ limit: 10001 }).catch((e) => e), EVENTS, 'test_get_log_events_limit_validation', 'error-limit-exceeded');
    const missing = 'test_resource_does_not_exist';
    expectError(await logs.send(new L.GetLogEventsCommand({ logGroupName: 'nope', logStreamName: 'x' })).catch((e) => e), EVENTS, missing, 'error-log-group-does-not-exist');
    expectError(await get({ logStreamName: 'nope' }).catch((e) => e), EVENTS, missing, 'error-log-stream-does-not-exist');
  });

  it('events written out of order across calls are kept in time order', async () => {
    await group('late', ['s']);
    const t = clock.now();
    await put('late', 's', [[t, 'second']]);
    await put('late', 's', [[t - 1000, 'first']]);
    const res = await logs.send(new L.GetLogEventsCommand({ logGroupName: 'late', logStreamName: 's', startFromHead: true }));
    expect(res.events!.map((e) => e.message)).toEqual(['first', 'second']);
  });

  it('DescribeLogStreams: by name or last event time, descending, prefix, pages; DeleteLogStream', async () => {
    await group('streams', ['b', 'a', 'c']);
    const t = clock.now();
    await put('streams', 'c', [[t - 3000, 'x']]);
    await put('streams', 'a', [[t - 2000, 'x']]);
    await put('streams', 'b', [[t - 1000, 'x']]);
    const names = async (extra: Partial<L.DescribeLogStreamsRequest>) =>
      (await logs.send(new L.DescribeLogStreamsCommand({ logGroupName: 'streams', ...extra }))).logStreams!.map((s) => s.logStreamName);
    expect(await names({})).toEqual(['a', 'b', 'c']);
    expect(await names({ orderBy: 'LastEventTime', descending: true })).toEqual(['b', 'a', 'c']);
    expect(await names({ logStreamNamePrefix: 'b' })).toEqual(['b']);
    const first = await logs.send(new L.DescribeLogStreamsCommand({ logGroupName: 'streams', limit: 2 }));
    expect(first.logStreams!.map((s) => s.logStreamName)).toEqual(['a', 'b']);
    expect(await names({ limit: 2, nextToken: first.nextToken })).toEqual(['c']);
    const a = first.logStreams![0];
    expect(a).toMatchObject({ firstEventTimestamp: t - 2000, lastEventTimestamp: t - 2000, arn: 'arn:aws:logs:us-east-1:000000000000:log-group:streams:log-stream:a', storedBytes: 0 });
    await expect(logs.send(new L.DescribeLogStreamsCommand({ logGroupName: 'streams', orderBy: 'LastEventTime', logStreamNamePrefix: 'a' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(logs.send(new L.CreateLogStreamCommand({ logGroupName: 'streams', logStreamName: 'a' }))).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException', message: 'The specified log stream already exists' });
    await logs.send(new L.DeleteLogStreamCommand({ logGroupName: 'streams', logStreamName: 'a' }));
    expect(await names({})).toEqual(['b', 'c']);
  });

  it('retention: refuses invalid periods, deletes events past it, and hides them as they age', async () => {
    await group('retained', ['s']);
    const t = clock.now();
    // One call may not span more than 24 hours.
    await put('retained', 's', [[t - 10 * DAY, 'ten days old']]);
    await put('retained', 's', [[t - 2 * DAY, 'two days old']]);
    await put('retained', 's', [[t, 'fresh']]);
    await expect(logs.send(new L.PutRetentionPolicyCommand({ logGroupName: 'retained', retentionInDays: 2 }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await logs.send(new L.PutRetentionPolicyCommand({ logGroupName: 'retained', retentionInDays: 3 }));
    expect((await logs.send(new L.DescribeLogGroupsCommand({ logGroupNamePrefix: 'retained' }))).logGroups![0].retentionInDays).toBe(3);
    const read = async () => (await logs.send(new L.GetLogEventsCommand({ logGroupName: 'retained', logStreamName: 's', startFromHead: true }))).events!.map((e) => e.message);
    expect(await read()).toEqual(['two days old', 'fresh']);
    offset += 2 * DAY;
    expect(await read()).toEqual(['fresh']);
    expect(await filter('retained', '')).toEqual(['fresh']);
    // Events older than the retention period are refused as expired.
    const res = await put('retained', 's', [[clock.now() - 4 * DAY, 'expired'], [clock.now() - 4 * DAY + 1, 'expired too']]);
    expect(res.rejectedLogEventsInfo).toEqual({ expiredLogEventEndIndex: 1 });
    expect(await read()).toEqual(['fresh']);
    await logs.send(new L.DeleteRetentionPolicyCommand({ logGroupName: 'retained' }));
    expect((await logs.send(new L.DescribeLogGroupsCommand({ logGroupNamePrefix: 'retained' }))).logGroups![0].retentionInDays).toBeUndefined();
  });

  it('keeps at most 10,000 events per stream, dropping the oldest', async () => {
    await group('capped', ['s']);
    const t = clock.now() - 60 * 60_000;
    for (const start of [0, 6000]) {
      await put('capped', 's', Array.from({ length: 6000 }, (_, i) => [t + start + i, `e${start + i}`] as [number, string]));
    }
    const head = await logs.send(new L.GetLogEventsCommand({ logGroupName: 'capped', logStreamName: 's', startFromHead: true, limit: 1 }));
    expect(head.events![0].message).toBe('e2000');
  });
});

describe('CloudWatch Logs: FilterLogEvents', () => {
  beforeAll(async () => {
    await group('app', ['web-1', 'web-2', 'worker']);
    const t = clock.now() - 10_000;
    await put('app', 'web-1', [[t, 'INFO request ok'], [t + 20, 'ERROR request failed: timeout'], [t + 40, '{"level":"error","latency":250,"user":{"id":7}}']]);
    await put('app', 'web-2', [[t + 10, 'WARN slow request'], [t + 30, 'ERROR Exception in thread main'], [t + 50, '{"level":"info","latency":20}']]);
    await put('app', 'worker', [[t + 60, '10.0.0.1 - bob [10/Oct/2000:13:55:36 -0700] "GET /index.html HTTP/1.0" 404 2326']]);
  });

  it('terms, several terms (AND), quoted phrases, ?OR, -exclusion and regular expressions', async () => {
    expect(await filter('app', 'ERROR')).toEqual(['ERROR request failed: timeout', 'ERROR Exception in thread main']);
    expect(await filter('app', 'ERROR request')).toEqual(['ERROR request failed: timeout']);
    expect(await filter('app', '"failed: timeout"')).toEqual(['ERROR request failed: timeout']);
    expect(await filter('app', '?WARN ?Exception')).toEqual(['WARN slow request', 'ERROR Exception in thread main']);
    expect(await filter('app', 'request -ERROR')).toEqual(['INFO request ok', 'WARN slow request']);
    expect(await filter('app', 'error')).toEqual(['{"level":"error","latency":250,"user":{"id":7}}']);
    expect(await filter('app', '%fail(ed|ure)%')).toEqual(['ERROR request failed: timeout']);
  });

  it('JSON patterns and space-delimited patterns', async () => {
    expect(await filter('app', '{ $.level = "error" }')).toEqual(['{"level":"error","latency":250,"user":{"id":7}}']);
    expect(await filter('app', '{ $.latency > 100 }')).toHaveLength(1);
    expect(await filter('app', '{ ($.latency < 100) || ($.user.id = 7) }')).toHaveLength(2);
    expect(await filter('app', '{ $.level = "err*" && $.user NOT EXISTS }')).toEqual([]);
    expect(await filter('app', '[ip, identity, user, timestamp, request, status = 4*, bytes > 1000]')).toHaveLength(1);
    expect(await filter('app', '[..., status = 500, bytes]')).toEqual([]);
    await expect(filter('app', '{ $.level = }')).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('stream names, a name prefix, time ranges, newest first, and pagination', async () => {
    expect(await filter('app', 'ERROR', { logStreamNames: ['web-2'] })).toEqual(['ERROR Exception in thread main']);
    expect(await filter('app', 'request', { logStreamNamePrefix: 'web' })).toEqual(['INFO request ok', 'WARN slow request', 'ERROR request failed: timeout']);
    await expect(filter('app', '', { logStreamNames: ['web-1'], logStreamNamePrefix: 'web' })).rejects.toMatchObject({ name: 'InvalidParameterException' });
    const all = await logs.send(new L.FilterLogEventsCommand({ logGroupName: 'app' }));
    expect(all.events).toHaveLength(7);
    expect(all.searchedLogStreams).toEqual([]);
    expect(all.events![1]).toMatchObject({ logStreamName: 'web-2', message: 'WARN slow request', eventId: expect.stringMatching(/^\d{56}$/) });
    const t0 = all.events![0].timestamp!;
    expect(await filter('app', '', { startTime: t0 + 10, endTime: t0 + 30 })).toEqual(['WARN slow request', 'ERROR request failed: timeout', 'ERROR Exception in thread main']);
    expect((await filter('app', '', { startFromHead: false, limit: 2 }))).toEqual([all.events![6].message, all.events![5].message]);
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await logs.send(new L.FilterLogEventsCommand({ logGroupName: 'app', limit: 3, nextToken }));
      seen.push(...page.events!.map((e) => e.eventId!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(seen).toEqual(all.events!.map((e) => e.eventId));
  });
});

describe('CloudWatch Logs and IAM, and calls from inside the emulator', () => {
  it('a principal without logs:PutLogEvents is refused with AccessDeniedException', async () => {
    await group('locked', ['s']);
    const iam = new IAM.IAMClient(emu.config());
    await iam.send(new IAM.CreateUserCommand({ UserName: 'log-reader' }));
    await iam.send(new IAM.PutUserPolicyCommand({
      UserName: 'log-reader',
      PolicyName: 'read',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['logs:GetLogEvents', 'logs:Describe*'], Resource: 'arn:aws:logs:us-east-1:000000000000:log-group:locked:*' }] }),
    }));
    const key = (await iam.send(new IAM.CreateAccessKeyCommand({ UserName: 'log-reader' }))).AccessKey!;
    const asUser = new L.CloudWatchLogsClient(emu.config({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }));
    await expect(asUser.send(new L.GetLogEventsCommand({ logGroupName: 'locked', logStreamName: 's' }))).resolves.toHaveProperty('events');
    const err = await asUser.send(new L.PutLogEventsCommand({ logGroupName: 'locked', logStreamName: 's', logEvents: [{ timestamp: clock.now(), message: 'x' }] })).catch((e) => e);
    expect(err).toMatchObject({ name: 'AccessDeniedException' });
    expect(err.message).toContain('is not authorized to perform: logs:PutLogEvents on resource: arn:aws:logs:us-east-1:000000000000:log-group:locked:log-stream:s');
  });

  it('CreateLogGroup, CreateLogStream and PutLogEvents through emulator.call, as Lambda writes', async () => {
    const call = (op: string, input: object) => emu.emulator.call('logs', op, input, { accountId: '000000000000', region: 'us-east-1' });
    await call('CreateLogGroup', { logGroupName: '/aws/lambda/hello' });
    await call('CreateLogStream', { logGroupName: '/aws/lambda/hello', logStreamName: '2024/01/01/[$LATEST]abc' });
    await call('PutLogEvents', { logGroupName: '/aws/lambda/hello', logStreamName: '2024/01/01/[$LATEST]abc', logEvents: [{ timestamp: clock.now(), message: 'START RequestId: 1 Version: $LATEST' }] });
    await expect(call('CreateLogGroup', { logGroupName: '/aws/lambda/hello' })).rejects.toMatchObject({ code: 'ResourceAlreadyExistsException' });
    expect(await filter('/aws/lambda/hello', '"RequestId: 1"')).toEqual(['START RequestId: 1 Version: $LATEST']);
  });
});
