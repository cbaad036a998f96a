import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as IAM from '@aws-sdk/client-iam';
import * as Lambda from '@aws-sdk/client-lambda';
import * as S3 from '@aws-sdk/client-s3';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { expectSameShape, plainOutput, snapshot } from '../helpers/snapshots.js';
import { createFunction, eventually, executionRole, json, LAMBDA_TRUST, tail, zip } from '../helpers/lambda.js';
import { checkInvokePermission, invokeFunction } from '../../src/emulator/services/lambda/index.js';

let emu: TestEmulator;
let iam: IAM.IAMClient;
let lambda: Lambda.LambdaClient;
let role: string;

const ACCOUNT = '000000000000';
const arn = (name: string, q?: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}${q ? `:${q}` : ''}`;
const ECHO = `export const handler = async (event) => ({ version: process.env.AWS_LAMBDA_FUNCTION_VERSION, event });`;

beforeAll(async () => {
  emu = await startTestEmulator();
  iam = new IAM.IAMClient(emu.config());
  lambda = new Lambda.LambdaClient(emu.config());
  role = await executionRole(iam, 'api-role');
});
afterAll(() => emu?.close());

/** LocalStack's snapshots write some normalised values (dates, hashes) as plain words; they stand for any value. */
function dated<T>(v: T): T {
  return JSON.parse(JSON.stringify(v), (_k, x) => (['date', 'datetime', 'timestamp', 'code-sha256'].includes(x) ? '<normalised>' : x)) as T;
}

const snap = (file: string, test: string, key: string) => dated(snapshot(file, test, key));

/** A snapshot entry that wraps the response (LocalStack's create helper records it so), without its metadata. */
function inner(file: string, test: string, key: string, member: string): Record<string, unknown> {
  const { ResponseMetadata: _m, ...rest } = snap(file, test, key)[member] as Record<string, unknown>;
  return rest;
}

describe('functions', () => {
  it('CreateFunction answers 201 with State Pending in AWS\'s shape; GetFunction then shows Active and Successful', async () => {
    const created = await lambda.send(
      new Lambda.CreateFunctionCommand({
        FunctionName: 'shape',
        Runtime: 'nodejs22.x',
        Role: role,
        Handler: 'lambda_handler_es6.handler',
        Timeout: 30,
        Environment: { Variables: {} },
        Code: { ZipFile: zip({ 'lambda_handler_es6.mjs': ECHO.replace('handler', 'handler') }) },
      }),
    );
    expect(created.$metadata.httpStatusCode).toBe(201);
    expectSameShape(plainOutput(created), inner('lambda__test_lambda_runtimes.snapshot.json', 'test_invoke_nodejs_es6_lambda[nodejs22.x]', 'creation-result', 'CreateFunctionResponse'));
    expect(created).toMatchObject({ State: 'Pending', StateReason: 'The function is being created.', StateReasonCode: 'Creating', FunctionArn: arn('shape') });
    expect(created.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);

    await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'shape' });
    const got = await lambda.send(new Lambda.GetFunctionCommand({ FunctionName: 'shape' }));
    const expected = snap('lambda__test_lambda.snapshot.json', 'TestLambdaBaseFeatures::test_function_state', 'get-fn-response');
    const config = { ...(expected.Configuration as object), Environment: { Variables: {} }, Runtime: 'nodejs22.x', Handler: 'lambda_handler_es6.handler', Timeout: 30 };
    expectSameShape(plainOutput(got), { ...expected, Configuration: config });
    expect(got.Configuration).toMatchObject({ State: 'Active', LastUpdateStatus: 'Successful' });
    expect(got.Configuration!.RevisionId).not.toBe(created.RevisionId);
  });

  it('GetFunction\'s Code.Location downloads the zip, whose SHA-256 is CodeSha256', async () => {
    const got = await lambda.send(new Lambda.GetFunctionCommand({ FunctionName: 'shape' }));
    const res = await fetch(got.Code!.Location!);
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('base64')).toBe(got.Configuration!.CodeSha256);
    expect(bytes.length).toBe(got.Configuration!.CodeSize);
  });

  it('UpdateFunctionConfiguration and UpdateFunctionCode: InProgress, then Successful; the SDK waiter works', async () => {
    const updated = await lambda.send(new Lambda.UpdateFunctionConfigurationCommand({ FunctionName: 'shape', Description: 'Changed-Description', MemorySize: 512, Timeout: 10, Environment: { Variables: { ENV_A: 'a' } } }));
    const lifecycle = snap('lambda__test_lambda_api.snapshot.json', 'TestLambdaFunction::test_function_lifecycle', 'update_func_conf_response');
    expectSameShape(plainOutput(updated), { ...lifecycle, Runtime: 'nodejs22.x', Handler: 'lambda_handler_es6.handler' });
    await Lambda.waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'shape' });
    const cfg = await lambda.send(new Lambda.GetFunctionConfigurationCommand({ FunctionName: 'shape' }));
    expect(cfg).toMatchObject({ LastUpdateStatus: 'Successful', MemorySize: 512, Description: 'Changed-Description', Environment: { Variables: { ENV_A: 'a' } } });
    expect(cfg.LastUpdateStatusReason).toBeUndefined();

    const code = await lambda.send(new Lambda.UpdateFunctionCodeCommand({ FunctionName: 'shape', ZipFile: zip({ 'lambda_handler_es6.mjs': `export const handler = async () => 'v2';` }) }));
    expect(code).toMatchObject({ LastUpdateStatus: 'InProgress', LastUpdateStatusReasonCode: 'Creating' });
    expect(code.CodeSha256).not.toBe(cfg.CodeSha256);
    const out = await lambda.send(new Lambda.InvokeCommand({ FunctionName: 'shape' }));
    expect(json(out.Payload)).toBe('v2');
  });

  it('ListFunctions: sorted, paged with Marker, all versions with FunctionVersion=ALL', async () => {
    for (const n of ['list-b', 'list-a', 'list-c']) await createFunction(lambda, n, role, ECHO);
    await lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'list-a' }));
    const page1 = await lambda.send(new Lambda.ListFunctionsCommand({ MaxItems: 2 }));
    expect(page1.Functions).toHaveLength(2);
    expect(page1.NextMarker).toBeTruthy();
    const all = await lambda.send(new Lambda.ListFunctionsCommand({}));
    const names = all.Functions!.map((f) => f.FunctionName);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['list-a', 'list-b', 'list-c']));
    const versions = await lambda.send(new Lambda.ListFunctionsCommand({ FunctionVersion: 'ALL' }));
    expect(versions.Functions!.filter((f) => f.FunctionName === 'list-a').map((f) => f.Version)).toEqual(['$LATEST', '1']);
    await expect(lambda.send(new Lambda.ListFunctionsCommand({ FunctionVersion: 'invalid' as never }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value 'invalid' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]",
    });
  });

  it('DeleteFunction answers 204; the function is then not found, in AWS\'s words', async () => {
    await createFunction(lambda, 'doomed', role, ECHO);
    const del = await lambda.send(new Lambda.DeleteFunctionCommand({ FunctionName: 'doomed' }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    const err = await lambda.send(new Lambda.GetFunctionCommand({ FunctionName: 'doomed' })).catch((e) => e);
    expect(err).toMatchObject({ name: 'ResourceNotFoundException', message: `Function not found: ${arn('doomed')}`, Type: 'User', $metadata: { httpStatusCode: 404 } });
    await expect(lambda.send(new Lambda.InvokeCommand({ FunctionName: 'doomed' }))).rejects.toMatchObject({ message: `Function not found: ${arn('doomed')}` });
  });

  it('CreateFunction checks the role, the runtime, the zip, the variables and the name', async () => {
    const create = (over: Partial<Lambda.CreateFunctionRequest>) =>
      lambda.send(new Lambda.CreateFunctionCommand({ FunctionName: 'bad', Runtime: 'nodejs20.x', Role: role, Handler: 'index.handler', Code: { ZipFile: zip({ 'index.mjs': ECHO }) }, ...over }));
    await expect(create({ Role: 'r1' })).rejects.toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value 'r1' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+",
    });
    const untrusting = await iam.send(new IAM.CreateRoleCommand({ RoleName: 'ec2-only', AssumeRolePolicyDocument: LAMBDA_TRUST.replace('lambda.amazonaws.com', 'ec2.amazonaws.com') }));
    for (const r of [untrusting.Role!.Arn!, `arn:aws:iam::${ACCOUNT}:role/no-such-role`]) {
      await expect(create({ Role: r })).rejects.toMatchObject({
        name: 'InvalidParameterValueException',
        message: 'The role defined for the function cannot be assumed by Lambda.',
        $metadata: { httpStatusCode: 400 },
      });
    }
    await expect(create({ Runtime: 'nodejs99.x' as never })).rejects.toMatchObject({ name: 'InvalidParameterValueException', message: expect.stringMatching(/^Value nodejs99.x at 'runtime' failed to satisfy constraint/) });
    await expect(create({ Runtime: 'python3.12' })).rejects.toMatchObject({ name: 'InvalidParameterValueException', message: expect.stringMatching(/^awslings: the sandbox runs Node.js functions only/) });
    await expect(create({ Code: { ZipFile: Buffer.from('not a zip') } })).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: 'Could not unzip uploaded file. Please check your file, then try to upload again.',
    });
    await expect(create({ Environment: { Variables: { AWS_REGION: 'x' } } })).rejects.toMatchObject({ message: expect.stringMatching(/Reserved keys used in this request: AWS_REGION$/) });
    await expect(create({ Environment: { Variables: { BIG: 'x'.repeat(5000) } } })).rejects.toMatchObject({ message: expect.stringMatching(/exceeded the 4KB limit\. String measured: \{"BIG":/) });
    await expect(create({ Timeout: 901 })).rejects.toMatchObject({ name: 'ValidationException', message: "1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900" });
    await expect(create({ FunctionName: 'invalid:function:name' })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(create({ FunctionName: 'shape' })).rejects.toMatchObject({ name: 'ResourceConflictException', message: 'Function already exist: shape', $metadata: { httpStatusCode: 409 } });
  });

  it('names a function by name, partial ARN or ARN, and refuses another region\'s ARN', async () => {
    for (const name of ['shape', `${ACCOUNT}:function:shape`, arn('shape')]) {
      expect((await lambda.send(new Lambda.GetFunctionConfigurationCommand({ FunctionName: name }))).FunctionName).toBe('shape');
    }
    await expect(lambda.send(new Lambda.GetFunctionCommand({ FunctionName: 'arn:aws:lambda:eu-west-1:000000000000:function:shape' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')",
    });
    await expect(lambda.send(new Lambda.GetFunctionCommand({ FunctionName: 'shape:1', Qualifier: '2' }))).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: 'The derived qualifier from the function name does not match the specified qualifier.',
    });
  });

  it('takes code from S3 (S3Bucket/S3Key), with S3\'s errors in Lambda\'s words', async () => {
    const s3 = new S3.S3Client({ ...emu.config(), forcePathStyle: true });
    await s3.send(new S3.CreateBucketCommand({ Bucket: 'code-bucket' }));
    await s3.send(new S3.PutObjectCommand({ Bucket: 'code-bucket', Key: 'fn.zip', Body: zip({ 'index.mjs': `export const handler = async () => 'from s3';` }) }));
    const created = await lambda.send(
      new Lambda.CreateFunctionCommand({ FunctionName: 'from-s3', Runtime: 'nodejs20.x', Role: role, Handler: 'index.handler', Code: { S3Bucket: 'code-bucket', S3Key: 'fn.zip' } }),
    );
    expect(created.CodeSize).toBeGreaterThan(0);
    expect(json((await lambda.send(new Lambda.InvokeCommand({ FunctionName: 'from-s3' }))).Payload)).toBe('from s3');
    await s3.send(new S3.PutObjectCommand({ Bucket: 'code-bucket', Key: 'v2.zip', Body: zip({ 'index.mjs': `export const handler = async () => 'v2 from s3';` }) }));
    await lambda.send(new Lambda.UpdateFunctionCodeCommand({ FunctionName: 'from-s3', S3Bucket: 'code-bucket', S3Key: 'v2.zip' }));
    expect(json((await lambda.send(new Lambda.InvokeCommand({ FunctionName: 'from-s3' }))).Payload)).toBe('v2 from s3');
    await expect(lambda.send(new Lambda.UpdateFunctionCodeCommand({ FunctionName: 'from-s3', S3Bucket: 'code-bucket', S3Key: 'missing.zip' }))).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: 'Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.',
    });
    await expect(lambda.send(new Lambda.UpdateFunctionCodeCommand({ FunctionName: 'from-s3', S3Bucket: 'no-such-bucket-here', S3Key: 'x.zip' }))).rejects.toMatchObject({
      message: 'Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist',
    });
  });

  it('InvokeAsync (deprecated) queues an event; POST /_awslings/reset ends the account\'s environments', async () => {
    await createFunction(lambda, 'legacy', role, ECHO);
    const out = await lambda.send(new Lambda.InvokeAsyncCommand({ FunctionName: 'legacy', InvokeArgs: Buffer.from('{"old":true}') }));
    expect(out.Status).toBe(202);
    const envs = async () => ((await (await fetch(`${emu.url}/_awslings/lambda/environments`)).json()) as { environments: unknown[]; invocations: { functionName: string }[] });
    await eventually(async () => (await envs()).invocations.some((i) => i.functionName === 'legacy'));
    expect((await envs()).environments.length).toBeGreaterThan(0);
    const other = new Lambda.LambdaClient(emu.config({ accessKeyId: '111122223333', secretAccessKey: 'x' }));
    const otherRole = await executionRole(new IAM.IAMClient(emu.config({ accessKeyId: '111122223333', secretAccessKey: 'x' })), 'other-role');
    await createFunction(other, 'elsewhere', otherRole, ECHO);
    await other.send(new Lambda.InvokeCommand({ FunctionName: 'elsewhere' }));
    const res = await fetch(`${emu.url}/_awslings/reset`, { method: 'POST', body: JSON.stringify({ accountId: '111122223333' }) });
    expect(res.status).toBe(200);
    const after = (await (await fetch(`${emu.url}/_awslings/lambda/environments?accountId=111122223333`)).json()) as { environments: unknown[] };
    expect(after.environments).toEqual([]);
    await expect(other.send(new Lambda.GetFunctionCommand({ FunctionName: 'elsewhere' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect((await envs()).environments.length).toBeGreaterThan(0);
  });

  it('GetAccountSettings reports limits and usage', async () => {
    const s = await lambda.send(new Lambda.GetAccountSettingsCommand({}));
    expect(Object.keys(s.AccountLimit!).sort()).toEqual(['CodeSizeUnzipped', 'CodeSizeZipped', 'ConcurrentExecutions', 'TotalCodeSize', 'UnreservedConcurrentExecutions']);
    expect(Object.keys(s.AccountUsage!).sort()).toEqual(['FunctionCount', 'TotalCodeSize']);
    expect(s.AccountLimit!.ConcurrentExecutions).toBe(1000);
    expect(s.AccountUsage!.FunctionCount).toBe((await lambda.send(new Lambda.ListFunctionsCommand({}))).Functions!.length);
    await createFunction(lambda, 'sized', role, ECHO);
    const after = await lambda.send(new Lambda.GetAccountSettingsCommand({}));
    const size = (await lambda.send(new Lambda.GetFunctionConfigurationCommand({ FunctionName: 'sized' }))).CodeSize!;
    expect(after.AccountUsage!.TotalCodeSize! - s.AccountUsage!.TotalCodeSize!).toBe(size);
  });
});

describe('versions and aliases', () => {
  beforeAll(async () => {
    await createFunction(lambda, 'versioned', role, ECHO);
  });

  it('PublishVersion snapshots $LATEST; publishing unchanged code returns the same version; old versions keep old code', async () => {
    const v1 = await lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'versioned', Description: 'first' }));
    expect(v1).toMatchObject({ Version: '1', FunctionArn: arn('versioned', '1'), Description: 'first', State: 'Active' });
    expect((await lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'versioned' }))).Version).toBe('1');
    await lambda.send(new Lambda.UpdateFunctionCodeCommand({ FunctionName: 'versioned', ZipFile: zip({ 'index.mjs': `export const handler = async () => ({ version: process.env.AWS_LAMBDA_FUNCTION_VERSION, code: 2 });` }) }));
    const v2 = await lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'versioned' }));
    expect(v2.Version).toBe('2');
    const one = await lambda.send(new Lambda.InvokeCommand({ FunctionName: 'versioned', Qualifier: '1' }));
    expect([one.ExecutedVersion, json(one.Payload).version, json(one.Payload).code]).toEqual(['1', '1', undefined]);
    const two = await lambda.send(new Lambda.InvokeCommand({ FunctionName: arn('versioned', '2') }));
    expect([two.ExecutedVersion, json(two.Payload).code]).toEqual(['2', 2]);
    const list = await lambda.send(new Lambda.ListVersionsByFunctionCommand({ FunctionName: 'versioned' }));
    expect(list.Versions!.map((v) => [v.Version, v.FunctionArn])).toEqual([
      ['$LATEST', arn('versioned', '$LATEST')],
      ['1', arn('versioned', '1')],
      ['2', arn('versioned', '2')],
    ]);
    await expect(lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'versioned', CodeSha256: 'nope' }))).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringMatching(/^CodeSHA256 \(nope\) is different from current CodeSHA256 in \$LATEST/),
    });
    await expect(lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'versioned', RevisionId: 'stale' }))).rejects.toMatchObject({
      name: 'PreconditionFailedException',
      $metadata: { httpStatusCode: 412 },
    });
    await expect(lambda.send(new Lambda.GetFunctionCommand({ FunctionName: 'versioned', Qualifier: '9' }))).rejects.toMatchObject({ message: `Function not found: ${arn('versioned', '9')}` });
  });

  it('aliases: create, get, list, update, delete, in AWS\'s shape', async () => {
    const created = await lambda.send(new Lambda.CreateAliasCommand({ FunctionName: 'versioned', Name: 'live', FunctionVersion: '1', Description: 'custom-alias' }));
    expect(created.$metadata.httpStatusCode).toBe(201);
    expectSameShape(plainOutput(created), { ...snap('lambda__test_lambda_api.snapshot.json', 'test_alias_lifecycle', 'create_alias_2'), FunctionVersion: '1', Name: 'live' });
    expect(created.AliasArn).toBe(arn('versioned', 'live'));
    expect(await lambda.send(new Lambda.GetAliasCommand({ FunctionName: 'versioned', Name: 'live' }))).toMatchObject({ FunctionVersion: '1', RevisionId: created.RevisionId });
    const viaAlias = await lambda.send(new Lambda.GetFunctionCommand({ FunctionName: 'versioned', Qualifier: 'live' }));
    expect(viaAlias.Configuration).toMatchObject({ Version: '1', FunctionArn: arn('versioned', 'live') });
    const updated = await lambda.send(new Lambda.UpdateAliasCommand({ FunctionName: 'versioned', Name: 'live', FunctionVersion: '2' }));
    expect(updated.RevisionId).not.toBe(created.RevisionId);
    expect((await lambda.send(new Lambda.InvokeCommand({ FunctionName: 'versioned', Qualifier: 'live' }))).ExecutedVersion).toBe('2');
    expect((await lambda.send(new Lambda.ListAliasesCommand({ FunctionName: 'versioned' }))).Aliases!.map((a) => a.Name)).toEqual(['live']);
    await expect(lambda.send(new Lambda.CreateAliasCommand({ FunctionName: 'versioned', Name: 'live', FunctionVersion: '1' }))).rejects.toMatchObject({
      name: 'ResourceConflictException',
      message: `Alias already exists: ${arn('versioned', 'live')}`,
    });
    await expect(lambda.send(new Lambda.CreateAliasCommand({ FunctionName: 'versioned', Name: '2024', FunctionVersion: '1' }))).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(lambda.send(new Lambda.UpdateAliasCommand({ FunctionName: 'versioned', Name: 'nope', FunctionVersion: '1' }))).rejects.toMatchObject({
      message: `Alias not found: ${arn('versioned', 'nope')}`,
    });
    await expect(lambda.send(new Lambda.GetAliasCommand({ FunctionName: 'versioned', Name: 'nope' }))).rejects.toMatchObject({
      message: `Cannot find alias arn: ${arn('versioned', 'nope')}`,
    });
    const del = await lambda.send(new Lambda.DeleteAliasCommand({ FunctionName: 'versioned', Name: 'live' }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    expect((await lambda.send(new Lambda.ListAliasesCommand({ FunctionName: 'versioned' }))).Aliases).toEqual([]);
  });

  it('an alias with RoutingConfig weights splits invocations between two versions', async () => {
    await lambda.send(new Lambda.CreateAliasCommand({ FunctionName: 'versioned', Name: 'canary', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } } }));
    const seen = { '1': 0, '2': 0 } as Record<string, number>;
    for (let i = 0; i < 60; i++) seen[(await lambda.send(new Lambda.InvokeCommand({ FunctionName: 'versioned', Qualifier: 'canary' }))).ExecutedVersion!]++;
    // 60 tosses of a fair coin land 15..45 times on one side with probability > 99.99%.
    expect(seen['1']).toBeGreaterThan(15);
    expect(seen['2']).toBeGreaterThan(15);
    const alias = await lambda.send(new Lambda.GetAliasCommand({ FunctionName: 'versioned', Name: 'canary' }));
    expect(alias.RoutingConfig).toEqual({ AdditionalVersionWeights: { '2': 0.5 } });
    const bad = (RoutingConfig: Lambda.AliasRoutingConfiguration, FunctionVersion = '1') =>
      lambda.send(new Lambda.CreateAliasCommand({ FunctionName: 'versioned', Name: 'bad', FunctionVersion, RoutingConfig }));
    await expect(bad({ AdditionalVersionWeights: { '2': 2 } })).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("Value '{2=2.0}' at 'routingConfig.additionalVersionWeights'"),
    });
    await expect(bad({ AdditionalVersionWeights: { '1': 0.5 } })).rejects.toMatchObject({
      message: 'Invalid function version 1. Function version 1 is already included in routing configuration.',
    });
    await expect(bad({ AdditionalVersionWeights: { '2': 0.5 } }, '$LATEST')).rejects.toMatchObject({ message: '$LATEST is not supported for an alias pointing to more than 1 version' });
    await expect(bad({ AdditionalVersionWeights: { '10': 0.5 } })).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: `Function not found: ${arn('versioned', '10')}` });
  });

  it('DeleteFunction with a Qualifier deletes a version, unless an alias uses it', async () => {
    await expect(lambda.send(new Lambda.DeleteFunctionCommand({ FunctionName: 'versioned', Qualifier: '2' }))).rejects.toMatchObject({ name: 'ResourceConflictException' });
    await lambda.send(new Lambda.UpdateFunctionConfigurationCommand({ FunctionName: 'versioned', Timeout: 9 }));
    const v3 = await lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'versioned' }));
    await lambda.send(new Lambda.DeleteFunctionCommand({ FunctionName: 'versioned', Qualifier: v3.Version }));
    await expect(lambda.send(new Lambda.GetFunctionCommand({ FunctionName: 'versioned', Qualifier: v3.Version }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('tags', () => {
  it('TagResource, UntagResource, ListTags, and tags in GetFunction', async () => {
    await createFunction(lambda, 'tagged', role, ECHO, { Tags: { key_a: 'value_a' } });
    expectSameShape(plainOutput(await lambda.send(new Lambda.ListTagsCommand({ Resource: arn('tagged') }))), snap('lambda__test_lambda_api.snapshot.json', 'TestLambdaTags::test_tag_lifecycle', 'list_tags_response_postfncreate'));
    const tagged = await lambda.send(new Lambda.TagResourceCommand({ Resource: arn('tagged'), Tags: { key_b: 'b', key_c: 'c' } }));
    expect(tagged.$metadata.httpStatusCode).toBe(204);
    await lambda.send(new Lambda.UntagResourceCommand({ Resource: arn('tagged'), TagKeys: ['key_c'] }));
    expect((await lambda.send(new Lambda.ListTagsCommand({ Resource: arn('tagged') }))).Tags).toEqual({ key_a: 'value_a', key_b: 'b' });
    expect((await lambda.send(new Lambda.GetFunctionCommand({ FunctionName: 'tagged' }))).Tags).toEqual({ key_a: 'value_a', key_b: 'b' });
    await expect(lambda.send(new Lambda.TagResourceCommand({ Resource: arn('tagged', '$LATEST'), Tags: { x: 'y' } }))).rejects.toMatchObject({
      message: 'Tags on function aliases and versions are not supported. Please specify a function ARN.',
    });
    await expect(lambda.send(new Lambda.ListTagsCommand({ Resource: arn('untagged-nothing') }))).rejects.toMatchObject({ message: `Function not found: ${arn('untagged-nothing')}` });
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    await expect(lambda.send(new Lambda.TagResourceCommand({ Resource: arn('tagged'), Tags: many }))).rejects.toMatchObject({ message: 'Number of tags exceeds resource tag limit.' });
  });
});

describe('permissions and the resource policy', () => {
  it('AddPermission, GetPolicy, RemovePermission in AWS\'s shapes and words', async () => {
    await createFunction(lambda, 'guarded', role, ECHO);
    const added = await lambda.send(
      new Lambda.AddPermissionCommand({ FunctionName: 'guarded', StatementId: 'sqs', Action: 'lambda:InvokeFunction', Principal: 'sqs.amazonaws.com', SourceArn: 'arn:aws:s3:::bucket' }),
    );
    expect(added.$metadata.httpStatusCode).toBe(201);
    const expected = snapshot('lambda__test_lambda_api.snapshot.json', 'test_remove_multi_permissions', 'add_permission_2').Statement;
    expectSameShape(JSON.parse(added.Statement!), expected);
    expect(JSON.parse(added.Statement!)).toEqual({
      Sid: 'sqs',
      Effect: 'Allow',
      Principal: { Service: 'sqs.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: arn('guarded'),
      Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::bucket' } },
    });
    await lambda.send(new Lambda.AddPermissionCommand({ FunctionName: 'guarded', StatementId: 'acct', Action: 'lambda:InvokeFunction', Principal: '111122223333' }));
    const policy = await lambda.send(new Lambda.GetPolicyCommand({ FunctionName: 'guarded' }));
    const doc = JSON.parse(policy.Policy!);
    expect(doc).toMatchObject({ Version: '2012-10-17', Id: 'default' });
    expect(doc.Statement[1].Principal).toEqual({ AWS: 'arn:aws:iam::111122223333:root' });
    await expect(
      lambda.send(new Lambda.AddPermissionCommand({ FunctionName: 'guarded', StatementId: 'sqs', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' })),
    ).rejects.toMatchObject({ name: 'ResourceConflictException', message: 'The statement id (sqs) provided already exists. Please provide a new statement id, or remove the existing statement.' });
    await expect(
      lambda.send(new Lambda.AddPermissionCommand({ FunctionName: 'guarded', StatementId: 'x', Action: 'lambda:InvokeFunction', Principal: 'not a principal' })),
    ).rejects.toMatchObject({ message: 'The provided principal was invalid. Please check the principal and try again.' });
    await expect(
      lambda.send(new Lambda.AddPermissionCommand({ FunctionName: 'guarded', StatementId: 'x', Action: 'lambda:InvokeFunction', Principal: '*', Qualifier: '$LATEST' })),
    ).rejects.toMatchObject({ message: 'We currently do not support adding policies for $LATEST.' });
    await expect(lambda.send(new Lambda.RemovePermissionCommand({ FunctionName: 'guarded', StatementId: 'nope' }))).rejects.toMatchObject({
      message: 'Statement nope is not found in resource policy.',
    });
    await lambda.send(new Lambda.RemovePermissionCommand({ FunctionName: 'guarded', StatementId: 'sqs' }));
    await lambda.send(new Lambda.RemovePermissionCommand({ FunctionName: 'guarded', StatementId: 'acct' }));
    await expect(lambda.send(new Lambda.GetPolicyCommand({ FunctionName: 'guarded' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The resource you requested does not exist.',
    });
  });

  it('IAM enforcement evaluates the function policy: a user allowed by it alone may invoke, others may not', async () => {
    await createFunction(lambda, 'members-only', role, ECHO);
    await createFunction(lambda, 'nobody', role, ECHO);
    await iam.send(new IAM.CreateUserCommand({ UserName: 'caller' }));
    const key = (await iam.send(new IAM.CreateAccessKeyCommand({ UserName: 'caller' }))).AccessKey!;
    const asUser = new Lambda.LambdaClient(emu.config({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }));
    const userArn = `arn:aws:iam::${ACCOUNT}:user/caller`;
    await expect(asUser.send(new Lambda.InvokeCommand({ FunctionName: 'members-only' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
      message: `User: ${userArn} is not authorized to perform: lambda:InvokeFunction on resource: ${arn('members-only')} because no identity-based policy allows the lambda:InvokeFunction action`,
    });
    await lambda.send(new Lambda.AddPermissionCommand({ FunctionName: 'members-only', StatementId: 'caller', Action: 'lambda:InvokeFunction', Principal: userArn }));
    const out = await asUser.send(new Lambda.InvokeCommand({ FunctionName: 'members-only', Payload: Buffer.from('{"hi":1}') }));
    expect(json(out.Payload).event).toEqual({ hi: 1 });
    await expect(asUser.send(new Lambda.InvokeCommand({ FunctionName: 'nobody' }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    // The statement covers the function, not its versions.
    await lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'members-only' }));
    await expect(asUser.send(new Lambda.InvokeCommand({ FunctionName: 'members-only', Qualifier: '1' }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    // Reading the configuration is another action, which nothing allows.
    await expect(asUser.send(new Lambda.GetFunctionCommand({ FunctionName: 'members-only' }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('services invoke with a service principal: checkInvokePermission and invokeFunction apply the policy and its conditions', async () => {
    await createFunction(lambda, 'api-backend', role, ECHO);
    const base = { accountId: ACCOUNT, region: 'us-east-1', functionName: 'api-backend', principal: 'apigateway.amazonaws.com' };
    const sourceArn = `arn:aws:execute-api:us-east-1:${ACCOUNT}:abc123/*/GET/items`;
    await expect(checkInvokePermission(emu.emulator, { ...base, sourceArn })).rejects.toMatchObject({ code: 'AccessDeniedException' });
    await lambda.send(
      new Lambda.AddPermissionCommand({
        FunctionName: 'api-backend',
        StatementId: 'apigw',
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        SourceArn: `arn:aws:execute-api:us-east-1:${ACCOUNT}:abc123/*`,
      }),
    );
    await checkInvokePermission(emu.emulator, { ...base, sourceArn });
    await expect(checkInvokePermission(emu.emulator, { ...base, sourceArn: `arn:aws:execute-api:us-east-1:${ACCOUNT}:other/*/GET/items` })).rejects.toMatchObject({ code: 'AccessDeniedException' });
    await expect(checkInvokePermission(emu.emulator, { ...base, principal: 's3.amazonaws.com', sourceArn })).rejects.toMatchObject({ code: 'AccessDeniedException' });

    const res = await invokeFunction(emu.emulator, { ...base, sourceArn, payload: '{"path":"/items"}', logType: 'Tail' });
    expect(res).toMatchObject({ statusCode: 200, executedVersion: '$LATEST', functionError: undefined });
    expect(JSON.parse(res.payload.toString()).event).toEqual({ path: '/items' });
    expect(tail(res.logResult)).toContain(`START RequestId: ${res.requestId} Version: $LATEST`);
    const queued = await invokeFunction(emu.emulator, { ...base, sourceArn, invocationType: 'Event', payload: '{}' });
    expect(queued.statusCode).toBe(202);
  });
});

describe('event invoke configs', () => {
  it('Put, Get, Update, List and Delete, with AWS\'s limits and messages', async () => {
    await createFunction(lambda, 'eic', role, ECHO);
    const put = await lambda.send(new Lambda.PutFunctionEventInvokeConfigCommand({ FunctionName: 'eic', MaximumRetryAttempts: 0 }));
    expectSameShape(plainOutput(put), snap('lambda__test_lambda_api.snapshot.json', 'test_lambda_eventinvokeconfig_lifecycle', 'put_invokeconfig_retries_0'));
    const aged = await lambda.send(new Lambda.PutFunctionEventInvokeConfigCommand({ FunctionName: 'eic', MaximumEventAgeInSeconds: 60 }));
    expect(aged.MaximumRetryAttempts).toBeUndefined(); // Put replaces
    const updated = await lambda.send(new Lambda.UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'eic', MaximumRetryAttempts: 1 }));
    expectSameShape(plainOutput(updated), snap('lambda__test_lambda_api.snapshot.json', 'test_lambda_eventinvokeconfig_lifecycle', 'update_invokeconfig_retries'));
    const got = await lambda.send(new Lambda.GetFunctionEventInvokeConfigCommand({ FunctionName: 'eic', Qualifier: '$LATEST' }));
    expect(got).toMatchObject({ MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 1, FunctionArn: arn('eic', '$LATEST') });
    expect(got.LastModified).toBeInstanceOf(Date);
    const list = await lambda.send(new Lambda.ListFunctionEventInvokeConfigsCommand({ FunctionName: 'eic' }));
    expectSameShape(plainOutput(list), snap('lambda__test_lambda_api.snapshot.json', 'test_lambda_eventinvokeconfig_lifecycle', 'list_single_invokeconfig'));
    await expect(lambda.send(new Lambda.PutFunctionEventInvokeConfigCommand({ FunctionName: 'eic', MaximumRetryAttempts: 3 }))).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(lambda.send(new Lambda.PutFunctionEventInvokeConfigCommand({ FunctionName: 'eic', MaximumEventAgeInSeconds: 59 }))).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(lambda.send(new Lambda.PutFunctionEventInvokeConfigCommand({ FunctionName: 'eic' }))).rejects.toMatchObject({
      message: 'You must specify at least one of error handling or destination setting.',
    });
    await expect(lambda.send(new Lambda.PutFunctionEventInvokeConfigCommand({ FunctionName: 'nope', MaximumRetryAttempts: 1 }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: "The function doesn't exist.",
    });
    await expect(
      lambda.send(new Lambda.PutFunctionEventInvokeConfigCommand({ FunctionName: 'eic', DestinationConfig: { OnSuccess: { Destination: arn('eic') } } })),
    ).rejects.toMatchObject({ message: "You can't specify the function as a destination for itself." });
    await expect(
      lambda.send(new Lambda.PutFunctionEventInvokeConfigCommand({ FunctionName: 'eic', DestinationConfig: { OnSuccess: { Destination: arn('doesnotexist') } } })),
    ).rejects.toMatchObject({ message: `The destination ARN ${arn('doesnotexist')} is invalid.` });
    await expect(
      lambda.send(new Lambda.PutFunctionEventInvokeConfigCommand({ FunctionName: 'eic', DestinationConfig: { OnFailure: { Destination: `arn:aws:sqs:us-east-1:${ACCOUNT}:q` } } })),
    ).rejects.toMatchObject({ message: `The function execution role does not have permissions to call SendMessage on arn:aws:sqs:us-east-1:${ACCOUNT}:q` });
    const del = await lambda.send(new Lambda.DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'eic' }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    await expect(lambda.send(new Lambda.GetFunctionEventInvokeConfigCommand({ FunctionName: 'eic' }))).rejects.toMatchObject({
      message: `The function ${arn('eic', '$LATEST')} doesn't have an EventInvokeConfig`,
    });
  });
});

