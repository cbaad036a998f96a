import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import * as AG from '@aws-sdk/client-api-gateway';
import * as IAM from '@aws-sdk/client-iam';
import * as Lambda from '@aws-sdk/client-lambda';
import * as C from '@aws-sdk/client-cognito-identity-provider';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { expectSameShape, snapshot } from '../helpers/snapshots.js';
import { createFunction, executionRole } from '../helpers/lambda.js';

let emu: TestEmulator;
let ag: AG.APIGatewayClient;
let lambda: Lambda.LambdaClient;
let role: string;
let backend: Server;
let backendUrl: string;
const fnArn: Record<string, string> = {};

/** One function answers in many ways, picked by the `mode` query parameter, so few environments start. */
const PROXY_FN = `
export const handler = async (event) => {
  const mode = (event.queryStringParameters || {}).mode || 'echo';
  switch (mode) {
    case 'echo': return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) };
    case 'multi': return { statusCode: '201', headers: { 'X-One': 'solo', 'x-bool': true }, multiValueHeaders: { 'x-one': ['multi'], 'x-list': ['a', 'b'] }, body: 'made' };
    case 'binary': return { statusCode: 200, headers: { 'content-type': 'image/png' }, body: Buffer.from([137, 80, 78, 71]).toString('base64'), isBase64Encoded: true };
    case 'string': return 'just a string';
    case 'extra': return { statusCode: 200, body: 'x', nope: 1 };
    case 'badstatus': return { statusCode: 'abc', body: 'x' };
    case 'throw': throw new Error('boom');
    case 'slow': await new Promise((r) => setTimeout(r, 1500)); return { statusCode: 200, body: 'late' };
  }
};`;

const AUTHORIZER_FN = `
let calls = 0;
export const handler = async (event) => {
  calls++;
  const token = event.type === 'TOKEN' ? event.authorizationToken : (event.queryStringParameters || {}).token;
  if (token === 'unauthorized') throw new Error('Unauthorized');
  if (token === 'broken') return { nope: true };
  const effect = token === 'deny' ? 'Deny' : token === 'allow' || token === 'other' ? 'Allow' : 'None';
  const statement = effect === 'None' ? [] : [{ Action: 'execute-api:Invoke', Effect: effect, Resource: event.methodArn }];
  return { principalId: 'user-' + token, policyDocument: { Version: '2012-10-17', Statement: statement }, context: { calls, who: token, n: 7, ok: true } };
};`;

