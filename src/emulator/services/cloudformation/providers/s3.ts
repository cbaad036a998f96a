import { isAwsError } from '../../../core/errors.js';
import { asJson, changed, physicalName, type ProviderContext, type ResourceProvider } from './types.js';

interface CfnCorsRule {
  AllowedOrigins: string[];
  AllowedMethods: string[];
  AllowedHeaders?: string[];
  ExposedHeaders?: string[];
  MaxAge?: number;
  Id?: string;
}

interface CfnEncryptionRule {
  ServerSideEncryptionByDefault?: { SSEAlgorithm: string; KMSMasterKeyID?: string };
  BucketKeyEnabled?: boolean | string;
}

async function configure(ctx: ProviderContext, bucket: string, p: Record<string, any>, old: Record<string, any> = {}): Promise<void> {
  if (changed(p.Tags, old.Tags)) {
    if (p.Tags?.length) await ctx.call('s3', 'PutBucketTagging', { Bucket: bucket, Tagging: { TagSet: p.Tags } });
    else await ctx.call('s3', 'DeleteBucketTagging', { Bucket: bucket });
  }
  if (changed(p.CorsConfiguration, old.CorsConfiguration)) {
    const rules = (p.CorsConfiguration?.CorsRules ?? []) as CfnCorsRule[];
    if (rules.length) {
      await ctx.call('s3', 'PutBucketCors', {
        Bucket: bucket,
        CORSConfiguration: {
          CORSRules: rules.map((r) => ({
            AllowedOrigins: r.AllowedOrigins,
            AllowedMethods: r.AllowedMethods,
            AllowedHeaders: r.AllowedHeaders,
            ExposeHeaders: r.ExposedHeaders,
            MaxAgeSeconds: r.MaxAge !== undefined ? Number(r.MaxAge) : undefined,
            ID: r.Id,
          })),
        },
      });
    } else await ctx.call('s3', 'DeleteBucketCors', { Bucket: bucket });
  }
  if (changed(p.BucketEncryption, old.BucketEncryption)) {
    // CloudFormation's ServerSideEncryptionByDefault is the API's ApplyServerSideEncryptionByDefault.
    const rules = (p.BucketEncryption?.ServerSideEncryptionConfiguration ?? []) as CfnEncryptionRule[];
    if (rules.length) {
      await ctx.call('s3', 'PutBucketEncryption', {
        Bucket: bucket,
        ServerSideEncryptionConfiguration: {
          Rules: rules.map((r) => ({
            ApplyServerSideEncryptionByDefault: r.ServerSideEncryptionByDefault,
            BucketKeyEnabled: r.BucketKeyEnabled === undefined ? undefined : r.BucketKeyEnabled === true || r.BucketKeyEnabled === 'true',
          })),
        },
      });
    } else await ctx.call('s3', 'DeleteBucketEncryption', { Bucket: bucket });
  }
  if (p.VersioningConfiguration && changed(p.VersioningConfiguration, old.VersioningConfiguration)) {
    await ctx.call('s3', 'PutBucketVersioning', { Bucket: bucket, VersioningConfiguration: { Status: p.VersioningConfiguration.Status } });
  }
}

export const bucket: ResourceProvider = {
  type: 'AWS::S3::Bucket',
  service: 's3',
  replaceOn: ['BucketName', 'ObjectLockEnabled'],
  async create(ctx, p) {
    const name = p.BucketName ?? physicalName(ctx, { max: 63, lower: true });
    await ctx.call('s3', 'CreateBucket', {
      Bucket: name,
      CreateBucketConfiguration: ctx.region === 'us-east-1' ? undefined : { LocationConstraint: ctx.region },
    });
    await configure(ctx, name, p);
    return {
      physicalId: name,
      attributes: {
        Arn: `arn:aws:s3:::${name}`,
        DomainName: `${name}.s3.amazonaws.com`,
        RegionalDomainName: `${name}.s3.${ctx.region}.amazonaws.com`,
        DualStackDomainName: `${name}.s3.dualstack.${ctx.region}.amazonaws.com`,
        WebsiteURL: `http://${name}.s3-website-${ctx.region}.amazonaws.com`,
      },
    };
  },
  async update(ctx, name, p, old) {
    await configure(ctx, name, p, old);
  },
  async delete(ctx, name) {
    try {
      await ctx.call('s3', 'DeleteBucket', { Bucket: name });
    } catch (e) {
      if (!(isAwsError(e) && e.code === 'NoSuchBucket')) throw e;
    }
  },
};

export const bucketPolicy: ResourceProvider = {
  type: 'AWS::S3::BucketPolicy',
  service: 's3',
  replaceOn: ['Bucket'],
  required: ['Bucket', 'PolicyDocument'],
  async create(ctx, p) {
    await ctx.call('s3', 'PutBucketPolicy', { Bucket: p.Bucket, Policy: asJson(p.PolicyDocument) });
    return { physicalId: physicalName(ctx, { max: 128 }) };
  },
  async update(ctx, _id, p) {
    await ctx.call('s3', 'PutBucketPolicy', { Bucket: p.Bucket, Policy: asJson(p.PolicyDocument) });
  },
  async delete(ctx, _id, p) {
    try {
      await ctx.call('s3', 'DeleteBucketPolicy', { Bucket: p.Bucket });
    } catch (e) {
      if (!(isAwsError(e) && e.code === 'NoSuchBucket')) throw e;
    }
  },
};
