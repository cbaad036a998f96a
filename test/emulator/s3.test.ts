import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as S3 from '@aws-sdk/client-s3';
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { snapshot, expectSameShape, plainOutput } from '../helpers/snapshots.js';

let emu: TestEmulator;
let s3: S3.S3Client;

beforeAll(async () => {
  emu = await startTestEmulator();
  s3 = new S3.S3Client({ ...emu.config(), forcePathStyle: true });
});
afterAll(() => emu?.close());

const bytes = (d: string | ArrayBuffer | ArrayBufferView) =>
  typeof d === 'string' ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

/** SHA-256 (keyed: HMAC) in the shape SignatureV4 wants. */
class Sha256 {
  private readonly h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.h.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

/** A presigned URL as the SDK's presigner makes one (SigV4 query auth, S3's unescaped path). */
async function presign(method: string, bucket: string, key: string, expiresIn: number, credentials = { accessKeyId: 'test', secretAccessKey: 'test' }) {
  const signer = new SignatureV4({ service: 's3', region: 'us-east-1', credentials, sha256: Sha256, uriEscapePath: false });
  const url = new URL(`${emu.url}/${bucket}/${key}`);
  const signed = await signer.presign(
    { method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, query: {} },
    { expiresIn, unsignableHeaders: new Set(['x-amz-content-sha256']) },
  );
  const query = new URLSearchParams(signed.query as Record<string, string>).toString();
  return `${emu.url}${signed.path}?${query}`;
}

const text = async (body: unknown) => await (body as { transformToString(): Promise<string> }).transformToString();

describe('S3 buckets', () => {
  it('creates, lists, heads, locates and deletes buckets', async () => {
    await s3.send(new S3.CreateBucketCommand({ Bucket: 'alpha-bucket' }));
    // us-east-1 answers a repeated create by the owner with success.
    await s3.send(new S3.CreateBucketCommand({ Bucket: 'alpha-bucket' }));
    const list = await s3.send(new S3.ListBucketsCommand({}));
    expect(list.Buckets?.map((b) => b.Name)).toContain('alpha-bucket');
    expect(list.Owner?.ID).toBeTruthy();
    const head = await s3.send(new S3.HeadBucketCommand({ Bucket: 'alpha-bucket' }));
    expect(head.BucketRegion).toBe('us-east-1');
    const loc = await s3.send(new S3.GetBucketLocationCommand({ Bucket: 'alpha-bucket' }));
    expect(loc.LocationConstraint).toBeUndefined();
    await expect(s3.send(new S3.HeadBucketCommand({ Bucket: 'no-such-bucket-x' }))).rejects.toMatchObject({ name: 'NotFound', $metadata: { httpStatusCode: 404 } });
    await s3.send(new S3.DeleteBucketCommand({ Bucket: 'alpha-bucket' }));
    await expect(s3.send(new S3.DeleteBucketCommand({ Bucket: 'alpha-bucket' }))).rejects.toMatchObject({ name: 'NoSuchBucket', BucketName: 'alpha-bucket' });
  });

  it('applies the location-constraint rules', async () => {
    await expect(
      s3.send(new S3.CreateBucketCommand({ Bucket: 'loc-bucket', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })),
    ).rejects.toMatchObject({ name: 'IllegalLocationConstraintException' });
    const west = new S3.S3Client({ ...emu.config(undefined, 'eu-west-1'), forcePathStyle: true });
    await west.send(new S3.CreateBucketCommand({ Bucket: 'loc-bucket', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    expect((await west.send(new S3.GetBucketLocationCommand({ Bucket: 'loc-bucket' }))).LocationConstraint).toBe('eu-west-1');
    await expect(
      west.send(new S3.CreateBucketCommand({ Bucket: 'loc-bucket', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })),
    ).rejects.toMatchObject({ name: 'BucketAlreadyOwnedByYou' });
    await expect(s3.send(new S3.CreateBucketCommand({ Bucket: 'Bad_Name' }))).rejects.toMatchObject({ name: 'InvalidBucketName' });
    // Another account cannot take a name that exists.
    const other = new S3.S3Client({ ...emu.config({ accessKeyId: '111111111111', secretAccessKey: 'x' }), forcePathStyle: true });
    await expect(other.send(new S3.CreateBucketCommand({ Bucket: 'loc-bucket' }))).rejects.toMatchObject({ name: 'BucketAlreadyExists' });
  });

  it('refuses to delete a bucket that is not empty (snapshot)', async () => {
    await s3.send(new S3.CreateBucketCommand({ Bucket: 'full-bucket' }));
    await s3.send(new S3.PutObjectCommand({ Bucket: 'full-bucket', Key: 'k', Body: 'x' }));
    const err = await s3.send(new S3.DeleteBucketCommand({ Bucket: 'full-bucket' })).catch((e) => e);
    const expected = snapshot('s3__test_s3_api.snapshot.json', 'test_delete_bucket_with_objects', 'delete-with-obj') as { Error: object };
    expect(err.$metadata.httpStatusCode).toBe(409);
    expectSameShape({ BucketName: err.BucketName, Code: err.Code, Message: err.message }, expected.Error);
  });

  it('keeps a bucket policy, tags and CORS rules', async () => {
    const b = 'config-bucket';
    await s3.send(new S3.CreateBucketCommand({ Bucket: b }));
    const noPolicy = await s3.send(new S3.GetBucketPolicyCommand({ Bucket: b })).catch((e) => e);
    expect(noPolicy).toMatchObject({ name: 'NoSuchBucketPolicy', message: 'The bucket policy does not exist', $metadata: { httpStatusCode: 404 } });
    await expect(s3.send(new S3.PutBucketPolicyCommand({ Bucket: b, Policy: 'nope' }))).rejects.toMatchObject({
      name: 'MalformedPolicy',
      message: "Policies must be valid JSON and the first byte must be '{'",
    });
    await expect(s3.send(new S3.PutBucketPolicyCommand({ Bucket: b, Policy: '{}' }))).rejects.toMatchObject({ message: 'Missing required field Statement' });
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${b}/*` }],
    });
    await s3.send(new S3.PutBucketPolicyCommand({ Bucket: b, Policy: policy }));
    expect(JSON.parse((await s3.send(new S3.GetBucketPolicyCommand({ Bucket: b }))).Policy!)).toEqual(JSON.parse(policy));
    await s3.send(new S3.DeleteBucketPolicyCommand({ Bucket: b }));
    await s3.send(new S3.DeleteBucketPolicyCommand({ Bucket: b }));

    await expect(s3.send(new S3.GetBucketTaggingCommand({ Bucket: b }))).rejects.toMatchObject({ name: 'NoSuchTagSet' });
    await s3.send(new S3.PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet: [{ Key: 'tag1', Value: 'tag1' }, { Key: 'tag2', Value: '' }] } }));
    const tags = await s3.send(new S3.GetBucketTaggingCommand({ Bucket: b }));
    expectSameShape(plainOutput({ TagSet: tags.TagSet }), snapshot('s3__test_s3_api.snapshot.json', 'test_bucket_tagging_crud', 'get-bucket-tags'));
    await s3.send(new S3.DeleteBucketTaggingCommand({ Bucket: b }));
    await expect(s3.send(new S3.GetBucketTaggingCommand({ Bucket: b }))).rejects.toMatchObject({ name: 'NoSuchTagSet' });

    await expect(s3.send(new S3.GetBucketCorsCommand({ Bucket: b }))).rejects.toMatchObject({ name: 'NoSuchCORSConfiguration' });
    await s3.send(
      new S3.PutBucketCorsCommand({
        Bucket: b,
        CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['http://app.test'], AllowedMethods: ['GET', 'PUT'], AllowedHeaders: ['*'], MaxAgeSeconds: 60 }] },
      }),
    );
    const cors = await s3.send(new S3.GetBucketCorsCommand({ Bucket: b }));
    expect(cors.CORSRules).toEqual([{ AllowedOrigins: ['http://app.test'], AllowedMethods: ['GET', 'PUT'], AllowedHeaders: ['*'], MaxAgeSeconds: 60 }]);
    const ok = await fetch(`${emu.url}/${b}/some-key`, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.test', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://app.test');
    expect(ok.headers.get('access-control-max-age')).toBe('60');
    const refused = await fetch(`${emu.url}/${b}/some-key`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.test', 'access-control-request-method': 'GET' },
    });
    expect(refused.status).toBe(403);
    await s3.send(new S3.DeleteBucketCorsCommand({ Bucket: b }));
    await expect(s3.send(new S3.GetBucketCorsCommand({ Bucket: b }))).rejects.toMatchObject({ name: 'NoSuchCORSConfiguration' });
  });
});

describe('S3 objects', () => {
  const b = 'objects-bucket';
  beforeAll(async () => {
    await s3.send(new S3.CreateBucketCommand({ Bucket: b }));
  });

  it('puts, gets and heads an object with metadata, content type and an MD5 ETag', async () => {
    const put = await s3.send(
      new S3.PutObjectCommand({ Bucket: b, Key: 'docs/hello.txt', Body: 'hello world', ContentType: 'text/plain', Metadata: { owner: 'ada' } }),
    );
    expect(put.ETag).toBe('"5eb63bbbe01eeed093cb22bb8f5acdc3"');
    expect(put.ChecksumCRC32).toBeTruthy();
    const got = await s3.send(new S3.GetObjectCommand({ Bucket: b, Key: 'docs/hello.txt' }));
    expect(await text(got.Body)).toBe('hello world');
    expect(got).toMatchObject({ ContentType: 'text/plain', ContentLength: 11, ETag: put.ETag, Metadata: { owner: 'ada' }, AcceptRanges: 'bytes' });
    const head = await s3.send(new S3.HeadObjectCommand({ Bucket: b, Key: 'docs/hello.txt', ChecksumMode: 'ENABLED' }));
    expect(head).toMatchObject({ ContentLength: 11, ETag: put.ETag, ChecksumCRC32: put.ChecksumCRC32 });
    const missing = await s3.send(new S3.GetObjectCommand({ Bucket: b, Key: 'nope' })).catch((e) => e);
    expect(missing).toMatchObject({ name: 'NoSuchKey', Key: 'nope', message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
    await expect(s3.send(new S3.HeadObjectCommand({ Bucket: b, Key: 'nope' }))).rejects.toMatchObject({ name: 'NotFound' });
    // Conditional reads.
    await expect(s3.send(new S3.GetObjectCommand({ Bucket: b, Key: 'docs/hello.txt', IfNoneMatch: put.ETag }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 304 },
    });
    await expect(s3.send(new S3.GetObjectCommand({ Bucket: b, Key: 'docs/hello.txt', IfMatch: '"other"' }))).rejects.toMatchObject({
      name: 'PreconditionFailed',
    });
    await expect(s3.send(new S3.PutObjectCommand({ Bucket: b, Key: 'docs/hello.txt', Body: 'x', IfNoneMatch: '*' }))).rejects.toMatchObject({
      name: 'PreconditionFailed',
    });
  });

  it('decodes aws-chunked stream uploads with a checksum trailer', async () => {
    const { Readable } = await import('node:stream');
    const data = Buffer.alloc(200_000, 'z');
    const put = await s3.send(
      new S3.PutObjectCommand({ Bucket: b, Key: 'streamed.bin', Body: Readable.from([data.subarray(0, 70_000), data.subarray(70_000)]), ContentLength: data.length, ChecksumAlgorithm: 'CRC32' }),
    );
    expect(put.ChecksumCRC32).toBeTruthy();
    const got = await s3.send(new S3.GetObjectCommand({ Bucket: b, Key: 'streamed.bin', ChecksumMode: 'ENABLED' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
    expect(got.ChecksumCRC32).toBe(put.ChecksumCRC32);
  });

  it('serves byte ranges with 206 as S3 does (snapshot)', async () => {
    await s3.send(new S3.PutObjectCommand({ Bucket: b, Key: 'digits', Body: '0123456789' }));
    const cases: [string, string][] = [
      ['bytes=0-8', 'get-0-8'],
      ['bytes=1-1', 'get-1-1'],
      ['bytes=1-0', 'get-1-0'],
      ['bytes=1-', 'get-1-'],
      ['bytes=-2', 'get--2'],
      ['bytes=-15', 'get--15'],
      ['bytes=0-100', 'get-0-100'],
    ];
    for (const [range, key] of cases) {
      const expected = snapshot('s3__test_s3_api.snapshot.json', 'test_get_object_range', key) as Record<string, unknown>;
      const got = await s3.send(new S3.GetObjectCommand({ Bucket: b, Key: 'digits', Range: range }));
      expect(await text(got.Body), range).toBe(expected.Body);
      expect(got.$metadata.httpStatusCode, range).toBe((snapshot('s3__test_s3_api.snapshot.json', 'test_get_object_range', key) as never as { ResponseMetadata?: unknown }) && (expected.ContentRange ? 206 : 200));
      expect(got.ContentRange, range).toBe(expected.ContentRange);
      expect(got.ContentLength, range).toBe(expected.ContentLength);
    }
    await expect(s3.send(new S3.GetObjectCommand({ Bucket: b, Key: 'digits', Range: 'bytes=10-' }))).rejects.toMatchObject({
      name: 'InvalidRange',
      $metadata: { httpStatusCode: 416 },
    });
  });

  it('lists with prefix, delimiter, common prefixes and pagination (v2 and v1)', async () => {
    const lb = 'list-bucket';
    await s3.send(new S3.CreateBucketCommand({ Bucket: lb }));
    const keys = ['a.txt', 'photos/2024/jan.jpg', 'photos/2024/feb.jpg', 'photos/2025/mar.jpg', 'photos/cover.jpg', 'z.txt', 'with space+plus.txt'];
    for (const Key of keys) await s3.send(new S3.PutObjectCommand({ Bucket: lb, Key, Body: Key }));
    const all = await s3.send(new S3.ListObjectsV2Command({ Bucket: lb }));
    expect(all.KeyCount).toBe(keys.length);
    expect(all.Contents?.map((c) => c.Key)).toEqual([...keys].sort());
    const top = await s3.send(new S3.ListObjectsV2Command({ Bucket: lb, Delimiter: '/' }));
    expect(top.CommonPrefixes).toEqual([{ Prefix: 'photos/' }]);
    expect(top.Contents?.map((c) => c.Key)).toEqual(['a.txt', 'with space+plus.txt', 'z.txt']);
    const photos = await s3.send(new S3.ListObjectsV2Command({ Bucket: lb, Prefix: 'photos/', Delimiter: '/' }));
    expect(photos.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['photos/2024/', 'photos/2025/']);
    expect(photos.Contents?.map((c) => c.Key)).toEqual(['photos/cover.jpg']);
    // Pages of two, following NextContinuationToken.
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await s3.send(new S3.ListObjectsV2Command({ Bucket: lb, MaxKeys: 2, ContinuationToken: token }));
      seen.push(...(page.Contents ?? []).map((c) => c.Key!));
      token = page.NextContinuationToken;
      expect(page.IsTruncated).toBe(!!token);
      pages++;
    } while (token);
    expect(seen).toEqual([...keys].sort());
    expect(pages).toBe(4);
    const after = await s3.send(new S3.ListObjectsV2Command({ Bucket: lb, StartAfter: 'photos/cover.jpg' }));
    expect(after.Contents?.map((c) => c.Key)).toEqual(['with space+plus.txt', 'z.txt']);
    const v1 = await s3.send(new S3.ListObjectsCommand({ Bucket: lb, MaxKeys: 3, Marker: 'a.txt' }));
    expect(v1.Contents?.map((c) => c.Key)).toEqual(['photos/2024/feb.jpg', 'photos/2024/jan.jpg', 'photos/2025/mar.jpg']);
    expect(v1.IsTruncated).toBe(true);
    const v1d = await s3.send(new S3.ListObjectsCommand({ Bucket: lb, Delimiter: '/', MaxKeys: 1 }));
    expect(v1d).toMatchObject({ IsTruncated: true, NextMarker: 'a.txt' });
    const empty = await s3.send(new S3.ListObjectsV2Command({ Bucket: lb, Prefix: 'nothing/' }));
    expect(empty).toMatchObject({ KeyCount: 0, IsTruncated: false });
    expect(empty.Contents).toBeUndefined();
  });

  it('copies objects, keeping or replacing metadata', async () => {
    await s3.send(new S3.PutObjectCommand({ Bucket: b, Key: 'src.json', Body: '{"a":1}', ContentType: 'application/json', Metadata: { v: '1' } }));
    const copy = await s3.send(new S3.CopyObjectCommand({ Bucket: b, Key: 'copy.json', CopySource: `${b}/src.json` }));
    expect(copy.CopyObjectResult?.ETag).toBe((await s3.send(new S3.HeadObjectCommand({ Bucket: b, Key: 'src.json' }))).ETag);
    expect(await s3.send(new S3.HeadObjectCommand({ Bucket: b, Key: 'copy.json' }))).toMatchObject({ ContentType: 'application/json', Metadata: { v: '1' } });
    await s3.send(
      new S3.CopyObjectCommand({ Bucket: b, Key: 'copy.json', CopySource: `/${b}/src.json`, MetadataDirective: 'REPLACE', Metadata: { v: '2' }, ContentType: 'text/plain' }),
    );
    expect(await s3.send(new S3.HeadObjectCommand({ Bucket: b, Key: 'copy.json' }))).toMatchObject({ ContentType: 'text/plain', Metadata: { v: '2' } });
    await expect(s3.send(new S3.CopyObjectCommand({ Bucket: b, Key: 'src.json', CopySource: `${b}/src.json` }))).rejects.toMatchObject({ name: 'InvalidRequest' });
    await expect(s3.send(new S3.CopyObjectCommand({ Bucket: b, Key: 'x', CopySource: `${b}/missing` }))).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('deletes one object or many (snapshot)', async () => {
    await s3.send(new S3.PutObjectCommand({ Bucket: b, Key: 'test-delete', Body: 'x' }));
    const del = await s3.send(new S3.DeleteObjectCommand({ Bucket: b, Key: 'test-delete' }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    expect((await s3.send(new S3.DeleteObjectCommand({ Bucket: b, Key: 'test-delete' }))).$metadata.httpStatusCode).toBe(204);
    await s3.send(new S3.PutObjectCommand({ Bucket: b, Key: 'test-delete', Body: 'x' }));
    const many = await s3.send(
      new S3.DeleteObjectsCommand({ Bucket: b, Delete: { Objects: [{ Key: 'test-delete' }, { Key: 'c-wrong-key' }, { Key: 'a-wrong-key' }] } }),
    );
    expectSameShape(plainOutput({ Deleted: many.Deleted }), snapshot('s3__test_s3_api.snapshot.json', 'test_delete_objects', 'delete-objects'));
    await expect(s3.send(new S3.HeadObjectCommand({ Bucket: b, Key: 'test-delete' }))).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('keeps a versioning status and copies parts from existing objects', async () => {
    expect((await s3.send(new S3.GetBucketVersioningCommand({ Bucket: b }))).Status).toBeUndefined();
    await s3.send(new S3.PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'Enabled' } }));
    expect((await s3.send(new S3.GetBucketVersioningCommand({ Bucket: b }))).Status).toBe('Enabled');
    await s3.send(new S3.PutObjectCommand({ Bucket: b, Key: 'part-src', Body: Buffer.alloc(5 * 1024 * 1024 + 10, 'p') }));
    const { UploadId } = await s3.send(new S3.CreateMultipartUploadCommand({ Bucket: b, Key: 'assembled' }));
    const p1 = await s3.send(new S3.UploadPartCopyCommand({ Bucket: b, Key: 'assembled', UploadId, PartNumber: 1, CopySource: `${b}/part-src` }));
    const p2 = await s3.send(new S3.UploadPartCopyCommand({ Bucket: b, Key: 'assembled', UploadId, PartNumber: 2, CopySource: `${b}/part-src`, CopySourceRange: 'bytes=0-9' }));
    await s3.send(new S3.CompleteMultipartUploadCommand({ Bucket: b, Key: 'assembled', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.CopyPartResult!.ETag }, { PartNumber: 2, ETag: p2.CopyPartResult!.ETag }] } }));
    expect((await s3.send(new S3.HeadObjectCommand({ Bucket: b, Key: 'assembled' }))).ContentLength).toBe(5 * 1024 * 1024 + 20);
  });

  it('tags objects', async () => {
    await s3.send(new S3.PutObjectCommand({ Bucket: b, Key: 'tagged', Body: 'x', Tagging: 'a=1&b=two' }));
    expect((await s3.send(new S3.GetObjectTaggingCommand({ Bucket: b, Key: 'tagged' }))).TagSet).toEqual([{ Key: 'a', Value: '1' }, { Key: 'b', Value: 'two' }]);
    await s3.send(new S3.PutObjectTaggingCommand({ Bucket: b, Key: 'tagged', Tagging: { TagSet: [{ Key: 'c', Value: '3' }] } }));
    expect((await s3.send(new S3.GetObjectCommand({ Bucket: b, Key: 'tagged' }))).TagCount).toBe(1);
    await s3.send(new S3.DeleteObjectTaggingCommand({ Bucket: b, Key: 'tagged' }));
    expect((await s3.send(new S3.GetObjectTaggingCommand({ Bucket: b, Key: 'tagged' }))).TagSet).toEqual([]);
  });

  it('runs a multipart upload; the ETag is the MD5 of the part MD5s with the part count', async () => {
    const part1 = Buffer.alloc(5 * 1024 * 1024, 'a');
    const part2 = Buffer.from('tail');
    const { UploadId } = await s3.send(new S3.CreateMultipartUploadCommand({ Bucket: b, Key: 'big.bin', ContentType: 'application/x-big' }));
    const uploads = await s3.send(new S3.ListMultipartUploadsCommand({ Bucket: b }));
    expect(uploads.Uploads?.map((u) => u.UploadId)).toContain(UploadId);
    const p1 = await s3.send(new S3.UploadPartCommand({ Bucket: b, Key: 'big.bin', UploadId, PartNumber: 1, Body: part1 }));
    const p2 = await s3.send(new S3.UploadPartCommand({ Bucket: b, Key: 'big.bin', UploadId, PartNumber: 2, Body: part2 }));
    const parts = await s3.send(new S3.ListPartsCommand({ Bucket: b, Key: 'big.bin', UploadId }));
    expect(parts.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([[1, part1.length], [2, 4]]);
    await expect(
      s3.send(new S3.CompleteMultipartUploadCommand({ Bucket: b, Key: 'big.bin', UploadId, MultipartUpload: { Parts: [{ PartNumber: 2, ETag: p2.ETag }, { PartNumber: 1, ETag: p1.ETag }] } })),
    ).rejects.toMatchObject({ name: 'InvalidPartOrder' });
    await expect(
      s3.send(new S3.CompleteMultipartUploadCommand({ Bucket: b, Key: 'big.bin', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"bad"' }] } })),
    ).rejects.toMatchObject({ name: 'InvalidPart' });
    const done = await s3.send(
      new S3.CompleteMultipartUploadCommand({ Bucket: b, Key: 'big.bin', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] } }),
    );
    const { createHash } = await import('node:crypto');
    const md5 = (d: Buffer) => createHash('md5').update(d).digest();
    expect(done.ETag).toBe(`"${createHash('md5').update(Buffer.concat([md5(part1), md5(part2)])).digest('hex')}-2"`);
    const head = await s3.send(new S3.HeadObjectCommand({ Bucket: b, Key: 'big.bin' }));
    expect(head).toMatchObject({ ContentLength: part1.length + 4, ContentType: 'application/x-big', ETag: done.ETag });
    const tail = await s3.send(new S3.GetObjectCommand({ Bucket: b, Key: 'big.bin', Range: `bytes=${part1.length}-` }));
    expect(await text(tail.Body)).toBe('tail');
    await expect(s3.send(new S3.ListPartsCommand({ Bucket: b, Key: 'big.bin', UploadId }))).rejects.toMatchObject({ name: 'NoSuchUpload' });
    const { UploadId: aborted } = await s3.send(new S3.CreateMultipartUploadCommand({ Bucket: b, Key: 'gone.bin' }));
    await s3.send(new S3.AbortMultipartUploadCommand({ Bucket: b, Key: 'gone.bin', UploadId: aborted }));
    await expect(s3.send(new S3.UploadPartCommand({ Bucket: b, Key: 'gone.bin', UploadId: aborted, PartNumber: 1, Body: 'x' }))).rejects.toMatchObject({
      name: 'NoSuchUpload',
    });
  });
});

describe('S3 addressing and access', () => {
  it('presigned GET works with fetch and expires', async () => {
    const b = 'presign-bucket';
    await s3.send(new S3.CreateBucketCommand({ Bucket: b }));
    await s3.send(new S3.PutObjectCommand({ Bucket: b, Key: 'report.csv', Body: 'a,b\n1,2\n' }));
    const url = await presign('GET', b, 'report.csv', 60);
    expect(url).toContain('X-Amz-Signature=');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('a,b\n1,2\n');
    // Without a signature, a private bucket refuses anonymous callers.
    const anon = await fetch(`${emu.url}/${b}/report.csv`);
    expect(anon.status).toBe(403);
    expect(await anon.text()).toContain('<Code>AccessDenied</Code>');
    // Presigned PUT from a plain HTTP client.
    const putUrl = await presign('PUT', b, 'upload.txt', 60);
    expect((await fetch(putUrl, { method: 'PUT', body: 'from a browser' })).status).toBe(200);
    expect(await text((await s3.send(new S3.GetObjectCommand({ Bucket: b, Key: 'upload.txt' }))).Body)).toBe('from a browser');
  });

  it('presigned URLs of an IAM user are verified and expire', async () => {
    const { IAMClient, CreateUserCommand, CreateAccessKeyCommand, PutUserPolicyCommand } = await import('@aws-sdk/client-iam');
    const iam = new IAMClient(emu.config());
    await iam.send(new CreateUserCommand({ UserName: 'presigner' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'presigner',
        PolicyName: 'read',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }),
      }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'presigner' }))).AccessKey!;
    const creds = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const url = await presign('GET', 'presign-bucket', 'report.csv', 30, creds);
    const first = await fetch(url);
    expect(first.status, await first.clone().text()).toBe(200);
    expect((await fetch(url.replace(/X-Amz-Signature=[0-9a-f]+/, 'X-Amz-Signature=' + '0'.repeat(64)))).status).toBe(403);
    const real = emu.emulator.clock;
    (emu.emulator as { clock: { now(): number } }).clock = { now: () => real.now() + 120_000 };
    try {
      const late = await fetch(url);
      expect(late.status).toBe(403);
      expect(await late.text()).toContain('Request has expired');
    } finally {
      (emu.emulator as { clock: { now(): number } }).clock = real;
    }
    const putUrl = await presign('PUT', 'presign-bucket', 'denied.txt', 30, creds);
    expect((await fetch(putUrl, { method: 'PUT', body: 'x' })).status).toBe(403);
  });

  it('s3:ListBucket carries s3:prefix, so a policy can limit listing to one folder', async () => {
    const { IAMClient, CreateUserCommand, CreateAccessKeyCommand, PutUserPolicyCommand } = await import('@aws-sdk/client-iam');
    const iam = new IAMClient(emu.config());
    const b = 'prefix-listing';
    await s3.send(new S3.CreateBucketCommand({ Bucket: b }));
    await s3.send(new S3.PutObjectCommand({ Bucket: b, Key: 'notes/ada/1.json', Body: '{}' }));
    await iam.send(new CreateUserCommand({ UserName: 'folder-lister' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'folder-lister',
        PolicyName: 'list-notes',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${b}`, Condition: { StringLike: { 's3:prefix': 'notes/*' } } }],
        }),
      }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'folder-lister' }))).AccessKey!;
    const as = new S3.S3Client({ ...emu.config(), forcePathStyle: true, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } });
    const listed = await as.send(new S3.ListObjectsV2Command({ Bucket: b, Prefix: 'notes/ada/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['notes/ada/1.json']);
    await expect(as.send(new S3.ListObjectsV2Command({ Bucket: b, Prefix: 'private/' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(as.send(new S3.ListObjectsV2Command({ Bucket: b }))).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(as.send(new S3.ListObjectsCommand({ Bucket: b, Prefix: 'notes/' }))).resolves.toMatchObject({ Name: b });
  });

  it('a public-read bucket policy lets anonymous callers read, and nothing more', async () => {
    const b = 'public-bucket';
    await s3.send(new S3.CreateBucketCommand({ Bucket: b }));
    await s3.send(new S3.PutObjectCommand({ Bucket: b, Key: 'index.html', Body: '<h1>hi</h1>', ContentType: 'text/html' }));
    await s3.send(
      new S3.PutBucketPolicyCommand({
        Bucket: b,
        Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${b}/*` }] }),
      }),
    );
    const res = await fetch(`${emu.url}/${b}/index.html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(await res.text()).toBe('<h1>hi</h1>');
    expect((await fetch(`${emu.url}/${b}/index.html`, { method: 'PUT', body: 'defaced' })).status).toBe(403);
    expect((await fetch(`${emu.url}/${b}?list-type=2`)).status).toBe(403);
  });

  it('answers virtual-host style requests (Host: <bucket>.s3.localhost)', async () => {
    const b = 'vhost-bucket';
    await s3.send(new S3.CreateBucketCommand({ Bucket: b }));
    await s3.send(new S3.PutObjectCommand({ Bucket: b, Key: 'dir/file.txt', Body: 'virtual' }));
    const { request } = await import('node:http');
    const get = (path: string, host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: emu.port, path, headers: { host } }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.end();
      });
    // Virtual hosts take the bucket from the host; a public policy makes the unsigned read work.
    await s3.send(
      new S3.PutBucketPolicyCommand({
        Bucket: b,
        Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: ['s3:GetObject', 's3:ListBucket'], Resource: [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`] }] }),
      }),
    );
    const obj = await get('/dir/file.txt', `${b}.s3.localhost:${emu.port}`);
    expect(obj).toEqual({ status: 200, body: 'virtual' });
    const listing = await get('/?list-type=2&prefix=dir/', `${b}.s3.localhost:${emu.port}`);
    expect(listing.status).toBe(200);
    expect(listing.body).toContain('<Key>dir/file.txt</Key>');
    const missing = await get('/nope', `${b}.s3.localhost:${emu.port}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatch(/<Error><Code>NoSuchKey<\/Code><Message>The specified key does not exist.<\/Message><Key>nope<\/Key><RequestId>/);
  });
});
