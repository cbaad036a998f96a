import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import * as CF from '@aws-sdk/client-cloudfront';
import * as S3 from '@aws-sdk/client-s3';
import * as IAM from '@aws-sdk/client-iam';
import * as Lambda from '@aws-sdk/client-lambda';
import * as V2 from '@aws-sdk/client-apigatewayv2';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { createFunction, executionRole } from '../helpers/lambda.js';

let emu: TestEmulator;
let now = Date.now();
let cf: CF.CloudFrontClient;
let s3: S3.S3Client;
let iam: IAM.IAMClient;
let lambda: Lambda.LambdaClient;
let edgeRole: string;
let lambdaOnlyRole: string;
const versions: Record<string, string> = {};

const EDGE_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com', 'edgelambda.amazonaws.com'] }, Action: 'sts:AssumeRole' }],
});

/** viewer-request: `/` → `/index.html`, `/old/*` answered with a redirect, `/big` with a body above the 40 KB limit. */
const VIEWER_REQUEST = `
export const handler = async (event) => {
  const request = event.Records[0].cf.request;
  if (request.uri.startsWith('/old/')) {
    return { status: '301', statusDescription: 'Moved Permanently', headers: { location: [{ key: 'Location', value: request.uri.replace('/old/', '/') }] } };
  }
  if (request.uri === '/big') return { status: '200', body: 'x'.repeat(41 * 1024) };
  if (request.uri.endsWith('/')) request.uri += 'index.html';
  request.headers['x-edge-rewritten'] = [{ key: 'X-Edge-Rewritten', value: event.Records[0].cf.config.eventType }];
  return request;
};`;

/** viewer-response: the usual security headers. */
const SECURITY_HEADERS = `
export const handler = async (event) => {
  const response = event.Records[0].cf.response;
  const h = response.headers;
  h['strict-transport-security'] = [{ key: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubdomains; preload' }];
  h['x-content-type-options'] = [{ key: 'X-Content-Type-Options', value: 'nosniff' }];
  h['x-frame-options'] = [{ key: 'X-Frame-Options', value: 'DENY' }];
  h['x-seen-uri'] = [{ key: 'X-Seen-Uri', value: event.Records[0].cf.request.uri }];
  return response;
};`;

async function publish(name: string, code: string, opts: Partial<Lambda.CreateFunctionRequest> = {}, role = edgeRole, client = lambda): Promise<string> {
  await createFunction(client, name, role, code, opts);
  const v = await client.send(new Lambda.PublishVersionCommand({ FunctionName: name }));
  return v.FunctionArn!;
}

beforeAll(async () => {
  emu = await startTestEmulator({ clock: { now: () => now } });
  cf = new CF.CloudFrontClient(emu.config());
  s3 = new S3.S3Client({ ...emu.config(), forcePathStyle: true });
  iam = new IAM.IAMClient(emu.config());
  lambda = new Lambda.LambdaClient(emu.config());
  edgeRole = (await iam.send(new IAM.CreateRoleCommand({ RoleName: 'edge', AssumeRolePolicyDocument: EDGE_TRUST }))).Role!.Arn!;
  lambdaOnlyRole = await executionRole(iam, 'lambda-only');
  versions.viewerRequest = await publish('viewer-request', VIEWER_REQUEST);
  versions.security = await publish('security', SECURITY_HEADERS);
  await s3.send(new S3.CreateBucketCommand({ Bucket: 'site' }));
  for (const [key, body, cacheControl] of [
    ['index.html', '<h1>home</h1>', undefined],
    ['docs/index.html', '<h1>docs</h1>', undefined],
    ['fresh.txt', 'always fresh', 'no-store'],
    ['short.txt', 'short lived', 'max-age=5'],
    ['sim.txt', 'for the simulation', undefined],
  ] as const) {
    await s3.send(new S3.PutObjectCommand({ Bucket: 'site', Key: key, Body: body, ContentType: key.endsWith('.html') ? 'text/html' : 'text/plain', CacheControl: cacheControl }));
  }
});
afterAll(() => emu?.close());

