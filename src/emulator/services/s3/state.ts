import type { Tag, CORSRule, ServerSideEncryptionRule } from '@aws-sdk/client-s3';
import type { Emulator } from '../../emulator.js';
import type { RequestContext } from '../../core/service.js';

/** An object's metadata; its bytes are a blob (emulator.store.blobs), found by `sha256`. */
export interface S3Object {
  Key: string;
  sha256: string;
  Size: number;
  /** Quoted, as S3 sends it: `"<md5>"`, or `"<md5 of part md5s>-<parts>"` after a multipart upload. */
  ETag: string;
  LastModified: string;
  ContentType: string;
  Metadata: Record<string, string>;
  /** Content-Encoding, Cache-Control... as given at upload. */
  headers: Partial<Record<'CacheControl' | 'ContentDisposition' | 'ContentEncoding' | 'ContentLanguage' | 'Expires' | 'WebsiteRedirectLocation', string>>;
  /** Checksums by algorithm (`CRC32`, `SHA256`...): S3 always keeps a CRC32 of the whole object. */
  checksums: Record<string, string>;
  checksumType: 'FULL_OBJECT' | 'COMPOSITE';
  PartsCount?: number;
  StorageClass: string;
  Tags: Tag[];
}

export interface S3Part {
  PartNumber: number;
  sha256: string;
  Size: number;
  ETag: string;
  LastModified: string;
  checksums: Record<string, string>;
}

export interface S3Upload {
  UploadId: string;
  Key: string;
  Initiated: string;
  ContentType: string;
  Metadata: Record<string, string>;
  headers: S3Object['headers'];
  StorageClass: string;
  ChecksumAlgorithm?: string;
  Tags: Tag[];
  parts: Record<string, S3Part>;
}

export interface S3Bucket {
  Name: string;
  Region: string;
  CreationDate: string;
  Policy?: string;
  Tags?: Tag[];
  Cors?: CORSRule[];
  Versioning?: 'Enabled' | 'Suspended';
  /** Default encryption set with PutBucketEncryption; without it, S3's own default (SSE-S3, AES256). */
  Encryption?: ServerSideEncryptionRule[];
  objects: Record<string, S3Object>;
  uploads: Record<string, S3Upload>;
}

/** S3 state is one document per account: bucket names are global, each bucket records its region. */
export interface S3State {
  buckets: Record<string, S3Bucket>;
}

export const initialS3State = (): S3State => ({ buckets: {} });

export const s3StateOf = (emulator: Emulator, accountId: string): S3State =>
  emulator.stateFor<S3State>('s3', accountId, 'global');

/**
 * The account that owns a bucket: the caller's first, then any other (bucket names are global, so
 * anonymous and cross-account requests reach the owner's bucket).
 */
export function bucketOwner(emulator: Emulator, name: string, callerAccount: string): string | undefined {
  if (s3StateOf(emulator, callerAccount).buckets[name]) return callerAccount;
  for (const account of emulator.store.accounts()) {
    if (account === callerAccount) continue;
    if (!emulator.store.regions('s3', account).length) continue;
    if (s3StateOf(emulator, account).buckets[name]) return account;
  }
  return undefined;
}

export interface LocatedBucket {
  accountId: string;
  state: S3State;
  bucket: S3Bucket;
}

export function findBucket(ctx: Pick<RequestContext, 'emulator' | 'accountId'>, name: string): LocatedBucket | undefined {
  const accountId = bucketOwner(ctx.emulator, name, ctx.accountId);
  if (!accountId) return undefined;
  const state = s3StateOf(ctx.emulator, accountId);
  return { accountId, state, bucket: state.buckets[name] };
}

/**
 * Reads an object's bytes, for other services that take code or templates from S3 (Lambda's
 * S3Bucket/S3Key, CloudFormation's TemplateURL). Undefined when the bucket or the key is missing.
 */
export async function getObjectBytes(emulator: Emulator, accountId: string, bucket: string, key: string): Promise<Buffer | undefined> {
  await emulator.service('s3');
  const owner = bucketOwner(emulator, bucket, accountId);
  if (!owner) return undefined;
  const obj = s3StateOf(emulator, owner).buckets[bucket]?.objects[key];
  return obj ? emulator.store.blobs.get(obj.sha256) : undefined;
}
