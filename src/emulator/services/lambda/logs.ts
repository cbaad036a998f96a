import type { CreateLogGroupRequest, CreateLogStreamRequest, PutLogEventsRequest } from '@aws-sdk/client-cloudwatch-logs';
import { isAwsError } from '../../core/errors.js';
import type { Emulator } from '../../emulator.js';
import { catalog } from '../catalog.js';
import { iamStateOf, type IamState } from '../iam/state.js';
import type { LogEvent } from './runtime/environment.js';
import { rolePrincipal } from './roles.js';

interface Batch {
  accountId: string;
  region: string;
  group: string;
  stream: string;
  role: string;
  events: LogEvent[];
}

/** Events kept per stream while CloudWatch Logs is not there to take them. */
const MAX_QUEUED = 10_000;
/** Logs are sent this long after they are written, so that busy functions send them in batches. */
const BATCH_WINDOW_MS = 50;
/** PutLogEvents takes at most 10,000 events and about 1 MB per call. */
const MAX_BATCH_EVENTS = 10_000;
const MAX_BATCH_BYTES = 1_000_000;

/**
 * Sends functions' logs to CloudWatch Logs, as Lambda does: with the execution role, which needs
 * logs:CreateLogGroup, logs:CreateLogStream and logs:PutLogEvents (AWSLambdaBasicExecutionRole);
 * without them the logs are dropped, as on AWS, and the denial shows in the IAM decision log.
 * Deliveries to one stream stay in order. While the sandbox has no CloudWatch Logs, logs wait in
 * a bounded queue.
 */
export class LogDelivery {
  private readonly pending = new Map<string, Batch>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly created = new Set<string>();
  /** Roles that may not write logs, with IAM's revision then: asked again only once IAM changes. */
  private readonly denied = new Map<string, { state: IamState; revision: number }>();
  private scheduled = false;

  constructor(private readonly emulator: Emulator) {}

  push(b: Omit<Batch, 'events'>, events: LogEvent[]): void {
    if (!events.length) return;
    const key = `${b.accountId}/${b.region}/${b.group}/${b.stream}`;
    let batch = this.pending.get(key);
    if (!batch) this.pending.set(key, (batch = { ...b, events: [] }));
    batch.events.push(...events);
    if (batch.events.length > MAX_QUEUED) batch.events.splice(0, batch.events.length - MAX_QUEUED);
    if (!this.scheduled && available()) {
      this.scheduled = true;
      // After the response: an invocation never waits for its logs.
      setTimeout(() => this.flush(), BATCH_WINDOW_MS).unref();
    }
  }

  /** Waits until everything queued so far has been delivered (or refused). */
  async drain(): Promise<void> {
    this.flush();
    await Promise.all(this.chains.values());
  }

  forget(accountId?: string): void {
    for (const role of this.denied.keys()) if (!accountId || role.split(':')[4] === accountId) this.denied.delete(role);
    for (const key of [...this.pending.keys(), ...this.created]) {
      if (!accountId || key.startsWith(`${accountId}/`)) {
        this.pending.delete(key);
        this.created.delete(key);
      }
    }
  }

  private flush(): void {
    this.scheduled = false;
    if (!available()) return;
    for (const [key, batch] of this.pending) {
      this.pending.delete(key);
      const prev = this.chains.get(key) ?? Promise.resolve();
      const next = prev.then(() => this.deliver(key, batch)).catch((e) => process.emitWarning(`awslings: delivering Lambda logs failed: ${(e as Error).message}`));
      this.chains.set(key, next);
      void next.then(() => {
        if (this.chains.get(key) === next) this.chains.delete(key);
      });
    }
  }

  private async deliver(key: string, b: Batch): Promise<void> {
    const iam = await iamStateOf(this.emulator, b.role.split(':')[4] ?? b.accountId);
    const refused = this.denied.get(b.role);
    if (refused && refused.state === iam && refused.revision === iam.revision) return;
    const principal = await rolePrincipal(this.emulator, b.role, b.stream);
    if (!principal) return; // the role is gone: Lambda cannot write the logs either
    const opts = { accountId: b.accountId, region: b.region, principal, enforce: true };
    try {
      const groupKey = `${b.accountId}/${b.region}/${b.group}`;
      if (!this.created.has(groupKey)) {
        await ignoreExists(this.emulator.call('logs', 'CreateLogGroup', { logGroupName: b.group } satisfies CreateLogGroupRequest, opts));
        this.created.add(groupKey);
      }
      if (!this.created.has(key)) {
        await ignoreExists(this.emulator.call('logs', 'CreateLogStream', { logGroupName: b.group, logStreamName: b.stream } satisfies CreateLogStreamRequest, opts));
        this.created.add(key);
      }
      for (const chunk of batches(b.events)) {
        const input: PutLogEventsRequest = { logGroupName: b.group, logStreamName: b.stream, logEvents: chunk };
        await this.emulator.call('logs', 'PutLogEvents', input, opts);
      }
    } catch (e) {
      // Denied, or the group was deleted meanwhile: drop these events, try afresh next time
      // (after a denial, once IAM has changed: the decision log shows the first denial only).
      if (!isAwsError(e)) throw e;
      if (/AccessDenied/.test(e.code)) this.denied.set(b.role, { state: iam, revision: iam.revision });
      this.created.delete(key);
      this.created.delete(`${b.accountId}/${b.region}/${b.group}`);
    }
  }
}

const available = () => catalog.some((e) => e.id === 'logs');

async function ignoreExists(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(isAwsError(e) && e.code === 'ResourceAlreadyExistsException')) throw e;
  }
}

function* batches(events: LogEvent[]): Generator<LogEvent[]> {
  let chunk: LogEvent[] = [];
  let bytes = 0;
  for (const e of events) {
    const size = Buffer.byteLength(e.message) + 26;
    if (chunk.length && (chunk.length >= MAX_BATCH_EVENTS || bytes + size > MAX_BATCH_BYTES)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(e);
    bytes += size;
  }
  if (chunk.length) yield chunk;
}
