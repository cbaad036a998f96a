// Deploys a small website: an S3 bucket behind a CloudFront distribution, with two Lambda@Edge
// functions: a redirect on viewer-request and security headers on origin-response.
// Run it with: npx awslings deploy lambda-edge
import { readFileSync } from 'node:fs';
import { AttachRolePolicyCommand, CreateRoleCommand, GetRoleCommand, IAMClient, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand,
  LambdaClient,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CloudFrontClient,
  CreateDistributionCommand,
  CreateInvalidationCommand,
  CreateOriginAccessControlCommand,
  GetDistributionConfigCommand,
  ListDistributionsCommand,
  ListOriginAccessControlsCommand,
  UpdateDistributionCommand,
  type DistributionConfig,
  type LambdaFunctionAssociation,
} from '@aws-sdk/client-cloudfront';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { waitForFunctionActive, zipHandler } from 'awslings/labkit';

// Lambda@Edge functions must be created in us-east-1, whatever region you work in.
const lambda = new LambdaClient({ region: 'us-east-1' });
const iam = new IAMClient({});
// Path-style URLs (endpoint/bucket/key): the sandbox's bucket host names (bucket.localhost) do not resolve in Node.
const s3 = new S3Client({ forcePathStyle: true });
const cloudfront = new CloudFrontClient({ region: 'us-east-1' });

const ROLE = 'edge-site-role';
const COMMENT = 'awslings lambda-edge lab';
const account = (await new STSClient({}).send(new GetCallerIdentityCommand({}))).Account!;
// Bucket names are global on AWS: the account ID keeps this one yours.
const BUCKET = `edge-site-${account}`;

// ---- 1. The role: both Lambda and Lambda@Edge's replication service must be able to assume it ----
async function ensureRole(): Promise<string> {
  const trust = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com', 'edgelambda.amazonaws.com'] }, Action: 'sts:AssumeRole' }],
  };
  try {
    const arn = (await iam.send(new GetRoleCommand({ RoleName: ROLE }))).Role!.Arn!;
    // The role exists: make sure its trust policy is this one (an earlier deploy may have had another).
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: ROLE, PolicyDocument: JSON.stringify(trust) }));
    return arn;
  } catch (e) {
    if ((e as Error).name !== 'NoSuchEntityException') throw e;
    const created = await iam.send(new CreateRoleCommand({ RoleName: ROLE, AssumeRolePolicyDocument: JSON.stringify(trust) }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: ROLE, PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }));
    return created.Role!.Arn!;
  }
}

// ---- 2. A function, and a numbered version of it: CloudFront runs versions, never $LATEST ----
async function deployEdgeFunction(name: string, file: string, roleArn: string, limits: { MemorySize: number; Timeout: number }): Promise<string> {
  const zip = await zipHandler(file);
  try {
    await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: roleArn, Code: { ZipFile: zip }, ...limits }));
    console.log(`created the function ${name}`);
  } catch (e) {
    if ((e as Error).name !== 'ResourceConflictException') throw e;
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zip }));
    await waitForFunctionActive(lambda, name);
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Role: roleArn, ...limits }));
    console.log(`updated the function ${name}`);
  }
  await waitForFunctionActive(lambda, name);
  // Publishing makes an immutable, numbered copy of $LATEST (or returns the newest version if
  // nothing changed since). Its ARN ends with the version number.
  const version = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  console.log(`${name}: version ${version.Version} (${version.MemorySize} MB, ${version.Timeout} s)`);
  return version.FunctionArn!;
}

// ---- 3. The bucket and the site's pages ----
async function uploadSite(): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET })).catch((e: Error) => {
    if (e.name !== 'BucketAlreadyOwnedByYou') throw e;
  });
  for (const page of ['index.html', 'new.html']) {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: page, Body: readFileSync(`site/${page}`), ContentType: 'text/html; charset=utf-8' }));
  }
  console.log(`uploaded index.html and new.html to s3://${BUCKET}`);
}

// ---- 4. An origin access control: CloudFront signs its requests to the bucket ----
async function ensureOriginAccessControl(): Promise<string> {
  const name = `${BUCKET}-oac`;
  const list = await cloudfront.send(new ListOriginAccessControlsCommand({}));
  const existing = list.OriginAccessControlList?.Items?.find((o) => o.Name === name);
  if (existing) return existing.Id!;
  const created = await cloudfront.send(
    new CreateOriginAccessControlCommand({
      OriginAccessControlConfig: { Name: name, SigningProtocol: 'sigv4', SigningBehavior: 'always', OriginAccessControlOriginType: 's3' },
    }),
  );
  return created.OriginAccessControl!.Id!;
}

