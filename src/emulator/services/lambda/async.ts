import type { GetQueueUrlRequest, GetQueueUrlResult, MessageAttributeValue, SendMessageRequest } from '@aws-sdk/client-sqs';
import { isAwsError } from '../../core/errors.js';
import { uuid } from '../../core/ids.js';
import type { Emulator } from '../../emulator.js';
import { catalog } from '../catalog.js';
import { functionArn, type Ctx } from './common.js';
import { DESTINATION_ACTIONS } from './eventInvokeConfig.js';
import { concurrencyLimit, execute, resolveTarget, settingsOf, type LambdaSettings } from './execution.js';
import { roleAllows, rolePrincipal } from './roles.js';
import { ThrottledError, type RunResult } from './runtime/manager.js';
import type { AsyncEvent, FunctionRecord, LambdaState } from './state.js';

/** AWS waits one minute before the first retry of a failed event, two before the second. */
const RETRY_DELAYS_MS = [60_000, 120_000];
/** Throttled events are retried with growing delays, up to five minutes apart. */
const THROTTLE_MAX_DELAY_MS = 300_000;
const DEFAULT_MAX_AGE_S = 21_600;
const DEFAULT_RETRIES = 2;

type Condition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded' | 'ZeroReservedConcurrency';

interface LastResponse {
  payload: string;
  functionError?: string;
  executedVersion: string;
}

/** An event as kept in the queue: with its last attempt's response, for the failure record. */
type QueuedEvent = AsyncEvent & { throttles?: number; last?: LastResponse };

const queues = new WeakMap<Emulator, AsyncQueue>();

export function asyncQueueOf(emulator: Emulator): AsyncQueue {
  let q = queues.get(emulator);
  if (!q) queues.set(emulator, (q = new AsyncQueue(emulator, settingsOf(emulator))));
  return q;
}

export function stopAsyncQueue(emulator: Emulator): void {
  queues.get(emulator)?.stop();
  queues.delete(emulator);
}

/**
 * Lambda's internal queue for asynchronous invocations (InvocationType Event): retries with AWS's
 * delays (scaled by `asyncTimeScale`), events older than MaximumEventAgeInSeconds dropped, and a
 * record in AWS's shape for the on-success / on-failure destinations and the dead-letter queue.
 * Events live in the function's state until done with, so they survive a restart; an event whose
 * attempt was under way then runs again: delivery is at least once, as on AWS.
 */
