import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as IAM from '@aws-sdk/client-iam';
import * as Lambda from '@aws-sdk/client-lambda';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { expectSameShape, plainOutput, snapshot } from '../helpers/snapshots.js';
import { createFunction, executionRole } from '../helpers/lambda.js';
import { signedFetch } from '../helpers/sigv4.js';

const SNAP = 'lambda__test_lambda_api.snapshot.json';
let emu: TestEmulator;
let lambda: Lambda.LambdaClient;
let iam: IAM.IAMClient;
let role: string;

const HANDLER = `
export const handler = async (event) => {
  const mode = (event.queryStringParameters || {}).mode;
  switch (mode) {
    case 'string': return 'hello';
    case 'integer': return 3;
    case 'dict': return { hello: 'world' };
    case 'list': return ['hello', 3, true];
    case 'response': return { statusCode: 202, headers: { 'x-made': 'yes' }, body: 'body123' };
    case 'throw': throw new Error('boom');
    default: return { statusCode: 200, body: JSON.stringify(event) };
  }
};`;

beforeAll(async () => {
  emu = await startTestEmulator();
  lambda = new Lambda.LambdaClient(emu.config());
  iam = new IAM.IAMClient(emu.config());
  role = await executionRole(iam, 'url-fn');
  await createFunction(lambda, 'web', role, HANDLER);
  await createFunction(lambda, 'private', role, HANDLER);
});
afterAll(() => emu?.close());

/** The snapshots write dates as "date": so do ours, and any function URL as the snapshot's word for it. */
const shape = (v: unknown, url = 'lambda-url') =>
  JSON.parse(JSON.stringify(plainOutput(v), (k, x) => (k === 'FunctionUrl' ? url : typeof x === 'string' && /^\d{4}-\d\d-\d\dT/.test(x) ? 'date' : x)));
const err = (p: Promise<unknown>) => p.then(() => undefined, (e: { name: string; message: string; $metadata: { httpStatusCode: number } }) => e);
const twin = (functionUrl: string, path = '/') => `${emu.url}/_aws/lambda-url/${new URL(functionUrl).hostname.split('.')[0]}${path}`;

