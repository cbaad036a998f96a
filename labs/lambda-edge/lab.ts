import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { DeleteFunctionCommand, GetFunctionConfigurationCommand, LambdaClient, ListVersionsByFunctionCommand, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { DeleteBucketCommand, DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  CloudFrontClient,
  DeleteDistributionCommand,
  DeleteOriginAccessControlCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  GetOriginAccessControlCommand,
  ListDistributionsCommand,
  ListOriginAccessControlsCommand,
  UpdateDistributionCommand,
  type DistributionConfig,
} from '@aws-sdk/client-cloudfront';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { assert, defineLab, deleteRoleCompletely, type CheckContext } from 'awslings/labkit';

const ROLE = 'edge-site-role';
const COMMENT = 'awslings lambda-edge lab';
const REDIRECT = 'edge-redirect';
const HEADERS = 'edge-security-headers';
/** Lambda@Edge functions live in us-east-1, whatever the learner's region. */
const EDGE_REGION = 'us-east-1';
/** What each function is attached to, and the limits of that kind of event (CloudFront's quotas). */
const ASSOCIATIONS = [
  { fn: REDIRECT, event: 'viewer-request', maxMemory: 128, maxTimeout: 5 },
  { fn: HEADERS, event: 'origin-response', maxMemory: 10_240, maxTimeout: 30 },
] as const;

interface Found {
  id: string;
  domain: string;
  config: DistributionConfig;
}

/** The learner's distribution, found by its comment. */
async function distributionOf(ctx: CheckContext): Promise<Found> {
  if (ctx.shared.distribution) return ctx.shared.distribution as Found;
  const cf = ctx.client(CloudFrontClient, { region: EDGE_REGION });
  const items = (await cf.send(new ListDistributionsCommand({}))).DistributionList?.Items ?? [];
  const d = items.find((x) => x.Comment === COMMENT);
  if (!d) {
    ctx.fail(`There is no CloudFront distribution with the comment "${COMMENT}". Run the deploy step: npx awslings deploy lambda-edge.`, {
      expected: COMMENT,
      found: items.map((x) => x.Comment),
    });
  }
  const config = (await cf.send(new GetDistributionConfigCommand({ Id: d.Id }))).DistributionConfig!;
  const found = { id: d.Id!, domain: d.DomainName!, config };
  ctx.shared.distribution = found;
  return found;
}

/** The sandbox serves a distribution at `<endpoint>/_aws/cloudfront/<id>/…`, which Node can reach; AWS at its domain. */
function urlOf(ctx: CheckContext, d: Found, path: string): string {
  if (ctx.target.isAwslings && ctx.target.endpoint) return `${ctx.target.endpoint}/_aws/cloudfront/${d.id}${path}`;
  return `https://${d.domain}${path}`;
}

async function get(ctx: CheckContext, d: Found, path: string): Promise<{ status: number; headers: Headers; body: string }> {
  const url = urlOf(ctx, d, path);
  const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  const body = await res.text();
  ctx.log(`GET ${url} -> ${res.status} (${res.headers.get('x-cache') ?? 'no X-Cache'})`);
  return { status: res.status, headers: res.headers, body };
}

/** The S3 bucket the distribution reads from, as its origin names it. */
function bucketOf(ctx: CheckContext, d: Found): string {
  const origin = d.config.Origins?.Items?.[0];
  const bucket = /^(.+)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$/.exec(origin?.DomainName ?? '')?.[1];
  if (!bucket) ctx.fail('The distribution\'s origin is not an S3 bucket.', { expected: '<bucket>.s3.us-east-1.amazonaws.com', found: origin?.DomainName });
  return bucket;
}

async function objectText(ctx: CheckContext, bucket: string, key: string): Promise<string> {
  try {
    const out = await ctx.client(S3Client).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await out.Body!.transformToString();
  } catch (e) {
    if (/NoSuchKey|NoSuchBucket/.test((e as Error).name)) ctx.fail(`The bucket ${bucket} has no ${key}.`, { expected: `s3://${bucket}/${key}`, found: (e as Error).name });
    throw e;
  }
}

const SECURITY_HEADERS: { name: string; ok: (v: string) => boolean; expected: string }[] = [
  {
    name: 'strict-transport-security',
    ok: (v) => Number(/max-age=(\d+)/i.exec(v)?.[1] ?? 0) >= 31_536_000,
    expected: 'max-age=<at least one year, 31536000 s>, such as max-age=63072000; includeSubDomains',
  },
  { name: 'x-content-type-options', ok: (v) => v.toLowerCase() === 'nosniff', expected: 'nosniff' },
  { name: 'x-frame-options', ok: (v) => /^(deny|sameorigin)$/i.test(v), expected: 'DENY (or SAMEORIGIN)' },
];

function missingHeaders(headers: Headers): Record<string, string | null> {
  const wrong: Record<string, string | null> = {};
  for (const h of SECURITY_HEADERS) {
    const v = headers.get(h.name);
    if (v === null || !h.ok(v)) wrong[h.name] = v;
  }
  return wrong;
}

/** The configuration of a function as it runs for an event: the associated version, else its newest version, else $LATEST. */
async function configFor(ctx: CheckContext, fn: string, associated?: string): Promise<{ config: FunctionConfiguration; what: string } | undefined> {
  const lambda = ctx.client(LambdaClient, { region: EDGE_REGION });
  try {
    if (associated) return { config: await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: associated })), what: associated };
    const versions = (await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: fn }))).Versions ?? [];
    const newest = versions.filter((v) => v.Version !== '$LATEST').at(-1) ?? versions[0];
    return newest ? { config: newest, what: `${fn} (version ${newest.Version})` } : undefined;
  } catch (e) {
    if ((e as Error).name === 'ResourceNotFoundException') return undefined;
    throw e;
  }
}