describe('concurrency', () => {
  it('PutFunctionConcurrency, GetFunctionConcurrency, DeleteFunctionConcurrency, and the account\'s unreserved minimum', async () => {
    await createFunction(lambda, 'conc', role, ECHO);
    expect((await lambda.send(new Lambda.PutFunctionConcurrencyCommand({ FunctionName: 'conc', ReservedConcurrentExecutions: 5 }))).ReservedConcurrentExecutions).toBe(5);
    expect((await lambda.send(new Lambda.GetFunctionConcurrencyCommand({ FunctionName: 'conc' }))).ReservedConcurrentExecutions).toBe(5);
    expect((await lambda.send(new Lambda.GetFunctionCommand({ FunctionName: 'conc' }))).Concurrency).toEqual({ ReservedConcurrentExecutions: 5 });
    expect((await lambda.send(new Lambda.GetAccountSettingsCommand({}))).AccountLimit!.UnreservedConcurrentExecutions).toBe(995);
    await expect(lambda.send(new Lambda.PutFunctionConcurrencyCommand({ FunctionName: 'conc', ReservedConcurrentExecutions: 950 }))).rejects.toMatchObject({
      message: "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
    });
    await expect(lambda.send(new Lambda.PutFunctionConcurrencyCommand({ FunctionName: arn('conc', '1'), ReservedConcurrentExecutions: 1 }))).rejects.toMatchObject({
      message: expect.stringMatching(/^This operation is permitted on Lambda functions only/),
    });
    expect((await lambda.send(new Lambda.DeleteFunctionConcurrencyCommand({ FunctionName: 'conc' }))).$metadata.httpStatusCode).toBe(204);
    expect((await lambda.send(new Lambda.GetFunctionConcurrencyCommand({ FunctionName: 'conc' }))).ReservedConcurrentExecutions).toBeUndefined();
  });

  it('provisioned concurrency on an alias: IN_PROGRESS, then READY, with environments initialised ahead of time', async () => {
    await createFunction(lambda, 'warm', role, `export const handler = async () => process.env.AWS_LAMBDA_INITIALIZATION_TYPE;`);
    await lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'warm' }));
    await lambda.send(new Lambda.CreateAliasCommand({ FunctionName: 'warm', Name: 'prod', FunctionVersion: '1' }));
    const put = await lambda.send(new Lambda.PutProvisionedConcurrencyConfigCommand({ FunctionName: 'warm', Qualifier: 'prod', ProvisionedConcurrentExecutions: 2 }));
    expect(put.$metadata.httpStatusCode).toBe(202);
    expectSameShape(plainOutput(put), { ...snap('lambda__test_lambda.snapshot.json', 'TestLambdaConcurrency::test_provisioned_concurrency_on_alias', 'put_provisioned_5'), RequestedProvisionedConcurrentExecutions: 2 });
    expect(put).toMatchObject({ Status: 'IN_PROGRESS', RequestedProvisionedConcurrentExecutions: 2, AllocatedProvisionedConcurrentExecutions: 0 });
    const ready = await eventually(async () => {
      const g = await lambda.send(new Lambda.GetProvisionedConcurrencyConfigCommand({ FunctionName: 'warm', Qualifier: 'prod' }));
      return g.Status === 'READY' ? g : undefined;
    });
    const postwait = snap('lambda__test_lambda.snapshot.json', 'TestLambdaConcurrency::test_provisioned_concurrency', 'get_provisioned_postwait');
    expectSameShape(plainOutput(ready), { ...postwait, AllocatedProvisionedConcurrentExecutions: 2, AvailableProvisionedConcurrentExecutions: 2, RequestedProvisionedConcurrentExecutions: 2 });
    expect(ready).toMatchObject({ AllocatedProvisionedConcurrentExecutions: 2, AvailableProvisionedConcurrentExecutions: 2 });
    const out = await lambda.send(new Lambda.InvokeCommand({ FunctionName: 'warm', Qualifier: 'prod', LogType: 'Tail' }));
    expect(json(out.Payload)).toBe('provisioned-concurrency');
    expect(tail(out.LogResult)).not.toMatch(/Init Duration/);
    const envs = (await (await fetch(`${emu.url}/_awslings/lambda/environments`)).json()) as { environments: { functionName: string; provisioned: boolean }[] };
    expect(envs.environments.filter((e) => e.functionName === 'warm' && e.provisioned)).toHaveLength(2);
    const list = await lambda.send(new Lambda.ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'warm' }));
    expect(list.ProvisionedConcurrencyConfigs!.map((c) => c.FunctionArn)).toEqual([arn('warm', 'prod')]);
    await expect(lambda.send(new Lambda.PutProvisionedConcurrencyConfigCommand({ FunctionName: 'warm', Qualifier: '1', ProvisionedConcurrentExecutions: 1 }))).rejects.toMatchObject({
      name: 'ResourceConflictException',
      message: 'Version is pointed by a Provisioned Concurrency alias',
    });
    await expect(lambda.send(new Lambda.PutProvisionedConcurrencyConfigCommand({ FunctionName: 'warm', Qualifier: '$LATEST', ProvisionedConcurrentExecutions: 1 }))).rejects.toMatchObject({
      message: 'Provisioned Concurrency Configs cannot be applied to unpublished function versions.',
    });
    await expect(lambda.send(new Lambda.GetProvisionedConcurrencyConfigCommand({ FunctionName: 'warm', Qualifier: '1' }))).rejects.toMatchObject({
      name: 'ProvisionedConcurrencyConfigNotFoundException',
      message: 'No Provisioned Concurrency Config found for this function',
    });
    expect((await lambda.send(new Lambda.DeleteProvisionedConcurrencyConfigCommand({ FunctionName: 'warm', Qualifier: 'prod' }))).$metadata.httpStatusCode).toBe(204);
    expect((await lambda.send(new Lambda.ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'warm' }))).ProvisionedConcurrencyConfigs).toEqual([]);
  });

  it('moving a provisioned alias, then putting its configuration again: READY only once the new version is initialised', async () => {
    // A slow init phase, so that a READY answered too early would be caught.
    const slow = (n: number) => `await new Promise((r) => setTimeout(r, 300)); export const handler = async () => ${n};`;
    await createFunction(lambda, 'moving', role, slow(1));
    await lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'moving' }));
    await lambda.send(new Lambda.CreateAliasCommand({ FunctionName: 'moving', Name: 'live', FunctionVersion: '1' }));
    await lambda.send(new Lambda.PutProvisionedConcurrencyConfigCommand({ FunctionName: 'moving', Qualifier: 'live', ProvisionedConcurrentExecutions: 2 }));
    const ready = () =>
      eventually(async () => (await lambda.send(new Lambda.GetProvisionedConcurrencyConfigCommand({ FunctionName: 'moving', Qualifier: 'live' }))).Status === 'READY');
    await ready();
    await lambda.send(new Lambda.UpdateFunctionCodeCommand({ FunctionName: 'moving', ZipFile: zip({ 'index.mjs': slow(2) }) }));
    await eventually(async () => (await lambda.send(new Lambda.GetFunctionConfigurationCommand({ FunctionName: 'moving' }))).LastUpdateStatus === 'Successful');
    const v2 = await lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'moving' }));
    await lambda.send(new Lambda.UpdateAliasCommand({ FunctionName: 'moving', Name: 'live', FunctionVersion: v2.Version }));
    const again = await lambda.send(new Lambda.PutProvisionedConcurrencyConfigCommand({ FunctionName: 'moving', Qualifier: 'live', ProvisionedConcurrentExecutions: 2 }));
    expect(again.Status).toBe('IN_PROGRESS');
    await ready();
    const out = await lambda.send(new Lambda.InvokeCommand({ FunctionName: 'moving', Qualifier: 'live', LogType: 'Tail' }));
    expect(json(out.Payload)).toBe(2);
    expect(tail(out.LogResult)).not.toMatch(/Init Duration/);
  });
});