describe('function URL configs', () => {
  it('Create, Get, Update, List and Delete with AWS shapes and errors', async () => {
    await createFunction(lambda, 'cfg', role, HANDLER);
    const created = await lambda.send(new Lambda.CreateFunctionUrlConfigCommand({ FunctionName: 'cfg', AuthType: 'NONE' }));
    expect(created.$metadata.httpStatusCode).toBe(201);
    const lifecycle = (key: string) => {
      const s = snapshot(SNAP, 'TestLambdaUrl::test_url_config_lifecycle', key);
      return { ...s, FunctionArn: created.FunctionArn };
    };
    expectSameShape(shape(created), lifecycle('url_creation'));
    expect(created.FunctionUrl).toMatch(new RegExp(`^http://[a-z0-9]{32}\\.lambda-url\\.us-east-1\\.localhost:${emu.port}/$`));
    const dup = await err(lambda.send(new Lambda.CreateFunctionUrlConfigCommand({ FunctionName: 'cfg', AuthType: 'NONE' })));
    expect(dup).toMatchObject({
      name: 'ResourceConflictException',
      message: `Failed to create function url config for [functionArn = ${created.FunctionArn}]. Error message:  FunctionUrlConfig exists for this Lambda function`,
      $metadata: { httpStatusCode: 409 },
    });
    expectSameShape(shape(await lambda.send(new Lambda.GetFunctionUrlConfigCommand({ FunctionName: 'cfg' }))), lifecycle('get_url_config'));
    const updated = await lambda.send(new Lambda.UpdateFunctionUrlConfigCommand({ FunctionName: 'cfg', AuthType: 'AWS_IAM' }));
    expectSameShape(shape(updated), lifecycle('updated_url_config'));
    expect((await lambda.send(new Lambda.ListFunctionUrlConfigsCommand({ FunctionName: 'cfg' }))).FunctionUrlConfigs).toHaveLength(1);
    await lambda.send(new Lambda.DeleteFunctionUrlConfigCommand({ FunctionName: 'cfg' }));
    expect(await err(lambda.send(new Lambda.GetFunctionUrlConfigCommand({ FunctionName: 'cfg' })))).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The resource you requested does not exist.',
      $metadata: { httpStatusCode: 404 },
    });
    expect(await err(lambda.send(new Lambda.CreateFunctionUrlConfigCommand({ FunctionName: 'nope', AuthType: 'NONE' })))).toMatchObject({ message: 'Function does not exist' });
    expect(await err(lambda.send(new Lambda.CreateFunctionUrlConfigCommand({ FunctionName: 'cfg', Qualifier: '$LATEST', AuthType: 'NONE' })))).toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value '$LATEST' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$)",
    });
    expect(await err(lambda.send(new Lambda.CreateFunctionUrlConfigCommand({ FunctionName: 'cfg', Qualifier: '1', AuthType: 'NONE' })))).toMatchObject({ name: 'ValidationException' });
    expect(await err(lambda.send(new Lambda.CreateFunctionUrlConfigCommand({ FunctionName: 'cfg', AuthType: 'NONE', InvokeMode: 'UNKNOWN' as never })))).toMatchObject({
      message: "1 validation error detected: Value 'UNKNOWN' at 'invokeMode' failed to satisfy constraint: Member must satisfy enum value set: [RESPONSE_STREAM, BUFFERED]",
    });
  });

  it('a URL per alias; deleting the function\'s URL keeps the alias\'s', async () => {
    await createFunction(lambda, 'aliased', role, HANDLER);
    const v = await lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'aliased' }));
    await lambda.send(new Lambda.CreateAliasCommand({ FunctionName: 'aliased', Name: 'live', FunctionVersion: v.Version }));
    await lambda.send(new Lambda.CreateFunctionUrlConfigCommand({ FunctionName: 'aliased', AuthType: 'NONE' }));
    const alias = await lambda.send(new Lambda.CreateFunctionUrlConfigCommand({ FunctionName: 'aliased', Qualifier: 'live', AuthType: 'NONE' }));
    expect(alias.FunctionArn).toMatch(/:function:aliased:live$/);
    expect((await lambda.send(new Lambda.ListFunctionUrlConfigsCommand({ FunctionName: 'aliased' }))).FunctionUrlConfigs).toHaveLength(2);
    await lambda.send(new Lambda.DeleteFunctionUrlConfigCommand({ FunctionName: 'aliased' }));
    expect((await lambda.send(new Lambda.GetFunctionUrlConfigCommand({ FunctionName: 'aliased', Qualifier: 'live' }))).FunctionArn).toBe(alias.FunctionArn);
  });
});

