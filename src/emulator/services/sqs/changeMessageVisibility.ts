import type {
  BatchResultErrorEntry,
  ChangeMessageVisibilityBatchRequest,
  ChangeMessageVisibilityBatchResult,
  ChangeMessageVisibilityRequest,
} from '@aws-sdk/client-sqs';
import { isAwsError } from '../../core/errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { checkBatchEntries } from './batch.js';
import { invalidReceiptHandle, invalidValue } from './errors.js';
import { messageIdOfReceipt, notify } from './messages.js';
import { getQueue, queueAuthorization, type SqsQueue } from './state.js';

/** Standard queues let a message's visibility change after it expired; FIFO queues need the latest handle. */
function changeVisibility(ctx: RequestContext, q: SqsQueue, handle: string, timeout: number | undefined): void {
  if (timeout === undefined || !Number.isInteger(timeout) || timeout < 0 || timeout > 43200) {
    throw invalidValue(timeout, 'VisibilityTimeout', 'Must be between 0 and 43200, if provided.');
  }
  const id = messageIdOfReceipt(q, handle);
  if (!id) throw invalidReceiptHandle(handle);
  const m = q.messages.find((x) => x.id === id);
  const now = ctx.emulator.clock.now();
  if (!m || m.receiveCount === 0 || (q.fifo && m.receipt !== handle)) {
    throw invalidValue(handle, 'ReceiptHandle', 'Message does not exist or is not available for visibility timeout change.');
  }
  m.visibleAt = now + timeout * 1000;
  notify(ctx.emulator, q);
}

export const ChangeMessageVisibility = operation<ChangeMessageVisibilityRequest, object>({
  authorize: (i, ctx) => queueAuthorization(ctx, 'sqs:ChangeMessageVisibility', i.QueueUrl),
  handler(input, ctx) {
    changeVisibility(ctx, getQueue(ctx, input.QueueUrl), input.ReceiptHandle!, input.VisibilityTimeout);
    return {};
  },
});

export const ChangeMessageVisibilityBatch = operation<ChangeMessageVisibilityBatchRequest, ChangeMessageVisibilityBatchResult>({
  authorize: (i, ctx) => queueAuthorization(ctx, 'sqs:ChangeMessageVisibility', i.QueueUrl),
  handler(input, ctx) {
    const q = getQueue(ctx, input.QueueUrl);
    const entries = input.Entries ?? [];
    checkBatchEntries(entries, 'ChangeMessageVisibilityBatchRequestEntry');
    const Successful: { Id: string }[] = [];
    const Failed: BatchResultErrorEntry[] = [];
    for (const e of entries) {
      try {
        changeVisibility(ctx, q, e.ReceiptHandle ?? '', e.VisibilityTimeout);
        Successful.push({ Id: e.Id! });
      } catch (err) {
        if (!isAwsError(err)) throw err;
        Failed.push({ Id: e.Id, SenderFault: true, Code: err.code, Message: err.message });
      }
    }
    return { Successful: Successful.length ? Successful : undefined, Failed: Failed.length ? Failed : undefined } as ChangeMessageVisibilityBatchResult;
  },
});
