import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { AwsError } from '../../core/errors.js';
import type { AuthorizationRequest, RequestContext } from '../../core/service.js';
import { findBucket, type LocatedBucket } from './state.js';

export const nowIso = (ctx: Pick<RequestContext, 'emulator'>): string => new Date(ctx.emulator.clock.now()).toISOString();

export const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;
export const objectArn = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;

// S3's errors carry extra members (BucketName, Key...) and most are not in the SDK's error schemas.
export const noSuchBucket = (name: string) =>
  new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404, { fields: { BucketName: name } });
export const noSuchKey = (key: string) => new AwsError('NoSuchKey', 'The specified key does not exist.', 404, { fields: { Key: key } });
export const noSuchUpload = (uploadId: string) =>
  new AwsError(
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    404,
    { fields: { UploadId: uploadId } },
  );
export const invalidArgument = (message: string, name?: string, value?: string) =>
  new AwsError('InvalidArgument', message, 400, { fields: name ? { ArgumentName: name, ArgumentValue: value ?? '' } : {} });
export const malformedXml = () =>
  new AwsError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);

/** The bucket a request names, wherever it lives; NoSuchBucket otherwise. */
export function requireBucket(ctx: Pick<RequestContext, 'emulator' | 'accountId'>, name: string | undefined): LocatedBucket {
  const found = name ? findBucket(ctx, name) : undefined;
  if (!found) throw noSuchBucket(name ?? '');
  return found;
}

/**
 * What IAM is asked for a bucket or object action: the ARN, the owner's account, and the bucket
 * policy as the resource policy (so a public-read policy lets anonymous callers in).
 */
export function s3Authorization(ctx: RequestContext, action: string, bucket: string | undefined, key?: string): AuthorizationRequest {
  const found = bucket ? findBucket(ctx, bucket) : undefined;
  return {
    action,
    resource: bucket ? (key !== undefined ? objectArn(bucket, key) : bucketArn(bucket)) : '*',
    resourceAccount: found?.accountId,
    resourcePolicy: found?.bucket.Policy,
  };
}

export const md5Hex = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');

export function crc32Base64(data: Uint8Array): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(crc32(data) >>> 0);
  return b.toString('base64');
}

/** The checksums S3 knows of, by algorithm, as the `Checksum<ALG>` members name them. */
export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;

/**
 * The checksums an upload carries, verified where this side can compute them (CRC32, SHA-1,
 * SHA-256), and S3's own full-object CRC32 when the caller sent none.
 */
export function uploadChecksums(input: object, data: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  for (const alg of CHECKSUM_ALGORITHMS) {
    const given = (input as Record<string, unknown>)[`Checksum${alg}`];
    if (typeof given !== 'string' || !given) continue;
    const actual =
      alg === 'CRC32'
        ? crc32Base64(data)
        : alg === 'SHA1' || alg === 'SHA256'
          ? createHash(alg === 'SHA1' ? 'sha1' : 'sha256').update(data).digest('base64')
          : undefined;
    if (actual !== undefined && actual !== given) {
      throw new AwsError('BadDigest', `The ${alg} you specified did not match the calculated checksum.`, 400);
    }
    out[alg] = given;
  }
  if (!Object.keys(out).length) out.CRC32 = crc32Base64(data);
  return out;
}

export function checkContentMd5(contentMd5: string | undefined, data: Uint8Array): void {
  if (!contentMd5) return;
  if (createHash('md5').update(data).digest('base64') !== contentMd5) {
    throw new AwsError('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400);
  }
}

/** `{ ChecksumCRC32: … }` members of an output, from the stored checksums. */
export function checksumMembers(checksums: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [alg, v] of Object.entries(checksums)) out[`Checksum${alg}`] = v;
  return out;
}

/** S3's bucket naming rules (general purpose buckets). */
export function checkBucketName(name: string): void {
  const ok =
    name.length >= 3 &&
    name.length <= 63 &&
    /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !name.startsWith('xn--') &&
    !name.endsWith('-s3alias');
  if (!ok) throw new AwsError('InvalidBucketName', 'The specified bucket is not valid.', 400, { fields: { BucketName: name } });
}

/** Object keys: 1 to 1024 bytes of UTF-8. */
export function checkKey(key: string | undefined): string {
  if (!key) throw new AwsError('InvalidArgument', 'Key must not be empty', 400);
  if (Buffer.byteLength(key) > 1024) throw new AwsError('KeyTooLongError', 'Your key is too long', 400);
  return key;
}

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

export function checkTags(tags: { Key?: string; Value?: string }[] | undefined, max: number): { Key: string; Value: string }[] {
  const out: { Key: string; Value: string }[] = [];
  const seen = new Set<string>();
  for (const t of tags ?? []) {
    if (t.Key === undefined || !TAG_KEY.test(t.Key)) throw new AwsError('InvalidTag', 'The TagKey you have provided is invalid', 400);
    if (t.Value === undefined || !TAG_VALUE.test(t.Value)) throw new AwsError('InvalidTag', 'The TagValue you have provided is invalid', 400);
    if (t.Key.toLowerCase().startsWith('aws:')) throw new AwsError('InvalidTag', 'System tags cannot be added/updated by requester', 400);
    if (seen.has(t.Key)) throw new AwsError('InvalidTag', 'Cannot provide multiple Tags with the same key', 400);
    seen.add(t.Key);
    out.push({ Key: t.Key, Value: t.Value });
  }
  if (out.length > max) throw new AwsError('BadRequest', `Object tags cannot be greater than ${max}`, 400);
  return out;
}

/** `x-amz-tagging: a=1&b=2` (PutObject, CreateMultipartUpload). */
export function parseTaggingHeader(header: string | undefined): { Key: string; Value: string }[] {
  if (!header) return [];
  const tags: { Key: string; Value: string }[] = [];
  for (const part of header.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = decodeURIComponent((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
    const v = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
    tags.push({ Key: k, Value: v });
  }
  return checkTags(tags, 10);
}
