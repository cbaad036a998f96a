import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type {
  AbortMultipartUploadRequest,
  CompleteMultipartUploadOutput,
  CompleteMultipartUploadRequest,
  CreateMultipartUploadOutput,
  CreateMultipartUploadRequest,
  ListMultipartUploadsOutput,
  ListMultipartUploadsRequest,
  ListPartsOutput,
  ListPartsRequest,
  UploadPartCopyOutput,
  UploadPartCopyRequest,
  UploadPartOutput,
  UploadPartRequest,
} from '@aws-sdk/client-s3';
import { AwsError } from '../../core/errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { randomString } from '../../core/ids.js';
import type { BlobStore } from '../../core/store.js';
import type { S3Bucket, S3Object, S3Part, S3Upload } from './state.js';
import {
  checkContentMd5,
  checkKey,
  checksumMembers,
  md5Hex,
  noSuchKey,
  noSuchUpload,
  nowIso,
  parseTaggingHeader,
  requireBucket,
  s3Authorization,
  uploadChecksums,
} from './common.js';
import { checkWritePreconditions, headersOf, parseCopySource, parseRange } from './objects.js';
import { OWNER } from './buckets.js';

const MIN_PART = 5 * 1024 * 1024;

function requireUpload(bucket: S3Bucket, key: string | undefined, uploadId: string | undefined): S3Upload {
  const upload = uploadId ? bucket.uploads[uploadId] : undefined;
  if (!upload || upload.Key !== key) throw noSuchUpload(uploadId ?? '');
  return upload;
}

function checkPartNumber(n: number | undefined): number {
  if (n === undefined || !Number.isInteger(n) || n < 1 || n > 10000) {
    throw new AwsError('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', 400, {
      fields: { ArgumentName: 'partNumber', ArgumentValue: String(n) },
    });
  }
  return n;
}

export const CreateMultipartUpload = operation<CreateMultipartUploadRequest, CreateMultipartUploadOutput>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:PutObject', i.Bucket, i.Key),
  handler(input, ctx) {
    const { bucket } = requireBucket(ctx, input.Bucket);
    const key = checkKey(input.Key);
    const upload: S3Upload = {
      UploadId: randomString(64, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-'),
      Key: key,
      Initiated: nowIso(ctx),
      ContentType: input.ContentType ?? 'binary/octet-stream',
      Metadata: input.Metadata ?? {},
      headers: headersOf(input),
      StorageClass: input.StorageClass ?? 'STANDARD',
      ChecksumAlgorithm: input.ChecksumAlgorithm,
      Tags: parseTaggingHeader(input.Tagging),
      parts: {},
    };
    bucket.uploads[upload.UploadId] = upload;
    return {
      Bucket: bucket.Name,
      Key: key,
      UploadId: upload.UploadId,
      ServerSideEncryption: 'AES256',
      ChecksumAlgorithm: input.ChecksumAlgorithm,
      ChecksumType: input.ChecksumAlgorithm ? (input.ChecksumType ?? 'COMPOSITE') : undefined,
    };
  },
});

function addPart(ctx: RequestContext, upload: S3Upload, partNumber: number, data: Uint8Array, checksums: Record<string, string>): S3Part {
  const blob = ctx.emulator.store.blobs.put(data);
  const part: S3Part = {
    PartNumber: partNumber,
    sha256: blob.sha256,
    Size: data.byteLength,
    ETag: `"${md5Hex(data)}"`,
    LastModified: nowIso(ctx),
    checksums,
  };
  upload.parts[String(partNumber)] = part;
  return part;
}

export const UploadPart = operation<UploadPartRequest, UploadPartOutput>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:PutObject', i.Bucket, i.Key),
  handler(input, ctx) {
    const { bucket } = requireBucket(ctx, input.Bucket);
    const upload = requireUpload(bucket, input.Key, input.UploadId);
    const n = checkPartNumber(input.PartNumber);
    const data = (input.Body as Uint8Array | undefined) ?? new Uint8Array();
    checkContentMd5(input.ContentMD5, data);
    const sent = uploadChecksums(input, data);
    // Only the checksums the caller sent are echoed for a part.
    const checksums = Object.keys(sent).some((a) => (input as unknown as Record<string, unknown>)[`Checksum${a}`]) ? sent : {};
    const part = addPart(ctx, upload, n, data, checksums);
    return { ETag: part.ETag, ServerSideEncryption: 'AES256', ...checksumMembers(checksums) };
  },
});