export default defineLab({
  id: 'lambda-edge',
  title: 'Lambda@Edge: a redirect and security headers for a site on CloudFront',
  module: '04-lambda-edge',
  objectives: [
    'Give an edge function a role that both lambda.amazonaws.com and edgelambda.amazonaws.com can assume',
    'Create it in us-east-1 and publish a numbered version, within the limits of its event',
    'Associate versions with a distribution\'s viewer-request and origin-response events',
    'Answer a request at the edge (a redirect) and change the origin\'s responses (security headers)',
  ],
  minutes: 40,
  services: ['iam', 'lambda', 's3', 'cloudfront', 'sts'],
  files: ['redirect.ts', 'security-headers.ts', 'deploy.ts', 'site/index.html', 'site/new.html'],
  checks: [
    {
      id: 'role-trust',
      title: `The role ${ROLE} can be assumed by lambda.amazonaws.com and edgelambda.amazonaws.com`,
      points: 1,
      hint: 'A Lambda@Edge function\'s role must trust two service principals: Principal: { Service: ["lambda.amazonaws.com", "edgelambda.amazonaws.com"] }, Action sts:AssumeRole. If the role already exists, changing CreateRole\'s document is not enough: UpdateAssumeRolePolicyCommand changes it.',
      async run(ctx) {
        let doc: { Statement: { Effect: string; Principal?: { Service?: string | string[] }; Action: string | string[] }[] };
        try {
          const role = await ctx.client(IAMClient).send(new GetRoleCommand({ RoleName: ROLE }));
          doc = JSON.parse(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!));
        } catch (e) {
          if ((e as Error).name === 'NoSuchEntityException') ctx.fail(`There is no role ${ROLE}.`, { expected: ROLE, found: 'no such role' });
          throw e;
        }
        const trusted = [doc.Statement]
          .flat()
          .filter((s) => s.Effect === 'Allow' && [s.Action].flat().some((a) => a === 'sts:AssumeRole' || a === 'sts:*'))
          .flatMap((s) => [s.Principal?.Service ?? []].flat());
        for (const service of ['lambda.amazonaws.com', 'edgelambda.amazonaws.com']) {
          assert(trusted.includes(service), `${ROLE}'s trust policy does not let ${service} assume it.`, {
            expected: ['lambda.amazonaws.com', 'edgelambda.amazonaws.com'],
            found: trusted,
          });
        }
      },
    },
    {
      id: 'versions',
      title: `${REDIRECT} and ${HEADERS} exist in us-east-1, each with a published version`,
      points: 1,
      hint: 'Create both functions with a Lambda client for region us-east-1 (new LambdaClient({ region: "us-east-1" })), then PublishVersionCommand({ FunctionName }): its answer\'s FunctionArn ends with the version number, such as :1.',
      async run(ctx) {
        const lambda = ctx.client(LambdaClient, { region: EDGE_REGION });
        for (const fn of [REDIRECT, HEADERS]) {
          let versions: string[];
          try {
            versions = ((await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: fn }))).Versions ?? []).map((v) => v.Version!);
          } catch (e) {
            if ((e as Error).name === 'ResourceNotFoundException') ctx.fail(`There is no function ${fn} in us-east-1.`, { expected: `${fn} in us-east-1`, found: 'no such function' });
            throw e;
          }
          assert(versions.some((v) => /^\d+$/.test(v)), `${fn} has no published version: only $LATEST, which CloudFront cannot use.`, { expected: ['$LATEST', '1'], found: versions });
        }
      },
    },
    {
      id: 'associations',
      title: `The distribution "${COMMENT}" runs ${REDIRECT} on viewer-request and ${HEADERS} on origin-response, by version ARN`,
      points: 2,
      hint: 'In the DefaultCacheBehavior, LambdaFunctionAssociations: { Quantity: 2, Items: [{ EventType: "viewer-request", LambdaFunctionARN: <the version ARN PublishVersion returned> }, { EventType: "origin-response", ... }] }. The ARN must end with a version number: not $LATEST, not an alias, not the unqualified function ARN.',
      async run(ctx) {
        const d = await distributionOf(ctx);
        bucketOf(ctx, d);
        const items = d.config.DefaultCacheBehavior?.LambdaFunctionAssociations?.Items ?? [];
        const found = items.map((a) => ({ EventType: a.EventType, LambdaFunctionARN: a.LambdaFunctionARN }));
        for (const { fn, event } of ASSOCIATIONS) {
          const a = items.find((x) => x.EventType === event);
          const expected = { EventType: event, LambdaFunctionARN: `arn:aws:lambda:us-east-1:<account>:function:${fn}:<version number>` };
          assert(a, `The distribution runs nothing on ${event}.`, { expected, found });
          const m = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):\d{12}:function:([^:]+)(?::([^:]+))?$/.exec(a.LambdaFunctionARN ?? '');
          assert(m?.[2] === fn, `The ${event} function should be ${fn}.`, { expected, found });
          assert(m[1] === EDGE_REGION, `${fn} must be in us-east-1.`, { expected, found });
          assert(m[3] !== undefined && /^\d+$/.test(m[3]), `The ${event} association should name a numbered version of ${fn}, not ${m[3] ?? 'the function without a version'}.`, { expected, found });
        }
        ctx.shared.associations = Object.fromEntries(items.map((a) => [a.EventType, a.LambdaFunctionARN]));
      },
    },
    {
      id: 'limits',
      title: 'Each function keeps to the limits of its event (viewer-request: 128 MB and 5 s at most)',
      points: 1,
      hint: 'Functions on viewer events may have at most 128 MB of memory and a 5-second timeout; on origin events, up to 30 seconds. Set MemorySize and Timeout when you create the function, and with UpdateFunctionConfigurationCommand on later deploys; then publish a new version, which copies them.',
      async run(ctx) {
        const associated = (ctx.shared.associations ?? {}) as Record<string, string>;
        for (const { fn, event, maxMemory, maxTimeout } of ASSOCIATIONS) {
          const c = await configFor(ctx, fn, associated[event]);
          assert(c, `There is no function ${fn} in us-east-1 to check.`, { expected: fn, found: 'no such function' });
          const found = { MemorySize: c.config.MemorySize, Timeout: c.config.Timeout, Environment: c.config.Environment?.Variables };
          const expected = { MemorySize: `≤ ${maxMemory}`, Timeout: `≤ ${maxTimeout}`, Environment: 'none' };
          assert((c.config.MemorySize ?? 128) <= maxMemory, `${c.what} has ${c.config.MemorySize} MB of memory; ${event} functions may have ${maxMemory} MB at most.`, { expected, found });
          assert((c.config.Timeout ?? 3) <= maxTimeout, `${c.what} has a ${c.config.Timeout}-second timeout; ${event} functions may have ${maxTimeout} s at most.`, { expected, found });
          assert(!Object.keys(c.config.Environment?.Variables ?? {}).length, `${c.what} has environment variables, which Lambda@Edge does not allow.`, { expected, found });
        }
      },
    },
    {
      id: 'serves-site',
      title: 'The distribution serves the bucket\'s index.html at /',
      points: 1,
      timeoutMs: 20_000,
      hint: 'Upload site/index.html to the bucket with PutObjectCommand (Key "index.html", ContentType "text/html"). The distribution needs DefaultRootObject "index.html" for /, and the bucket policy must let cloudfront.amazonaws.com read (the starter writes it). A 502 or 503 with X-Cache "LambdaExecutionError" or "LambdaValidationError" comes from an edge function: read its log.',
      async run(ctx) {
        const d = await distributionOf(ctx);
        const expected = await objectText(ctx, bucketOf(ctx, d), 'index.html');
        const r = await get(ctx, d, '/');
        assert(r.status === 200, `GET / through the distribution answered ${r.status}.`, { expected: 200, found: { status: r.status, 'x-cache': r.headers.get('x-cache'), body: r.body.slice(0, 300) } });
        assert(r.body === expected, 'GET / did not answer with the bucket\'s index.html.', { expected: expected.slice(0, 300), found: r.body.slice(0, 300) });
      },
    },
    {
      id: 'security-headers',
      title: 'Responses from the origin carry the security headers, on cache misses, cache hits and error pages',
      points: 2,
      timeoutMs: 20_000,
      hint: 'In security-headers.ts, add to event.Records[0].cf.response.headers (keys in lower case, each a list of { key, value }) strict-transport-security, x-content-type-options and x-frame-options, and return the response. Attached to origin-response, it runs before CloudFront caches the answer, and on the origin\'s errors too (viewer-response would skip those). Deploy again: the deploy step invalidates the cache, which still holds answers made without the headers.',
      async run(ctx) {
        const d = await distributionOf(ctx);
        const paths = ['/', '/', `/${ctx.random('missing-')}.html`];
        for (const [i, path] of paths.entries()) {
          const r = await get(ctx, d, path);
          const kind = i === 2 ? `an error page, ${r.status}` : (r.headers.get('x-cache') ?? 'a response');
          const wrong = missingHeaders(r.headers);
          assert(!Object.keys(wrong).length, `GET ${path} (${kind}) lacks security headers, or has wrong values.`, {
            expected: Object.fromEntries(SECURITY_HEADERS.map((h) => [h.name, h.expected])),
            found: wrong,
          });
        }
      },
    },
    {
      id: 'redirect',
      title: 'GET /old.html answers 301 with Location /new.html (keeping the query string), and /new.html is served',
      points: 2,
      timeoutMs: 20_000,
      hint: 'In redirect.ts, when request.uri is "/old.html", return a response instead of the request: { status: "301", statusDescription: "Moved Permanently", headers: { location: [{ key: "Location", value: "/new.html" }] } }, adding "?" and request.querystring when there is one. Return the request unchanged for every other path.',
      async run(ctx) {
        const d = await distributionOf(ctx);
        const ref = ctx.random('mail-');
        const r = await get(ctx, d, `/old.html?ref=${ref}`);
        const expected = { status: 301, location: `/new.html?ref=${ref}` };
        const found = { status: r.status, location: r.headers.get('location'), 'x-cache': r.headers.get('x-cache') };
        assert(r.status === 301, `GET /old.html?ref=${ref} answered ${r.status}.`, { expected, found });
        assert(r.headers.get('location') === expected.location, 'The redirect does not point at /new.html with the same query string.', { expected, found });
        const plain = await get(ctx, d, '/old.html');
        assert(plain.status === 301 && plain.headers.get('location') === '/new.html', 'GET /old.html (without a query string) should redirect to /new.html, without a "?".', {
          expected: { status: 301, location: '/new.html' },
          found: { status: plain.status, location: plain.headers.get('location') },
        });
        const page = await objectText(ctx, bucketOf(ctx, d), 'new.html');
        const target = await get(ctx, d, '/new.html');
        assert(target.status === 200 && target.body === page, 'Following the redirect, GET /new.html did not answer with the bucket\'s new.html.', {
          expected: { status: 200, body: page.slice(0, 200) },
          found: { status: target.status, body: target.body.slice(0, 200) },
        });
      },
    },
  ],
  async cleanup(ctx) {
    const cf = ctx.client(CloudFrontClient, { region: EDGE_REGION });
    const ignore = () => undefined;
    for (const d of (await cf.send(new ListDistributionsCommand({})).catch(ignore))?.DistributionList?.Items ?? []) {
      if (d.Comment !== COMMENT) continue;
      // A distribution must be disabled before it can be deleted.
      const current = await cf.send(new GetDistributionConfigCommand({ Id: d.Id })).catch(ignore);
      if (!current) continue;
      let etag = current.ETag;
      if (current.DistributionConfig?.Enabled) {
        etag = (await cf.send(new UpdateDistributionCommand({ Id: d.Id, IfMatch: etag, DistributionConfig: { ...current.DistributionConfig, Enabled: false } })).catch(ignore))?.ETag;
        etag = (await cf.send(new GetDistributionCommand({ Id: d.Id })).catch(ignore))?.ETag ?? etag;
      }
      await cf.send(new DeleteDistributionCommand({ Id: d.Id, IfMatch: etag })).catch(ignore);
    }
    const account = (await ctx.client(STSClient).send(new GetCallerIdentityCommand({})).catch(ignore))?.Account;
    const bucket = `edge-site-${account}`;
    for (const o of (await cf.send(new ListOriginAccessControlsCommand({})).catch(ignore))?.OriginAccessControlList?.Items ?? []) {
      if (o.Name !== `${bucket}-oac`) continue;
      const etag = (await cf.send(new GetOriginAccessControlCommand({ Id: o.Id })).catch(ignore))?.ETag;
      await cf.send(new DeleteOriginAccessControlCommand({ Id: o.Id, IfMatch: etag })).catch(ignore);
    }
    const s3 = ctx.client(S3Client);
    const objects = (await s3.send(new ListObjectsV2Command({ Bucket: bucket })).catch(ignore))?.Contents ?? [];
    if (objects.length) await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects.map((o) => ({ Key: o.Key })) } })).catch(ignore);
    await s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(ignore);
    const lambda = ctx.client(LambdaClient, { region: EDGE_REGION });
    for (const fn of [REDIRECT, HEADERS]) await lambda.send(new DeleteFunctionCommand({ FunctionName: fn })).catch(ignore);
    await deleteRoleCompletely(ctx.client(IAMClient), ROLE);
  },
});
