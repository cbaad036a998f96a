import { createReadStream } from 'node:fs';
import type {
  CopyObjectOutput,
  CopyObjectRequest,
  DeleteObjectOutput,
  DeleteObjectRequest,
  DeleteObjectsOutput,
  DeleteObjectsRequest,
  GetObjectOutput,
  GetObjectRequest,
  HeadObjectOutput,
  HeadObjectRequest,
  PutObjectOutput,
  PutObjectRequest,
} from '@aws-sdk/client-s3';
import { AwsError } from '../../core/errors.js';
import { HTTP_STATUS, operation, type RequestContext } from '../../core/service.js';
import { safeDecode } from '../../core/http.js';
import type { S3Bucket, S3Object } from './state.js';
import {
  checkContentMd5,
  checkKey,
  checksumMembers,
  invalidArgument,
  malformedXml,
  md5Hex,
  noSuchKey,
  nowIso,
  parseTaggingHeader,
  requireBucket,
  s3Authorization,
  uploadChecksums,
} from './common.js';

const HEADER_MEMBERS = ['CacheControl', 'ContentDisposition', 'ContentEncoding', 'ContentLanguage', 'WebsiteRedirectLocation'] as const;

export function headersOf(request: object): S3Object['headers'] {
  const input = request as Record<string, unknown>;
  const out: S3Object['headers'] = {};
  for (const m of HEADER_MEMBERS) if (typeof input[m] === 'string') out[m] = input[m] as string;
  if (input.Expires instanceof Date) out.Expires = input.Expires.toISOString();
  return out;
}

const preconditionFailed = (condition: string) =>
  new AwsError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { fields: { Condition: condition } });

const etagMatches = (header: string, etag: string) =>
  header
    .split(',')
    .map((s) => s.trim())
    .some((t) => t === '*' || t === etag || `"${t}"` === etag);

/** Conditional writes (PutObject, CompleteMultipartUpload, CopyObject): If-None-Match: * and If-Match. */
export function checkWritePreconditions(bucket: S3Bucket, key: string, input: { IfMatch?: string; IfNoneMatch?: string }): void {
  if (input.IfMatch !== undefined && input.IfNoneMatch !== undefined) {
    throw new AwsError('NotImplemented', 'A header you provided implies functionality that is not implemented', 501, { fields: { Header: 'If-Match,If-None-Match' } });
  }
  const existing = bucket.objects[key];
  if (input.IfNoneMatch !== undefined) {
    if (input.IfNoneMatch !== '*') throw new AwsError('NotImplemented', 'A header you provided implies functionality that is not implemented', 501, { fields: { Header: 'If-None-Match' } });
    if (existing) throw preconditionFailed('If-None-Match');
  }
  if (input.IfMatch !== undefined) {
    if (!existing) throw noSuchKey(key);
    if (!etagMatches(input.IfMatch, existing.ETag) || input.IfMatch === '*') throw preconditionFailed('If-Match');
  }
}

/** Stores bytes as an object (PutObject, CopyObject, CompleteMultipartUpload write through here). */
export function storeObject(
  ctx: RequestContext,
  bucket: S3Bucket,
  key: string,
  data: Uint8Array,
  meta: Pick<S3Object, 'ContentType' | 'Metadata' | 'headers' | 'StorageClass' | 'Tags'> & Partial<Pick<S3Object, 'ETag' | 'checksums' | 'checksumType' | 'PartsCount'>>,
): S3Object {
  const blob = ctx.emulator.store.blobs.put(data);
  const obj: S3Object = {
    Key: key,
    sha256: blob.sha256,
    Size: data.byteLength,
    ETag: meta.ETag ?? `"${md5Hex(data)}"`,
    LastModified: nowIso(ctx),
    ContentType: meta.ContentType,
    Metadata: meta.Metadata,
    headers: meta.headers,
    checksums: meta.checksums ?? uploadChecksums({}, data),
    checksumType: meta.checksumType ?? 'FULL_OBJECT',
    PartsCount: meta.PartsCount,
    StorageClass: meta.StorageClass,
    Tags: meta.Tags,
  };
  bucket.objects[key] = obj;
  return obj;
}

