import type {
  CreateBucketOutput,
  CreateBucketRequest,
  DeleteBucketRequest,
  GetBucketLocationOutput,
  GetBucketLocationRequest,
  GetBucketVersioningOutput,
  GetBucketVersioningRequest,
  HeadBucketOutput,
  HeadBucketRequest,
  ListBucketsOutput,
  ListBucketsRequest,
  PutBucketVersioningRequest,
} from '@aws-sdk/client-s3';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import { bucketOwner, s3StateOf, type S3Bucket } from './state.js';
import { bucketArn, checkBucketName, checkTags, nowIso, requireBucket, s3Authorization } from './common.js';

export const OWNER = (accountId: string) => ({ DisplayName: 'webfile', ID: accountId.padStart(64, '0') });

export const CreateBucket = operation<CreateBucketRequest, CreateBucketOutput>({
  authorize: (i) => ({ action: 's3:CreateBucket', resource: bucketArn(i.Bucket!) }),
  handler(input, ctx) {
    const name = input.Bucket!;
    checkBucketName(name);
    const constraint = input.CreateBucketConfiguration?.LocationConstraint;
    if (ctx.region === 'us-east-1') {
      if ((constraint as string) === 'us-east-1') {
        throw new AwsError('InvalidLocationConstraint', 'The specified location-constraint is not valid', 400, { fields: { LocationConstraint: constraint } });
      }
      if (constraint) {
        throw new AwsError('IllegalLocationConstraintException', `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`, 400);
      }
    } else if (!constraint) {
      throw new AwsError('IllegalLocationConstraintException', 'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.', 400);
    } else if (constraint !== ctx.region) {
      throw new AwsError('IllegalLocationConstraintException', `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`, 400);
    }
    const owner = bucketOwner(ctx.emulator, name, ctx.accountId);
    const state = s3StateOf(ctx.emulator, ctx.accountId);
    if (owner && owner !== ctx.accountId) {
      throw new AwsError(
        'BucketAlreadyExists',
        'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
        409,
        { fields: { BucketName: name } },
      );
    }
    const tags = input.CreateBucketConfiguration?.Tags ? checkTags(input.CreateBucketConfiguration.Tags, 50) : undefined;
    const existing = state.buckets[name];
    if (existing) {
      // us-east-1 answers a repeated create by its owner with success, as AWS does (the legacy region).
      if (existing.Region !== 'us-east-1' || ctx.region !== 'us-east-1') {
        throw new AwsError('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', 409, {
          fields: { BucketName: name },
        });
      }
      return { Location: `/${name}`, BucketArn: bucketArn(name) };
    }
    const bucket: S3Bucket = {
      Name: name,
      Region: ctx.region,
      CreationDate: nowIso(ctx),
      objects: {},
      uploads: {},
      ...(tags?.length ? { Tags: tags } : {}),
    };
    state.buckets[name] = bucket;
    return {
      Location: ctx.region === 'us-east-1' ? `/${name}` : `http://${name}.s3.localhost/`,
      BucketArn: bucketArn(name),
    };
  },
});

export const DeleteBucket = operation<DeleteBucketRequest, object>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:DeleteBucket', i.Bucket),
  handler(input, ctx) {
    const { state, bucket } = requireBucket(ctx, input.Bucket);
    if (Object.keys(bucket.objects).length) {
      throw new AwsError('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, { fields: { BucketName: bucket.Name } });
    }
    delete state.buckets[bucket.Name];
    return {};
  },
});

export const ListBuckets = operation<ListBucketsRequest, ListBucketsOutput>({
  authorize: () => ({ action: 's3:ListAllMyBuckets', resource: '*' }),
  handler(input, ctx) {
    let buckets = Object.values(s3StateOf(ctx.emulator, ctx.accountId).buckets).sort((a, b) => (a.Name < b.Name ? -1 : 1));
    if (input.Prefix) buckets = buckets.filter((b) => b.Name.startsWith(input.Prefix!));
    if (input.BucketRegion) buckets = buckets.filter((b) => b.Region === input.BucketRegion);
    if (input.ContinuationToken) buckets = buckets.filter((b) => b.Name > input.ContinuationToken!);
    const max = input.MaxBuckets ?? 10000;
    const page = buckets.slice(0, max);
    return {
      Buckets: page.map((b) => ({ Name: b.Name, CreationDate: new Date(b.CreationDate), BucketRegion: b.Region, BucketArn: bucketArn(b.Name) })),
      Owner: OWNER(ctx.accountId),
      ContinuationToken: buckets.length > max ? page[page.length - 1].Name : undefined,
      Prefix: input.Prefix,
    };
  },
});

export const HeadBucket = operation<HeadBucketRequest, HeadBucketOutput>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:ListBucket', i.Bucket),
  handler(input, ctx) {
    const { bucket } = requireBucket(ctx, input.Bucket);
    return { BucketRegion: bucket.Region, BucketArn: bucketArn(bucket.Name), AccessPointAlias: false };
  },
});

export const GetBucketLocation = operation<GetBucketLocationRequest, GetBucketLocationOutput>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:GetBucketLocation', i.Bucket),
  handler(input, ctx) {
    const { bucket } = requireBucket(ctx, input.Bucket);
    // us-east-1 buckets have an empty location constraint.
    return { LocationConstraint: (bucket.Region === 'us-east-1' ? undefined : bucket.Region) as GetBucketLocationOutput['LocationConstraint'] };
  },
});

export const GetBucketVersioning = operation<GetBucketVersioningRequest, GetBucketVersioningOutput>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:GetBucketVersioning', i.Bucket),
  handler(input, ctx) {
    const { bucket } = requireBucket(ctx, input.Bucket);
    return { Status: bucket.Versioning };
  },
});

/** Versioning's status is kept (templates set it), but objects keep a single version. */
export const PutBucketVersioning = operation<PutBucketVersioningRequest, object>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:PutBucketVersioning', i.Bucket),
  handler(input, ctx) {
    const { bucket } = requireBucket(ctx, input.Bucket);
    const status = input.VersioningConfiguration?.Status;
    if (status !== 'Enabled' && status !== 'Suspended') throw new AwsError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
    bucket.Versioning = status;
    return {};
  },
});
