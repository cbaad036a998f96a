import { AwsError } from '../../core/errors.js';

/** The checks every SQS batch operation makes on its entries before looking at any of them. */
export function checkBatchEntries(entries: { Id?: string }[], entryShape: string): void {
  if (entries.length === 0) {
    throw new AwsError('EmptyBatchRequest', `There should be at least one ${entryShape} in the request.`, 400);
  }
  if (entries.length > 10) {
    throw new AwsError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are 10. You have sent ${entries.length}.`, 400);
  }
  const seen = new Set<string>();
  for (const e of entries) {
    const id = e.Id ?? '';
    if (!/^[\w-]{1,80}$/.test(id)) {
      throw new AwsError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
        400,
      );
    }
    if (seen.has(id)) throw new AwsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`, 400);
    seen.add(id);
  }
}