export const PutObject = operation<PutObjectRequest, PutObjectOutput>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:PutObject', i.Bucket, i.Key),
  handler(input, ctx) {
    const { bucket } = requireBucket(ctx, input.Bucket);
    const key = checkKey(input.Key);
    const data = (input.Body as Uint8Array | undefined) ?? new Uint8Array();
    checkContentMd5(input.ContentMD5, data);
    const checksums = uploadChecksums(input, data);
    checkWritePreconditions(bucket, key, input);
    const obj = storeObject(ctx, bucket, key, data, {
      ContentType: input.ContentType ?? 'binary/octet-stream',
      Metadata: input.Metadata ?? {},
      headers: headersOf(input),
      StorageClass: input.StorageClass ?? 'STANDARD',
      Tags: parseTaggingHeader(input.Tagging),
      checksums,
    });
    return { ETag: obj.ETag, ...checksumMembers(checksums), ChecksumType: 'FULL_OBJECT', ServerSideEncryption: 'AES256', Size: obj.Size };
  },
});

/** A byte range as S3 reads the Range header: undefined means the whole object (S3 ignores ranges it cannot parse). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const invalid = () =>
    new AwsError('InvalidRange', 'The requested range is not satisfiable', 416, { fields: { ActualObjectSize: size, RangeRequested: header } });
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) throw invalid();
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  if (m[2] !== '' && Number(m[2]) < start) return undefined;
  if (start >= size) throw invalid();
  const end = m[2] === '' ? size - 1 : Number(m[2]);
  return { start, end: Math.min(end, size - 1) };
}

type ReadInput = Pick<
  GetObjectRequest,
  | 'Bucket'
  | 'Key'
  | 'IfMatch'
  | 'IfNoneMatch'
  | 'IfModifiedSince'
  | 'IfUnmodifiedSince'
  | 'Range'
  | 'PartNumber'
  | 'ChecksumMode'
  | 'ResponseCacheControl'
  | 'ResponseContentDisposition'
  | 'ResponseContentEncoding'
  | 'ResponseContentLanguage'
  | 'ResponseContentType'
  | 'ResponseExpires'
  | 'VersionId'
>;

/** GetObject and HeadObject share everything but the body. */
function readObject(input: ReadInput, ctx: RequestContext, withBody: boolean): GetObjectOutput {
  const { bucket } = requireBucket(ctx, input.Bucket);
  const obj = bucket.objects[input.Key!];
  if (input.VersionId !== undefined && input.VersionId !== 'null') {
    throw invalidArgument('Invalid version id specified', 'versionId', input.VersionId);
  }
  if (!obj) {
    // HEAD errors have no body, so the SDK names them from the status alone (NotFound).
    throw noSuchKey(input.Key!);
  }
  const modified = new Date(obj.LastModified);
  const modifiedSec = Math.floor(modified.getTime() / 1000);
  if (input.IfMatch !== undefined && !etagMatches(input.IfMatch, obj.ETag)) throw preconditionFailed('If-Match');
  if (input.IfMatch === undefined && input.IfUnmodifiedSince && modifiedSec > Math.floor(input.IfUnmodifiedSince.getTime() / 1000)) {
    throw preconditionFailed('If-Unmodified-Since');
  }
  const notModified = () => new AwsError('NotModified', 'Not Modified', 304, { headers: { etag: obj.ETag, 'last-modified': modified.toUTCString() } });
  if (input.IfNoneMatch !== undefined && etagMatches(input.IfNoneMatch, obj.ETag)) throw notModified();
  if (input.IfNoneMatch === undefined && input.IfModifiedSince && modifiedSec <= Math.floor(input.IfModifiedSince.getTime() / 1000)) {
    throw notModified();
  }
  let range = parseRange(input.Range, obj.Size);
  if (input.PartNumber !== undefined) {
    if (input.PartNumber !== 1 || obj.PartsCount) {
      if (!obj.PartsCount || input.PartNumber > obj.PartsCount || input.PartNumber < 1) {
        throw new AwsError('InvalidPartNumber', 'The requested partnumber is not satisfiable', 416, { fields: { PartNumberRequested: input.PartNumber, ActualPartCount: obj.PartsCount ?? 1 } });
      }
    }
    if (!obj.PartsCount) range = obj.Size ? { start: 0, end: obj.Size - 1 } : undefined;
  }
  const partial = range !== undefined;
  const length = range ? range.end - range.start + 1 : obj.Size;
  const out: GetObjectOutput & { [HTTP_STATUS]?: number } = {
    AcceptRanges: 'bytes',
    LastModified: modified,
    ContentLength: length,
    ETag: obj.ETag,
    ContentType: input.ResponseContentType ?? obj.ContentType,
    CacheControl: input.ResponseCacheControl ?? obj.headers.CacheControl,
    ContentDisposition: input.ResponseContentDisposition ?? obj.headers.ContentDisposition,
    ContentEncoding: input.ResponseContentEncoding ?? obj.headers.ContentEncoding,
    ContentLanguage: input.ResponseContentLanguage ?? obj.headers.ContentLanguage,
    Expires: input.ResponseExpires ?? (obj.headers.Expires ? new Date(obj.headers.Expires) : undefined),
    WebsiteRedirectLocation: obj.headers.WebsiteRedirectLocation,
    Metadata: obj.Metadata,
    ServerSideEncryption: 'AES256',
    StorageClass: obj.StorageClass === 'STANDARD' ? undefined : (obj.StorageClass as GetObjectOutput['StorageClass']),
    PartsCount: input.PartNumber !== undefined ? obj.PartsCount : undefined,
    TagCount: obj.Tags.length || undefined,
  };
  if (partial) {
    out.ContentRange = `bytes ${range!.start}-${range!.end}/${obj.Size}`;
    out[HTTP_STATUS] = 206;
  } else if (input.ChecksumMode === 'ENABLED') {
    Object.assign(out, checksumMembers(obj.checksums), { ChecksumType: obj.checksumType });
  }
  if (withBody) {
    out.Body =
      length === 0
        ? (new Uint8Array() as unknown as GetObjectOutput['Body'])
        : (createReadStream(ctx.emulator.store.blobs.path(obj.sha256), range ? { start: range.start, end: range.end } : {}) as unknown as GetObjectOutput['Body']);
  }
  return out;
}