describe('provisioned concurrency across a restart', () => {
  let dir: string;
  let first: TestEmulator | undefined;
  let second: TestEmulator | undefined;
  afterAll(async () => {
    await first?.close();
    await second?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the environments are initialised again when the service starts: IN_PROGRESS, then READY and warm', async () => {
    dir = mkdtempSync(join(tmpdir(), 'awslings-lambda-provisioned-'));
    first = await startTestEmulator({ stateDir: dir });
    const l1 = new Lambda.LambdaClient(first.config());
    const r = await executionRole(new IAM.IAMClient(first.config()), 'restart-role');
    await createFunction(l1, 'kept', r, `export const handler = async () => process.env.AWS_LAMBDA_INITIALIZATION_TYPE;`);
    await l1.send(new Lambda.PublishVersionCommand({ FunctionName: 'kept' }));
    await l1.send(new Lambda.CreateAliasCommand({ FunctionName: 'kept', Name: 'live', FunctionVersion: '1' }));
    await l1.send(new Lambda.PutProvisionedConcurrencyConfigCommand({ FunctionName: 'kept', Qualifier: 'live', ProvisionedConcurrentExecutions: 1 }));
    await eventually(async () => (await l1.send(new Lambda.GetProvisionedConcurrencyConfigCommand({ FunctionName: 'kept', Qualifier: 'live' }))).Status === 'READY');
    await first.close();
    first = undefined;

    second = await startTestEmulator({ stateDir: dir });
    const l2 = new Lambda.LambdaClient(second.config());
    // The first Lambda request loads the service, which starts initialising the environments again.
    const after = await l2.send(new Lambda.GetProvisionedConcurrencyConfigCommand({ FunctionName: 'kept', Qualifier: 'live' }));
    expect(after).toMatchObject({ Status: 'IN_PROGRESS', RequestedProvisionedConcurrentExecutions: 1, AllocatedProvisionedConcurrentExecutions: 0 });
    await eventually(async () => (await l2.send(new Lambda.GetProvisionedConcurrencyConfigCommand({ FunctionName: 'kept', Qualifier: 'live' }))).Status === 'READY');
    const out = await l2.send(new Lambda.InvokeCommand({ FunctionName: 'kept', Qualifier: 'live', LogType: 'Tail' }));
    expect(json(out.Payload)).toBe('provisioned-concurrency');
    expect(tail(out.LogResult)).not.toMatch(/Init Duration/);
  });
});
