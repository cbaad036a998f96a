import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as CFN from '@aws-sdk/client-cloudformation';
import * as Lambda from '@aws-sdk/client-lambda';
import * as S3 from '@aws-sdk/client-s3';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { awsText, requireAwsCli } from '../helpers/awscli.js';
import { ROOT } from '../helpers/cli.js';

const PLUGIN_DIR = join(ROOT, 'test', 'fixtures', 'awscli-endpoint');

let emu: TestEmulator;
let dir: string;

beforeAll(async () => {
  requireAwsCli();
  emu = await startTestEmulator();
  dir = mkdtempSync(join(tmpdir(), 'awslings-cfncli-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'index.js'), "exports.handler = async (event) => ({ greeting: `hello ${event.name}`, from: process.env.AWS_LAMBDA_FUNCTION_NAME });\n");
});
afterAll(async () => {
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * AWS CLI 2.9's `cloudformation package` ignores --endpoint-url for its S3 uploads (newer CLIs honour
 * AWS_ENDPOINT_URL_S3): a small CLI plugin points them at the emulator.
 */
const cli = (args: string[]) => {
  writeFileSync(join(dir, 'aws-config'), `[default]\nregion = us-east-1\n[plugins]\ncli_legacy_plugin_path = ${PLUGIN_DIR}\nawslings_endpoint = awslings_endpoint\n`);
  return awsText(emu.url, args, undefined, { cwd: dir, timeoutMs: 120_000, env: { AWS_CONFIG_FILE: join(dir, 'aws-config'), AWSLINGS_S3_ENDPOINT: emu.url } });
};

async function invoke(name: string, payload: object): Promise<unknown> {
  const lambda = new Lambda.LambdaClient(emu.config());
  const out = await lambda.send(new Lambda.InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(payload)) }));
  expect(out.FunctionError, Buffer.from(out.Payload ?? []).toString()).toBeUndefined();
  return JSON.parse(Buffer.from(out.Payload!).toString());
}

describe('aws cloudformation package + deploy (AWS CLI v2)', () => {
  it('uploads local code to the emulated S3, deploys through a change set, and the function answers', async () => {
    await new S3.S3Client({ ...emu.config(), forcePathStyle: true }).send(new S3.CreateBucketCommand({ Bucket: 'artifacts' }));
    writeFileSync(
      join(dir, 'template.yaml'),
      `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Greeting:
    Type: String
    Default: hi
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Code: ./src
      Role: !GetAtt Role.Arn
      Environment:
        Variables:
          GREETING: !Ref Greeting
Outputs:
  FunctionName:
    Value: !Ref Fn
`,
    );
    const packaged = await cli(['cloudformation', 'package', '--template-file', 'template.yaml', '--s3-bucket', 'artifacts', '--output-template-file', 'packaged.yaml']);
    expect(packaged).toMatch(/Successfully packaged artifacts/);
    const out = readFileSync(join(dir, 'packaged.yaml'), 'utf8');
    expect(out).toMatch(/S3Bucket: artifacts/);
    await cli(['cloudformation', 'deploy', '--template-file', 'packaged.yaml', '--stack-name', 'cli-app', '--capabilities', 'CAPABILITY_IAM']);
    const cfn = new CFN.CloudFormationClient(emu.config());
    const stack = (await cfn.send(new CFN.DescribeStacksCommand({ StackName: 'cli-app' }))).Stacks![0];
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    expect(stack.ChangeSetId).toMatch(/:changeSet\/samcli-deploy|:changeSet\/awscli-cloudformation-package-deploy-/);
    const name = stack.Outputs!.find((o) => o.OutputKey === 'FunctionName')!.OutputValue!;
    expect(await invoke(name, { name: 'Ada' })).toEqual({ greeting: 'hello Ada', from: name });

    // A second deploy with a new parameter value goes through an UPDATE change set. The CLI names
    // change sets after the current second, and the executed one stays: wait for the next second.
    await new Promise((r) => setTimeout(r, 1050 - (Date.now() % 1000)));
    await cli(['cloudformation', 'deploy', '--template-file', 'packaged.yaml', '--stack-name', 'cli-app', '--capabilities', 'CAPABILITY_IAM', '--parameter-overrides', 'Greeting=hey']);
    expect((await cfn.send(new CFN.DescribeStacksCommand({ StackName: 'cli-app' }))).Stacks![0].StackStatus).toBe('UPDATE_COMPLETE');
    const cfg = await new Lambda.LambdaClient(emu.config()).send(new Lambda.GetFunctionConfigurationCommand({ FunctionName: name }));
    expect(cfg.Environment?.Variables?.GREETING).toBe('hey');
  }, 120_000);

  it('deploys a SAM template (AWS::Serverless::Function) with the transform', async () => {
    writeFileSync(
      join(dir, 'sam.yaml'),
      `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 5
    Runtime: nodejs20.x
Resources:
  HelloFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Policies:
        - SSMParameterReadPolicy:
            ParameterName: app/*
Outputs:
  Fn:
    Value: !Ref HelloFunction
  RoleArn:
    Value: !GetAtt HelloFunctionRole.Arn
`,
    );
    await cli(['cloudformation', 'package', '--template-file', 'sam.yaml', '--s3-bucket', 'artifacts', '--output-template-file', 'sam-packaged.yaml']);
    await cli(['cloudformation', 'deploy', '--template-file', 'sam-packaged.yaml', '--stack-name', 'sam-app', '--capabilities', 'CAPABILITY_IAM']);
    const cfn = new CFN.CloudFormationClient(emu.config());
    const stack = (await cfn.send(new CFN.DescribeStacksCommand({ StackName: 'sam-app' }))).Stacks![0];
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    const resources = (await cfn.send(new CFN.ListStackResourcesCommand({ StackName: 'sam-app' }))).StackResourceSummaries!;
    expect(resources.map((r) => [r.LogicalResourceId, r.ResourceType]).sort()).toEqual([
      ['HelloFunction', 'AWS::Lambda::Function'],
      ['HelloFunctionRole', 'AWS::IAM::Role'],
    ]);
    const processed = JSON.parse((await cfn.send(new CFN.GetTemplateCommand({ StackName: 'sam-app', TemplateStage: 'Processed' }))).TemplateBody!);
    expect(processed.Resources.HelloFunction.Properties).toMatchObject({ Handler: 'index.handler', Runtime: 'nodejs20.x', Timeout: 5, Code: { S3Bucket: 'artifacts' } });
    expect(processed.Resources.HelloFunctionRole.Properties.Policies[0].PolicyDocument.Statement[1].Action).toContain('ssm:GetParameter');
    const name = stack.Outputs!.find((o) => o.OutputKey === 'Fn')!.OutputValue!;
    expect(name).toMatch(/^sam-app-HelloFunction-[A-Za-z0-9]{12}$/);
    expect(await invoke(name, { name: 'SAM' })).toEqual({ greeting: 'hello SAM', from: name });
  }, 120_000);
});