export const GetObject = operation<GetObjectRequest, GetObjectOutput>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:GetObject', i.Bucket, i.Key),
  handler: (input, ctx) => readObject(input, ctx, true),
});

export const HeadObject = operation<HeadObjectRequest, HeadObjectOutput>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:GetObject', i.Bucket, i.Key),
  handler: (input, ctx) => readObject(input, ctx, false) as HeadObjectOutput,
});

export const DeleteObject = operation<DeleteObjectRequest, DeleteObjectOutput>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:DeleteObject', i.Bucket, i.Key),
  handler(input, ctx) {
    const { bucket } = requireBucket(ctx, input.Bucket);
    if (input.VersionId !== undefined && input.VersionId !== 'null') {
      throw invalidArgument('Invalid version id specified', 'versionId', input.VersionId);
    }
    const existing = bucket.objects[input.Key!];
    if (existing && input.IfMatch !== undefined && !etagMatches(input.IfMatch, existing.ETag)) throw preconditionFailed('If-Match');
    delete bucket.objects[input.Key!];
    return {};
  },
});

export const DeleteObjects = operation<DeleteObjectsRequest, DeleteObjectsOutput>({
  authorize: (i, ctx) => {
    const objects = (i.Delete?.Objects ?? []).slice(0, 1000);
    return objects.length
      ? objects.map((o) => s3Authorization(ctx, 's3:DeleteObject', i.Bucket, o.Key ?? ''))
      : [s3Authorization(ctx, 's3:DeleteObject', i.Bucket)];
  },
  handler(input, ctx) {
    const { bucket } = requireBucket(ctx, input.Bucket);
    const objects = input.Delete?.Objects ?? [];
    if (!objects.length || objects.length > 1000) throw malformedXml();
    const out: DeleteObjectsOutput = { Deleted: [], Errors: [] };
    for (const o of objects) {
      if (o.VersionId !== undefined && o.VersionId !== 'null') {
        out.Errors!.push({ Key: o.Key, VersionId: o.VersionId, Code: 'NoSuchVersion', Message: 'The specified version does not exist.' });
        continue;
      }
      delete bucket.objects[o.Key!];
      if (!input.Delete?.Quiet) out.Deleted!.push({ Key: o.Key, VersionId: o.VersionId });
    }
    out.Deleted!.sort((a, b) => (a.Key! < b.Key! ? -1 : a.Key! > b.Key! ? 1 : 0));
    if (!out.Deleted!.length) delete out.Deleted;
    if (!out.Errors!.length) delete out.Errors;
    return out;
  },
});

