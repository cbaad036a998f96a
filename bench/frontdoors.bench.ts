import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { strToU8, zipSync } from 'fflate';
import * as IAM from '@aws-sdk/client-iam';
import * as Lambda from '@aws-sdk/client-lambda';
import * as V2 from '@aws-sdk/client-apigatewayv2';
import * as S3 from '@aws-sdk/client-s3';
import * as CF from '@aws-sdk/client-cloudfront';
import { ms, report, spawnEmulator, stats, stop } from './lib.js';

const ROOT_CREDS = { accessKeyId: 'test', secretAccessKey: 'test' };
const cfg = (endpoint: string) => ({ endpoint, region: 'us-east-1', credentials: ROOT_CREDS, maxAttempts: 1 });
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

/** Times `n` sequential calls after `warm` untimed ones. */
async function timed(n: number, warm: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warm; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

/** A fetch that reads the whole body and fails loudly on an unexpected status. */
const get = (url: string, expect = 200) => async () => {
  const r = await fetch(url);
  await r.arrayBuffer();
  if (r.status !== expect) throw new Error(`${url}: ${r.status}`);
  return r;
};

export async function frontdoorsBench(): Promise<void> {
  console.log('\nFront doors: API Gateway, function URLs, CloudFront (issue 8)');
  const e = await spawnEmulator();
  const bare = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
  try {
    const iam = new IAM.IAMClient(cfg(e.url));
    const lambda = new Lambda.LambdaClient(cfg(e.url));
    const role = (await iam.send(new IAM.CreateRoleCommand({ RoleName: 'bench', AssumeRolePolicyDocument: TRUST }))).Role!.Arn!;
    const fn = await lambda.send(
      new Lambda.CreateFunctionCommand({
        FunctionName: 'api',
        Runtime: 'nodejs20.x',
        Role: role,
        Handler: 'index.handler',
        Code: { ZipFile: zipSync({ 'index.mjs': strToU8(`export const handler = async (event) => ({ ok: true, path: event.rawPath });`) }) },
      }),
    );
    await lambda.send(new Lambda.AddPermissionCommand({ FunctionName: 'api', StatementId: 'apigw', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' }));
    const api = await new V2.ApiGatewayV2Client(cfg(e.url)).send(new V2.CreateApiCommand({ Name: 'bench', ProtocolType: 'HTTP', Target: fn.FunctionArn }));

    // 1. An HTTP API request through the data plane to a warm function, against a direct warm Invoke.
    const viaApi = stats(await timed(400, 50, get(`${e.url}/_aws/execute-api/${api.ApiId}/hello`)));
    const invoke = stats(await timed(400, 50, () => lambda.send(new Lambda.InvokeCommand({ FunctionName: 'api', Payload: Buffer.from('{"rawPath":"/x"}') }))));
    report(
      'HTTP API request to a warm Lambda (p50 of 400, sequential)',
      ms(viaApi.p50),
      '< 5 ms',
      viaApi.p50 < 5,
      `direct warm Invoke through the SDK: ${ms(invoke.p50)}, ratio ${(viaApi.p50 / invoke.p50).toFixed(2)}x; p90 ${ms(viaApi.p90)}`,
    );

    // 2. A CloudFront cache hit from an S3 origin, against a bare HTTP round trip.
    const s3 = new S3.S3Client({ ...cfg(e.url), forcePathStyle: true });
    await s3.send(new S3.CreateBucketCommand({ Bucket: 'bench-site' }));
    await s3.send(new S3.PutObjectCommand({ Bucket: 'bench-site', Key: 'index.html', Body: '<h1>hello</h1>'.repeat(64), ContentType: 'text/html' }));
    await s3.send(
      new S3.PutBucketPolicyCommand({
        Bucket: 'bench-site',
        Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bench-site/*' }] }),
      }),
    );
    const d = await new CF.CloudFrontClient(cfg(e.url)).send(
      new CF.CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: 'bench',
          Comment: '',
          Enabled: true,
          Origins: { Quantity: 1, Items: [{ Id: 's3', DomainName: 'bench-site.s3.amazonaws.com', S3OriginConfig: { OriginAccessIdentity: '' } }] },
          DefaultCacheBehavior: { TargetOriginId: 's3', ViewerProtocolPolicy: 'allow-all', CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6' },
        },
      }),
    );
    const url = `${e.url}/_aws/cloudfront/${d.Distribution!.Id}/index.html`;
    const first = await get(url)();
    if (first.headers.get('x-cache') !== 'Miss from cloudfront') throw new Error('the first request should miss');
    const hits = await timed(500, 50, async () => {
      const r = await get(url)();
      if (r.headers.get('x-cache') !== 'Hit from cloudfront') throw new Error('expected a cache hit');
    });
    const hit = stats(hits);
    const baseline = stats(await timed(500, 50, get(bareUrl)));
    report(
      'CloudFront cache hit (p50 of 500, sequential)',
      ms(hit.p50),
      '< 2 ms',
      hit.p50 < 2,
      `bare Node HTTP round trip: ${ms(baseline.p50)}, ratio ${(hit.p50 / baseline.p50).toFixed(2)}x; p90 ${ms(hit.p90)}`,
    );
  } finally {
    bare.close();
    await stop(e.child);
  }
}
