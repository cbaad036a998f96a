import type {
  DeleteBucketCorsRequest,
  DeleteBucketEncryptionRequest,
  DeleteBucketPolicyRequest,
  DeleteBucketTaggingRequest,
  GetBucketCorsOutput,
  GetBucketCorsRequest,
  GetBucketEncryptionOutput,
  GetBucketEncryptionRequest,
  GetBucketPolicyOutput,
  GetBucketPolicyRequest,
  GetBucketTaggingOutput,
  GetBucketTaggingRequest,
  PutBucketCorsRequest,
  PutBucketEncryptionRequest,
  PutBucketPolicyRequest,
  PutBucketTaggingRequest,
} from '@aws-sdk/client-s3';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import { checkTags, malformedXml, requireBucket, s3Authorization } from './common.js';

const malformedPolicy = (message: string) => new AwsError('MalformedPolicy', message, 400);

export const PutBucketPolicy = operation<PutBucketPolicyRequest, object>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:PutBucketPolicy', i.Bucket),
  handler(input, ctx) {
    const { bucket } = requireBucket(ctx, input.Bucket);
    const text = (input.Policy ?? '').trim();
    let doc: unknown;
    try {
      doc = text.startsWith('{') ? JSON.parse(text) : undefined;
    } catch {
      doc = undefined;
    }
    if (!doc || typeof doc !== 'object') throw malformedPolicy("Policies must be valid JSON and the first byte must be '{'");
    const statement = (doc as { Statement?: unknown }).Statement;
    if (!statement) throw malformedPolicy('Missing required field Statement');
    for (const st of Array.isArray(statement) ? statement : [statement]) {
      const s = st as Record<string, unknown>;
      if (!s.Principal && !s.NotPrincipal) throw malformedPolicy('Missing required field Principal');
      if (!s.Action && !s.NotAction) throw malformedPolicy('Missing required field Action');
      if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw malformedPolicy('Invalid effect: ' + String(s.Effect));
    }
    bucket.Policy = text;
    return {};
  },
});

export const GetBucketPolicy = operation<GetBucketPolicyRequest, GetBucketPolicyOutput>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:GetBucketPolicy', i.Bucket),
  handler(input, ctx) {
    const { bucket } = requireBucket(ctx, input.Bucket);
    if (!bucket.Policy) throw new AwsError('NoSuchBucketPolicy', 'The bucket policy does not exist', 404, { fields: { BucketName: bucket.Name } });
    return { Policy: bucket.Policy };
  },
});

export const DeleteBucketPolicy = operation<DeleteBucketPolicyRequest, object>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:DeleteBucketPolicy', i.Bucket),
  handler(input, ctx) {
    delete requireBucket(ctx, input.Bucket).bucket.Policy;
    return {};
  },
});

export const PutBucketTagging = operation<PutBucketTaggingRequest, object>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:PutBucketTagging', i.Bucket),
  handler(input, ctx) {
    const { bucket } = requireBucket(ctx, input.Bucket);
    if (!input.Tagging) throw malformedXml();
    bucket.Tags = checkTags(input.Tagging.TagSet, 50);
    return {};
  },
});

export const GetBucketTagging = operation<GetBucketTaggingRequest, GetBucketTaggingOutput>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:GetBucketTagging', i.Bucket),
  handler(input, ctx) {
    const { bucket } = requireBucket(ctx, input.Bucket);
    if (!bucket.Tags?.length) throw new AwsError('NoSuchTagSet', 'The TagSet does not exist', 404, { fields: { BucketName: bucket.Name } });
    return { TagSet: bucket.Tags };
  },
});

export const DeleteBucketTagging = operation<DeleteBucketTaggingRequest, object>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:PutBucketTagging', i.Bucket),
  handler(input, ctx) {
    delete requireBucket(ctx, input.Bucket).bucket.Tags;
    return {};
  },
});

const CORS_METHODS = new Set(['GET', 'PUT', 'HEAD', 'POST', 'DELETE']);

