import { randomBytes } from 'node:crypto';
import type { Emulator } from '../../emulator.js';
import { queueByArn, type SqsMessage, type SqsQueue } from './state.js';

export const num = (q: SqsQueue, attribute: string): number => Number(q.attributes[attribute]);

/** Drops messages older than the queue's retention period (SQS deletes them silently). */
export function expireMessages(q: SqsQueue, now: number): void {
  const limit = now - num(q, 'MessageRetentionPeriod') * 1000;
  if (q.messages.length && q.messages[0].sentAt < limit) q.messages = q.messages.filter((m) => m.sentAt >= limit);
  for (const [id, d] of Object.entries(q.dedup)) if (d.expiresAt <= now) delete q.dedup[id];
}

export const inFlight = (m: SqsMessage, now: number) => m.receiveCount > 0 && m.visibleAt > now;
export const delayed = (m: SqsMessage, now: number) => m.receiveCount === 0 && m.visibleAt > now;

export function counts(q: SqsQueue, now: number): { visible: number; notVisible: number; delayed: number } {
  expireMessages(q, now);
  let visible = 0;
  let notVisible = 0;
  let late = 0;
  for (const m of q.messages) {
    if (m.visibleAt <= now) visible++;
    else if (m.receiveCount > 0) notVisible++;
    else late++;
  }
  return { visible, notVisible, delayed: late };
}

export const newReceipt = (q: SqsQueue, m: SqsMessage): string =>
  Buffer.from(`${q.arn} ${m.id} ${randomBytes(24).toString('base64url')}`).toString('base64');

/** The message id a receipt handle names, if it is one the emulator issued for this queue. */
export function messageIdOfReceipt(q: SqsQueue, handle: string): string | undefined {
  const text = Buffer.from(handle, 'base64').toString('utf8');
  const [arn, id, nonce] = text.split(' ');
  return arn === q.arn && id && nonce ? id : undefined;
}

interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

export function redrivePolicy(q: SqsQueue): RedrivePolicy | undefined {
  const raw = q.attributes.RedrivePolicy;
  if (!raw) return undefined;
  try {
    const p = JSON.parse(raw) as { deadLetterTargetArn?: string; maxReceiveCount?: number | string };
    return p.deadLetterTargetArn ? { deadLetterTargetArn: p.deadLetterTargetArn, maxReceiveCount: Number(p.maxReceiveCount) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes up to `max` messages off a queue, as one ReceiveMessage does: visible messages in order,
 * FIFO groups blocked while an earlier message of the group is in flight, and messages that have
 * been received maxReceiveCount times moved to the dead-letter queue instead of delivered.
 */
export function takeMessages(emulator: Emulator, q: SqsQueue, max: number, visibilityTimeout: number): SqsMessage[] {
  const now = emulator.clock.now();
  expireMessages(q, now);
  const redrive = redrivePolicy(q);
  const dlq = redrive ? queueByArn(emulator, redrive.deadLetterTargetArn) : undefined;
  const taken: SqsMessage[] = [];
  const blockedGroups = new Set<string>();
  const moved: SqsMessage[] = [];
  for (const m of q.messages) {
    if (taken.length >= max) break;
    if (q.fifo && m.groupId !== undefined) {
      if (blockedGroups.has(m.groupId)) continue;
      if (m.visibleAt > now) {
        // Later messages of the group wait until this one is deleted or visible again.
        blockedGroups.add(m.groupId);
        continue;
      }
    } else if (m.visibleAt > now) continue;
    if (redrive && dlq && m.receiveCount >= redrive.maxReceiveCount) {
      moved.push(m);
      continue;
    }
    m.receiveCount++;
    m.firstReceivedAt ??= now;
    m.visibleAt = now + visibilityTimeout * 1000;
    m.receipt = newReceipt(q, m);
    taken.push(m);
  }
  if (moved.length && dlq) {
    const ids = new Set(moved.map((m) => m.id));
    q.messages = q.messages.filter((m) => !ids.has(m.id));
    for (const m of moved) {
      m.deadLetterSourceArn = q.arn;
      m.visibleAt = now;
      m.receipt = undefined;
      if (dlq.fifo) m.sequenceNumber = nextSequenceNumber(dlq);
      dlq.messages.push(m);
    }
    notify(emulator, dlq);
  }
  return taken;
}

export function nextSequenceNumber(q: SqsQueue): string {
  q.sequence++;
  return (10_000_000_000_000_000_000n + BigInt(q.sequence)).toString();
}

/** The earliest moment a message of the queue becomes visible, if any waits (for long polls). */
export function nextVisibleAt(q: SqsQueue, now: number): number | undefined {
  let next: number | undefined;
  for (const m of q.messages) if (m.visibleAt > now && (next === undefined || m.visibleAt < next)) next = m.visibleAt;
  return next;
}

// Long polls waiting on a queue, per emulator: a send wakes them at once.
const waiters = new WeakMap<Emulator, Map<string, Set<() => void>>>();
const stopped = new WeakSet<Emulator>();

/** Ends every long poll of an emulator that is closing: they answer with no messages. */
export function stopWaiting(emulator: Emulator): void {
  stopped.add(emulator);
  for (const set of waiters.get(emulator)?.values() ?? []) for (const wake of [...set]) wake();
}

export const isStopped = (emulator: Emulator): boolean => stopped.has(emulator);

export function notify(emulator: Emulator, q: Pick<SqsQueue, 'arn'>): void {
  const set = waiters.get(emulator)?.get(q.arn);
  if (!set) return;
  for (const wake of [...set]) wake();
}

/** Resolves when the queue is notified or after `ms`, whichever comes first. */
export function waitForQueue(emulator: Emulator, arn: string, ms: number): Promise<void> {
  if (stopped.has(emulator)) return Promise.resolve();
  let byQueue = waiters.get(emulator);
  if (!byQueue) waiters.set(emulator, (byQueue = new Map()));
  let set = byQueue.get(arn);
  if (!set) byQueue.set(arn, (set = new Set()));
  const mine = set;
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      mine.delete(wake);
      if (mine.size === 0) byQueue!.delete(arn);
      resolve();
    };
    const timer = setTimeout(wake, Math.max(0, ms));
    // A pending long poll must not keep a finished process alive.
    timer.unref?.();
    mine.add(wake);
  });
}
