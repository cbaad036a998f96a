import { AwsError } from '../../core/errors.js';
import { accountTaggedId, randomString } from '../../core/ids.js';
import type { RequestContext } from '../../core/service.js';
import { cloudfrontState, type DistributionRecord } from './state.js';

export type Ctx = Pick<RequestContext, 'emulator' | 'accountId'>;

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Distribution ids (E…) and domain names (d….cloudfront.net) carry their account, for the unsigned data plane. */
export const newDistributionId = (accountId: string) => `E${accountTaggedId(accountId, UPPER_ALNUM, 13)}`;
export const newDomainPrefix = (accountId: string) => `d${accountTaggedId(accountId, LOWER_ALNUM, 13)}`;
export const newETag = () => `E${randomString(13, UPPER_ALNUM)}`;
export const newInvalidationId = () => `I${randomString(13, UPPER_ALNUM)}`;
export { UPPER_ALNUM, LOWER_ALNUM };

export const nowIso = (ctx: Pick<RequestContext, 'emulator'>) => new Date(ctx.emulator.clock.now()).toISOString();

export const noSuchDistribution = () => new AwsError('NoSuchDistribution', 'The specified distribution does not exist.', 404);
export const invalidArgument = (message: string) => new AwsError('InvalidArgument', message, 400);
export const invalidAssociation = (message: string) => new AwsError('InvalidLambdaFunctionAssociation', message, 400);

export function distributionOf(ctx: Ctx, id: string | undefined): DistributionRecord {
  const d = id ? cloudfrontState(ctx).distributions[id] : undefined;
  if (!d) throw noSuchDistribution();
  // Changes propagate "instantly": the request after a change sees the distribution Deployed.
  if (d.Status === 'InProgress') {
    d.Status = 'Deployed';
    ctx.emulator.persistSoon();
  }
  return d;
}

/** Update and Delete need the ETag the caller last read, as AWS's optimistic locking does. */
export function checkIfMatch(d: DistributionRecord, ifMatch: string | undefined): void {
  if (!ifMatch) throw new AwsError('InvalidIfMatchVersion', 'The If-Match version is missing or not valid for the resource.', 400);
  if (ifMatch !== d.ETag) {
    throw new AwsError('PreconditionFailed', "The request failed because it didn't meet the preconditions in one or more request-header fields.", 412);
  }
}

/** CloudFront's `{Quantity, Items}` lists: the quantity must match. */
export function itemsOf<T>(list: { Quantity?: number; Items?: T[] } | undefined, what: string): T[] {
  if (!list) return [];
  const items = list.Items ?? [];
  if (list.Quantity !== undefined && list.Quantity !== items.length) {
    throw new AwsError('InconsistentQuantities', `The value of Quantity and the size of Items don't match (${what}).`, 400);
  }
  return items;
}