export const UploadPartCopy = operation<UploadPartCopyRequest, UploadPartCopyOutput>({
  authorize: (i, ctx) => {
    const src = parseCopySource(i.CopySource ?? '');
    return [s3Authorization(ctx, 's3:GetObject', src.bucket, src.key), s3Authorization(ctx, 's3:PutObject', i.Bucket, i.Key)];
  },
  handler(input, ctx) {
    const src = parseCopySource(input.CopySource!);
    const source = requireBucket(ctx, src.bucket).bucket.objects[src.key];
    if (!source) throw noSuchKey(src.key);
    const { bucket } = requireBucket(ctx, input.Bucket);
    const upload = requireUpload(bucket, input.Key, input.UploadId);
    const n = checkPartNumber(input.PartNumber);
    let data: Uint8Array = ctx.emulator.store.blobs.get(source.sha256);
    if (input.CopySourceRange !== undefined) {
      const m = /^bytes=(\d+)-(\d+)$/.exec(input.CopySourceRange);
      if (!m) {
        throw new AwsError('InvalidArgument', 'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy', 400, {
          fields: { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: input.CopySourceRange },
        });
      }
      const range = parseRange(input.CopySourceRange, source.Size);
      if (!range || Number(m[2]) >= source.Size) {
        throw new AwsError('InvalidRange', 'The requested range is not satisfiable', 416, { fields: { ActualObjectSize: source.Size, RangeRequested: input.CopySourceRange } });
      }
      data = data.subarray(range.start, range.end + 1);
    }
    const part = addPart(ctx, upload, n, data, {});
    return { CopyPartResult: { ETag: part.ETag, LastModified: new Date(part.LastModified) }, ServerSideEncryption: 'AES256' };
  },
});

/**
 * Concatenates part blobs into one blob on disk, a chunk at a time (objects can be far larger
 * than what should sit in memory), computing its SHA-256 and CRC32 on the way.
 */
function concatParts(blobs: BlobStore, parts: S3Part[]): { sha256: string; size: number; crc32: string } {
  const tmp = join(blobs.dir, `multipart-${process.pid}-${randomString(12)}`);
  const out = openSync(tmp, 'w');
  const hash = createHash('sha256');
  let crc = 0;
  let size = 0;
  const buf = Buffer.allocUnsafe(1024 * 1024);
  try {
    for (const part of parts) {
      const fd = openSync(blobs.path(part.sha256), 'r');
      try {
        for (;;) {
          const n = readSync(fd, buf, 0, buf.length, null);
          if (n === 0) break;
          const chunk = buf.subarray(0, n);
          hash.update(chunk);
          crc = crc32(chunk, crc);
          let off = 0;
          while (off < n) off += writeSync(out, chunk, off, n - off);
          size += n;
        }
      } finally {
        closeSync(fd);
      }
    }
  } finally {
    closeSync(out);
  }
  const sha256 = hash.digest('hex');
  const dest = blobs.path(sha256);
  if (existsSync(dest)) rmSync(tmp);
  else {
    mkdirSync(dirname(dest), { recursive: true });
    renameSync(tmp, dest);
  }
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc >>> 0);
  return { sha256, size, crc32: c.toString('base64') };
}

const invalidPart = () =>
  new AwsError(
    'InvalidPart',
    "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
    400,
  );

export const CompleteMultipartUpload = operation<CompleteMultipartUploadRequest, CompleteMultipartUploadOutput>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:PutObject', i.Bucket, i.Key),
  handler(input, ctx) {
    const { bucket } = requireBucket(ctx, input.Bucket);
    const upload = requireUpload(bucket, input.Key, input.UploadId);
    const given = input.MultipartUpload?.Parts ?? [];
    if (!given.length) {
      throw new AwsError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
    }
    const parts: S3Part[] = [];
    let previous = 0;
    for (const p of given) {
      if ((p.PartNumber ?? 0) <= previous) throw new AwsError('InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.', 400);
      previous = p.PartNumber!;
      const part = upload.parts[String(p.PartNumber)];
      const etag = p.ETag?.startsWith('"') ? p.ETag : `"${p.ETag}"`;
      if (!part || part.ETag !== etag) throw invalidPart();
      parts.push(part);
    }
    parts.forEach((p, i) => {
      if (i < parts.length - 1 && p.Size < MIN_PART) {
        throw new AwsError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', 400, {
          fields: { ETag: p.ETag.replace(/"/g, ''), MinSizeAllowed: MIN_PART, PartNumber: p.PartNumber, ProposedSize: p.Size },
        });
      }
    });
    checkWritePreconditions(bucket, upload.Key, input);
    const joined = concatParts(ctx.emulator.store.blobs, parts);
    const md5s = Buffer.concat(parts.map((p) => Buffer.from(p.ETag.replace(/"/g, ''), 'hex')));
    const obj: S3Object = {
      Key: upload.Key,
      sha256: joined.sha256,
      Size: joined.size,
      ETag: `"${md5Hex(md5s)}-${parts.length}"`,
      LastModified: nowIso(ctx),
      ContentType: upload.ContentType,
      Metadata: upload.Metadata,
      headers: upload.headers,
      checksums: { CRC32: joined.crc32 },
      checksumType: 'FULL_OBJECT',
      PartsCount: parts.length,
      StorageClass: upload.StorageClass,
      Tags: upload.Tags,
    };
    bucket.objects[upload.Key] = obj;
    delete bucket.uploads[upload.UploadId];
    return {
      Location: `${ctx.endpoint}/${bucket.Name}/${upload.Key.split('/').map(encodeURIComponent).join('/')}`,
      Bucket: bucket.Name,
      Key: upload.Key,
      ETag: obj.ETag,
      ServerSideEncryption: 'AES256',
    };
  },
});

export const AbortMultipartUpload = operation<AbortMultipartUploadRequest, object>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:AbortMultipartUpload', i.Bucket, i.Key),
  handler(input, ctx) {
    const { bucket } = requireBucket(ctx, input.Bucket);
    const upload = requireUpload(bucket, input.Key, input.UploadId);
    delete bucket.uploads[upload.UploadId];
    return {};
  },
});