// ---- 5. The distribution, created or updated ----
function distributionConfig(oacId: string, associations: LambdaFunctionAssociation[], callerReference: string): DistributionConfig {
  return {
    CallerReference: callerReference,
    Comment: COMMENT,
    Enabled: true,
    DefaultRootObject: 'index.html',
    Origins: {
      Quantity: 1,
      Items: [{ Id: 's3-site', DomainName: `${BUCKET}.s3.us-east-1.amazonaws.com`, S3OriginConfig: { OriginAccessIdentity: '' }, OriginAccessControlId: oacId }],
    },
    DefaultCacheBehavior: {
      TargetOriginId: 's3-site',
      ViewerProtocolPolicy: 'redirect-to-https',
      CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6', // the managed policy CachingOptimized
      LambdaFunctionAssociations: { Quantity: associations.length, Items: associations },
    },
  };
}

async function upsertDistribution(oacId: string, associations: LambdaFunctionAssociation[]): Promise<{ id: string; arn: string; domain: string }> {
  const list = await cloudfront.send(new ListDistributionsCommand({}));
  const existing = list.DistributionList?.Items?.find((d) => d.Comment === COMMENT);
  if (!existing) {
    const created = await cloudfront.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig(oacId, associations, `awslings-lambda-edge-${Date.now()}`) }));
    const d = created.Distribution!;
    console.log(`created the distribution ${d.Id} (${d.DomainName})`);
    return { id: d.Id!, arn: d.ARN!, domain: d.DomainName! };
  }
  // An update sends the whole configuration back, with the ETag of the one it replaces.
  const current = await cloudfront.send(new GetDistributionConfigCommand({ Id: existing.Id }));
  const config = distributionConfig(oacId, associations, current.DistributionConfig!.CallerReference!);
  await cloudfront.send(new UpdateDistributionCommand({ Id: existing.Id, IfMatch: current.ETag, DistributionConfig: config }));
  console.log(`updated the distribution ${existing.Id} (${existing.DomainName})`);
  return { id: existing.Id!, arn: existing.ARN!, domain: existing.DomainName! };
}

const roleArn = await ensureRole();
// Viewer events: at most 128 MB and 5 seconds. Origin events allow more (30 s), but these
// functions need little: keep them small and fast, as they add to the latency of every request.
const redirectArn = await deployEdgeFunction('edge-redirect', 'redirect.ts', roleArn, { MemorySize: 128, Timeout: 5 });
const headersArn = await deployEdgeFunction('edge-security-headers', 'security-headers.ts', roleArn, { MemorySize: 128, Timeout: 5 });
await uploadSite();
const oacId = await ensureOriginAccessControl();
const distribution = await upsertDistribution(oacId, [
  { EventType: 'viewer-request', LambdaFunctionARN: redirectArn },
  { EventType: 'origin-response', LambdaFunctionARN: headersArn },
]);

// ---- 6. The bucket lets this distribution, and only it, read its objects ----
await s3.send(
  new PutBucketPolicyCommand({
    Bucket: BUCKET,
    Policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${BUCKET}/*`,
          Condition: { StringEquals: { 'AWS:SourceArn': distribution.arn } },
        },
      ],
    }),
  }),
);

// ---- 7. Forget what the edge cached before this deploy (pages, and headers from older functions) ----
await cloudfront.send(
  new CreateInvalidationCommand({ DistributionId: distribution.id, InvalidationBatch: { CallerReference: `deploy-${Date.now()}`, Paths: { Quantity: 1, Items: ['/*'] } } }),
);

// Try it. The sandbox answers for a distribution at <endpoint>/_aws/cloudfront/<id>/..., which
// Node can reach; http://<id>.cloudfront.localhost:4566/ works in curl and browsers.
const base = process.env.AWS_ENDPOINT_URL ? `${process.env.AWS_ENDPOINT_URL}/_aws/cloudfront/${distribution.id}` : `https://${distribution.domain}`;
const home = await fetch(`${base}/`);
console.log(`GET / -> ${home.status}, strict-transport-security: ${home.headers.get('strict-transport-security')}`);
const old = await fetch(`${base}/old.html`, { redirect: 'manual' });
console.log(`GET /old.html -> ${old.status}, location: ${old.headers.get('location')}`);
if (process.env.AWS_ENDPOINT_URL) {
  const port = new URL(process.env.AWS_ENDPOINT_URL).port || '80';
  console.log(`\nIn a terminal or a browser: curl -i http://${distribution.id.toLowerCase()}.cloudfront.localhost:${port}/`);
}
