import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import * as S3 from '@aws-sdk/client-s3';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { aws, awsText, requireAwsCli } from '../helpers/awscli.js';

let emu: TestEmulator;
let dir: string;

beforeAll(async () => {
  requireAwsCli();
  emu = await startTestEmulator();
  dir = mkdtempSync(join(tmpdir(), 'awslings-s3cli-'));
});
afterAll(async () => {
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('AWS CLI v2 against S3', () => {
  it('copies a 20 MB file up (multipart) and down, lists, locates and removes it', async () => {
    const cli = (args: string[]) => awsText(emu.url, args);
    await cli(['s3', 'mb', 's3://cli-bucket']);
    const big = randomBytes(20 * 1024 * 1024);
    writeFileSync(join(dir, 'big.bin'), big);
    await cli(['s3', 'cp', join(dir, 'big.bin'), 's3://cli-bucket/data/big.bin']);
    const s3 = new S3.S3Client({ ...emu.config(), forcePathStyle: true });
    const head = await s3.send(new S3.HeadObjectCommand({ Bucket: 'cli-bucket', Key: 'data/big.bin' }));
    expect(head.ContentLength).toBe(big.length);
    // The CLI switches to multipart above 8 MB: the ETag says how many parts.
    expect(head.ETag).toMatch(/^"[0-9a-f]{32}-\d+"$/);
    await cli(['s3', 'cp', 's3://cli-bucket/data/big.bin', join(dir, 'back.bin')]);
    expect(readFileSync(join(dir, 'back.bin')).equals(big)).toBe(true);
    const ls = await aws(emu.url, ['s3api', 'list-objects-v2', '--bucket', 'cli-bucket', '--prefix', 'data/']);
    expect(ls.Contents.map((c: { Key: string }) => c.Key)).toEqual(['data/big.bin']);
    writeFileSync(join(dir, 'small name.txt'), 'hello');
    await cli(['s3', 'cp', join(dir, 'small name.txt'), 's3://cli-bucket/notes/small name.txt']);
    const listing = await aws(emu.url, ['s3api', 'list-objects', '--bucket', 'cli-bucket', '--delimiter', '/']);
    expect(listing.CommonPrefixes.map((p: { Prefix: string }) => p.Prefix)).toEqual(['data/', 'notes/']);
    await aws(emu.url, ['s3api', 'create-bucket', '--bucket', 'cli-west', '--region', 'eu-west-1', '--create-bucket-configuration', 'LocationConstraint=eu-west-1']);
    expect((await aws(emu.url, ['s3api', 'get-bucket-location', '--bucket', 'cli-west'])).LocationConstraint).toBe('eu-west-1');
    await cli(['s3', 'rm', 's3://cli-bucket', '--recursive']);
    await cli(['s3', 'rb', 's3://cli-bucket']);
    await expect(s3.send(new S3.HeadBucketCommand({ Bucket: 'cli-bucket' }))).rejects.toMatchObject({ name: 'NotFound' });
  }, 120_000);
});
