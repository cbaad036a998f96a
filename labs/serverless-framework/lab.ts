import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  UpdateStackCommand,
  type Stack,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ApiGatewayV2Client, GetApiCommand, GetIntegrationCommand, GetRoutesCommand, type Route } from '@aws-sdk/client-apigatewayv2';
import { assert, defineLab, type CheckContext, type DeployContext, type LabContext } from 'awslings/labkit';

const SERVICE = 'hello-api';
const STAGE = 'dev';
/** The framework names the stack `<service>-<stage>`. */
const STACK = `${SERVICE}-${STAGE}`;
const ROUTE = 'GET /hello/{name}';
/** What `serverless deploy` passes with every create and update. */
const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'] as const;

// ---------------------------------------------------------------------------------------------
// The deploy step: `serverless package`, then what `serverless deploy` does with its output
// (with `deploymentMethod: direct`): create the stack with the deployment bucket, upload the code
// and the full template to that bucket, update the stack from the uploaded template.
// ---------------------------------------------------------------------------------------------

/** The course's Serverless Framework v3 CLI (the last version that runs without signing in). */
function serverlessBin(): string {
  return join(dirname(createRequire(import.meta.url).resolve('serverless/package.json')), 'bin', 'serverless.js');
}

/** Runs `serverless package` in the workspace; it writes .serverless/. Offline: no AWS call is made. */
async function serverlessPackage(ctx: DeployContext): Promise<void> {
  rmSync(join(ctx.workspace, '.serverless'), { recursive: true, force: true });
  const args = [serverlessBin(), 'package', '--stage', STAGE, '--region', ctx.region];
  ctx.log(`$ serverless package --stage ${STAGE} --region ${ctx.region}`);
  const child = spawn(process.execPath, args, {
    cwd: ctx.workspace,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LANG: process.env.LANG ?? 'C.UTF-8',
      ...ctx.env(),
      // No telemetry, no update notices, no prompts: the framework then needs no network at all.
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      SLS_INTERACTIVE_SETUP_DISABLE: '1',
      CI: '1',
      FORCE_COLOR: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const collect = (d: Buffer) => (output += d.toString('utf8'));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const timer = setTimeout(() => kill(child.pid), 60_000);
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', (e) => {
      output += String(e);
      resolve(null);
    });
    child.once('close', resolve);
  });
  clearTimeout(timer);
  kill(child.pid);
  for (const line of output.split('\n')) if (line.trim()) ctx.log(`  ${line.trimEnd()}`);
  if (code !== 0) throw new Error(`serverless package failed (exit code ${code}): read its message above.`);
}

function kill(pid: number | undefined): void {
  try {
    if (pid) process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, any> }>;
}

/** What `serverless package` wrote: the two templates, the artifact folder in the bucket, and the code's zips. */
function readPackage(workspace: string) {
  const dir = join(workspace, '.serverless');
  const json = (file: string) => {
    const path = join(dir, file);
    if (!existsSync(path)) throw new Error(`serverless package did not write .serverless/${file}.`);
    return JSON.parse(readFileSync(path, 'utf8'));
  };
  const create = json('cloudformation-template-create-stack.json') as Template;
  const update = json('cloudformation-template-update-stack.json') as Template;
  const state = json('serverless-state.json') as { package: { artifactDirectoryName: string } };
  // Every function's code is a zip in .serverless/, uploaded at the key its Code.S3Key names.
  const artifacts = new Map<string, string>();
  for (const r of Object.values(update.Resources ?? {})) {
    const key = r.Type === 'AWS::Lambda::Function' ? r.Properties?.Code?.S3Key : undefined;
    if (typeof key === 'string') artifacts.set(key, join(dir, basename(key)));
  }
  return { create, update, artifactDirectoryName: state.package.artifactDirectoryName, artifacts };
}

async function describe(ctx: LabContext): Promise<Stack | undefined> {
  try {
    return (await ctx.client(CloudFormationClient).send(new DescribeStacksCommand({ StackName: STACK }))).Stacks?.[0];
  } catch (e) {
    if (/does not exist/.test((e as Error).message)) return undefined;
    throw e;
  }
}