/** `x-amz-copy-source`: `bucket/key` or `/bucket/key`, URL-encoded, with an optional `?versionId=`. */
export function parseCopySource(source: string): { bucket: string; key: string; versionId?: string } {
  let s = source.startsWith('/') ? source.slice(1) : source;
  let versionId: string | undefined;
  const q = s.indexOf('?versionId=');
  if (q >= 0) {
    versionId = s.slice(q + '?versionId='.length);
    s = s.slice(0, q);
  }
  const slash = s.indexOf('/');
  if (slash <= 0 || slash === s.length - 1) {
    throw new AwsError('InvalidArgument', 'Invalid copy source object key', 400, { fields: { ArgumentName: 'x-amz-copy-source', ArgumentValue: 'x-amz-copy-source' } });
  }
  return { bucket: safeDecode(s.slice(0, slash)), key: safeDecode(s.slice(slash + 1)), versionId };
}

export const CopyObject = operation<CopyObjectRequest, CopyObjectOutput>({
  authorize: (i, ctx) => {
    const src = parseCopySource(i.CopySource ?? '');
    return [s3Authorization(ctx, 's3:GetObject', src.bucket, src.key), s3Authorization(ctx, 's3:PutObject', i.Bucket, i.Key)];
  },
  handler(input, ctx) {
    const src = parseCopySource(input.CopySource!);
    const { bucket: srcBucket } = requireBucket(ctx, src.bucket);
    const source = srcBucket.objects[src.key];
    if (!source) throw noSuchKey(src.key);
    const { bucket } = requireBucket(ctx, input.Bucket);
    const key = checkKey(input.Key);
    const replaceMeta = input.MetadataDirective === 'REPLACE';
    if (
      srcBucket === bucket &&
      src.key === key &&
      !replaceMeta &&
      !input.StorageClass &&
      !input.WebsiteRedirectLocation &&
      !input.ServerSideEncryption
    ) {
      throw new AwsError(
        'InvalidRequest',
        "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
        400,
      );
    }
    const modifiedSec = Math.floor(new Date(source.LastModified).getTime() / 1000);
    if (input.CopySourceIfMatch !== undefined && !etagMatches(input.CopySourceIfMatch, source.ETag)) throw preconditionFailed('x-amz-copy-source-If-Match');
    if (input.CopySourceIfNoneMatch !== undefined && etagMatches(input.CopySourceIfNoneMatch, source.ETag)) throw preconditionFailed('x-amz-copy-source-If-None-Match');
    if (input.CopySourceIfUnmodifiedSince && modifiedSec > input.CopySourceIfUnmodifiedSince.getTime() / 1000) throw preconditionFailed('x-amz-copy-source-If-Unmodified-Since');
    if (input.CopySourceIfModifiedSince && modifiedSec <= input.CopySourceIfModifiedSince.getTime() / 1000) throw preconditionFailed('x-amz-copy-source-If-Modified-Since');
    checkWritePreconditions(bucket, key, input);
    const data = ctx.emulator.store.blobs.get(source.sha256);
    const obj = storeObject(ctx, bucket, key, data, {
      ContentType: replaceMeta ? (input.ContentType ?? 'binary/octet-stream') : source.ContentType,
      Metadata: replaceMeta ? (input.Metadata ?? {}) : { ...source.Metadata },
      headers: replaceMeta ? headersOf(input) : { ...source.headers },
      StorageClass: input.StorageClass ?? source.StorageClass,
      Tags: input.TaggingDirective === 'REPLACE' ? parseTaggingHeader(input.Tagging) : [...source.Tags],
      // A copy is a new single-part object: its ETag is the MD5 of its bytes.
      checksums: uploadChecksums({}, data),
    });
    return {
      CopyObjectResult: { ETag: obj.ETag, LastModified: new Date(obj.LastModified), ...checksumMembers(obj.checksums), ChecksumType: 'FULL_OBJECT' },
      ServerSideEncryption: 'AES256',
    };
  },
});

