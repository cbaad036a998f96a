import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as V2 from '@aws-sdk/client-apigatewayv2';
import * as IAM from '@aws-sdk/client-iam';
import * as Lambda from '@aws-sdk/client-lambda';
import * as C from '@aws-sdk/client-cognito-identity-provider';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { createFunction, executionRole } from '../helpers/lambda.js';

let emu: TestEmulator;
let v2: V2.ApiGatewayV2Client;
let lambda: Lambda.LambdaClient;
const fnArn: Record<string, string> = {};

const HANDLER = `
export const handler = async (event) => {
  const q = event.queryStringParameters || {};
  switch (q.mode) {
    case 'plain': return { hello: 'world' };
    case 'string': return 'hi';
    case 'full': return { statusCode: 201, headers: { 'x-made': 'yes' }, cookies: ['a=1', 'b=2'], body: 'made' };
    case 'binary': return { statusCode: 200, headers: { 'content-type': 'image/png' }, body: Buffer.from([1, 2, 3]).toString('base64'), isBase64Encoded: true };
    case 'throw': throw new Error('boom');
    case 'slow': await new Promise((r) => setTimeout(r, 1200)); return 'late';
    default: return { statusCode: 200, body: JSON.stringify(event) };
  }
};`;

const AUTHORIZER = `
export const handler = async (event) => {
  const token = event.headers?.authorization ?? event.identitySource?.[0];
  return { isAuthorized: token === 'letmein', context: { user: 'ada', level: 3 } };
};`;