/** Polls until the stack leaves *_IN_PROGRESS (the SDK's waiters poll every 30 s; the sandbox takes well under one). */
async function settle(ctx: LabContext): Promise<string> {
  const end = Date.now() + 60_000;
  for (;;) {
    const s = await describe(ctx);
    const status = s?.StackStatus ?? 'DELETE_COMPLETE';
    if (!status.endsWith('_IN_PROGRESS')) return status;
    if (Date.now() > end) throw new Error(`The stack ${STACK} is still ${status} after 60 s.`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The reasons of the resources that failed in the stack's latest operation. */
async function failures(ctx: LabContext): Promise<string[]> {
  const events = (await ctx.client(CloudFormationClient).send(new DescribeStackEventsCommand({ StackName: STACK })).catch(() => undefined))?.StackEvents ?? [];
  const start = events.findIndex((e) => e.LogicalResourceId === STACK && /^(CREATE|UPDATE)_IN_PROGRESS$/.test(e.ResourceStatus ?? ''));
  return events
    .slice(0, start === -1 ? undefined : start)
    .filter((e) => e.ResourceStatus?.endsWith('_FAILED'))
    .map((e) => `${e.LogicalResourceId} (${e.ResourceType}): ${e.ResourceStatusReason}`);
}

/** Empties the deployment bucket (CloudFormation cannot delete a bucket with objects) and deletes the stack. */
async function removeStack(ctx: LabContext): Promise<void> {
  const cfn = ctx.client(CloudFormationClient);
  const s3 = ctx.client(S3Client);
  const bucket = (await describe(ctx))?.Outputs?.find((o) => o.OutputKey === 'ServerlessDeploymentBucketName')?.OutputValue;
  if (bucket) {
    for (;;) {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket })).catch(() => undefined);
      if (!page?.Contents?.length) break;
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: page.Contents.map((o) => ({ Key: o.Key! })) } }));
    }
  }
  await cfn.send(new DeleteStackCommand({ StackName: STACK })).catch(() => undefined);
  await settle(ctx).catch(() => undefined);
}

