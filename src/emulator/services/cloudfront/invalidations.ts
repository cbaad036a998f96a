import type {
  CreateInvalidationRequest,
  CreateInvalidationResult,
  GetInvalidationRequest,
  GetInvalidationResult,
  Invalidation,
  ListInvalidationsRequest,
  ListInvalidationsResult,
} from '@aws-sdk/client-cloudfront';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import type { InvalidationRecord } from './state.js';
import { distributionOf, invalidArgument, itemsOf, newInvalidationId, nowIso } from './common.js';
import { invalidate } from './cache.js';

const toInvalidation = (i: InvalidationRecord): Invalidation => ({
  Id: i.Id,
  Status: i.Status,
  CreateTime: new Date(i.CreateTime),
  InvalidationBatch: i.InvalidationBatch,
});

/**
 * Removes the matching objects from the sandbox's edge cache at once. AWS takes seconds to minutes;
 * the invalidation reads InProgress in the response and Completed from then on.
 */
export const CreateInvalidation = operation<CreateInvalidationRequest, CreateInvalidationResult>({
  handler(input, ctx) {
    const d = distributionOf(ctx, input.DistributionId);
    const batch = input.InvalidationBatch;
    if (!batch?.CallerReference) throw invalidArgument('The parameter CallerReference is required.');
    const paths = itemsOf(batch.Paths, 'Paths');
    if (!paths.length) throw invalidArgument('The parameter Paths must contain at least one path.');
    for (const p of paths) {
      if (!p.startsWith('/')) throw invalidArgument(`Your request contains one or more invalid invalidation paths: ${p}`);
      if (p.includes('*') && !p.endsWith('*')) throw invalidArgument(`Your request contains one or more invalid invalidation paths: ${p} (a * is only allowed at the end)`);
    }
    const same = d.invalidations.find((i) => i.InvalidationBatch.CallerReference === batch.CallerReference);
    if (same) {
      if (JSON.stringify(same.InvalidationBatch.Paths?.Items ?? []) !== JSON.stringify(paths)) {
        throw new AwsError('InvalidationBatchAlreadyExists', 'The specified invalidation batch already exists.', 409);
      }
      return { Location: `https://cloudfront.amazonaws.com/2020-05-31/distribution/${d.Id}/invalidation/${same.Id}`, Invalidation: toInvalidation(same) };
    }
    for (const i of d.invalidations) i.Status = 'Completed';
    const record: InvalidationRecord = {
      Id: newInvalidationId(),
      Status: 'InProgress',
      CreateTime: nowIso(ctx),
      InvalidationBatch: { CallerReference: batch.CallerReference, Paths: { Quantity: paths.length, Items: paths } },
    };
    d.invalidations.unshift(record);
    invalidate(ctx.emulator, d.Id, paths);
    return { Location: `https://cloudfront.amazonaws.com/2020-05-31/distribution/${d.Id}/invalidation/${record.Id}`, Invalidation: toInvalidation(record) };
  },
});

function settle(i: InvalidationRecord, ctx: { emulator: { persistSoon(): void } }): InvalidationRecord {
  if (i.Status === 'InProgress') {
    i.Status = 'Completed';
    ctx.emulator.persistSoon();
  }
  return i;
}

export const GetInvalidation = operation<GetInvalidationRequest, GetInvalidationResult>({
  handler(input, ctx) {
    const d = distributionOf(ctx, input.DistributionId);
    const i = d.invalidations.find((x) => x.Id === input.Id);
    if (!i) throw new AwsError('NoSuchInvalidation', 'The specified invalidation does not exist.', 404);
    return { Invalidation: toInvalidation(settle(i, ctx)) };
  },
});

export const ListInvalidations = operation<ListInvalidationsRequest, ListInvalidationsResult>({
  handler(input, ctx) {
    const d = distributionOf(ctx, input.DistributionId);
    const max = input.MaxItems ?? 100;
    const start = input.Marker ? Math.max(0, d.invalidations.findIndex((i) => i.Id === input.Marker) + 1) : 0;
    const items = d.invalidations.slice(start, start + max).map((i) => settle(i, ctx));
    const truncated = start + max < d.invalidations.length;
    return {
      InvalidationList: {
        Marker: input.Marker ?? '',
        MaxItems: max,
        IsTruncated: truncated,
        Quantity: items.length,
        NextMarker: truncated ? items[items.length - 1].Id : undefined,
        Items: items.length ? items.map((i) => ({ Id: i.Id, CreateTime: new Date(i.CreateTime), Status: i.Status })) : undefined,
      },
    };
  },
});