const err = (p: Promise<unknown>) => p.then(() => undefined, (e: { name: string; message: string; $metadata: { httpStatusCode: number } }) => e);

function config(o: { ref?: string; origins?: CF.Origin[]; behavior?: Partial<CF.DefaultCacheBehavior>; behaviors?: CF.CacheBehavior[]; extra?: Partial<CF.DistributionConfig> } = {}): CF.DistributionConfig {
  const origins = o.origins ?? [{ Id: 's3', DomainName: 'site.s3.amazonaws.com', S3OriginConfig: { OriginAccessIdentity: '' }, OriginAccessControlId: '' }];
  return {
    CallerReference: o.ref ?? `ref-${Math.random()}`,
    Comment: 'test',
    Enabled: true,
    Origins: { Quantity: origins.length, Items: origins },
    DefaultCacheBehavior: { TargetOriginId: origins[0].Id, ViewerProtocolPolicy: 'allow-all', CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6', ...o.behavior },
    CacheBehaviors: o.behaviors ? { Quantity: o.behaviors.length, Items: o.behaviors } : undefined,
    ...o.extra,
  };
}

const associations = (...items: CF.LambdaFunctionAssociation[]): CF.LambdaFunctionAssociations => ({ Quantity: items.length, Items: items });

describe('distributions', () => {
  it('Create, Get, GetDistributionConfig, Update with If-Match, List, Delete once disabled', async () => {
    const created = await cf.send(new CF.CreateDistributionCommand({ DistributionConfig: config({ ref: 'life' }) }));
    expect(created.$metadata.httpStatusCode).toBe(201);
    const d = created.Distribution!;
    expect(d.Id).toMatch(/^E[A-Z0-9]{13}$/);
    expect(d.DomainName).toMatch(/^d[a-z0-9]{13}\.cloudfront\.net$/);
    expect(d.ARN).toBe(`arn:aws:cloudfront::000000000000:distribution/${d.Id}`);
    expect(created.Location).toBe(`https://cloudfront.amazonaws.com/2020-05-31/distribution/${d.Id}`);
    expect(d.Status).toBe('InProgress');
    expect(d.DistributionConfig?.DefaultCacheBehavior).toMatchObject({ LambdaFunctionAssociations: { Quantity: 0 }, AllowedMethods: { Quantity: 2, Items: ['HEAD', 'GET'] } });
    const got = await cf.send(new CF.GetDistributionCommand({ Id: d.Id }));
    expect(got.Distribution!.Status).toBe('Deployed');
    expect(got.ETag).toBe(created.ETag);
    const cfg = await cf.send(new CF.GetDistributionConfigCommand({ Id: d.Id }));
    expect(cfg.DistributionConfig!.CallerReference).toBe('life');
    expect(await err(cf.send(new CF.CreateDistributionCommand({ DistributionConfig: config({ ref: 'life' }) })))).toMatchObject({ name: 'DistributionAlreadyExists', $metadata: { httpStatusCode: 409 } });
    expect(await err(cf.send(new CF.DeleteDistributionCommand({ Id: d.Id, IfMatch: cfg.ETag })))).toMatchObject({
      name: 'DistributionNotDisabled',
      message: 'The distribution you are trying to delete has not been disabled.',
      $metadata: { httpStatusCode: 409 },
    });
    cfg.DistributionConfig!.Enabled = false;
    expect(await err(cf.send(new CF.UpdateDistributionCommand({ Id: d.Id, DistributionConfig: cfg.DistributionConfig })))).toMatchObject({ name: 'InvalidIfMatchVersion' });
    expect(await err(cf.send(new CF.UpdateDistributionCommand({ Id: d.Id, IfMatch: 'EWRONG', DistributionConfig: cfg.DistributionConfig })))).toMatchObject({
      name: 'PreconditionFailed',
      $metadata: { httpStatusCode: 412 },
    });
    const updated = await cf.send(new CF.UpdateDistributionCommand({ Id: d.Id, IfMatch: cfg.ETag, DistributionConfig: cfg.DistributionConfig }));
    expect(updated.ETag).not.toBe(cfg.ETag);
    const list = await cf.send(new CF.ListDistributionsCommand({}));
    expect(list.DistributionList!.Items!.find((x) => x.Id === d.Id)).toMatchObject({ Enabled: false, DomainName: d.DomainName, ETag: updated.ETag });
    await cf.send(new CF.DeleteDistributionCommand({ Id: d.Id, IfMatch: updated.ETag }));
    expect(await err(cf.send(new CF.GetDistributionCommand({ Id: d.Id })))).toMatchObject({ name: 'NoSuchDistribution', message: 'The specified distribution does not exist.', $metadata: { httpStatusCode: 404 } });
  });

  it('checks origins and cache behaviors', async () => {
    expect(await err(cf.send(new CF.CreateDistributionCommand({ DistributionConfig: config({ behavior: { TargetOriginId: 'nope' } }) })))).toMatchObject({
      name: 'NoSuchOrigin',
      $metadata: { httpStatusCode: 404 },
    });
    expect(await err(cf.send(new CF.CreateDistributionCommand({ DistributionConfig: config({ behavior: { CachePolicyId: '00000000-0000-0000-0000-000000000000' } }) })))).toMatchObject({
      name: 'NoSuchCachePolicy',
    });
    expect(await err(cf.send(new CF.CreateDistributionCommand({ DistributionConfig: config({ behavior: { CachePolicyId: undefined } }) })))).toMatchObject({
      name: 'InvalidArgument',
      message: 'The parameter ForwardedValues is required.',
    });
    const policies = await cf.send(new CF.ListCachePoliciesCommand({ Type: 'managed' }));
    expect(policies.CachePolicyList!.Items!.map((p) => p.CachePolicy!.CachePolicyConfig!.Name)).toContain('Managed-CachingOptimized');
  });

  it('refuses each broken Lambda@Edge association with AWS\'s error', async () => {
    const reject = async (a: CF.LambdaFunctionAssociation) =>
      err(cf.send(new CF.CreateDistributionCommand({ DistributionConfig: config({ behavior: { LambdaFunctionAssociations: associations(a) } }) })));
    const unversioned = versions.viewerRequest.replace(/:\d+$/, '');
    const latest = await reject({ EventType: 'viewer-request', LambdaFunctionARN: `${unversioned}:$LATEST` });
    expect(latest).toMatchObject({
      name: 'InvalidLambdaFunctionAssociation',
      message: `The function ARN must reference a specific function version. (The ARN must end with the version number.) ARN: ${unversioned}:$LATEST`,
      $metadata: { httpStatusCode: 400 },
    });
    expect(await reject({ EventType: 'viewer-request', LambdaFunctionARN: unversioned })).toMatchObject({ name: 'InvalidLambdaFunctionAssociation' });
    await lambda.send(new Lambda.CreateAliasCommand({ FunctionName: 'viewer-request', Name: 'live', FunctionVersion: '1' }));
    expect(await reject({ EventType: 'viewer-request', LambdaFunctionARN: `${unversioned}:live` })).toMatchObject({ message: expect.stringContaining('must reference a specific function version') });

    const west = new Lambda.LambdaClient(emu.config(undefined, 'us-west-2'));
    const westArn = await publish('west', VIEWER_REQUEST, {}, edgeRole, west);
    expect(await reject({ EventType: 'viewer-request', LambdaFunctionARN: westArn })).toMatchObject({ message: `The function must be in region 'us-east-1'. ARN: ${westArn}` });

    const noEdgeTrust = await publish('no-edge-trust', VIEWER_REQUEST, {}, lambdaOnlyRole);
    expect(await reject({ EventType: 'viewer-request', LambdaFunctionARN: noEdgeTrust })).toMatchObject({
      message: `The function execution role must be assumable with edgelambda.amazonaws.com as well as lambda.amazonaws.com principals. Update the IAM role and try again. Role: ${lambdaOnlyRole}`,
    });

    const big = await publish('big-memory', VIEWER_REQUEST, { MemorySize: 256 });
    expect(await reject({ EventType: 'viewer-request', LambdaFunctionARN: big })).toMatchObject({
      message: `The function memory size is larger than the maximum allowed size for functions that are triggered by a CloudFront event: 256 Max allowed: 128 Function: ${big}`,
    });
    const slow = await publish('slow-timeout', VIEWER_REQUEST, { Timeout: 10 });
    expect(await reject({ EventType: 'viewer-response', LambdaFunctionARN: slow })).toMatchObject({
      message: `The function timeout is larger than the maximum allowed for functions that are triggered by a CloudFront event: 10 Max allowed: 5 Function: ${slow}`,
    });
    // Origin events allow more memory and time.
    const origin = await cf.send(new CF.CreateDistributionCommand({ DistributionConfig: config({ behavior: { LambdaFunctionAssociations: associations({ EventType: 'origin-request', LambdaFunctionARN: big }, { EventType: 'origin-response', LambdaFunctionARN: slow }) } }) }));
    expect(origin.Distribution!.Id).toBeTruthy();
    const env = await publish('with-env', VIEWER_REQUEST, { Environment: { Variables: { A: '1' } } });
    expect(await reject({ EventType: 'origin-request', LambdaFunctionARN: env })).toMatchObject({ message: `The function cannot have environment variables. Function: ${env}` });
  });
});

/** Sends a request to a distribution's data plane (path-style twin), as a viewer somewhere. */
async function get(id: string, path: string, headers: Record<string, string> = {}) {
  const r = await fetch(`${emu.url}/_aws/cloudfront/${id}${path}`, { headers, redirect: 'manual' });
  return { status: r.status, headers: r.headers, body: await r.text() };
}

describe('data plane', () => {
  let open: string;
  let edge: string;
  beforeAll(async () => {
    await s3.send(
      new S3.PutBucketPolicyCommand({
        Bucket: 'site',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::site/*' }],
        }),
      }),
    );
    open = (await cf.send(new CF.CreateDistributionCommand({ DistributionConfig: config({ extra: { DefaultRootObject: 'index.html' } }) }))).Distribution!.Id!;
    edge = (
      await cf.send(
        new CF.CreateDistributionCommand({
          DistributionConfig: config({
            behavior: {
              LambdaFunctionAssociations: associations({ EventType: 'viewer-request', LambdaFunctionARN: versions.viewerRequest }, { EventType: 'viewer-response', LambdaFunctionARN: versions.security }),
            },
          }),
        }),
      )
    ).Distribution!.Id!;
  });

  it('serves an S3 origin through the cache: Miss, then Hit with Age; Cache-Control and TTLs honoured', async () => {
    const first = await get(open, '/');
    expect(first).toMatchObject({ status: 200, body: '<h1>home</h1>' });
    expect(first.headers.get('x-cache')).toBe('Miss from cloudfront');
    expect(first.headers.get('via')).toMatch(/^1\.1 [0-9a-f]+\.cloudfront\.net \(CloudFront\)$/);
    expect(first.headers.get('x-amz-cf-pop')).toMatch(/^IAD\d+-P1$/);
    now += 3000;
    const second = await get(open, '/index.html');
    expect(second.headers.get('x-cache')).toBe('Hit from cloudfront');
    expect(second.headers.get('age')).toBe('3');
    // no-store still stays for the policy's MinTTL (1 s for CachingOptimized), as on AWS.
    expect((await get(open, '/fresh.txt')).headers.get('x-cache')).toBe('Miss from cloudfront');
    expect((await get(open, '/fresh.txt')).headers.get('x-cache')).toBe('Hit from cloudfront');
    now += 1500;
    expect((await get(open, '/fresh.txt')).headers.get('x-cache')).toBe('Miss from cloudfront');
    await get(open, '/short.txt');
    expect((await get(open, '/short.txt')).headers.get('x-cache')).toBe('Hit from cloudfront');
    now += 6000;
    expect((await get(open, '/short.txt')).headers.get('x-cache')).toBe('Miss from cloudfront');
    expect((await get(open, '/missing.txt')).status).toBe(404);
  });

  it('misses again after an invalidation of the path', async () => {
    await get(open, '/docs/index.html');
    expect((await get(open, '/docs/index.html')).headers.get('x-cache')).toBe('Hit from cloudfront');
    await s3.send(new S3.PutObjectCommand({ Bucket: 'site', Key: 'docs/index.html', Body: '<h1>docs v2</h1>', ContentType: 'text/html' }));
    expect((await get(open, '/docs/index.html')).body).toBe('<h1>docs</h1>');
    const inv = await cf.send(new CF.CreateInvalidationCommand({ DistributionId: open, InvalidationBatch: { CallerReference: 'docs', Paths: { Quantity: 1, Items: ['/docs/*'] } } }));
    expect(inv.Invalidation).toMatchObject({ Status: 'InProgress', InvalidationBatch: { Paths: { Quantity: 1, Items: ['/docs/*'] } } });
    const after = await get(open, '/docs/index.html');
    expect(after.headers.get('x-cache')).toBe('Miss from cloudfront');
    expect(after.body).toBe('<h1>docs v2</h1>');
    expect((await cf.send(new CF.GetInvalidationCommand({ DistributionId: open, Id: inv.Invalidation!.Id }))).Invalidation!.Status).toBe('Completed');
    expect((await cf.send(new CF.ListInvalidationsCommand({ DistributionId: open }))).InvalidationList!.Items!.map((i) => i.Id)).toEqual([inv.Invalidation!.Id]);
  });

  it('an edge function rewrites the request and another adds security headers, on misses and hits', async () => {
    const miss = await get(edge, '/docs/');
    expect(miss.status).toBe(200);
    expect(miss.body).toBe('<h1>docs v2</h1>');
    expect(miss.headers.get('x-cache')).toBe('Miss from cloudfront');
    expect(miss.headers.get('strict-transport-security')).toBe('max-age=63072000; includeSubdomains; preload');
    expect(miss.headers.get('x-frame-options')).toBe('DENY');
    expect(miss.headers.get('x-seen-uri')).toBe('/docs/index.html');
    const hit = await get(edge, '/docs/');
    expect(hit.headers.get('x-cache')).toBe('Hit from cloudfront');
    expect(hit.headers.get('x-content-type-options')).toBe('nosniff');
    // viewer-response does not run when the origin answers 400 or more (origin-response does).
    const missing = await get(edge, '/no-such-page.html');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-frame-options')).toBeNull();
    const redirect = await get(edge, '/old/page.html');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/page.html');
    expect(redirect.headers.get('x-cache')).toBe('LambdaGeneratedResponse from cloudfront');
    // A viewer-request function may generate at most 40 KB.
    const big = await get(edge, '/big');
    expect(big.status).toBe(502);
    expect(big.headers.get('x-cache')).toBe('LambdaValidationError from cloudfront');
  });

  it('sends the Lambda@Edge event shape CloudFront sends', async () => {
    const echo = await publish('edge-echo', `export const handler = async (event) => ({ status: '200', headers: { 'content-type': [{ key: 'Content-Type', value: 'application/json' }] }, body: JSON.stringify(event) });`);
    const id = (await cf.send(new CF.CreateDistributionCommand({ DistributionConfig: config({ behavior: { LambdaFunctionAssociations: associations({ EventType: 'origin-request', LambdaFunctionARN: echo, IncludeBody: true }) } }) }))).Distribution!;
    const r = await get(id.Id!, '/a/b?x=1', { 'X-Custom': 'v' });
    const event = JSON.parse(r.body) as { Records: { cf: { config: Record<string, string>; request: Record<string, any> } }[] };
    const { config: c, request } = event.Records[0].cf;
    expect(c).toEqual({ distributionDomainName: id.DomainName, distributionId: id.Id, eventType: 'origin-request', requestId: expect.any(String) });
    expect(request).toMatchObject({ clientIp: '127.0.0.1', method: 'GET', querystring: 'x=1', uri: '/a/b', origin: { s3: { domainName: 'site.s3.amazonaws.com', authMethod: 'none', path: '', region: 'us-east-1' } } });
    expect(request.headers['x-custom']).toEqual([{ key: 'X-Custom', value: 'v' }]);
    expect(request.headers.host).toEqual([{ key: 'Host', value: 'site.s3.amazonaws.com' }]);
  });

  it('reads a private bucket through an origin access control the bucket policy names', async () => {
    await s3.send(new S3.CreateBucketCommand({ Bucket: 'private-site' }));
    await s3.send(new S3.PutObjectCommand({ Bucket: 'private-site', Key: 'secret.txt', Body: 'for cloudfront only' }));
    const oac = await cf.send(new CF.CreateOriginAccessControlCommand({ OriginAccessControlConfig: { Name: 'oac', SigningProtocol: 'sigv4', SigningBehavior: 'always', OriginAccessControlOriginType: 's3' } }));
    const d = (
      await cf.send(
        new CF.CreateDistributionCommand({
          DistributionConfig: config({ origins: [{ Id: 'p', DomainName: 'private-site.s3.us-east-1.amazonaws.com', S3OriginConfig: { OriginAccessIdentity: '' }, OriginAccessControlId: oac.OriginAccessControl!.Id }] }),
        }),
      )
    ).Distribution!;
    expect((await get(d.Id!, '/secret.txt')).status).toBe(403);
    await s3.send(
      new S3.PutBucketPolicyCommand({
        Bucket: 'private-site',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::private-site/*', Condition: { StringEquals: { 'AWS:SourceArn': d.ARN } } },
          ],
        }),
      }),
    );
    expect(await get(d.Id!, '/secret.txt')).toMatchObject({ status: 200, body: 'for cloudfront only' });
    expect((await fetch(`${emu.url}/private-site/secret.txt`)).status).toBe(403);
  });

  it('fronts an HTTP API stage as a custom origin, by its AWS host name', async () => {
    const fn = await createFunction(lambda, 'api-fn', edgeRole, `export const handler = async (e) => ({ statusCode: 200, headers: { 'cache-control': 'max-age=60' }, body: 'api ' + e.rawPath });`);
    await lambda.send(new Lambda.AddPermissionCommand({ FunctionName: 'api-fn', StatementId: 'apigw', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' }));
    const api = await new V2.ApiGatewayV2Client(emu.config()).send(new V2.CreateApiCommand({ Name: 'behind-cf', ProtocolType: 'HTTP', Target: fn.FunctionArn }));
    const d = (
      await cf.send(
        new CF.CreateDistributionCommand({
          DistributionConfig: config({
            origins: [{ Id: 'api', DomainName: `${api.ApiId}.execute-api.us-east-1.amazonaws.com`, CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only' } }],
            behaviors: [{ PathPattern: '/static/*', TargetOriginId: 'api', ViewerProtocolPolicy: 'allow-all', CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad' }],
          }),
        }),
      )
    ).Distribution!;
    const a = await get(d.Id!, '/hello');
    expect(a).toMatchObject({ status: 200, body: 'api /hello' });
    expect((await get(d.Id!, '/hello')).headers.get('x-cache')).toBe('Hit from cloudfront');
    // The /static/* behavior uses the CachingDisabled policy.
    await get(d.Id!, '/static/x');
    expect((await get(d.Id!, '/static/x')).headers.get('x-cache')).toBe('Miss from cloudfront');
    // Its host name works too (curl and browsers resolve <id>.cloudfront.localhost).
    const viaHost = await new Promise<{ status: number; cache: string | undefined }>((resolve, reject) => {
      const r = httpRequest({ host: '127.0.0.1', port: emu.port, path: '/hello', headers: { host: `${d.Id!.toLowerCase()}.cloudfront.localhost:${emu.port}` } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, cache: res.headers['x-cache'] as string | undefined }));
      });
      r.on('error', reject);
      r.end();
    });
    expect(viaHost).toEqual({ status: 200, cache: 'Hit from cloudfront' });
  });

  it('origin-response changes what is cached; a function URL works as a custom origin', async () => {
    await createFunction(lambda, 'url-origin', edgeRole, `export const handler = async (e) => ({ statusCode: 200, body: 'from the URL ' + e.rawPath });`);
    await lambda.send(new Lambda.AddPermissionCommand({ FunctionName: 'url-origin', StatementId: 'url', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' }));
    const fnUrl = new URL((await lambda.send(new Lambda.CreateFunctionUrlConfigCommand({ FunctionName: 'url-origin', AuthType: 'NONE' }))).FunctionUrl!);
    const awsHost = `${fnUrl.hostname.split('.')[0]}.lambda-url.us-east-1.on.aws`;
    const d = (
      await cf.send(
        new CF.CreateDistributionCommand({
          DistributionConfig: config({
            origins: [{ Id: 'url', DomainName: awsHost, CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only' } }],
            behavior: { LambdaFunctionAssociations: associations({ EventType: 'origin-response', LambdaFunctionARN: versions.security }) },
          }),
        }),
      )
    ).Distribution!;
    const miss = await get(d.Id!, '/page');
    expect(miss).toMatchObject({ status: 200, body: 'from the URL /page' });
    expect(miss.headers.get('x-frame-options')).toBe('DENY');
    // The origin-response function ran once, before caching: the hit carries its headers without running it.
    const hit = await get(d.Id!, '/page');
    expect(hit.headers.get('x-cache')).toBe('Hit from cloudfront');
    expect(hit.headers.get('x-frame-options')).toBe('DENY');
  });

  it('simulates the edge: the viewer location picks the edge; hits cost less than misses; distant origins cost more', async () => {
    const fra1 = await get(open, '/sim.txt', { 'X-Awslings-Viewer-Location': 'FRA' });
    const fra2 = await get(open, '/sim.txt', { 'X-Awslings-Viewer-Location': 'FRA' });
    expect([fra1.headers.get('x-cache'), fra2.headers.get('x-cache')]).toEqual(['Miss from cloudfront', 'Hit from cloudfront']);
    expect(fra1.headers.get('x-awslings-edge-location')).toBe('FRA (Frankfurt)');
    expect(fra1.headers.get('x-amz-cf-pop')).toMatch(/^FRA/);
    const ms = (h: Headers, name: string) => Number(h.get(name));
    expect(ms(fra2.headers, 'x-awslings-simulated-ms')).toBeLessThan(ms(fra1.headers, 'x-awslings-simulated-ms'));
    expect(ms(fra1.headers, 'x-awslings-simulated-origin-ms')).toBeGreaterThan(50);
    expect(ms(fra2.headers, 'x-awslings-simulated-origin-ms')).toBe(0);
    // From Frankfurt to us-east-1 directly costs more than from the Frankfurt edge on a hit.
    expect(ms(fra2.headers, 'x-awslings-simulated-direct-ms')).toBeGreaterThan(ms(fra2.headers, 'x-awslings-simulated-ms'));
    const sydney = await get(open, '/index.html', { 'X-Awslings-Viewer-Location': '-33.87,151.21' });
    expect(sydney.headers.get('x-awslings-edge-location')).toBe('SYD (Sydney)');
    const home = await get(open, '/index.html');
    expect(home.headers.get('x-awslings-edge-location')).toBe('IAD (Ashburn)');
  });
});