export const PutBucketCors = operation<PutBucketCorsRequest, object>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:PutBucketCORS', i.Bucket),
  handler(input, ctx) {
    const { bucket } = requireBucket(ctx, input.Bucket);
    const rules = input.CORSConfiguration?.CORSRules ?? [];
    if (!rules.length || rules.length > 100) throw malformedXml();
    for (const r of rules) {
      if (!r.AllowedMethods?.length || !r.AllowedOrigins?.length) throw malformedXml();
      for (const m of r.AllowedMethods) {
        if (!CORS_METHODS.has(m)) {
          throw new AwsError('InvalidRequest', `Found unsupported HTTP method in CORS config. Unsupported method is ${m}`, 400);
        }
      }
    }
    bucket.Cors = rules;
    return {};
  },
});

export const GetBucketCors = operation<GetBucketCorsRequest, GetBucketCorsOutput>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:GetBucketCORS', i.Bucket),
  handler(input, ctx) {
    const { bucket } = requireBucket(ctx, input.Bucket);
    if (!bucket.Cors?.length) {
      throw new AwsError('NoSuchCORSConfiguration', 'The CORS configuration does not exist', 404, { fields: { BucketName: bucket.Name } });
    }
    return { CORSRules: bucket.Cors };
  },
});

export const DeleteBucketCors = operation<DeleteBucketCorsRequest, object>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:PutBucketCORS', i.Bucket),
  handler(input, ctx) {
    delete requireBucket(ctx, input.Bucket).bucket.Cors;
    return {};
  },
});

/** What GetBucketEncryption reports for a bucket nobody configured: every bucket gets SSE-S3 by default. */
const DEFAULT_ENCRYPTION = [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' as const }, BucketKeyEnabled: false }];

export const PutBucketEncryption = operation<PutBucketEncryptionRequest, object>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:PutEncryptionConfiguration', i.Bucket),
  handler(input, ctx) {
    const { bucket } = requireBucket(ctx, input.Bucket);
    const rules = input.ServerSideEncryptionConfiguration?.Rules ?? [];
    if (rules.length !== 1) throw malformedXml();
    const byDefault = rules[0].ApplyServerSideEncryptionByDefault;
    const algorithm = byDefault?.SSEAlgorithm;
    if (!byDefault || !algorithm || !['AES256', 'aws:kms', 'aws:kms:dsse'].includes(algorithm)) throw malformedXml();
    if (byDefault.KMSMasterKeyID && algorithm === 'AES256') {
      throw new AwsError('InvalidArgument', 'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse', 400, {
        fields: { ArgumentName: 'ApplyServerSideEncryptionByDefault' },
      });
    }
    // Objects report SSE-S3 (AES256); there is no KMS to encrypt them with a key.
    if (algorithm !== 'AES256') {
      throw new AwsError('InvalidArgument', `awslings: ${algorithm} encryption is not available in the sandbox (it has no KMS); AES256 (SSE-S3) is.`, 400, {
        fields: { ArgumentName: 'ApplyServerSideEncryptionByDefault' },
      });
    }
    bucket.Encryption = [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: algorithm }, BucketKeyEnabled: rules[0].BucketKeyEnabled ?? false }];
    return {};
  },
});

export const GetBucketEncryption = operation<GetBucketEncryptionRequest, GetBucketEncryptionOutput>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:GetEncryptionConfiguration', i.Bucket),
  handler(input, ctx) {
    const { bucket } = requireBucket(ctx, input.Bucket);
    return { ServerSideEncryptionConfiguration: { Rules: bucket.Encryption ?? DEFAULT_ENCRYPTION } };
  },
});

/** Back to S3's default (SSE-S3), as on AWS: a bucket is never unencrypted. */
export const DeleteBucketEncryption = operation<DeleteBucketEncryptionRequest, object>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:PutEncryptionConfiguration', i.Bucket),
  handler(input, ctx) {
    delete requireBucket(ctx, input.Bucket).bucket.Encryption;
    return {};
  },
});
