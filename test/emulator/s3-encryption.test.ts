import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as S3 from '@aws-sdk/client-s3';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/* Default bucket encryption (Put/Get/DeleteBucketEncryption), as AWS's recorded answers have it. */

let emu: TestEmulator;
let s3: S3.S3Client;

beforeAll(async () => {
  emu = await startTestEmulator();
  s3 = new S3.S3Client({ ...emu.config(), forcePathStyle: true });
});
afterAll(() => emu?.close());

const SSE_S3 = { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }] };

async function error(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number; ArgumentName?: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number }; ArgumentName?: string };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode, ArgumentName: err.ArgumentName };
  }
  throw new Error('expected an error');
}

describe('bucket encryption', () => {
  it('every bucket has SSE-S3 by default; Delete goes back to it (204, idempotent)', async () => {
    const Bucket = 'enc-default';
    await s3.send(new S3.CreateBucketCommand({ Bucket }));
    const got = await s3.send(new S3.GetBucketEncryptionCommand({ Bucket }));
    expect(got.ServerSideEncryptionConfiguration).toEqual(SSE_S3);
    expect(got.$metadata.httpStatusCode).toBe(200);

    await s3.send(new S3.PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: true }] } }));
    expect((await s3.send(new S3.GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration?.Rules?.[0].BucketKeyEnabled).toBe(true);

    const del = await s3.send(new S3.DeleteBucketEncryptionCommand({ Bucket }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    expect((await s3.send(new S3.DeleteBucketEncryptionCommand({ Bucket }))).$metadata.httpStatusCode).toBe(204);
    expect((await s3.send(new S3.GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration).toEqual(SSE_S3);
  });

  it('refuses what AWS refuses, and SSE-KMS (there is no KMS here)', async () => {
    const Bucket = 'enc-errors';
    await s3.send(new S3.CreateBucketCommand({ Bucket }));
    const put = (Rules: S3.ServerSideEncryptionRule[], bucket = Bucket) => s3.send(new S3.PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: { Rules } }));

    // AWS answers MalformedXML; an empty list leaves Rules out of the XML, so the sandbox's shared
    // schema validation refuses it first, with S3's InvalidArgument.
    expect(await error(put([]))).toMatchObject({ status: 400 });
    const rule = { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' as const } };
    expect(await error(put([rule, rule]))).toMatchObject({ name: 'MalformedXML', status: 400 });
    expect(await error(put([{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256', KMSMasterKeyID: 'some-key' } }]))).toMatchObject({
      name: 'InvalidArgument',
      status: 400,
      message: 'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse',
      ArgumentName: 'ApplyServerSideEncryptionByDefault',
    });
    expect(await error(put([{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }]))).toMatchObject({ name: 'InvalidArgument', status: 400 });
    expect((await s3.send(new S3.GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration).toEqual(SSE_S3);

    const missing = [() => put([rule], 'enc-missing'), () => s3.send(new S3.GetBucketEncryptionCommand({ Bucket: 'enc-missing' })), () => s3.send(new S3.DeleteBucketEncryptionCommand({ Bucket: 'enc-missing' }))];
    for (const call of missing) {
      expect(await error(call())).toMatchObject({ name: 'NoSuchBucket', status: 404, message: 'The specified bucket does not exist' });
    }
  });
});
