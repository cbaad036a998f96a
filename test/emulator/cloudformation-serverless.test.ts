import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as CFN from '@aws-sdk/client-cloudformation';
import * as S3 from '@aws-sdk/client-s3';
import * as IAM from '@aws-sdk/client-iam';
import * as Lambda from '@aws-sdk/client-lambda';
import * as Logs from '@aws-sdk/client-cloudwatch-logs';
import * as V2 from '@aws-sdk/client-apigatewayv2';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/*
 * What the Serverless Framework v3 generates, deployed as `serverless deploy` does it: the real CLI
 * packages a service (offline), the create template makes the stack with its deployment bucket,
 * the code and the full template go to that bucket, and an update from the template's URL adds
 * the function, its role and log group, a version and the HTTP API. Every resource type it uses
 * must deploy, update and delete in the sandbox.
 */

let emu: TestEmulator;
let cfn: CFN.CloudFormationClient;
let s3: S3.S3Client;
let dir: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  cfn = new CFN.CloudFormationClient(emu.config());
  s3 = new S3.S3Client({ ...emu.config(), forcePathStyle: true });
  dir = mkdtempSync(join(tmpdir(), 'awslings-sls-'));
});
afterAll(async () => {
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

const STACK = 'sls-test-dev';
const SERVERLESS = join(dirname(createRequire(import.meta.url).resolve('serverless/package.json')), 'bin', 'serverless.js');

const SERVICE = `
service: sls-test
frameworkVersion: '3'
configValidationMode: error
provider:
  name: aws
  runtime: nodejs20.x
  deploymentMethod: direct
functions:
  greet:
    handler: handler.greet
    memorySize: 256
    events:
      - httpApi:
          method: GET
          path: /greet/{name}
`;

const handler = (word: string) => `export const greet = async (event) => ({ statusCode: 200, body: JSON.stringify({ message: '${word}, ' + event.pathParameters.name }) });\n`;

/** `serverless package`: the real CLI, offline (dummy keys, no telemetry). */
function slsPackage(word: string) {
  writeFileSync(join(dir, 'serverless.yml'), SERVICE);
  writeFileSync(join(dir, 'handler.mjs'), handler(word));
  const r = spawnSync(process.execPath, [SERVERLESS, 'package', '--stage', 'dev', '--region', 'us-east-1'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', CI: '1' },
  });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  const read = (f: string) => JSON.parse(readFileSync(join(dir, '.serverless', f), 'utf8'));
  return {
    create: read('cloudformation-template-create-stack.json'),
    update: read('cloudformation-template-update-stack.json'),
    artifactDir: read('serverless-state.json').package.artifactDirectoryName as string,
  };
}

async function settle(): Promise<CFN.Stack | undefined> {
  for (let i = 0; i < 600; i++) {
    const s = (await cfn.send(new CFN.DescribeStacksCommand({ StackName: STACK })).catch(() => undefined))?.Stacks?.[0];
    if (!s || !s.StackStatus!.endsWith('_IN_PROGRESS')) return s;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${STACK} did not settle`);
}

async function failures(): Promise<string> {
  const events = (await cfn.send(new CFN.DescribeStackEventsCommand({ StackName: STACK }))).StackEvents ?? [];
  return events.filter((e) => e.ResourceStatus?.endsWith('FAILED')).map((e) => `${e.LogicalResourceId}: ${e.ResourceStatusReason}`).join('; ');
}

const outputsOf = (s: CFN.Stack | undefined) => Object.fromEntries((s?.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));

/** `serverless deploy` with deploymentMethod direct: create (first time), upload, update from the template's URL. */
async function deploy(word: string): Promise<Record<string, string>> {
  const pkg = slsPackage(word);
  const Capabilities: CFN.Capability[] = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'];
  if (!(await settle())) {
    await cfn.send(new CFN.CreateStackCommand({ StackName: STACK, TemplateBody: JSON.stringify(pkg.create), Capabilities, OnFailure: 'DELETE' }));
    expect((await settle())?.StackStatus).toBe('CREATE_COMPLETE');
  }
  const bucket = outputsOf(await settle()).ServerlessDeploymentBucketName;
  const fn = pkg.update.Resources.GreetLambdaFunction.Properties.Code.S3Key as string;
  await s3.send(new S3.PutObjectCommand({ Bucket: bucket, Key: fn, Body: readFileSync(join(dir, '.serverless', basename(fn))) }));
  const templateKey = `${pkg.artifactDir}/compiled-cloudformation-template.json`;
  await s3.send(new S3.PutObjectCommand({ Bucket: bucket, Key: templateKey, Body: JSON.stringify(pkg.update) }));
  await cfn.send(new CFN.UpdateStackCommand({ StackName: STACK, TemplateURL: `https://s3.amazonaws.com/${bucket}/${templateKey}`, Capabilities }));
  const s = await settle();
  expect(s?.StackStatus, await failures()).toBe('UPDATE_COMPLETE');
  return outputsOf(s);
}

const greet = async (apiId: string, name: string) => {
  const res = await fetch(`${emu.url}/_aws/execute-api/${apiId}/greet/${name}`);
  return { status: res.status, body: await res.json() };
};

describe('a Serverless Framework v3 service on the sandbox', () => {
  it('deploys, serves, updates (keeping the retained version) and deletes', async () => {
    const out = await deploy('Hello');

    const resources = (await cfn.send(new CFN.ListStackResourcesCommand({ StackName: STACK }))).StackResourceSummaries!;
    expect(resources.filter((r) => !r.ResourceStatus!.endsWith('_COMPLETE'))).toEqual([]);
    expect(new Set(resources.map((r) => r.ResourceType))).toEqual(
      new Set([
        'AWS::S3::Bucket',
        'AWS::S3::BucketPolicy',
        'AWS::Logs::LogGroup',
        'AWS::IAM::Role',
        'AWS::Lambda::Function',
        'AWS::Lambda::Version',
        'AWS::Lambda::Permission',
        'AWS::ApiGatewayV2::Api',
        'AWS::ApiGatewayV2::Stage',
        'AWS::ApiGatewayV2::Integration',
        'AWS::ApiGatewayV2::Route',
      ]),
    );

    // The deployment bucket: encrypted, and refusing requests that are not over TLS.
    const bucket = out.ServerlessDeploymentBucketName;
    expect((await s3.send(new S3.GetBucketEncryptionCommand({ Bucket: bucket }))).ServerSideEncryptionConfiguration?.Rules?.[0].ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256');
    expect(JSON.parse((await s3.send(new S3.GetBucketPolicyCommand({ Bucket: bucket }))).Policy!).Statement[0].Condition).toEqual({ Bool: { 'aws:SecureTransport': false } });

    // The role with its inline logging policy, the log group, the function with the framework's settings.
    const iam = new IAM.IAMClient(emu.config());
    const policy = await iam.send(new IAM.GetRolePolicyCommand({ RoleName: 'sls-test-dev-us-east-1-lambdaRole', PolicyName: 'sls-test-dev-lambda' }));
    expect(decodeURIComponent(policy.PolicyDocument!)).toContain('logs:PutLogEvents');
    const groups = await new Logs.CloudWatchLogsClient(emu.config()).send(new Logs.DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/sls-test-dev-greet' }));
    expect(groups.logGroups?.map((g) => g.logGroupName)).toEqual(['/aws/lambda/sls-test-dev-greet']);
    const lambda = new Lambda.LambdaClient(emu.config());
    const config = await lambda.send(new Lambda.GetFunctionConfigurationCommand({ FunctionName: 'sls-test-dev-greet' }));
    expect(config).toMatchObject({ MemorySize: 256, Timeout: 6, Handler: 'handler.greet', Role: expect.stringContaining(':role/sls-test-dev-us-east-1-lambdaRole') });
    expect(out.GreetLambdaFunctionQualifiedArn).toBe(`${config.FunctionArn}:1`);

    // The HTTP API: its $default stage deploys automatically; the permission lets it invoke the function.
    const v2 = new V2.ApiGatewayV2Client(emu.config());
    expect(out.HttpApiUrl).toBe(`https://${out.HttpApiId}.execute-api.us-east-1.amazonaws.com`);
    expect((await v2.send(new V2.GetRoutesCommand({ ApiId: out.HttpApiId }))).Items?.map((r) => r.RouteKey)).toEqual(['GET /greet/{name}']);
    expect((await v2.send(new V2.GetStagesCommand({ ApiId: out.HttpApiId }))).Items?.map((s) => [s.StageName, s.AutoDeploy])).toEqual([['$default', true]]);
    const permission = JSON.parse((await lambda.send(new Lambda.GetPolicyCommand({ FunctionName: 'sls-test-dev-greet' }))).Policy!);
    expect(permission.Statement[0].Principal).toEqual({ Service: 'apigateway.amazonaws.com' });
    expect(await greet(out.HttpApiId, 'Ada')).toEqual({ status: 200, body: { message: 'Hello, Ada' } });

    // New code: a new version (the old one is retained, DeletionPolicy Retain), and the API serves it.
    const out2 = await deploy('Bonjour');
    expect(out2.HttpApiId).toBe(out.HttpApiId);
    expect(out2.GreetLambdaFunctionQualifiedArn).toBe(`${config.FunctionArn}:2`);
    const versions = await lambda.send(new Lambda.ListVersionsByFunctionCommand({ FunctionName: 'sls-test-dev-greet' }));
    expect(versions.Versions?.map((v) => v.Version)).toEqual(['$LATEST', '1', '2']);
    expect(await greet(out.HttpApiId, 'Ada')).toEqual({ status: 200, body: { message: 'Bonjour, Ada' } });

    // `serverless remove`: empty the bucket (CloudFormation cannot delete a bucket with objects), delete the stack.
    const objects = (await s3.send(new S3.ListObjectsV2Command({ Bucket: bucket }))).Contents ?? [];
    await s3.send(new S3.DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects.map((o) => ({ Key: o.Key! })) } }));
    await cfn.send(new CFN.DeleteStackCommand({ StackName: STACK }));
    expect(await settle()).toBeUndefined();
    await expect(lambda.send(new Lambda.GetFunctionCommand({ FunctionName: 'sls-test-dev-greet' }))).rejects.toThrow(/not found/i);
    await expect(v2.send(new V2.GetApiCommand({ ApiId: out.HttpApiId }))).rejects.toThrow();
    await expect(s3.send(new S3.HeadBucketCommand({ Bucket: bucket }))).rejects.toThrow();
  }, 60_000);

  it('applies AWS::S3::Bucket BucketEncryption, and goes back to the default when it is removed', async () => {
    const template = (encryption: string) => `
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:${encryption}
      Tags: [{ Key: k, Value: v }]
Outputs:
  Name: { Value: !Ref Bucket }
`;
    const withKey = `
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: { SSEAlgorithm: AES256 }
            BucketKeyEnabled: true`;
    const rules = async (Bucket: string) => (await s3.send(new S3.GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration?.Rules;
    const StackName = 'bucket-encryption';
    await cfn.send(new CFN.CreateStackCommand({ StackName, TemplateBody: template(withKey) }));
    let s;
    do s = (await cfn.send(new CFN.DescribeStacksCommand({ StackName }))).Stacks![0];
    while (s.StackStatus!.endsWith('_IN_PROGRESS'));
    expect(s.StackStatus).toBe('CREATE_COMPLETE');
    const Bucket = outputsOf(s).Name;
    expect(await rules(Bucket)).toEqual([{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: true }]);

    await cfn.send(new CFN.UpdateStackCommand({ StackName, TemplateBody: template('') }));
    do s = (await cfn.send(new CFN.DescribeStacksCommand({ StackName }))).Stacks![0];
    while (s.StackStatus!.endsWith('_IN_PROGRESS'));
    expect(s.StackStatus).toBe('UPDATE_COMPLETE');
    expect(await rules(Bucket)).toEqual([{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }]);
  });
});
