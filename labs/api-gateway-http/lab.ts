import { IAMClient } from '@aws-sdk/client-iam';
import { DeleteFunctionCommand, GetFunctionConfigurationCommand, GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  DeleteApiCommand,
  GetApisCommand,
  GetIntegrationCommand,
  GetRoutesCommand,
  GetStagesCommand,
  type Api,
  type Route,
} from '@aws-sdk/client-apigatewayv2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { assert, defineLab, deleteRoleCompletely, eventually, type CheckContext } from 'awslings/labkit';

const API_NAME = 'items-api';
const ROLE = 'http-api-role';
const HELLO = 'http-hello';
const ITEMS = 'http-items';
const ROUTES = [
  { key: 'GET /hello/{name}', fn: HELLO },
  { key: 'POST /items', fn: ITEMS },
];

/** The learner's API, found by its name (the check that fails first says how to make it). */
async function apiOf(ctx: CheckContext, brief = true): Promise<Api> {
  if (ctx.shared.api) return ctx.shared.api as Api;
  const apis = (await ctx.client(ApiGatewayV2Client).send(new GetApisCommand({}))).Items ?? [];
  const api = apis.find((a) => a.Name === API_NAME);
  if (!api && brief) ctx.fail(`There is no HTTP API named ${API_NAME} yet: see the first check.`);
  if (!api) {
    ctx.fail(`There is no HTTP API named ${API_NAME}. Run the deploy step: npx awslings deploy api-gateway-http.`, {
      expected: API_NAME,
      found: apis.map((a) => a.Name),
    });
  }
  ctx.shared.api = api;
  return api;
}

/**
 * Where a request for a path of the API goes. The sandbox answers path-style at
 * `<endpoint>/_aws/execute-api/<apiId>/<path>`, which Node can reach (no *.localhost name to
 * resolve); elsewhere the API's own endpoint.
 */
function urlOf(ctx: CheckContext, api: Pick<Api, 'ApiId' | 'ApiEndpoint'>, path: string): string {
  if (ctx.target.isAwslings && ctx.target.endpoint) return `${ctx.target.endpoint}/_aws/execute-api/${api.ApiId}${path}`;
  return `${(api.ApiEndpoint ?? `https://${api.ApiId}.execute-api.${ctx.region}.amazonaws.com`).replace(/\/$/, '')}${path}`;
}

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

