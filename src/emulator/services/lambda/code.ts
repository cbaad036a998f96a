import { existsSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { unzipSync } from 'fflate';
import type { FunctionCode } from '@aws-sdk/client-lambda';
import { AwsError, isAwsError } from '../../core/errors.js';
import type { Emulator } from '../../emulator.js';
import { catalog } from '../catalog.js';
import { invalidParameter, type Ctx } from './common.js';
import type { CodeRecord } from './state.js';

const MAX_ZIPPED = 50 * 1024 * 1024;
const MAX_UNZIPPED = 262_144_000;

/** Where functions' code is extracted: `<blob store>/lambda`. */
export const lambdaRoot = (emulator: Emulator) => resolve(emulator.store.blobs.dir, 'lambda');

/** The extracted code of a zip: content-addressed, so every version with the same zip shares it. */
export const taskRootOf = (emulator: Emulator, code: CodeRecord) => join(lambdaRoot(emulator), 'code', code.sha256);

/**
 * Reads the code of CreateFunction / UpdateFunctionCode: the zip itself, or (once S3 exists in the
 * sandbox) an object in S3. Checks it is a zip within Lambda's limits, keeps it in the blob store and
 * extracts it.
 */
export async function storeCode(ctx: Ctx, code: Pick<FunctionCode, 'ZipFile' | 'S3Bucket' | 'S3Key' | 'S3ObjectVersion' | 'ImageUri'>): Promise<CodeRecord> {
  let zip: Uint8Array;
  if (code.ZipFile) zip = code.ZipFile;
  else if (code.S3Bucket && code.S3Key) zip = await fetchFromS3(ctx, code.S3Bucket, code.S3Key, code.S3ObjectVersion);
  else if (code.ImageUri) throw invalidParameter('awslings: container image functions are not available in the sandbox; upload a .zip file with ZipFile.');
  else throw invalidParameter('Please provide a source for function code.');
  if (zip.byteLength > MAX_ZIPPED) {
    throw new AwsError('RequestEntityTooLargeException', 'Request must be smaller than 69905067 bytes for the CreateFunction operation', 413);
  }
  let unzippedSize = 0;
  try {
    // A first pass reads only the directory: sizes are checked before anything is inflated.
    unzipSync(zip, {
      filter: (f) => {
        unzippedSize += f.originalSize;
        return false;
      },
    });
  } catch {
    throw invalidParameter('Could not unzip uploaded file. Please check your file, then try to upload again.');
  }
  if (unzippedSize > MAX_UNZIPPED) throw invalidParameter(`Unzipped size must be smaller than ${MAX_UNZIPPED} bytes`);
  const blob = ctx.emulator.store.blobs.put(zip);
  const record: CodeRecord = { sha256: blob.sha256, zipSize: zip.byteLength, unzippedSize };
  extract(ctx.emulator, record, zip);
  return record;
}

/** Makes sure a version's code is on disk (after a restart with a persistent state dir, or a cleaned temp dir). */
export function ensureExtracted(emulator: Emulator, code: CodeRecord): string {
  const dir = taskRootOf(emulator, code);
  if (!existsSync(dir)) extract(emulator, code, emulator.store.blobs.get(code.sha256));
  return dir;
}

/** Creates `<blob store>/lambda` with its link to the SDK: environments start there. */
export function prepareLambdaRoot(emulator: Emulator): string {
  const root = lambdaRoot(emulator);
  mkdirSync(join(root, 'code'), { recursive: true });
  // Node decides whether a .js file is CommonJS or ESM from the nearest package.json above it. On
  // AWS there is none above /var/task; here a project's own (with "type": "module") could be found
  // above the state directory. This one, with no "type", makes .js CommonJS unless the zip says otherwise.
  const scope = join(root, 'code', 'package.json');
  if (!existsSync(scope)) writeFileSync(scope, '{ "private": true }\n');
  linkSdk(root);
  return root;
}

function extract(emulator: Emulator, code: CodeRecord, zip: Uint8Array): void {
  prepareLambdaRoot(emulator);
  const dir = taskRootOf(emulator, code);
  if (existsSync(dir)) return;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip);
  } catch {
    throw invalidParameter('Could not unzip uploaded file. Please check your file, then try to upload again.');
  }
  // Extract beside the final directory, then rename: a reader never sees half the files.
  const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  mkdirSync(tmp, { recursive: true });
  try {
    for (const [name, data] of Object.entries(files)) {
      const target = resolve(tmp, name);
      if (target !== tmp && !target.startsWith(tmp + sep)) continue; // no writing outside the task root
      if (name.endsWith('/')) {
        mkdirSync(target, { recursive: true });
        continue;
      }
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, data);
    }
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(dir)) throw e;
  }
}

/**
 * AWS's Node.js runtimes let functions import the AWS SDK for JavaScript v3 without bundling it.
 * ESM resolution ignores NODE_PATH, so the SDK is linked into a node_modules that is an ancestor of
 * every task root (CommonJS finds it through NODE_PATH as well).
 */
function linkSdk(root: string): void {
  const nm = join(root, 'node_modules');
  for (const scope of ['@aws-sdk', '@smithy']) {
    const link = join(nm, scope);
    if (existsSync(link)) continue;
    const target = projectScope(scope);
    if (!target) continue;
    mkdirSync(nm, { recursive: true });
    try {
      symlinkSync(target, link, 'dir');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

const require = createRequire(import.meta.url);

function projectScope(scope: string): string | undefined {
  try {
    const pkg = require.resolve(scope === '@aws-sdk' ? '@aws-sdk/client-lambda/package.json' : '@smithy/types/package.json');
    return dirname(dirname(pkg));
  } catch {
    return undefined;
  }
}

/**
 * The S3 seam: code in a bucket is read through the sandbox's S3 service once it exists, with S3's
 * errors reported as Lambda reports them.
 */
async function fetchFromS3(ctx: Ctx, bucket: string, key: string, versionId?: string): Promise<Uint8Array> {
  if (!catalog.some((e) => e.id === 's3')) {
    throw invalidParameter('awslings: code in S3 needs the sandbox S3 service, which is not available yet; upload the zip with ZipFile (aws lambda ... --zip-file fileb://function.zip).');
  }
  try {
    const out = await ctx.emulator.call<{ Body?: unknown }>('s3', 'GetObject', { Bucket: bucket, Key: key, VersionId: versionId }, { accountId: ctx.accountId, region: ctx.region });
    return await bytesOf(out.Body);
  } catch (e) {
    if (isAwsError(e)) {
      throw invalidParameter(`Error occurred while GetObject. S3 Error Code: ${e.code}. S3 Error Message: ${e.message}`);
    }
    throw e;
  }
}

async function bytesOf(body: unknown): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return Buffer.from(body);
  if (body && typeof (body as Readable)[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const c of body as Readable) chunks.push(Buffer.from(c as Uint8Array));
    return Buffer.concat(chunks);
  }
  return new Uint8Array();
}
