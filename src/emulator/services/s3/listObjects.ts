import type {
  _Object,
  ChecksumAlgorithm,
  ListObjectsOutput,
  ListObjectsRequest,
  ListObjectsV2Output,
  ListObjectsV2Request,
  Owner,
} from '@aws-sdk/client-s3';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import type { S3Bucket, S3Object } from './state.js';
import { requireBucket, s3Authorization } from './common.js';
import { OWNER } from './buckets.js';

interface Listing {
  objects: S3Object[];
  prefixes: string[];
  truncated: boolean;
  /** The last key or common prefix returned: where the next page starts. */
  last?: string;
}

/** One page of keys after `after`, with keys sharing a prefix up to the delimiter rolled up, as S3 lists. */
function list(bucket: S3Bucket, prefix: string, delimiter: string | undefined, after: string | undefined, max: number): Listing {
  const keys = Object.keys(bucket.objects)
    .filter((k) => k.startsWith(prefix))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: Listing = { objects: [], prefixes: [], truncated: false };
  let count = 0;
  for (const key of keys) {
    if (after !== undefined && (key <= after || (delimiter && after.endsWith(delimiter) && key.startsWith(after)))) continue;
    let common: string | undefined;
    if (delimiter) {
      const i = key.indexOf(delimiter, prefix.length);
      if (i >= 0) common = key.slice(0, i + delimiter.length);
    }
    if (common !== undefined && out.prefixes[out.prefixes.length - 1] === common) continue;
    if (count >= max) {
      out.truncated = true;
      break;
    }
    if (common !== undefined) out.prefixes.push(common);
    else out.objects.push(bucket.objects[key]);
    out.last = common ?? key;
    count++;
  }
  return out;
}

/** `encoding-type=url`: S3 percent-encodes keys in the response (and the CLI asks for it). */
const encoder = (encodingType: string | undefined) => (s: string | undefined) =>
  s === undefined || encodingType !== 'url' ? s : encodeURIComponent(s).replace(/%2F/g, '/');

function checkMaxKeys(max: number | undefined): number {
  if (max !== undefined && max < 0) {
    throw new AwsError('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400, {
      fields: { ArgumentName: 'max-keys', ArgumentValue: String(max) },
    });
  }
  return Math.min(max ?? 1000, 1000);
}

function content(o: S3Object, enc: (s: string) => string | undefined, owner?: Owner): _Object {
  return {
    Key: enc(o.Key),
    LastModified: new Date(o.LastModified),
    ETag: o.ETag,
    ChecksumAlgorithm: Object.keys(o.checksums).slice(0, 1) as ChecksumAlgorithm[],
    ChecksumType: o.checksumType,
    Size: o.Size,
    StorageClass: o.StorageClass as _Object['StorageClass'],
    Owner: owner,
  };
}

/**
 * s3:ListBucket with the condition keys AWS sets from the request (s3:prefix, s3:delimiter,
 * s3:max-keys), so a policy can limit listing to a folder: `StringLike: { s3:prefix: notes/* }`.
 */
function listAuthorization(i: ListObjectsRequest | ListObjectsV2Request, ctx: Parameters<typeof s3Authorization>[0]) {
  const context: Record<string, string> = {};
  if (i.Prefix !== undefined) context['s3:prefix'] = i.Prefix;
  if (i.Delimiter !== undefined) context['s3:delimiter'] = i.Delimiter;
  if (i.MaxKeys !== undefined) context['s3:max-keys'] = String(i.MaxKeys);
  return { ...s3Authorization(ctx, 's3:ListBucket', i.Bucket), context };
}

export const ListObjectsV2 = operation<ListObjectsV2Request, ListObjectsV2Output>({
  authorize: listAuthorization,
  handler(input, ctx) {
    const { bucket, accountId } = requireBucket(ctx, input.Bucket);
    const max = checkMaxKeys(input.MaxKeys);
    let after = input.StartAfter;
    if (input.ContinuationToken !== undefined) {
      try {
        const decoded = JSON.parse(Buffer.from(input.ContinuationToken, 'base64').toString('utf8')) as { after?: unknown };
        if (typeof decoded.after !== 'string') throw new Error('bad token');
        after = decoded.after;
      } catch {
        throw new AwsError('InvalidArgument', 'The continuation token provided is incorrect', 400, {
          fields: { ArgumentName: 'continuation-token', ArgumentValue: input.ContinuationToken },
        });
      }
    }
    const prefix = input.Prefix ?? '';
    const page = list(bucket, prefix, input.Delimiter || undefined, after, max);
    const enc = encoder(input.EncodingType);
    return {
      IsTruncated: page.truncated,
      Contents: page.objects.length ? page.objects.map((o) => content(o, (s) => enc(s)!, input.FetchOwner ? OWNER(accountId) : undefined)) : undefined,
      Name: bucket.Name,
      Prefix: enc(prefix),
      Delimiter: enc(input.Delimiter),
      MaxKeys: max,
      CommonPrefixes: page.prefixes.length ? page.prefixes.map((p) => ({ Prefix: enc(p) })) : undefined,
      EncodingType: input.EncodingType,
      KeyCount: page.objects.length + page.prefixes.length,
      ContinuationToken: input.ContinuationToken,
      NextContinuationToken: page.truncated ? Buffer.from(JSON.stringify({ after: page.last })).toString('base64') : undefined,
      StartAfter: enc(input.StartAfter),
    };
  },
});

export const ListObjects = operation<ListObjectsRequest, ListObjectsOutput>({
  authorize: listAuthorization,
  handler(input, ctx) {
    const { bucket, accountId } = requireBucket(ctx, input.Bucket);
    const max = checkMaxKeys(input.MaxKeys);
    const prefix = input.Prefix ?? '';
    const page = list(bucket, prefix, input.Delimiter || undefined, input.Marker || undefined, max);
    const enc = encoder(input.EncodingType);
    return {
      IsTruncated: page.truncated,
      Marker: enc(input.Marker ?? ''),
      // S3 gives NextMarker only with a delimiter; without one, clients continue from the last key.
      NextMarker: page.truncated && input.Delimiter ? enc(page.last) : undefined,
      Contents: page.objects.length ? page.objects.map((o) => content(o, (s) => enc(s)!, OWNER(accountId))) : undefined,
      Name: bucket.Name,
      Prefix: enc(prefix),
      Delimiter: enc(input.Delimiter),
      MaxKeys: max,
      CommonPrefixes: page.prefixes.length ? page.prefixes.map((p) => ({ Prefix: enc(p) })) : undefined,
      EncodingType: input.EncodingType,
    };
  },
});
