import type { BatchResultErrorEntry, DeleteMessageBatchRequest, DeleteMessageBatchResult, DeleteMessageRequest } from '@aws-sdk/client-sqs';
import { isAwsError } from '../../core/errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { checkBatchEntries } from './batch.js';
import { invalidReceiptHandle, invalidValue } from './errors.js';
import { messageIdOfReceipt, notify } from './messages.js';
import { getQueue, queueAuthorization, type SqsQueue } from './state.js';

/**
 * Deletes the message a receipt handle names. Standard queues accept any handle the message was
 * received with, and a message already gone; FIFO queues only the latest handle, while in flight.
 */
function deleteByHandle(ctx: RequestContext, q: SqsQueue, handle: string): void {
  const id = messageIdOfReceipt(q, handle);
  if (!id) throw invalidReceiptHandle(handle);
  const i = q.messages.findIndex((m) => m.id === id);
  if (i < 0) return;
  const m = q.messages[i];
  if (q.fifo && (m.receipt !== handle || m.visibleAt <= ctx.emulator.clock.now())) {
    throw invalidValue(handle, 'ReceiptHandle', 'The receipt handle has expired.');
  }
  q.messages.splice(i, 1);
  // The next message of a FIFO group may now be delivered.
  if (q.fifo) notify(ctx.emulator, q);
}

export const DeleteMessage = operation<DeleteMessageRequest, object>({
  authorize: (i, ctx) => queueAuthorization(ctx, 'sqs:DeleteMessage', i.QueueUrl),
  handler(input, ctx) {
    deleteByHandle(ctx, getQueue(ctx, input.QueueUrl), input.ReceiptHandle!);
    return {};
  },
});

export const DeleteMessageBatch = operation<DeleteMessageBatchRequest, DeleteMessageBatchResult>({
  authorize: (i, ctx) => queueAuthorization(ctx, 'sqs:DeleteMessage', i.QueueUrl),
  handler(input, ctx) {
    const q = getQueue(ctx, input.QueueUrl);
    const entries = input.Entries ?? [];
    checkBatchEntries(entries, 'DeleteMessageBatchRequestEntry');
    const Successful: { Id: string }[] = [];
    const Failed: BatchResultErrorEntry[] = [];
    for (const e of entries) {
      try {
        deleteByHandle(ctx, q, e.ReceiptHandle ?? '');
        Successful.push({ Id: e.Id! });
      } catch (err) {
        if (!isAwsError(err)) throw err;
        Failed.push({ Id: e.Id, SenderFault: true, Code: err.code, Message: err.message });
      }
    }
    return { Successful: Successful.length ? Successful : undefined, Failed: Failed.length ? Failed : undefined } as DeleteMessageBatchResult;
  },
});
