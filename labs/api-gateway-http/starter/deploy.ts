// Deploys the two functions and the HTTP API in front of them.
// Run it with: npx awslings deploy api-gateway-http
// It must be able to run again and again: each step finds what an earlier run made.
import { AttachRolePolicyCommand, CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { AddPermissionCommand, CreateFunctionCommand, LambdaClient, RemovePermissionCommand, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
  GetApisCommand,
  GetIntegrationsCommand,
  GetRoutesCommand,
  GetStagesCommand,
  UpdateRouteCommand,
} from '@aws-sdk/client-apigatewayv2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { waitForFunctionActive, zipHandler } from 'awslings/labkit';

const iam = new IAMClient({});
const lambda = new LambdaClient({});
const apigw = new ApiGatewayV2Client({});

const ROLE = 'http-api-role';
const API_NAME = 'items-api';

// ---- 1. The execution role (as in lambda-hello-sync) ----
async function ensureRole(): Promise<string> {
  try {
    return (await iam.send(new GetRoleCommand({ RoleName: ROLE }))).Role!.Arn!;
  } catch {
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    const created = await iam.send(new CreateRoleCommand({ RoleName: ROLE, AssumeRolePolicyDocument: JSON.stringify(trust) }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: ROLE, PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }));
    return created.Role!.Arn!;
  }
}

// ---- 2. The functions: created, or updated when they exist ----
async function deployFunction(name: string, file: string, roleArn: string): Promise<string> {
  const zip = await zipHandler(file);
  let arn: string;
  try {
    arn = (await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: roleArn, Code: { ZipFile: zip } }))).FunctionArn!;
    console.log(`created the function ${name}`);
  } catch (e) {
    if ((e as Error).name !== 'ResourceConflictException') throw e;
    arn = (await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zip }))).FunctionArn!;
    console.log(`updated the function ${name}`);
  }
  await waitForFunctionActive(lambda, name);
  return arn;
}

// ---- 3. The HTTP API ----
/** What the rest of the script needs of the API (GetApis and CreateApi both answer with these). */
interface ApiInfo {
  ApiId?: string;
  ApiEndpoint?: string;
}

async function ensureApi(): Promise<ApiInfo> {
  const existing = (await apigw.send(new GetApisCommand({}))).Items?.find((a) => a.Name === API_NAME);
  if (existing) return existing;
  // TODO: create it with CreateApiCommand: its Name (API_NAME) and ProtocolType 'HTTP'.
  //       Return the command's answer: it has the ApiId and the ApiEndpoint.
  void CreateApiCommand;
  throw new Error('TODO (step 3): create the HTTP API');
}

// ---- 4. A Lambda proxy integration per function (payload format 2.0) ----
async function ensureIntegration(apiId: string, functionArn: string): Promise<string> {
  const existing = (await apigw.send(new GetIntegrationsCommand({ ApiId: apiId }))).Items?.find((i) => i.IntegrationUri === functionArn);
  if (existing) return existing.IntegrationId!;
  // TODO: CreateIntegrationCommand with ApiId, IntegrationType 'AWS_PROXY', IntegrationUri (the
  //       function's ARN) and PayloadFormatVersion '2.0'. Return its IntegrationId.
  void CreateIntegrationCommand;
  throw new Error('TODO (step 4): create the integration');
}

// ---- 5. A route per endpoint, whose target is the integration ----
async function ensureRoute(apiId: string, routeKey: string, integrationId: string): Promise<void> {
  const target = `integrations/${integrationId}`;
  const existing = (await apigw.send(new GetRoutesCommand({ ApiId: apiId }))).Items?.find((r) => r.RouteKey === routeKey);
  if (existing) {
    if (existing.Target !== target) await apigw.send(new UpdateRouteCommand({ ApiId: apiId, RouteId: existing.RouteId, Target: target }));
    return;
  }
  // TODO: CreateRouteCommand with ApiId, RouteKey (such as 'GET /hello/{name}') and Target.
  void CreateRouteCommand;
  console.log(`TODO (step 5): create the route ${routeKey}`);
}

// ---- 6. The $default stage, deployed automatically after every change ----
async function ensureStage(apiId: string): Promise<void> {
  const stages = (await apigw.send(new GetStagesCommand({ ApiId: apiId }))).Items ?? [];
  if (stages.some((s) => s.StageName === '$default')) return;
  // TODO: CreateStageCommand with ApiId, StageName '$default' and AutoDeploy: true.
  void CreateStageCommand;
  console.log('TODO (step 6): create the $default stage');
}

// ---- 7. Let API Gateway invoke a function, from this API only ----
async function allowApiToInvoke(functionName: string, sourceArn: string): Promise<void> {
  const StatementId = 'allow-items-api';
  // Remove the statement of an earlier deploy first: the API may have been re-created since.
  await lambda.send(new RemovePermissionCommand({ FunctionName: functionName, StatementId })).catch(() => undefined);
  // TODO: AddPermissionCommand with FunctionName, StatementId, Action 'lambda:InvokeFunction',
  //       Principal 'apigateway.amazonaws.com' and SourceArn.
  void AddPermissionCommand;
  console.log(`TODO (step 7): let ${sourceArn} invoke ${functionName}`);
}

const roleArn = await ensureRole();
const helloArn = await deployFunction('http-hello', 'hello.ts', roleArn);
const itemsArn = await deployFunction('http-items', 'items.ts', roleArn);

const api = await ensureApi();
const apiId = api.ApiId!;
await ensureRoute(apiId, 'GET /hello/{name}', await ensureIntegration(apiId, helloArn));
await ensureRoute(apiId, 'POST /items', await ensureIntegration(apiId, itemsArn));
await ensureStage(apiId);

const region = await lambda.config.region();
const account = (await new STSClient({}).send(new GetCallerIdentityCommand({}))).Account!;
// Every route of this API, in every stage: arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>
const sourceArn = `arn:aws:execute-api:${region}:${account}:${apiId}/*`;
await allowApiToInvoke('http-hello', sourceArn);
await allowApiToInvoke('http-items', sourceArn);

// Try it. The sandbox also answers at <endpoint>/_aws/execute-api/<apiId>/..., which Node can
// reach; the API's own endpoint (http://<apiId>.execute-api.localhost:4566) works in curl and browsers.
const base = process.env.AWS_ENDPOINT_URL ? `${process.env.AWS_ENDPOINT_URL}/_aws/execute-api/${apiId}` : api.ApiEndpoint!;
const hello = await fetch(`${base}/hello/Ada`);
console.log(`GET /hello/Ada -> ${hello.status} ${await hello.text()}`);
const post = await fetch(`${base}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'pencil' }) });
console.log(`POST /items -> ${post.status} ${await post.text()}`);
console.log(`\nIn a terminal: curl ${api.ApiEndpoint}/hello/Ada`);