async function call(ctx: CheckContext, api: Pick<Api, 'ApiId' | 'ApiEndpoint'>, method: string, path: string, body?: string, contentType = 'application/json'): Promise<Answer> {
  const url = urlOf(ctx, api, path);
  ctx.log(`${method} ${url}${body !== undefined ? ` with the body ${body}` : ''}`);
  const res = await fetch(url, {
    method,
    headers: body !== undefined ? { 'content-type': contentType } : undefined,
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON: kept as text */
  }
  ctx.log(`  -> ${res.status} ${text.slice(0, 300)}`);
  return { status: res.status, headers: res.headers, body: parsed };
}

/** A function's ARN, or a failure that says it is missing. */
async function functionArn(ctx: CheckContext, name: string): Promise<string> {
  try {
    return (await ctx.client(LambdaClient).send(new GetFunctionConfigurationCommand({ FunctionName: name }))).FunctionArn!;
  } catch (e) {
    if ((e as Error).name === 'ResourceNotFoundException') ctx.fail(`There is no function ${name}.`, { expected: name, found: 'no such function' });
    throw e;
  }
}

/** `*` and `?` as in the ArnLike condition operator. */
const arnLike = (pattern: string, arn: string) =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(arn);

interface Statement {
  Effect?: string;
  Principal?: string | { Service?: string | string[] };
  Action?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** What the function's resource policy lets apigateway.amazonaws.com do: the SourceArn patterns, or `any` without one. */
async function apiGatewayGrants(ctx: CheckContext, name: string): Promise<{ statements: Statement[]; sourceArns: (string | 'any')[] }> {
  let policy: string | undefined;
  try {
    policy = (await ctx.client(LambdaClient).send(new GetPolicyCommand({ FunctionName: name }))).Policy;
  } catch (e) {
    if ((e as Error).name !== 'ResourceNotFoundException') throw e;
  }
  const statements = (policy ? (JSON.parse(policy) as { Statement: Statement[] }).Statement : []) ?? [];
  const sourceArns: (string | 'any')[] = [];
  for (const s of statements) {
    const services = typeof s.Principal === 'string' ? [s.Principal] : [s.Principal?.Service ?? []].flat();
    const actions = [s.Action ?? []].flat();
    if (s.Effect !== 'Allow' || !services.includes('apigateway.amazonaws.com')) continue;
    if (!actions.some((a) => a === 'lambda:InvokeFunction' || a === 'lambda:*')) continue;
    const condition = Object.entries(s.Condition ?? {}).find(([op]) => /^ArnLike|^ArnEquals|^StringLike|^StringEquals/.test(op))?.[1];
    const source = condition && Object.entries(condition).find(([k]) => k.toLowerCase() === 'aws:sourcearn')?.[1];
    if (source === undefined) sourceArns.push('any');
    else sourceArns.push(...[source].flat());
  }
  return { statements, sourceArns };
}

export default defineLab({
  id: 'api-gateway-http',
  title: 'An HTTP API in front of two Lambda functions',
  module: '03-api-gateway',
  objectives: [
    'Create an HTTP API with routes and Lambda proxy integrations (payload format 2.0)',
    'Return the status code, headers and body of a response from a function',
    'Let API Gateway invoke a function, from one API only (lambda:AddPermission with a SourceArn)',
    'Tell apart the answers API Gateway gives itself (404, 500) from the function\'s',
  ],
  minutes: 35,
  services: ['iam', 'lambda', 'apigatewayv2', 'sts'],
  files: ['hello.ts', 'items.ts', 'deploy.ts'],
  checks: [
    {
      id: 'api',
      title: `An HTTP API named ${API_NAME}, with a $default stage that deploys automatically`,
      points: 1,
      hint: 'CreateApiCommand with Name and ProtocolType "HTTP" makes the API. Nothing answers until a stage is deployed: CreateStageCommand with StageName "$default" and AutoDeploy: true serves it at the root of its endpoint and redeploys after every change.',
      async run(ctx) {
        const api = await apiOf(ctx, false);
        assert(api.ProtocolType === 'HTTP', `${API_NAME} should be an HTTP API.`, { expected: 'HTTP', found: api.ProtocolType });
        const stages = (await ctx.client(ApiGatewayV2Client).send(new GetStagesCommand({ ApiId: api.ApiId }))).Items ?? [];
        const def = stages.find((s) => s.StageName === '$default');
        assert(def, `${API_NAME} has no $default stage, so it answers nothing at the root of its endpoint.`, { expected: '$default', found: stages.map((s) => s.StageName) });
        assert(def.AutoDeploy === true, 'The $default stage should deploy every change automatically (AutoDeploy).', { expected: true, found: def.AutoDeploy ?? false });
      },
    },
    {
      id: 'routes',
      title: 'The routes GET /hello/{name} and POST /items each go to their function through a Lambda proxy integration (payload 2.0)',
      points: 1,
      hint: 'A route (CreateRouteCommand) has a RouteKey such as "GET /hello/{name}" and a Target "integrations/<IntegrationId>". The integration (CreateIntegrationCommand) has IntegrationType "AWS_PROXY", IntegrationUri the function\'s ARN and PayloadFormatVersion "2.0".',
      async run(ctx) {
        const api = await apiOf(ctx);
        const apigw = ctx.client(ApiGatewayV2Client);
        const routes: Route[] = (await apigw.send(new GetRoutesCommand({ ApiId: api.ApiId }))).Items ?? [];
        for (const { key, fn } of ROUTES) {
          const route = routes.find((r) => r.RouteKey === key);
          assert(route, `${API_NAME} has no route ${key}.`, { expected: key, found: routes.map((r) => r.RouteKey) });
          const integrationId = /^integrations\/(.+)$/.exec(route.Target ?? '')?.[1];
          assert(integrationId, `The route ${key} has no integration as its target.`, { expected: 'integrations/<IntegrationId>', found: route.Target ?? '(no target)' });
          const i = await apigw.send(new GetIntegrationCommand({ ApiId: api.ApiId, IntegrationId: integrationId }));
          const arn = await functionArn(ctx, fn);
          const found = { IntegrationType: i.IntegrationType, IntegrationUri: i.IntegrationUri, PayloadFormatVersion: i.PayloadFormatVersion };
          const expected = { IntegrationType: 'AWS_PROXY', IntegrationUri: arn, PayloadFormatVersion: '2.0' };
          assert(i.IntegrationType === 'AWS_PROXY' && (i.IntegrationUri === arn || i.IntegrationUri === fn), `The route ${key} should go to the function ${fn} through a Lambda proxy integration.`, { expected, found });
          assert(i.PayloadFormatVersion === '2.0', `The integration of ${key} should send payload format 2.0.`, { expected: '2.0', found: i.PayloadFormatVersion });
        }
      },
    },
    {
      id: 'permission',
      title: `${HELLO} and ${ITEMS} let API Gateway invoke them, from ${API_NAME} only`,
      points: 1,
      hint: 'AddPermissionCommand on each function: Action "lambda:InvokeFunction", Principal "apigateway.amazonaws.com", a StatementId of your choice, and SourceArn "arn:aws:execute-api:<region>:<account>:<apiId>/*" so that only this API may use the permission.',
      async run(ctx) {
        const api = await apiOf(ctx);
        const account = (await ctx.client(STSClient).send(new GetCallerIdentityCommand({}))).Account!;
        for (const { key, fn } of ROUTES) {
          await functionArn(ctx, fn);
          const { statements, sourceArns } = await apiGatewayGrants(ctx, fn);
          assert(sourceArns.length, `${fn}'s resource policy does not let apigateway.amazonaws.com invoke it.`, {
            expected: 'a statement allowing lambda:InvokeFunction to the principal apigateway.amazonaws.com',
            found: statements.length ? statements : 'no resource policy',
          });
          assert(!sourceArns.includes('any'), `${fn}'s permission has no SourceArn: any API Gateway API, in any account, could use it.`, {
            expected: `SourceArn arn:aws:execute-api:${ctx.region}:${account}:${api.ApiId}/*`,
            found: statements,
          });
          const [method, path] = key.split(' ');
          const routeArn = `arn:aws:execute-api:${ctx.region}:${account}:${api.ApiId}/$default/${method}${path}`;
          assert(
            sourceArns.some((p) => p !== 'any' && arnLike(p, routeArn)),
            `${fn}'s permission does not cover requests to ${key} of ${API_NAME} (${api.ApiId}).`,
            { expected: `a SourceArn that matches ${routeArn}`, found: sourceArns },
          );
        }
      },
    },
    {
      id: 'hello',
      title: 'GET /hello/<name> answers 200 with { "message": "Hello, <name>!" }',
      points: 2,
      timeoutMs: 20_000,
      hint: 'In hello.ts, the name is in event.pathParameters.name. Return { statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ message: ... }) }: the body is a string. A 500 with {"message":"Internal Server Error"} comes from API Gateway itself: the function failed, or it may not be invoked (see the permission check).',
      async run(ctx) {
        const api = await apiOf(ctx);
        const name = ctx.random('Ada');
        const r = await call(ctx, api, 'GET', `/hello/${name}`);
        const expected = { message: `Hello, ${name}!` };
        assert(r.status === 200, `GET /hello/${name} answered ${r.status}.`, { expected: { status: 200, body: expected }, found: { status: r.status, body: r.body } });
        assert((r.body as { message?: unknown })?.message === expected.message, `GET /hello/${name} did not greet ${name}.`, { expected, found: r.body });
        assert(/application\/json/.test(r.headers.get('content-type') ?? ''), 'The answer should say it is JSON.', { expected: 'content-type: application/json', found: r.headers.get('content-type') });
      },
    },
    {
      id: 'items',
      title: 'POST /items with a JSON item answers 201 with { "id": ..., "item": <the item> }',
      points: 2,
      timeoutMs: 20_000,
      hint: 'In items.ts, event.body is the request body as a string (base64 when event.isBase64Encoded is true): JSON.parse it. Answer statusCode 201 with a body of JSON.stringify({ id, item }), where id is new for every item (randomUUID from node:crypto).',
      async run(ctx) {
        const api = await apiOf(ctx);
        const item = { name: ctx.random('pencil-'), price: Math.floor(Math.random() * 1000) / 100, tags: [ctx.random('t-')] };
        const first = await call(ctx, api, 'POST', '/items', JSON.stringify(item));
        assert(first.status === 201, `POST /items answered ${first.status}.`, { expected: 201, found: { status: first.status, body: first.body } });
        const b = first.body as { id?: unknown; item?: unknown };
        assert(typeof b?.id === 'string' && b.id.length > 0, 'The answer has no id (a non-empty string).', { expected: { id: '<a new id>', item }, found: first.body });
        assert(JSON.stringify(b.item) === JSON.stringify(item), 'The answer does not echo the item that was sent.', { expected: { id: b.id, item }, found: first.body });
        const second = await call(ctx, api, 'POST', '/items', JSON.stringify({ ...item, name: ctx.random('eraser-') }));
        const id2 = (second.body as { id?: unknown })?.id;
        assert(second.status === 201 && id2 !== b.id, 'Two items got the same id: make a new one for each request.', { expected: 'two different ids', found: [b.id, id2] });
      },
    },
    {
      id: 'bad-body',
      title: 'POST /items with a body that is not JSON answers 400, not 500',
      points: 1,
      timeoutMs: 20_000,
      hint: 'JSON.parse throws on text that is not JSON. If the handler lets it throw, the invocation fails and API Gateway answers 500 Internal Server Error. Catch it and return statusCode 400 with a message.',
      async run(ctx) {
        const api = await apiOf(ctx);
        const r = await call(ctx, api, 'POST', '/items', `not json ${ctx.random()}`, 'text/plain');
        assert(r.status === 400, `POST /items with a body that is not JSON answered ${r.status}.`, { expected: 400, found: { status: r.status, body: r.body } });
      },
    },
    {
      id: 'not-found',
      title: 'A route the API does not have answers 404',
      points: 1,
      timeoutMs: 20_000,
      hint: 'API Gateway answers 404 {"message":"Not Found"} by itself when no route matches the method and the path, without invoking any function. A $default route or an ANY route would catch these requests instead: keep only the two routes.',
      async run(ctx) {
        const api = await apiOf(ctx);
        for (const [method, path] of [
          ['GET', `/${ctx.random('nothing-')}`],
          ['GET', '/items'],
          ['DELETE', `/hello/${ctx.random()}`],
        ]) {
          const r = await call(ctx, api, method, path);
          assert(r.status === 404, `${method} ${path} answered ${r.status}.`, { expected: { status: 404, body: { message: 'Not Found' } }, found: { status: r.status, body: r.body } });
        }
      },
    },
    {
      id: 'refused',
      title: `Another API, without a permission of its own, cannot invoke ${HELLO}`,
      points: 1,
      timeoutMs: 25_000,
      hint: 'The checker makes a second HTTP API with a route to http-hello and no permission. Its requests must fail with 500 Internal Server Error, because Lambda refuses them. If they succeed, the permission on http-hello is too broad: its SourceArn should name your API\'s ID ("arn:aws:execute-api:<region>:<account>:<apiId>/*"), not "*".',
      async run(ctx) {
        const mine = await apiOf(ctx);
        const arn = await functionArn(ctx, HELLO);
        const apigw = ctx.client(ApiGatewayV2Client);
        // Quick create: an API with a Lambda proxy integration, a route and an auto-deployed
        // $default stage in one call. It adds no permission: that is the point.
        const other = await apigw.send(new CreateApiCommand({ Name: `awslings-check-${ctx.random()}`, ProtocolType: 'HTTP', Target: arn, RouteKey: 'GET /hello/{name}' }));
        try {
          const name = ctx.random('Eve');
          // The refusal only shows against a function that works: first, through the learner's API.
          const own = await call(ctx, mine, 'GET', `/hello/${name}`);
          assert(own.status === 200, `Your own API answers GET /hello/${name} with ${own.status}: make the hello check pass first.`, { expected: 200, found: { status: own.status, body: own.body } });
          // A new API can take a moment to answer on AWS: wait while it says 404.
          const r = (await eventually(async () => {
            const a = await call(ctx, other, 'GET', `/hello/${name}`);
            return a.status === 404 ? undefined : a;
          }, 10_000, 500)) ?? { status: 404, body: 'the second API never answered' };
          const expected = { status: 500, body: { message: 'Internal Server Error' } };
          assert(r.status !== 200, `The API ${other.ApiId}, which has no permission on ${HELLO}, could invoke it: the function's permission lets other APIs call it.`, {
            expected,
            found: { status: r.status, body: r.body },
          });
          assert(r.status === 500, `The API ${other.ApiId} answered ${r.status}, where Lambda's refusal shows as API Gateway's 500.`, { expected, found: { status: r.status, body: r.body } });
        } finally {
          await apigw.send(new DeleteApiCommand({ ApiId: other.ApiId })).catch(() => undefined);
        }
      },
    },
  ],
  async cleanup(ctx) {
    const apigw = ctx.client(ApiGatewayV2Client);
    for (const a of (await apigw.send(new GetApisCommand({})).catch(() => undefined))?.Items ?? []) {
      if (a.Name === API_NAME || a.Name?.startsWith('awslings-check-')) await apigw.send(new DeleteApiCommand({ ApiId: a.ApiId })).catch(() => undefined);
    }
    const lambda = ctx.client(LambdaClient);
    for (const fn of [HELLO, ITEMS]) await lambda.send(new DeleteFunctionCommand({ FunctionName: fn })).catch(() => undefined);
    await deleteRoleCompletely(ctx.client(IAMClient), ROLE);
  },
});