async function deploy(ctx: DeployContext): Promise<void> {
  // 1. serverless.yml → .serverless/ (the templates and the zip).
  await serverlessPackage(ctx);
  const pkg = readPackage(ctx.workspace);
  const cfn = ctx.client(CloudFormationClient);
  const s3 = ctx.client(S3Client);

  // A stack whose creation failed cannot be updated: start again.
  const before = await describe(ctx);
  if (before && /^(ROLLBACK_COMPLETE|ROLLBACK_FAILED|DELETE_FAILED)$/.test(before.StackStatus ?? '')) {
    ctx.log(`The stack ${STACK} is ${before.StackStatus}: deleting it first.`);
    await removeStack(ctx);
  }

  // 2. First deploy only: a stack with nothing but the deployment bucket (and its policy).
  if (!(await describe(ctx))) {
    ctx.log(`CreateStack ${STACK} from cloudformation-template-create-stack.json`);
    await cfn.send(
      new CreateStackCommand({
        StackName: STACK,
        TemplateBody: JSON.stringify(pkg.create),
        Capabilities: [...CAPABILITIES],
        OnFailure: 'DELETE',
        Tags: [{ Key: 'STAGE', Value: STAGE }],
      }),
    );
    const status = await settle(ctx);
    ctx.log(`  ${status}`);
    if (status !== 'CREATE_COMPLETE') throw new Error(`Creating the stack ended in ${status}. ${(await failures(ctx)).join('; ')}`);
  }

  // 3. Upload the code and the full template to the deployment bucket.
  const stack = await describe(ctx);
  const bucket = stack?.Outputs?.find((o) => o.OutputKey === 'ServerlessDeploymentBucketName')?.OutputValue;
  if (!bucket) throw new Error(`The stack ${STACK} has no ServerlessDeploymentBucketName output.`);
  for (const [key, file] of pkg.artifacts) {
    if (!existsSync(file)) throw new Error(`The template names s3://${bucket}/${key}, but serverless package wrote no ${basename(file)}.`);
    ctx.log(`PutObject s3://${bucket}/${key}`);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(file), ContentType: 'application/zip' }));
  }
  const templateKey = `${pkg.artifactDirectoryName}/compiled-cloudformation-template.json`;
  ctx.log(`PutObject s3://${bucket}/${templateKey}`);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: templateKey, Body: JSON.stringify(pkg.update), ContentType: 'application/json' }));

  // 4. Update the stack from the uploaded template: the function, its role and log group, the HTTP API.
  const s3Host = ctx.region === 'us-east-1' ? 's3.amazonaws.com' : `s3.${ctx.region}.amazonaws.com`;
  const TemplateURL = `https://${s3Host}/${bucket}/${templateKey}`;
  ctx.log(`UpdateStack ${STACK} from ${TemplateURL}`);
  try {
    await cfn.send(new UpdateStackCommand({ StackName: STACK, TemplateURL, Capabilities: [...CAPABILITIES], Tags: [{ Key: 'STAGE', Value: STAGE }] }));
  } catch (e) {
    if (!/No updates are to be performed/.test((e as Error).message)) throw e;
    ctx.log('  No updates are to be performed.');
  }
  const status = await settle(ctx);
  ctx.log(`  ${status}`);
  if (status !== 'UPDATE_COMPLETE' && status !== 'CREATE_COMPLETE') {
    throw new Error(`Updating the stack ended in ${status}. ${(await failures(ctx)).join('; ')}`);
  }

  const outputs = Object.fromEntries(((await describe(ctx))?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  if (outputs.HttpApiId) {
    ctx.log(`HTTP API ${outputs.HttpApiId}: try it with`);
    ctx.log(`  curl ${invokeUrl(ctx, outputs.HttpApiId, outputs.HttpApiUrl, '/hello/Ada')}`);
  }
}

/**
 * Where a request for an HTTP API's path goes. The sandbox answers path-style at
 * `<endpoint>/_aws/execute-api/<apiId>/<path>`, which Node can reach (no *.localhost name to
 * resolve); elsewhere the API's own endpoint, `https://<apiId>.execute-api.<region>.amazonaws.com`.
 */
function invokeUrl(ctx: LabContext, apiId: string, apiEndpoint: string | undefined, path: string): string {
  if (ctx.target.isAwslings && ctx.target.endpoint) return `${ctx.target.endpoint}/_aws/execute-api/${apiId}${path}`;
  return `${(apiEndpoint ?? `https://${apiId}.execute-api.${ctx.region}.amazonaws.com`).replace(/\/$/, '')}${path}`;
}

// ---------------------------------------------------------------------------------------------
// Checks: the stack and its resources through the AWS API, and the API through HTTP.
// ---------------------------------------------------------------------------------------------

async function stackOrFail(ctx: CheckContext): Promise<Stack> {
  const s = await describe(ctx);
  if (!s) ctx.fail(`There is no stack ${STACK}. Run the deploy step: npx awslings deploy serverless-framework.`, { expected: STACK, found: 'no such stack' });
  return s;
}

async function resources(ctx: CheckContext): Promise<StackResourceSummary[]> {
  await stackOrFail(ctx);
  const cfn = ctx.client(CloudFormationClient);
  const all: StackResourceSummary[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cfn.send(new ListStackResourcesCommand({ StackName: STACK, NextToken }));
    all.push(...(page.StackResourceSummaries ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return all;
}

const listed = (all: StackResourceSummary[]) => all.map((r) => `${r.LogicalResourceId} (${r.ResourceType})`);

/**
 * The stack's one resource of a type, created and in place. `brief`: for checks that build on an
 * earlier one, which already listed the stack's resources.
 */
async function resourceOf(ctx: CheckContext, type: string, what: string, brief = false): Promise<StackResourceSummary> {
  const all = await resources(ctx);
  const found = all.filter((r) => r.ResourceType === type);
  if (!found.length && brief) ctx.fail(`The stack ${STACK} holds no ${type} yet (${what}): see the check about it above.`);
  if (!found.length) ctx.fail(`The stack ${STACK} holds no ${type} (${what}).`, { expected: type, found: listed(all) });
  const r = found[0];
  assert(r.PhysicalResourceId && /_COMPLETE$/.test(r.ResourceStatus ?? '') && !/DELETE/.test(r.ResourceStatus ?? ''), `${r.LogicalResourceId} is ${r.ResourceStatus}.`, {
    expected: 'CREATE_COMPLETE or UPDATE_COMPLETE',
    found: r.ResourceStatus,
  });
  return r;
}

async function routeOf(ctx: CheckContext, apiId: string): Promise<Route | undefined> {
  const routes = (await ctx.client(ApiGatewayV2Client).send(new GetRoutesCommand({ ApiId: apiId }))).Items ?? [];
  ctx.shared.routes = routes.map((r) => r.RouteKey);
  return routes.find((r) => r.RouteKey === ROUTE);
}

/** The function's latest log lines, shown with a failed request: a handler that throws says why there. */
async function functionLogs(ctx: CheckContext): Promise<void> {
  const fn = (await resources(ctx)).find((r) => r.ResourceType === 'AWS::Lambda::Function')?.PhysicalResourceId;
  if (!fn) return;
  const logs = await ctx
    .client(CloudWatchLogsClient)
    .send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}`, startTime: Date.now() - 60_000 }))
    .catch(() => undefined);
  const lines = (logs?.events ?? []).slice(-20).map((e) => e.message?.trimEnd() ?? '');
  if (lines.length) ctx.log(`The function's log (/aws/lambda/${fn}), last minute:\n${lines.join('\n')}`);
}

export default defineLab({
  id: 'serverless-framework',
  title: 'The Serverless Framework: a function behind an HTTP API, from serverless.yml',
  module: '05-serverless-framework',
  objectives: [
    'Describe a function, its settings and an httpApi event in serverless.yml',
    'Package the service with the Serverless Framework and read the CloudFormation it generates',
    'Deploy it as the framework does (create the stack, upload the code, update the stack) and call the endpoint',
  ],
  minutes: 30,
  services: ['cloudformation', 's3', 'iam', 'lambda', 'logs', 'apigatewayv2'],
  files: ['serverless.yml', 'handler.mjs'],
  deploy,
  deployTimeoutMs: 120_000,
  checks: [
    {
      id: 'stack-complete',
      title: `The stack ${STACK} is deployed (CREATE_COMPLETE or UPDATE_COMPLETE)`,
      points: 1,
      hint: 'Run npx awslings deploy serverless-framework and read its output. If serverless package failed, its message names the problem in serverless.yml (indentation counts in YAML). If the update failed, the output lists each resource that failed and why.',
      async run(ctx) {
        const s = await stackOrFail(ctx);
        assert(s.StackStatus === 'CREATE_COMPLETE' || s.StackStatus === 'UPDATE_COMPLETE', `The stack ${STACK} is ${s.StackStatus}.`, {
          expected: 'CREATE_COMPLETE or UPDATE_COMPLETE',
          found: s.StackStatus,
        });
        const updated = (await resources(ctx)).some((r) => r.ResourceType === 'AWS::Lambda::Function');
        if (!updated) ctx.log('The stack holds only the deployment bucket: the update that adds the function has not run.');
      },
    },
    {
      id: 'function',
      title: 'The stack holds the function (AWS::Lambda::Function), with the handler handler.hello',
      points: 1,
      hint: 'Under functions:, the function hello has handler: handler.hello (the file handler.mjs, its export hello). The framework names the function <service>-<stage>-<function>.',
      async run(ctx) {
        const r = await resourceOf(ctx, 'AWS::Lambda::Function', 'the function');
        const c = await ctx.client(LambdaClient).send(new GetFunctionConfigurationCommand({ FunctionName: r.PhysicalResourceId }));
        ctx.shared.functionArn = c.FunctionArn;
        assert(c.Handler === 'handler.hello', `The function's handler should be handler.hello.`, { expected: 'handler.hello', found: c.Handler });
        assert(/^nodejs(18|20|22)\.x$/.test(c.Runtime ?? ''), 'The function should run on Node.js.', { expected: 'nodejs20.x', found: c.Runtime });
      },
    },
    {
      id: 'function-settings',
      title: 'The function has 256 MB of memory and a 10-second timeout',
      points: 1,
      hint: 'memorySize and timeout go under the function in serverless.yml. Without them the framework uses its own defaults, 1024 MB and 6 s (not Lambda\'s 128 MB and 3 s): look for MemorySize in .serverless/cloudformation-template-update-stack.json after a deploy.',
      async run(ctx) {
        const r = await resourceOf(ctx, 'AWS::Lambda::Function', 'the function', true);
        const c = await ctx.client(LambdaClient).send(new GetFunctionConfigurationCommand({ FunctionName: r.PhysicalResourceId }));
        const found = { MemorySize: c.MemorySize, Timeout: c.Timeout };
        assert(c.MemorySize === 256 && c.Timeout === 10, 'The function\'s memory and timeout are not the ones asked for.', { expected: { MemorySize: 256, Timeout: 10 }, found });
      },
    },
    {
      id: 'http-api',
      title: 'The stack holds an HTTP API (AWS::ApiGatewayV2::Api)',
      points: 1,
      hint: 'An httpApi event under the function makes the framework add an HTTP API to the template (HttpApi, with its $default stage). Give the function an events: list with one - httpApi: entry, then deploy again.',
      async run(ctx) {
        const r = await resourceOf(ctx, 'AWS::ApiGatewayV2::Api', 'the HTTP API');
        const api = await ctx.client(ApiGatewayV2Client).send(new GetApiCommand({ ApiId: r.PhysicalResourceId }));
        assert(api.ProtocolType === 'HTTP', 'The API should be an HTTP API.', { expected: 'HTTP', found: api.ProtocolType });
        ctx.shared.api = { id: api.ApiId, endpoint: api.ApiEndpoint };
      },
    },
    {
      id: 'route',
      title: `The API has the route ${ROUTE}, integrated with the function`,
      points: 1,
      hint: 'The httpApi event takes a method (GET) and a path (/hello/{name}, with the braces: {name} is a path parameter). The framework makes the route key "GET /hello/{name}" and an AWS_PROXY integration with the function.',
      async run(ctx) {
        const r = await resourceOf(ctx, 'AWS::ApiGatewayV2::Api', 'the HTTP API', true);
        const route = await routeOf(ctx, r.PhysicalResourceId!);
        assert(route, `The API has no route ${ROUTE}.`, { expected: ROUTE, found: ctx.shared.routes });
        const integrationId = route.Target?.replace(/^integrations\//, '');
        assert(integrationId, `The route ${ROUTE} has no integration.`, { found: route.Target });
        const integration = await ctx.client(ApiGatewayV2Client).send(new GetIntegrationCommand({ ApiId: r.PhysicalResourceId, IntegrationId: integrationId }));
        const fn = await resourceOf(ctx, 'AWS::Lambda::Function', 'the function', true);
        const uri = integration.IntegrationUri ?? '';
        assert(integration.IntegrationType === 'AWS_PROXY' && (uri.includes(`:function:${fn.PhysicalResourceId}`) || uri === fn.PhysicalResourceId), `The route's integration should invoke the function ${fn.PhysicalResourceId}.`, {
          expected: { IntegrationType: 'AWS_PROXY', IntegrationUri: `…:function:${fn.PhysicalResourceId}` },
          found: { IntegrationType: integration.IntegrationType, IntegrationUri: uri },
        });
      },
    },
    {
      id: 'answers',
      title: 'GET /hello/<name> answers 200 with { "message": "Hello, <name>!" }',
      points: 2,
      timeoutMs: 20_000,
      hint: 'The handler reads the name from event.pathParameters.name and returns { statusCode: 200, body: JSON.stringify({ message: `Hello, ${name}!` }) }. Edit handler.mjs, deploy again, and try the curl command the deploy step prints.',
      async run(ctx) {
        const r = await resourceOf(ctx, 'AWS::ApiGatewayV2::Api', 'the HTTP API', true);
        const apiId = r.PhysicalResourceId!;
        const api = await ctx.client(ApiGatewayV2Client).send(new GetApiCommand({ ApiId: apiId }));
        if (!(await routeOf(ctx, apiId))) ctx.fail(`The API has no route ${ROUTE} to call.`, { expected: ROUTE, found: ctx.shared.routes });
        const name = ctx.random('Ada-');
        const url = invokeUrl(ctx, apiId, api.ApiEndpoint, `/hello/${encodeURIComponent(name)}`);
        ctx.log(`GET ${url}`);
        const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
        const text = await res.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON: shown as text */
        }
        if (res.status !== 200) await functionLogs(ctx);
        assert(res.status === 200, `GET /hello/${name} answered ${res.status}.`, { expected: 200, found: { status: res.status, body } });
        const expected = { message: `Hello, ${name}!` };
        assert((body as { message?: unknown })?.message === expected.message, `GET /hello/${name} did not greet ${name}.`, { expected, found: body });
      },
    },
  ],
  async cleanup(ctx) {
    await removeStack(ctx);
  },
});