const invokeUri = (arn: string) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${arn}/invocations`;

beforeAll(async () => {
  emu = await startTestEmulator();
  ag = new AG.APIGatewayClient(emu.config());
  lambda = new Lambda.LambdaClient(emu.config());
  role = await executionRole(new IAM.IAMClient(emu.config()), 'apigw-fn');
  for (const [name, code] of [
    ['proxy', PROXY_FN],
    ['noperm', PROXY_FN],
    ['authz', AUTHORIZER_FN],
    ['custom', `export const handler = async (e) => { if (e.fail) throw new Error('Bad input: ' + e.fail); return { greeting: 'hello ' + e.name, stage: e.stage }; };`],
  ]) {
    fnArn[name] = (await createFunction(lambda, name, role, code)).FunctionArn!;
  }
  for (const name of ['proxy', 'authz', 'custom']) {
    await lambda.send(new Lambda.AddPermissionCommand({ FunctionName: name, StatementId: 'apigw', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' }));
  }
  backend = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(req.url?.includes('fail') ? 418 : 200, { 'content-type': 'application/json', 'x-backend': 'yes' });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() }));
    });
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => backend?.close(r));
  await emu?.close();
});

/** A REST API with one resource (`path` under /) and method, deployed to `prod`. */
async function api(o: {
  path?: string;
  method?: string;
  integration: Omit<AG.PutIntegrationRequest, 'restApiId' | 'resourceId' | 'httpMethod'>;
  methodExtra?: Partial<AG.PutMethodRequest>;
  create?: Partial<AG.CreateRestApiRequest>;
  before?: (apiId: string) => Promise<Partial<AG.PutMethodRequest> | void>;
  after?: (apiId: string, resourceId: string) => Promise<void>;
  variables?: Record<string, string>;
}) {
  const a = await ag.send(new AG.CreateRestApiCommand({ name: 'dp', ...o.create }));
  let parent = a.rootResourceId!;
  for (const part of (o.path ?? '{proxy+}').split('/').filter(Boolean)) {
    parent = (await ag.send(new AG.CreateResourceCommand({ restApiId: a.id, parentId: parent, pathPart: part }))).id!;
  }
  const extra = (await o.before?.(a.id!)) ?? {};
  const httpMethod = o.method ?? 'ANY';
  await ag.send(new AG.PutMethodCommand({ restApiId: a.id, resourceId: parent, httpMethod, authorizationType: 'NONE', ...o.methodExtra, ...extra }));
  await ag.send(new AG.PutIntegrationCommand({ restApiId: a.id, resourceId: parent, httpMethod, ...o.integration }));
  await o.after?.(a.id!, parent);
  await ag.send(new AG.CreateDeploymentCommand({ restApiId: a.id, stageName: 'prod', variables: o.variables }));
  return { id: a.id!, resourceId: parent, url: `${emu.url}/restapis/${a.id}/prod/_user_request_` };
}

const proxyTo = (arn: string): Omit<AG.PutIntegrationRequest, 'restApiId' | 'resourceId' | 'httpMethod'> => ({ type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: invokeUri(arn) });

describe('Lambda proxy integration (payload 1.0)', () => {
  let base: string;
  let apiId: string;
  beforeAll(async () => {
    const a = await api({ integration: proxyTo(fnArn.proxy), create: { binaryMediaTypes: ['image/png'] } });
    base = a.url;
    apiId = a.id;
  });

  it('sends the event AWS sends: every field, path and query parameters, headers as the client wrote them', async () => {
    const res = await fetch(`${base}/pets/42/toys?mode=echo&price=10&price=20&email=test%2Balias%40x.com&plus=a+b`, {
      method: 'POST',
      headers: { 'content-type': 'application/json;charset=utf-8', 'tEsT-HEADeR': 'aValUE' },
      body: JSON.stringify({ message: 'hello world' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-amz-apigw-id')).toBeTruthy();
    const event = (await res.json()) as Record<string, any>;
    const recorded = snapshot('apigateway__test_apigateway_lambda.snapshot.json', 'test_lambda_aws_proxy_integration', 'invocation-payload-with-params-encoding-multi');
    // Same members at the top, in requestContext and in its identity as AWS's recorded event.
    expect(Object.keys(event).sort()).toEqual(Object.keys(recorded).sort());
    expect(Object.keys(event.requestContext).sort()).toEqual(Object.keys(recorded.requestContext as object).sort());
    expectSameShape(event.requestContext.identity, { ...(recorded.requestContext as { identity: Record<string, unknown> }).identity, sourceIp: '<ip>', userAgent: '<ua>' });
    expect(event).toMatchObject({
      resource: '/{proxy+}',
      path: '/pets/42/toys',
      httpMethod: 'POST',
      pathParameters: { proxy: 'pets/42/toys' },
      queryStringParameters: { mode: 'echo', price: '20', email: 'test+alias@x.com', plus: 'a b' },
      multiValueQueryStringParameters: { mode: ['echo'], price: ['10', '20'], email: ['test+alias@x.com'], plus: ['a b'] },
      stageVariables: null,
      body: '{"message":"hello world"}',
      isBase64Encoded: false,
      requestContext: { resourcePath: '/{proxy+}', httpMethod: 'POST', path: '/prod/pets/42/toys', accountId: '000000000000', protocol: 'HTTP/1.1', stage: 'prod', apiId, domainPrefix: apiId },
    });
    expect(event.headers['tEsT-HEADeR']).toBe('aValUE');
    expect(event.multiValueHeaders['tEsT-HEADeR']).toEqual(['aValUE']);
    expect(event.headers['X-Forwarded-For']).toBe('127.0.0.1');
    // An edge-optimized API (the default) is fronted by CloudFront, which adds its headers.
    expect(event.headers['CloudFront-Viewer-Country']).toBe('US');
    expect(event.requestContext.requestTime).toMatch(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    expect(typeof event.requestContext.requestTimeEpoch).toBe('number');
    expect(event.requestContext.identity.sourceIp).toBe('127.0.0.1');
  });

  it('keeps a trailing slash in path, and reaches the API on its host name and on /_aws/execute-api', async () => {
    const e1 = (await (await fetch(`${base}/pets/?mode=echo`)).json()) as Record<string, any>;
    expect(e1).toMatchObject({ path: '/pets/', pathParameters: { proxy: 'pets' }, requestContext: { path: '/prod/pets/' } });
    const e2 = (await (await fetch(`${emu.url}/_aws/execute-api/${apiId}/prod/x?mode=echo`)).json()) as Record<string, any>;
    expect(e2.path).toBe('/x');
    // curl and browsers resolve <apiId>.execute-api.localhost; Node does not, so send the Host header ourselves.
    const viaHost = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const r = httpRequest({ host: '127.0.0.1', port: emu.port, path: '/prod/by-host?mode=echo', headers: { host: `${apiId}.execute-api.localhost:${emu.port}` } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      r.on('error', reject);
      r.end();
    });
    expect(viaHost.status).toBe(200);
    expect(JSON.parse(viaHost.body)).toMatchObject({ path: '/by-host', requestContext: { domainName: `${apiId}.execute-api.localhost` } });
  });

  it('base64-encodes binary request bodies of a binary media type', async () => {
    const e = (await (await fetch(`${base}/upload?mode=echo`, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: new Uint8Array([1, 2, 3, 255]) })).json()) as Record<string, any>;
    expect(e.isBase64Encoded).toBe(true);
    expect(Buffer.from(e.body, 'base64')).toEqual(Buffer.from([1, 2, 3, 255]));
  });

  it('maps the response: status, headers merged with multiValueHeaders, base64 bodies when the client accepts the binary type', async () => {
    const multi = await fetch(`${base}/x?mode=multi`);
    expect(multi.status).toBe(201);
    expect(multi.headers.get('x-one')).toBe('multi, solo');
    expect(multi.headers.get('x-list')).toBe('a, b');
    expect(multi.headers.get('x-bool')).toBe('true');
    expect(await multi.text()).toBe('made');
    const asText = await fetch(`${base}/x?mode=binary`);
    expect(await asText.text()).toBe(Buffer.from([137, 80, 78, 71]).toString('base64'));
    const asBinary = await fetch(`${base}/x?mode=binary`, { headers: { accept: 'image/png' } });
    expect(Buffer.from(await asBinary.arrayBuffer())).toEqual(Buffer.from([137, 80, 78, 71]));
  });

  it('answers 502 Internal server error for a malformed response or a failing function', async () => {
    for (const mode of ['string', 'extra', 'badstatus', 'throw']) {
      const r = await fetch(`${base}/x?mode=${mode}`);
      expect([mode, r.status]).toEqual([mode, 502]);
      expect(await r.json()).toEqual({ message: 'Internal server error' });
    }
  });

  it('answers 403 Missing Authentication Token for an unmatched route, Forbidden for an unknown stage', async () => {
    const r = await fetch(`${base}/`);
    expect(r.status).toBe(403);
    expect(r.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await r.json()).toEqual({ message: 'Missing Authentication Token' });
    const s = await fetch(`${emu.url}/restapis/${apiId}/nostage/_user_request_/x`);
    expect(s.status).toBe(403);
    expect(await s.json()).toEqual({ message: 'Forbidden' });
  });
});

describe('permissions, timeouts, deployments, stage variables', () => {
  it('answers 500 when the function does not let API Gateway invoke it, and records why', async () => {
    const a = await api({ integration: proxyTo(fnArn.noperm) });
    const r = await fetch(`${a.url}/x`);
    expect(r.status).toBe(500);
    expect(await r.json()).toEqual({ message: 'Internal server error' });
    const decisions = (await (await fetch(`${emu.url}/_awslings/iam/decisions`)).json()) as { decisions: { principal: string; action: string; result: string }[] };
    expect(decisions.decisions.some((d) => d.principal === 'apigateway.amazonaws.com' && d.action === 'lambda:InvokeFunction' && d.result !== 'Allowed')).toBe(true);
    // A permission limited to another API's ARN does not help; one for this API does.
    await lambda.send(
      new Lambda.AddPermissionCommand({ FunctionName: 'noperm', StatementId: 'other', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com', SourceArn: 'arn:aws:execute-api:us-east-1:000000000000:zzzzzzzzzz/*' }),
    );
    expect((await fetch(`${a.url}/x`)).status).toBe(500);
    await lambda.send(
      new Lambda.AddPermissionCommand({ FunctionName: 'noperm', StatementId: 'this', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com', SourceArn: `arn:aws:execute-api:us-east-1:000000000000:${a.id}/*/*/*` }),
    );
    expect((await fetch(`${a.url}/x`)).status).toBe(200);
  });

  it('gives up after the integration timeout with 504 Endpoint request timed out', async () => {
    const a = await api({ integration: { ...proxyTo(fnArn.proxy), timeoutInMillis: 300 } });
    const t0 = Date.now();
    const r = await fetch(`${a.url}/x?mode=slow`);
    expect(r.status).toBe(504);
    expect(await r.json()).toEqual({ message: 'Endpoint request timed out' });
    expect(Date.now() - t0).toBeLessThan(1400);
  });

  it('serves what was deployed: changes need a new deployment; stage variables reach the URI and the event', async () => {
    const a = await api({
      integration: { ...proxyTo('arn:aws:lambda:us-east-1:000000000000:function:${stageVariables.fn}') },
      variables: { fn: 'proxy', color: 'blue' },
    });
    const e = (await (await fetch(`${a.url}/x?mode=echo`)).json()) as Record<string, any>;
    expect(e.stageVariables).toEqual({ fn: 'proxy', color: 'blue' });
    await ag.send(new AG.DeleteMethodCommand({ restApiId: a.id, resourceId: a.resourceId, httpMethod: 'ANY' }));
    expect((await fetch(`${a.url}/x?mode=echo`)).status).toBe(200);
    await ag.send(new AG.PutMethodCommand({ restApiId: a.id, resourceId: a.resourceId, httpMethod: 'GET', authorizationType: 'NONE' }));
    await ag.send(new AG.PutIntegrationCommand({ restApiId: a.id, resourceId: a.resourceId, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await ag.send(new AG.CreateDeploymentCommand({ restApiId: a.id, stageName: 'prod' }));
    expect((await fetch(`${a.url}/x?mode=echo`, { method: 'POST' })).status).toBe(403);
  });
});

describe('MOCK, AWS and HTTP integrations', () => {
  it('MOCK picks the integration response from the request template and maps headers and body', async () => {
    const a = await api({
      path: 'cors',
      method: 'OPTIONS',
      integration: { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": #if($input.params(\'fail\') == "yes")500#{else}200#end}' } },
      after: async (id, rid) => {
        await ag.send(new AG.PutMethodResponseCommand({ restApiId: id, resourceId: rid, httpMethod: 'OPTIONS', statusCode: '200', responseParameters: { 'method.response.header.Access-Control-Allow-Origin': false } }));
        await ag.send(
          new AG.PutIntegrationResponseCommand({
            restApiId: id,
            resourceId: rid,
            httpMethod: 'OPTIONS',
            statusCode: '200',
            responseParameters: { 'method.response.header.Access-Control-Allow-Origin': "'*'" },
            responseTemplates: { 'application/json': '{"stage": "$context.stage", "id": "$context.requestId"}' },
          }),
        );
        await ag.send(new AG.PutMethodResponseCommand({ restApiId: id, resourceId: rid, httpMethod: 'OPTIONS', statusCode: '500' }));
        await ag.send(new AG.PutIntegrationResponseCommand({ restApiId: id, resourceId: rid, httpMethod: 'OPTIONS', statusCode: '500', selectionPattern: '5\\d\\d', responseTemplates: { 'application/json': '{"failed": true}' } }));
      },
    });
    const ok = await fetch(`${a.url}/cors`, { method: 'OPTIONS' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await ok.json()) as { stage: string; id: string };
    expect(body.stage).toBe('prod');
    expect(body.id).toBe(ok.headers.get('x-amzn-requestid'));
    const bad = await fetch(`${a.url}/cors?fail=yes`, { method: 'OPTIONS' });
    expect(bad.status).toBe(500);
    expect(await bad.json()).toEqual({ failed: true });
  });

  it('AWS (Lambda, non-proxy) maps the request with a template and errors with selection patterns', async () => {
    const a = await api({
      path: 'greet',
      method: 'POST',
      integration: {
        type: 'AWS',
        integrationHttpMethod: 'POST',
        uri: invokeUri(fnArn.custom),
        requestTemplates: { 'application/json': '#set($b = $input.path(\'$\'))\n{"name": "$b.who", "fail": $input.json(\'$.fail\'), "stage": "$context.stage"}' },
      },
      after: async (id, rid) => {
        await ag.send(new AG.PutMethodResponseCommand({ restApiId: id, resourceId: rid, httpMethod: 'POST', statusCode: '200' }));
        await ag.send(new AG.PutMethodResponseCommand({ restApiId: id, resourceId: rid, httpMethod: 'POST', statusCode: '400' }));
        await ag.send(new AG.PutIntegrationResponseCommand({ restApiId: id, resourceId: rid, httpMethod: 'POST', statusCode: '200' }));
        await ag.send(
          new AG.PutIntegrationResponseCommand({
            restApiId: id,
            resourceId: rid,
            httpMethod: 'POST',
            statusCode: '400',
            selectionPattern: 'Bad input.*',
            responseTemplates: { 'application/json': '{"error": "$input.path(\'$.errorMessage\')"}' },
          }),
        );
      },
    });
    const ok = await fetch(`${a.url}/greet`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ who: 'Ada' }) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ greeting: 'hello Ada', stage: 'prod' });
    const bad = await fetch(`${a.url}/greet`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ who: 'Ada', fail: 'no name' }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'Bad input: no name' });
  });

  it('HTTP_PROXY forwards method, path, query, headers and body to a real HTTP server, and its status back', async () => {
    const a = await api({ integration: { type: 'HTTP_PROXY', integrationHttpMethod: 'ANY', uri: `${backendUrl}/base/{proxy}`, requestParameters: { 'integration.request.path.proxy': 'method.request.path.proxy' } } });
    const r = await fetch(`${a.url}/items/7?x=1`, { method: 'PATCH', headers: { 'x-client': 'c' }, body: 'payload' });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-backend')).toBe('yes');
    const seen = (await r.json()) as { method: string; url: string; headers: Record<string, string>; body: string };
    expect(seen).toMatchObject({ method: 'PATCH', url: '/base/items/7?x=1', body: 'payload', headers: { 'x-client': 'c', 'x-amzn-apigateway-api-id': a.id } });
    expect((await fetch(`${a.url}/fail`)).status).toBe(418);
  });
});

describe('authorizers', () => {
  it('TOKEN authorizer: allow, explicit deny, no policy, Unauthorized, missing token, broken authorizer; results cached by token', async () => {
    const a = await api({
      before: async (id) => {
        const z = await ag.send(new AG.CreateAuthorizerCommand({ restApiId: id, name: 'tok', type: 'TOKEN', authorizerUri: invokeUri(fnArn.authz), identitySource: 'method.request.header.Authorization', authorizerResultTtlInSeconds: 300 }));
        return { authorizationType: 'CUSTOM', authorizerId: z.id };
      },
      integration: proxyTo(fnArn.proxy),
    });
    const call = (path: string, token?: string) => fetch(`${a.url}${path}`, { headers: token ? { authorization: token } : {} });
    const ok = await call('/one?mode=echo', 'allow');
    expect(ok.status).toBe(200);
    const e = (await ok.json()) as Record<string, any>;
    expect(e.requestContext.authorizer).toMatchObject({ principalId: 'user-allow', who: 'allow', n: 7, ok: true, calls: 1 });
    // Cached for this token: the authorizer is not called again...
    const again = (await (await call('/one?mode=echo', 'allow')).json()) as Record<string, any>;
    expect(again.requestContext.authorizer.calls).toBe(1);
    // ...and its cached policy, written for /one, does not allow /two (AWS's well-known caching gotcha).
    const other = await call('/two?mode=echo', 'allow');
    expect(other.status).toBe(403);
    expect(await other.json()).toEqual({ Message: 'User is not authorized to access this resource' });
    const deny = await call('/one', 'deny');
    expect(deny.status).toBe(403);
    expect(await deny.json()).toEqual({ Message: 'User is not authorized to access this resource with an explicit deny' });
    expect((await call('/one', 'nothing')).status).toBe(403);
    const unauthorized = await call('/one', 'unauthorized');
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toEqual({ message: 'Unauthorized' });
    expect((await call('/one')).status).toBe(401);
    const broken = await call('/one', 'broken');
    expect(broken.status).toBe(500);
    expect(await broken.json()).toEqual({ message: null });
  });

  it('REQUEST authorizer reads its identity from the query string and sees the request', async () => {
    const a = await api({
      before: async (id) => {
        const z = await ag.send(new AG.CreateAuthorizerCommand({ restApiId: id, name: 'req', type: 'REQUEST', authorizerUri: invokeUri(fnArn.authz), identitySource: 'method.request.querystring.token', authorizerResultTtlInSeconds: 0 }));
        return { authorizationType: 'CUSTOM', authorizerId: z.id };
      },
      integration: proxyTo(fnArn.proxy),
    });
    expect((await fetch(`${a.url}/a?mode=echo&token=other`)).status).toBe(200);
    expect((await fetch(`${a.url}/b?mode=echo&token=other`)).status).toBe(200);
    expect((await fetch(`${a.url}/a?mode=echo&token=deny`)).status).toBe(403);
    expect((await fetch(`${a.url}/a?mode=echo`)).status).toBe(401);
  });

  it('COGNITO_USER_POOLS authorizer accepts an ID token of the pool and passes its claims', async () => {
    const idp = new C.CognitoIdentityProviderClient(emu.config());
    const pool = (await idp.send(new C.CreateUserPoolCommand({ PoolName: 'apigw' }))).UserPool!;
    const client = (await idp.send(new C.CreateUserPoolClientCommand({ UserPoolId: pool.Id, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!;
    await idp.send(new C.AdminCreateUserCommand({ UserPoolId: pool.Id, Username: 'ada', UserAttributes: [{ Name: 'email', Value: 'ada@example.com' }], MessageAction: 'SUPPRESS' }));
    await idp.send(new C.AdminSetUserPasswordCommand({ UserPoolId: pool.Id, Username: 'ada', Password: 'Passw0rd!Passw0rd', Permanent: true }));
    const tokens = (await idp.send(new C.InitiateAuthCommand({ ClientId: client.ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'ada', PASSWORD: 'Passw0rd!Passw0rd' } })))
      .AuthenticationResult!;
    const a = await api({
      before: async (id) => {
        const z = await ag.send(new AG.CreateAuthorizerCommand({ restApiId: id, name: 'pool', type: 'COGNITO_USER_POOLS', providerARNs: [pool.Arn!], identitySource: 'method.request.header.Authorization' }));
        return { authorizationType: 'COGNITO_USER_POOLS', authorizerId: z.id };
      },
      integration: proxyTo(fnArn.proxy),
    });
    const ok = await fetch(`${a.url}/me?mode=echo`, { headers: { authorization: tokens.IdToken! } });
    expect(ok.status).toBe(200);
    const e = (await ok.json()) as Record<string, any>;
    expect(e.requestContext.authorizer.claims).toMatchObject({ 'cognito:username': 'ada', email: 'ada@example.com', token_use: 'id', aud: client.ClientId });
    expect((await fetch(`${a.url}/me`, { headers: { authorization: tokens.AccessToken! } })).status).toBe(401);
    expect((await fetch(`${a.url}/me`, { headers: { authorization: 'not-a-token' } })).status).toBe(401);
    expect((await fetch(`${a.url}/me`)).status).toBe(401);
  });
});

describe('API keys and usage plans', () => {
  it('needs a key of a plan for the stage; throttles (429 Too Many Requests) and enforces the quota (429 Limit Exceeded)', async () => {
    const a = await api({ integration: { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }, methodExtra: { apiKeyRequired: true }, after: async (id, rid) => {
      await ag.send(new AG.PutIntegrationResponseCommand({ restApiId: id, resourceId: rid, httpMethod: 'ANY', statusCode: '200', responseTemplates: { 'application/json': '{"ok": true}' } }));
    } });
    const key = await ag.send(new AG.CreateApiKeyCommand({ name: 'client', enabled: true }));
    expect((await fetch(`${a.url}/x`, { headers: { 'x-api-key': key.value! } })).status).toBe(403);
    const fast = await ag.send(new AG.CreateUsagePlanCommand({ name: 'fast', apiStages: [{ apiId: a.id, stage: 'prod' }], throttle: { rateLimit: 0.5, burstLimit: 2 } }));
    await ag.send(new AG.CreateUsagePlanKeyCommand({ usagePlanId: fast.id, keyId: key.id, keyType: 'API_KEY' }));
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${a.url}/x`, { headers: { 'x-api-key': key.value! } })).status);
    expect(statuses).toEqual([200, 200, 429]);
    const throttled = await fetch(`${a.url}/x`, { headers: { 'x-api-key': key.value! } });
    expect(await throttled.json()).toEqual({ message: 'Too Many Requests' });
    const missing = await fetch(`${a.url}/x`);
    expect(missing.status).toBe(403);
    expect(await missing.json()).toEqual({ message: 'Forbidden' });

    const quotaKey = await ag.send(new AG.CreateApiKeyCommand({ name: 'quota', enabled: true }));
    const small = await ag.send(new AG.CreateUsagePlanCommand({ name: 'small', apiStages: [{ apiId: a.id, stage: 'prod' }], quota: { limit: 2, period: 'DAY' } }));
    await ag.send(new AG.CreateUsagePlanKeyCommand({ usagePlanId: small.id, keyId: quotaKey.id, keyType: 'API_KEY' }));
    const q: number[] = [];
    for (let i = 0; i < 3; i++) q.push((await fetch(`${a.url}/x`, { headers: { 'x-api-key': quotaKey.value! } })).status);
    expect(q).toEqual([200, 200, 429]);
    expect(await (await fetch(`${a.url}/x`, { headers: { 'x-api-key': quotaKey.value! } })).json()).toEqual({ message: 'Limit Exceeded' });
    const today = new Date().toISOString().slice(0, 10);
    const usage = await ag.send(new AG.GetUsageCommand({ usagePlanId: small.id, startDate: today, endDate: today }));
    expect(usage.items?.[quotaKey.id!]).toEqual([[2, 0]]);
  });

  it('stage throttling from method settings', async () => {
    const a = await api({ integration: { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }, after: async (id, rid) => {
      await ag.send(new AG.PutIntegrationResponseCommand({ restApiId: id, resourceId: rid, httpMethod: 'ANY', statusCode: '200' }));
    } });
    await ag.send(
      new AG.UpdateStageCommand({
        restApiId: a.id,
        stageName: 'prod',
        patchOperations: [
          { op: 'replace', path: '/*/*/throttling/rateLimit', value: '0.1' },
          { op: 'replace', path: '/*/*/throttling/burstLimit', value: '1' },
        ],
      }),
    );
    expect((await fetch(`${a.url}/x`)).status).toBe(200);
    expect((await fetch(`${a.url}/x`)).status).toBe(429);
  });
});