export const ListParts = operation<ListPartsRequest, ListPartsOutput>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:ListMultipartUploadParts', i.Bucket, i.Key),
  handler(input, ctx) {
    const { bucket, accountId } = requireBucket(ctx, input.Bucket);
    const upload = requireUpload(bucket, input.Key, input.UploadId);
    const marker = Number(input.PartNumberMarker ?? 0);
    const max = Math.min(input.MaxParts ?? 1000, 1000);
    const all = Object.values(upload.parts)
      .sort((a, b) => a.PartNumber - b.PartNumber)
      .filter((p) => p.PartNumber > marker);
    const page = all.slice(0, max);
    const truncated = all.length > max;
    return {
      Bucket: bucket.Name,
      Key: upload.Key,
      UploadId: upload.UploadId,
      PartNumberMarker: String(marker),
      NextPartNumberMarker: page.length ? String(page[page.length - 1].PartNumber) : undefined,
      MaxParts: max,
      IsTruncated: truncated,
      Parts: page.length
        ? page.map((p) => ({ PartNumber: p.PartNumber, LastModified: new Date(p.LastModified), ETag: p.ETag, Size: p.Size, ...checksumMembers(p.checksums) }))
        : undefined,
      Initiator: { ID: OWNER(accountId).ID, DisplayName: OWNER(accountId).DisplayName },
      Owner: OWNER(accountId),
      StorageClass: upload.StorageClass as ListPartsOutput['StorageClass'],
      ChecksumAlgorithm: upload.ChecksumAlgorithm as ListPartsOutput['ChecksumAlgorithm'],
    };
  },
});

export const ListMultipartUploads = operation<ListMultipartUploadsRequest, ListMultipartUploadsOutput>({
  authorize: (i, ctx) => s3Authorization(ctx, 's3:ListBucketMultipartUploads', i.Bucket),
  handler(input, ctx) {
    const { bucket, accountId } = requireBucket(ctx, input.Bucket);
    const max = Math.min(input.MaxUploads ?? 1000, 1000);
    const prefix = input.Prefix ?? '';
    const all = Object.values(bucket.uploads)
      .filter((u) => u.Key.startsWith(prefix))
      .filter((u) => !input.KeyMarker || u.Key > input.KeyMarker || (u.Key === input.KeyMarker && !!input.UploadIdMarker && u.UploadId > input.UploadIdMarker))
      .sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : a.Initiated < b.Initiated ? -1 : 1));
    const page = all.slice(0, max);
    const truncated = all.length > max;
    const last = page[page.length - 1];
    return {
      Bucket: bucket.Name,
      KeyMarker: input.KeyMarker ?? '',
      UploadIdMarker: input.UploadIdMarker ?? '',
      NextKeyMarker: truncated ? last.Key : undefined,
      NextUploadIdMarker: truncated ? last.UploadId : undefined,
      Prefix: input.Prefix,
      Delimiter: input.Delimiter,
      MaxUploads: max,
      IsTruncated: truncated,
      Uploads: page.length
        ? page.map((u) => ({
            UploadId: u.UploadId,
            Key: u.Key,
            Initiated: new Date(u.Initiated),
            StorageClass: u.StorageClass as 'STANDARD',
            Owner: OWNER(accountId),
            Initiator: { ID: OWNER(accountId).ID, DisplayName: OWNER(accountId).DisplayName },
          }))
        : undefined,
    };
  },
});