export class AsyncQueue {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly emulator: Emulator,
    private readonly settings: LambdaSettings,
  ) {}

  enqueue(accountId: string, region: string, ev: AsyncEvent): void {
    this.state(accountId, region).asyncQueue.push(ev);
    this.emulator.persistSoon();
    this.schedule(accountId, region, ev);
  }

  /** After a restart: events still queued in saved state are scheduled again. */
  resume(): void {
    const store = this.emulator.store;
    for (const accountId of store.accounts()) {
      for (const region of store.regions('lambda', accountId)) {
        for (const ev of this.state(accountId, region).asyncQueue) this.schedule(accountId, region, ev);
      }
    }
  }

  forget(accountId?: string): void {
    for (const [key, t] of this.timers) {
      if (!accountId || key.startsWith(`${accountId}/`)) {
        clearTimeout(t);
        this.timers.delete(key);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.forget();
  }

  private state(accountId: string, region: string): LambdaState {
    return this.emulator.stateFor<LambdaState>('lambda', accountId, region);
  }

  private schedule(accountId: string, region: string, ev: AsyncEvent): void {
    if (this.stopped) return;
    const key = `${accountId}/${region}/${ev.requestId}`;
    clearTimeout(this.timers.get(key));
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.process(accountId, region, ev.requestId).catch((e) => {
        if (!this.stopped) process.emitWarning(`awslings: asynchronous Lambda invocation failed: ${(e as Error).stack ?? e}`);
      });
    }, Math.max(0, ev.dueAt - this.emulator.clock.now()));
    t.unref();
    this.timers.set(key, t);
  }

  private scaled(ms: number): number {
    return ms * this.settings.asyncTimeScale;
  }

  private async process(accountId: string, region: string, requestId: string): Promise<void> {
    const state = this.state(accountId, region);
    const ev = state.asyncQueue.find((e) => e.requestId === requestId) as QueuedEvent | undefined;
    if (!ev) return;
    const fn = state.functions[ev.functionName];
    if (!fn) return this.remove(accountId, region, ev);
    const ctx: Ctx = { emulator: this.emulator, accountId, region };
    const config = fn.eventInvokeConfigs[ev.qualifier ?? '$LATEST'];
    const maxRetries = config?.MaximumRetryAttempts ?? DEFAULT_RETRIES;
    const maxAgeMs = (config?.MaximumEventAgeInSeconds ?? DEFAULT_MAX_AGE_S) * 1000;
    const now = this.emulator.clock.now();
    // Ages are measured on the scaled clock, so retry delays and the maximum age keep AWS's proportions.
    if ((now - ev.receivedAt) / this.settings.asyncTimeScale > maxAgeMs) return this.fail(ctx, fn, ev, 'EventAgeExceeded');
    if (concurrencyLimit(fn, ev.qualifier) === 0) return this.fail(ctx, fn, ev, 'ZeroReservedConcurrency');

    let result: RunResult;
    let executedVersion: string;
    try {
      const target = resolveTarget(ctx, ev.functionName, ev.qualifier);
      executedVersion = target.version.Version;
      result = await execute(this.emulator, target, { requestId: ev.requestId, payload: Buffer.from(ev.payload), invocationType: 'Event' });
    } catch (e) {
      if (!(e instanceof ThrottledError) && !isAwsError(e)) throw e;
      // Throttled (or not invocable right now): retried with backoff until the event is too old.
      ev.throttles = (ev.throttles ?? 0) + 1;
      ev.dueAt = now + this.scaled(Math.min(THROTTLE_MAX_DELAY_MS, 1000 * 2 ** ev.throttles));
      this.emulator.persistSoon();
      return this.schedule(accountId, region, ev);
    }
    if (!state.asyncQueue.includes(ev)) return; // the function was deleted meanwhile
    ev.attempts++;
    const last: LastResponse = { payload: result.payload.toString('utf8'), functionError: result.kind === 'error' ? 'Unhandled' : undefined, executedVersion };
    if (result.kind === 'ok') {
      this.remove(accountId, region, ev);
      await this.deliver(ctx, fn, ev, 'Success', last, config?.DestinationConfig?.OnSuccess?.Destination);
      return;
    }
    ev.last = last;
    if (ev.attempts <= maxRetries) {
      ev.dueAt = this.emulator.clock.now() + this.scaled(RETRY_DELAYS_MS[Math.min(ev.attempts - 1, RETRY_DELAYS_MS.length - 1)]);
      this.emulator.persistSoon();
      return this.schedule(accountId, region, ev);
    }
    return this.fail(ctx, fn, ev, 'RetriesExhausted');
  }

  private remove(accountId: string, region: string, ev: AsyncEvent): void {
    const state = this.state(accountId, region);
    state.asyncQueue = state.asyncQueue.filter((e) => e !== ev);
    this.emulator.persistSoon();
  }

  /** The event is discarded: to the on-failure destination, and to the dead-letter queue. */
  private async fail(ctx: Ctx, fn: FunctionRecord, ev: QueuedEvent, condition: Condition): Promise<void> {
    this.remove(ctx.accountId, ctx.region, ev);
    const config = fn.eventInvokeConfigs[ev.qualifier ?? '$LATEST'];
    await this.deliver(ctx, fn, ev, condition, ev.last, config?.DestinationConfig?.OnFailure?.Destination);
    const dlq = fn.latest.DeadLetterConfig?.TargetArn;
    if (dlq) await this.deadLetter(ctx, fn, ev, dlq);
  }

  /** The invocation record of AWS's destinations, with the event and the response as they were (not re-encoded). */
  private record(ctx: Ctx, ev: QueuedEvent, condition: Condition, last: LastResponse | undefined): string {
    const arn = functionArn(ctx.region, ctx.accountId, ev.functionName, ev.qualifier ?? '$LATEST');
    const head = JSON.stringify({
      version: '1.0',
      timestamp: new Date(this.emulator.clock.now()).toISOString(),
      requestContext: { requestId: ev.requestId, functionArn: arn, condition, approximateInvokeCount: ev.attempts },
    });
    let out = `${head.slice(0, -1)},"requestPayload":${asJson(ev.payload)}`;
    if (last) {
      const rc = { statusCode: 200, executedVersion: last.executedVersion, ...(last.functionError ? { functionError: last.functionError } : {}) };
      out += `,"responseContext":${JSON.stringify(rc)},"responsePayload":${asJson(last.payload)}`;
    }
    return `${out}}`;
  }

  private async deliver(ctx: Ctx, fn: FunctionRecord, ev: QueuedEvent, condition: Condition, last: LastResponse | undefined, destination?: string): Promise<void> {
    if (!destination) return;
    const body = this.record(ctx, ev, condition, last);
    const [, , service, region, account] = destination.split(':');
    const role = fn.latest.Role;
    try {
      if (service === 'sqs') {
        await this.sendToQueue(ctx, role, destination, { MessageBody: body });
      } else if (service === 'lambda') {
        // Lambda destinations are invoked asynchronously, by the execution role.
        if (!(await roleAllows(this.emulator, role, DESTINATION_ACTIONS.lambda[0], destination, ctx.region))) return;
        const name = destination.split(':')[6];
        const qualifier = destination.split(':')[7];
        const target = this.state(account, region).functions[name];
        if (!target) return;
        this.enqueue(account, region, newEvent(name, qualifier, body, this.emulator.clock.now()));
      } else if (service === 'sns' && has('sns')) {
        await this.emulator.call('sns', 'Publish', { TopicArn: destination, Message: body }, await this.asRole(ctx, role, account, region));
      } else if (service === 'events' && has('events')) {
        const entry = {
          Source: 'lambda',
          DetailType: `Lambda Function Invocation Result - ${condition === 'Success' ? 'Success' : 'Failure'}`,
          Detail: body,
          EventBusName: destination,
          Resources: [destination, functionArn(ctx.region, ctx.accountId, ev.functionName, ev.qualifier ?? '$LATEST')],
        };
        await this.emulator.call('events', 'PutEvents', { Entries: [entry] }, await this.asRole(ctx, role, account, region));
      }
    } catch (e) {
      // As on AWS, a record the role may not send, or whose target is gone, is dropped.
      if (!isAwsError(e)) throw e;
    }
  }

  /** AWS's dead-letter message: the event itself, with the request id and the error as attributes. */
  private async deadLetter(ctx: Ctx, fn: FunctionRecord, ev: QueuedEvent, target: string): Promise<void> {
    const attributes: Record<string, MessageAttributeValue> = {
      RequestID: { DataType: 'String', StringValue: ev.requestId },
      ErrorCode: { DataType: 'Number', StringValue: '200' },
      ErrorMessage: { DataType: 'String', StringValue: errorMessageOf(ev.last?.payload) },
    };
    const [, , service, region, account] = target.split(':');
    try {
      if (service === 'sqs') await this.sendToQueue(ctx, fn.latest.Role, target, { MessageBody: ev.payload, MessageAttributes: attributes });
      else if (service === 'sns' && has('sns')) {
        await this.emulator.call('sns', 'Publish', { TopicArn: target, Message: ev.payload, MessageAttributes: attributes }, await this.asRole(ctx, fn.latest.Role, account, region));
      }
    } catch (e) {
      if (!isAwsError(e)) throw e;
    }
  }

  private async sendToQueue(ctx: Ctx, role: string, queueArn: string, msg: Omit<SendMessageRequest, 'QueueUrl'>): Promise<void> {
    if (!has('sqs')) return;
    const [, , , region, account, queueName] = queueArn.split(':');
    // Lambda addresses the queue by its ARN: finding its URL is the sandbox's own business, and
    // only sending is done as the execution role (which needs sqs:SendMessage, as on AWS).
    const url = await this.emulator.call<GetQueueUrlResult>('sqs', 'GetQueueUrl', { QueueName: queueName, QueueOwnerAWSAccountId: account } satisfies GetQueueUrlRequest, {
      accountId: account || ctx.accountId,
      region: region || ctx.region,
    });
    await this.emulator.call('sqs', 'SendMessage', { ...msg, QueueUrl: url.QueueUrl! } satisfies SendMessageRequest, await this.asRole(ctx, role, account, region));
  }

  private async asRole(ctx: Ctx, role: string, account: string, region: string) {
    const principal = await rolePrincipal(this.emulator, role, 'awslings-destinations');
    if (!principal) throw new Error('awslings: the execution role is gone');
    return { accountId: account || ctx.accountId, region: region || ctx.region, principal, enforce: true };
  }
}

export function newEvent(functionName: string, qualifier: string | undefined, payload: string, now: number, requestId = uuid()): AsyncEvent {
  return { requestId, functionName, qualifier, payload, receivedAt: now, attempts: 0, dueAt: now };
}

const has = (id: string) => catalog.some((e) => e.id === id);

/** A payload as JSON text: itself when it is JSON already, else as a JSON string. */
function asJson(text: string): string {
  if (!text) return 'null';
  try {
    JSON.parse(text);
    return text;
  } catch {
    return JSON.stringify(text);
  }
}

function errorMessageOf(payload: string | undefined): string {
  try {
    return String((JSON.parse(payload ?? '{}') as { errorMessage?: unknown }).errorMessage ?? '');
  } catch {
    return '';
  }
}