beforeAll(async () => {
  emu = await startTestEmulator();
  v2 = new V2.ApiGatewayV2Client(emu.config());
  lambda = new Lambda.LambdaClient(emu.config());
  const role = await executionRole(new IAM.IAMClient(emu.config()), 'http-api-fn');
  for (const [name, code] of [
    ['h', HANDLER],
    ['z', AUTHORIZER],
    ['noperm', HANDLER],
  ]) {
    fnArn[name] = (await createFunction(lambda, name, role, code)).FunctionArn!;
    if (name !== 'noperm') await lambda.send(new Lambda.AddPermissionCommand({ FunctionName: name, StatementId: 'apigw', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' }));
  }
});
afterAll(() => emu?.close());

const err = (p: Promise<unknown>) => p.then(() => undefined, (e: { name: string; message: string; $metadata: { httpStatusCode: number } }) => e);
const url = (apiId: string, path: string) => `${emu.url}/_aws/execute-api/${apiId}${path}`;

describe('HTTP API control plane', () => {
  it('quick create makes the integration, the $default route and an auto-deployed $default stage', async () => {
    const api = await v2.send(new V2.CreateApiCommand({ Name: 'quick', ProtocolType: 'HTTP', Target: fnArn.h }));
    expect(api.$metadata.httpStatusCode).toBe(201);
    expect(api).toMatchObject({ Name: 'quick', ProtocolType: 'HTTP', RouteSelectionExpression: '$request.method $request.path', ApiKeySelectionExpression: '$request.header.x-api-key', DisableExecuteApiEndpoint: false });
    expect(api.ApiEndpoint).toBe(`http://${api.ApiId}.execute-api.localhost:${emu.port}`);
    const routes = await v2.send(new V2.GetRoutesCommand({ ApiId: api.ApiId }));
    expect(routes.Items).toEqual([expect.objectContaining({ RouteKey: '$default', ApiGatewayManaged: true, AuthorizationType: 'NONE' })]);
    const integrations = await v2.send(new V2.GetIntegrationsCommand({ ApiId: api.ApiId }));
    expect(integrations.Items).toEqual([expect.objectContaining({ IntegrationType: 'AWS_PROXY', IntegrationUri: fnArn.h, PayloadFormatVersion: '2.0', TimeoutInMillis: 30000, IntegrationMethod: 'POST' })]);
    const stages = await v2.send(new V2.GetStagesCommand({ ApiId: api.ApiId }));
    expect(stages.Items).toEqual([expect.objectContaining({ StageName: '$default', AutoDeploy: true, DeploymentId: expect.any(String) })]);
    expect((await fetch(url(api.ApiId!, '/anything?mode=plain'))).status).toBe(200);
  });

  it('validates routes, integrations and authorizers, with AWS errors', async () => {
    const api = await v2.send(new V2.CreateApiCommand({ Name: 'manual', ProtocolType: 'HTTP' }));
    expect(await err(v2.send(new V2.CreateRouteCommand({ ApiId: api.ApiId, RouteKey: 'GET pets' })))).toMatchObject({ name: 'BadRequestException' });
    expect(await err(v2.send(new V2.CreateRouteCommand({ ApiId: api.ApiId, RouteKey: 'GET /{proxy+}/x' })))).toMatchObject({ name: 'BadRequestException' });
    expect(await err(v2.send(new V2.CreateIntegrationCommand({ ApiId: api.ApiId, IntegrationType: 'AWS_PROXY', IntegrationUri: fnArn.h })))).toMatchObject({ name: 'BadRequestException' });
    const integ = await v2.send(new V2.CreateIntegrationCommand({ ApiId: api.ApiId, IntegrationType: 'AWS_PROXY', IntegrationUri: fnArn.h, PayloadFormatVersion: '1.0' }));
    const route = await v2.send(new V2.CreateRouteCommand({ ApiId: api.ApiId, RouteKey: 'GET /pets/{id}', Target: `integrations/${integ.IntegrationId}` }));
    expect(route).toMatchObject({ RouteKey: 'GET /pets/{id}', ApiKeyRequired: false, AuthorizationType: 'NONE', Target: `integrations/${integ.IntegrationId}` });
    expect(await err(v2.send(new V2.CreateRouteCommand({ ApiId: api.ApiId, RouteKey: 'GET /pets/{id}' })))).toMatchObject({ name: 'ConflictException', $metadata: { httpStatusCode: 409 } });
    expect(await err(v2.send(new V2.DeleteIntegrationCommand({ ApiId: api.ApiId, IntegrationId: integ.IntegrationId })))).toMatchObject({ name: 'ConflictException' });
    expect(await err(v2.send(new V2.CreateAuthorizerCommand({ ApiId: api.ApiId, Name: 'j', AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'] })))).toMatchObject({
      name: 'BadRequestException',
    });
    const missing = await err(v2.send(new V2.GetApiCommand({ ApiId: 'nope' })));
    expect(missing).toMatchObject({ name: 'NotFoundException', message: 'Invalid API identifier specified 000000000000:nope', $metadata: { httpStatusCode: 404 } });
    expect((missing as unknown as { ResourceType: string }).ResourceType).toBe('Api');
    const arn = `arn:aws:apigateway:us-east-1::/apis/${api.ApiId}`;
    await v2.send(new V2.TagResourceCommand({ ResourceArn: arn, Tags: { team: 'web' } }));
    expect((await v2.send(new V2.GetTagsCommand({ ResourceArn: arn }))).Tags).toEqual({ team: 'web' });
    expect((await v2.send(new V2.GetApisCommand({}))).Items!.some((a) => a.ApiId === api.ApiId)).toBe(true);
  });

  it('named stages serve their deployment; AutoDeploy stages follow every change', async () => {
    const api = await v2.send(new V2.CreateApiCommand({ Name: 'stages', ProtocolType: 'HTTP' }));
    const integ = await v2.send(new V2.CreateIntegrationCommand({ ApiId: api.ApiId, IntegrationType: 'AWS_PROXY', IntegrationUri: fnArn.h, PayloadFormatVersion: '2.0' }));
    await v2.send(new V2.CreateRouteCommand({ ApiId: api.ApiId, RouteKey: 'GET /a', Target: `integrations/${integ.IntegrationId}` }));
    await v2.send(new V2.CreateStageCommand({ ApiId: api.ApiId, StageName: 'prod' }));
    await v2.send(new V2.CreateStageCommand({ ApiId: api.ApiId, StageName: 'dev', AutoDeploy: true }));
    expect((await fetch(url(api.ApiId!, '/prod/a?mode=plain'))).status).toBe(404);
    const d = await v2.send(new V2.CreateDeploymentCommand({ ApiId: api.ApiId, StageName: 'prod' }));
    expect(d).toMatchObject({ DeploymentStatus: 'DEPLOYED', AutoDeployed: false });
    expect((await fetch(url(api.ApiId!, '/prod/a?mode=plain'))).status).toBe(200);
    await v2.send(new V2.CreateRouteCommand({ ApiId: api.ApiId, RouteKey: 'GET /b', Target: `integrations/${integ.IntegrationId}` }));
    expect((await fetch(url(api.ApiId!, '/dev/b?mode=plain'))).status).toBe(200);
    expect((await fetch(url(api.ApiId!, '/prod/b?mode=plain'))).status).toBe(404);
    const deployments = await v2.send(new V2.GetDeploymentsCommand({ ApiId: api.ApiId }));
    expect(deployments.Items!.filter((x) => x.AutoDeployed).length).toBeGreaterThan(0);
  });
});

describe('HTTP API data plane', () => {
  let apiId: string;
  beforeAll(async () => {
    const api = await v2.send(new V2.CreateApiCommand({ Name: 'dp', ProtocolType: 'HTTP', CorsConfiguration: { AllowOrigins: ['https://app.example'], AllowMethods: ['GET', 'POST'], AllowHeaders: ['content-type'], MaxAge: 300 } }));
    apiId = api.ApiId!;
    const v2i = await v2.send(new V2.CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: fnArn.h, PayloadFormatVersion: '2.0' }));
    const v1i = await v2.send(new V2.CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: fnArn.h, PayloadFormatVersion: '1.0' }));
    const slow = await v2.send(new V2.CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: fnArn.h, PayloadFormatVersion: '2.0', TimeoutInMillis: 300 }));
    const denied = await v2.send(new V2.CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: fnArn.noperm, PayloadFormatVersion: '2.0' }));
    for (const [key, i] of [
      ['GET /pets/{id}', v2i],
      ['ANY /{proxy+}', v2i],
      ['POST /pets/{id}', v1i],
      ['GET /pets/special', v1i],
      ['GET /slow', slow],
      ['GET /denied', denied],
    ] as const) {
      await v2.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: key, Target: `integrations/${i.IntegrationId}` }));
    }
    await v2.send(new V2.CreateStageCommand({ ApiId: apiId, StageName: '$default', AutoDeploy: true, StageVariables: { color: 'blue' } }));
  });

  it('sends the payload 2.0 event with the fields of AWS documentation', async () => {
    const r = await fetch(url(apiId, '/pets/7?a=1&a=2&b=x'), { headers: { cookie: 'c1=v1; c2=v2', 'X-Custom': 'One', 'user-agent': 'tester' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('apigw-requestid')).toBeTruthy();
    const e = (await r.json()) as Record<string, any>;
    expect(Object.keys(e).sort()).toEqual(['cookies', 'headers', 'isBase64Encoded', 'pathParameters', 'queryStringParameters', 'rawPath', 'rawQueryString', 'requestContext', 'routeKey', 'stageVariables', 'version']);
    expect(Object.keys(e.requestContext).sort()).toEqual(['accountId', 'apiId', 'domainName', 'domainPrefix', 'http', 'requestId', 'routeKey', 'stage', 'time', 'timeEpoch']);
    expect(e).toMatchObject({
      version: '2.0',
      routeKey: 'GET /pets/{id}',
      rawPath: '/pets/7',
      rawQueryString: 'a=1&a=2&b=x',
      cookies: ['c1=v1', 'c2=v2'],
      queryStringParameters: { a: '1,2', b: 'x' },
      pathParameters: { id: '7' },
      stageVariables: { color: 'blue' },
      isBase64Encoded: false,
      requestContext: { accountId: '000000000000', apiId, routeKey: 'GET /pets/{id}', stage: '$default', http: { method: 'GET', path: '/pets/7', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'tester' } },
    });
    expect(e.headers['x-custom']).toBe('One');
    expect(e.headers.cookie).toBeUndefined();
    expect(e.requestContext.time).toMatch(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
  });

  it('picks the most specific route, the method over ANY, and sends payload 1.0 when asked', async () => {
    const special = (await (await fetch(url(apiId, '/pets/special'))).json()) as Record<string, any>;
    expect(special).toMatchObject({ version: '1.0', resource: '/pets/special', path: '/pets/special', httpMethod: 'GET', requestContext: { stage: '$default' } });
    const posted = (await (await fetch(url(apiId, '/pets/9'), { method: 'POST', body: 'abc' })).json()) as Record<string, any>;
    expect(posted).toMatchObject({ version: '1.0', resource: '/pets/{id}', pathParameters: { id: '9' }, body: 'abc' });
    const greedy = (await (await fetch(url(apiId, '/a/b/c'), { method: 'DELETE' })).json()) as Record<string, any>;
    expect(greedy).toMatchObject({ routeKey: 'ANY /{proxy+}', pathParameters: { proxy: 'a/b/c' } });
    const binary = (await (await fetch(url(apiId, '/up'), { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array([9, 8]) })).json()) as Record<string, any>;
    expect(binary.isBase64Encoded).toBe(true);
    expect(binary.body).toBe(Buffer.from([9, 8]).toString('base64'));
  });

  it('infers a response from what the function returns; maps statusCode, headers, cookies, base64', async () => {
    const plain = await fetch(url(apiId, '/x?mode=plain'));
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('application/json');
    expect(await plain.json()).toEqual({ hello: 'world' });
    expect(await (await fetch(url(apiId, '/x?mode=string'))).text()).toBe('"hi"');
    const full = await fetch(url(apiId, '/x?mode=full'));
    expect(full.status).toBe(201);
    expect(full.headers.get('x-made')).toBe('yes');
    expect(full.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await full.text()).toBe('made');
    expect(Buffer.from(await (await fetch(url(apiId, '/x?mode=binary'))).arrayBuffer())).toEqual(Buffer.from([1, 2, 3]));
  });

  it('errors as HTTP APIs do: 404 Not Found, 500 for a failing or forbidden function, 503 after the timeout', async () => {
    const noRoute = await fetch(url(apiId, '/'));
    expect(noRoute.status).toBe(404);
    expect(await noRoute.json()).toEqual({ message: 'Not Found' });
    const failed = await fetch(url(apiId, '/x?mode=throw'));
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ message: 'Internal Server Error' });
    expect((await fetch(url(apiId, '/denied'))).status).toBe(500);
    const slow = await fetch(url(apiId, '/slow?mode=slow'));
    expect(slow.status).toBe(503);
    expect(await slow.json()).toEqual({ message: 'Service Unavailable' });
  });

  it('answers CORS preflights from the API configuration and adds CORS headers to responses', async () => {
    const pre = await fetch(url(apiId, '/pets/1'), { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(pre.headers.get('access-control-allow-headers')).toBe('content-type');
    expect(pre.headers.get('access-control-max-age')).toBe('300');
    const other = await fetch(url(apiId, '/pets/1'), { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(url(apiId, '/x?mode=plain'), { headers: { origin: 'https://app.example' } });
    expect(get.headers.get('access-control-allow-origin')).toBe('https://app.example');
  });
});

describe('HTTP API authorizers', () => {
  it('JWT authorizer with a Cognito user pool as issuer: audience, claims, scopes', async () => {
    const idp = new C.CognitoIdentityProviderClient(emu.config());
    const pool = (await idp.send(new C.CreateUserPoolCommand({ PoolName: 'jwt' }))).UserPool!;
    const client = (await idp.send(new C.CreateUserPoolClientCommand({ UserPoolId: pool.Id, ClientName: 'spa', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!;
    await idp.send(new C.AdminCreateUserCommand({ UserPoolId: pool.Id, Username: 'grace', UserAttributes: [{ Name: 'email', Value: 'grace@example.com' }], MessageAction: 'SUPPRESS' }));
    await idp.send(new C.AdminSetUserPasswordCommand({ UserPoolId: pool.Id, Username: 'grace', Password: 'Passw0rd!Passw0rd', Permanent: true }));
    const tokens = (await idp.send(new C.InitiateAuthCommand({ ClientId: client.ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'grace', PASSWORD: 'Passw0rd!Passw0rd' } })))
      .AuthenticationResult!;
    const api = await v2.send(new V2.CreateApiCommand({ Name: 'jwt', ProtocolType: 'HTTP' }));
    const integ = await v2.send(new V2.CreateIntegrationCommand({ ApiId: api.ApiId, IntegrationType: 'AWS_PROXY', IntegrationUri: fnArn.h, PayloadFormatVersion: '2.0' }));
    // The issuer as AWS writes it; the sandbox's tokens name the same pool on its own URL.
    const jwt = await v2.send(
      new V2.CreateAuthorizerCommand({
        ApiId: api.ApiId,
        Name: 'cognito',
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: { Issuer: `https://cognito-idp.us-east-1.amazonaws.com/${pool.Id}`, Audience: [client.ClientId!] },
      }),
    );
    await v2.send(new V2.CreateRouteCommand({ ApiId: api.ApiId, RouteKey: 'GET /me', AuthorizationType: 'JWT', AuthorizerId: jwt.AuthorizerId, Target: `integrations/${integ.IntegrationId}` }));
    await v2.send(
      new V2.CreateRouteCommand({ ApiId: api.ApiId, RouteKey: 'GET /admin', AuthorizationType: 'JWT', AuthorizerId: jwt.AuthorizerId, AuthorizationScopes: ['admin/write'], Target: `integrations/${integ.IntegrationId}` }),
    );
    await v2.send(new V2.CreateStageCommand({ ApiId: api.ApiId, StageName: '$default', AutoDeploy: true }));
    const ok = await fetch(url(api.ApiId!, '/me'), { headers: { authorization: `Bearer ${tokens.IdToken}` } });
    expect(ok.status).toBe(200);
    const e = (await ok.json()) as Record<string, any>;
    expect(e.requestContext.authorizer.jwt.claims).toMatchObject({ 'cognito:username': 'grace', email: 'grace@example.com', aud: client.ClientId, token_use: 'id' });
    // The access token carries client_id instead of aud: accepted for the same audience.
    expect((await fetch(url(api.ApiId!, '/me'), { headers: { authorization: `Bearer ${tokens.AccessToken}` } })).status).toBe(200);
    const none = await fetch(url(api.ApiId!, '/me'));
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ message: 'Unauthorized' });
    expect((await fetch(url(api.ApiId!, '/me'), { headers: { authorization: 'Bearer nonsense' } })).status).toBe(401);
    expect((await fetch(url(api.ApiId!, '/admin'), { headers: { authorization: `Bearer ${tokens.AccessToken}` } })).status).toBe(401);
    await v2.send(new V2.UpdateAuthorizerCommand({ ApiId: api.ApiId, AuthorizerId: jwt.AuthorizerId, JwtConfiguration: { Audience: ['someone-else'] } }));
    expect((await fetch(url(api.ApiId!, '/me'), { headers: { authorization: `Bearer ${tokens.IdToken}` } })).status).toBe(401);
  });

  it('Lambda REQUEST authorizer with simple responses: allow with context, deny with 403', async () => {
    const api = await v2.send(new V2.CreateApiCommand({ Name: 'lambda-auth', ProtocolType: 'HTTP' }));
    const integ = await v2.send(new V2.CreateIntegrationCommand({ ApiId: api.ApiId, IntegrationType: 'AWS_PROXY', IntegrationUri: fnArn.h, PayloadFormatVersion: '2.0' }));
    const z = await v2.send(
      new V2.CreateAuthorizerCommand({
        ApiId: api.ApiId,
        Name: 'simple',
        AuthorizerType: 'REQUEST',
        AuthorizerUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fnArn.z}/invocations`,
        AuthorizerPayloadFormatVersion: '2.0',
        EnableSimpleResponses: true,
        IdentitySource: ['$request.header.Authorization'],
      }),
    );
    await v2.send(new V2.CreateRouteCommand({ ApiId: api.ApiId, RouteKey: '$default', AuthorizationType: 'CUSTOM', AuthorizerId: z.AuthorizerId, Target: `integrations/${integ.IntegrationId}` }));
    await v2.send(new V2.CreateStageCommand({ ApiId: api.ApiId, StageName: '$default', AutoDeploy: true, DefaultRouteSettings: { ThrottlingRateLimit: 1, ThrottlingBurstLimit: 3 } }));
    const ok = await fetch(url(api.ApiId!, '/x'), { headers: { authorization: 'letmein' } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Record<string, any>).requestContext.authorizer).toEqual({ lambda: { user: 'ada', level: 3 } });
    const no = await fetch(url(api.ApiId!, '/x'), { headers: { authorization: 'nope' } });
    expect(no.status).toBe(403);
    expect(await no.json()).toEqual({ message: 'Forbidden' });
    expect((await fetch(url(api.ApiId!, '/x'))).status).toBe(401);
    // The stage's throttling (burst 3) is spent by now.
    const t = await fetch(url(api.ApiId!, '/x'), { headers: { authorization: 'letmein' } });
    expect(t.status).toBe(429);
    expect(await t.json()).toEqual({ message: 'Too Many Requests' });
  });
});