describe('function URL requests', () => {
  let url: string;
  beforeAll(async () => {
    url = (await lambda.send(new Lambda.CreateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'NONE', Cors: { AllowOrigins: ['*'], AllowMethods: ['GET', 'POST'] } }))).FunctionUrl!;
  });

  it('AuthType NONE still needs a resource policy that lets anyone call lambda:InvokeFunctionUrl', async () => {
    const denied = await fetch(twin(url, '/?mode=dict'));
    expect(denied.status).toBe(403);
    const deniedBody = await denied.json();
    const added = await lambda.send(
      new Lambda.AddPermissionCommand({ FunctionName: 'web', StatementId: 'urlPermission', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' }),
    );
    expect(JSON.parse(added.Statement!)).toMatchObject({ Principal: '*', Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } } });
    expect((await fetch(twin(url, '/?mode=dict'))).status).toBe(200);
    // Last, as the later tests need the permission: this comparison is skipped where the recordings are missing.
    expect(deniedBody).toEqual(snapshot('lambda__test_lambda.snapshot.json', 'test_lambda_permission_url_invocation', 'lambda_url_invocation_missing_permission'));
  });

  it('answers as AWS does for each kind of result, with the Lambda request id', async () => {
    const cases: [string, string][] = [
      ['string', 'hello'],
      ['integer', '3'],
      ['dict', '{"hello":"world"}'],
      ['list', '["hello",3,true]'],
    ];
    for (const [mode, body] of cases) {
      const r = await fetch(twin(url, `/?mode=${mode}`));
      expect([mode, r.status, r.headers.get('content-type'), await r.text()]).toEqual([mode, 200, 'application/json', body]);
      expect(r.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    }
    const made = await fetch(twin(url, '/?mode=response'));
    expect([made.status, made.headers.get('x-made'), await made.text()]).toEqual([202, 'yes', 'body123']);
    expect((await fetch(twin(url, '/?mode=throw'))).status).toBe(502);
  });

  it('sends the payload 2.0 event of function URLs', async () => {
    const e = (await (await fetch(twin(url, '/some/path?x=1&x=2'), { method: 'POST', body: 'hi', headers: { cookie: 'a=b' } })).json()) as Record<string, any>;
    const urlId = new URL(url).hostname.split('.')[0];
    expect(e).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/some/path',
      rawQueryString: 'x=1&x=2',
      cookies: ['a=b'],
      queryStringParameters: { x: '1,2' },
      body: 'hi',
      isBase64Encoded: false,
      pathParameters: null,
      stageVariables: null,
      requestContext: {
        accountId: 'anonymous',
        apiId: urlId,
        authentication: null,
        domainName: `${urlId}.lambda-url.us-east-1.on.aws`,
        domainPrefix: urlId,
        http: { method: 'POST', path: '/some/path', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' },
        routeKey: '$default',
        stage: '$default',
      },
    });
  });

  it('answers CORS preflights from the URL configuration', async () => {
    const pre = await fetch(twin(url), { method: 'OPTIONS', headers: { origin: 'https://site.example', 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET,POST');
    const get = await fetch(twin(url, '/?mode=dict'), { headers: { origin: 'https://site.example' } });
    expect(get.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('AWS_IAM: SigV4 verified, then IAM decides (lambda:InvokeFunctionUrl, FunctionUrlAuthType AWS_IAM)', async () => {
    const iamUrl = (await lambda.send(new Lambda.CreateFunctionUrlConfigCommand({ FunctionName: 'private', AuthType: 'AWS_IAM' }))).FunctionUrl!;
    const target = twin(iamUrl, '/?mode=echo');
    expect((await fetch(target)).status).toBe(403);
    // The account root is never evaluated, as everywhere in the sandbox.
    const asRoot = await signedFetch(target, { service: 'lambda', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    expect(asRoot.status).toBe(200);
    const e = (await asRoot.json()) as Record<string, any>;
    expect(e.requestContext.authorizer.iam).toMatchObject({ accountId: '000000000000', userArn: 'arn:aws:iam::000000000000:root' });
    await iam.send(new IAM.CreateUserCommand({ UserName: 'caller' }));
    const key = (await iam.send(new IAM.CreateAccessKeyCommand({ UserName: 'caller' }))).AccessKey!;
    const creds = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    expect((await signedFetch(target, { service: 'lambda', credentials: creds })).status).toBe(403);
    expect((await signedFetch(target, { service: 'lambda', credentials: { ...creds, secretAccessKey: 'wrong' } })).status).toBe(403);
    await iam.send(
      new IAM.PutUserPolicyCommand({
        UserName: 'caller',
        PolicyName: 'url',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunctionUrl', Resource: '*', Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } } }],
        }),
      }),
    );
    const allowed = await signedFetch(target, { service: 'lambda', credentials: creds });
    expect(allowed.status).toBe(200);
    const claims = ((await allowed.json()) as Record<string, any>).requestContext.authorizer.iam;
    expect(claims.userArn).toBe('arn:aws:iam::000000000000:user/caller');
  });
});