describe('persistence', () => {
  it('serves a deployed API after a restart: its id leads to its account and region', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awslings-apigw-'));
    try {
      const first = await startTestEmulator({ stateDir: dir });
      const c = new AG.APIGatewayClient(first.config({ accessKeyId: '123456789012', secretAccessKey: 'x' }));
      const a = await c.send(new AG.CreateRestApiCommand({ name: 'kept' }));
      await c.send(new AG.PutMethodCommand({ restApiId: a.id, resourceId: a.rootResourceId, httpMethod: 'GET', authorizationType: 'NONE' }));
      await c.send(new AG.PutIntegrationCommand({ restApiId: a.id, resourceId: a.rootResourceId, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
      await c.send(new AG.PutIntegrationResponseCommand({ restApiId: a.id, resourceId: a.rootResourceId, httpMethod: 'GET', statusCode: '200', responseTemplates: { 'application/json': '{"account": "$context.accountId"}' } }));
      await c.send(new AG.CreateDeploymentCommand({ restApiId: a.id, stageName: 'v1' }));
      await first.close();
      const second = await startTestEmulator({ stateDir: dir });
      try {
        const r = await fetch(`${second.url}/_aws/execute-api/${a.id}/v1/`);
        expect(r.status).toBe(200);
        expect(await r.json()).toEqual({ account: '123456789012' });
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
