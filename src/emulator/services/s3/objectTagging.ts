import type {
  DeleteObjectTaggingOutput,
  DeleteObjectTaggingRequest,
  GetObjectTaggingOutput,
  GetObjectTaggingRequest,
  PutObjectTaggingOutput,
  PutObjectTaggingRequest,
} from '@aws-sdk/client-s3';
import { operation, type RequestContext } from '../../core/service.js';
import { checkTags, malformedXml, noSuchKey, requireBucket, s3Authorization } from './common.js';
import type { S3Object } from './state.js';

function requireObject(ctx: RequestContext, bucket: string | undefined, key: string | undefined): S3Object {
  const obj = requireBucket(ctx, bucket).bucket.objects[key ?? ''];
  if (!obj) throw noSuchKey(key ?? '');
  return obj;
}

export const GetObjectTagging = operation<GetObjectTaggingRequest, GetObjectTaggingOutput>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:GetObjectTagging', i.Bucket, i.Key),
  handler: (input, ctx) => ({ TagSet: requireObject(ctx, input.Bucket, input.Key).Tags }),
});

export const PutObjectTagging = operation<PutObjectTaggingRequest, PutObjectTaggingOutput>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:PutObjectTagging', i.Bucket, i.Key),
  handler(input, ctx) {
    const obj = requireObject(ctx, input.Bucket, input.Key);
    if (!input.Tagging) throw malformedXml();
    obj.Tags = checkTags(input.Tagging.TagSet, 10);
    return {};
  },
});

export const DeleteObjectTagging = operation<DeleteObjectTaggingRequest, DeleteObjectTaggingOutput>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:DeleteObjectTagging', i.Bucket, i.Key),
  handler(input, ctx) {
    requireObject(ctx, input.Bucket, input.Key).Tags = [];
    return {};
  },
});
