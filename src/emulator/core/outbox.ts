import { randomUUID } from 'node:crypto';

/** A message the sandbox "sent": e-mail (SES, Cognito codes) or SMS (Cognito). Nothing leaves the machine. */
export interface OutboxMessage {
  id: string;
  time: string;
  accountId: string;
  region: string;
  channel: 'email' | 'sms';
  /** The service that sent it: `ses`, `cognito-idp`... */
  source: string;
  from?: string;
  to: string[];
  subject?: string;
  text?: string;
  html?: string;
  /** For Cognito: the code in the message, so a learner or a checker can read it without parsing. */
  code?: string;
  /** Free-form details (the user pool, the trigger). */
  meta?: Record<string, string>;
}

/**
 * The sandbox's outbox, shown at `/_awslings/outbox` and in the page's inspector. It keeps the
 * last messages in memory; services that must keep mail across restarts (SES) keep their own copy.
 */
export class Outbox {
  private messages: OutboxMessage[] = [];
  constructor(private readonly capacity = 500) {}

  add(m: Omit<OutboxMessage, 'id' | 'time'> & { time?: string }): OutboxMessage {
    const full: OutboxMessage = { id: randomUUID(), time: m.time ?? new Date().toISOString(), ...m };
    this.messages.push(full);
    if (this.messages.length > this.capacity) this.messages.splice(0, this.messages.length - this.capacity);
    return full;
  }

  list(filter: { accountId?: string; to?: string; source?: string } = {}): OutboxMessage[] {
    return this.messages.filter(
      (m) =>
        (!filter.accountId || m.accountId === filter.accountId) &&
        (!filter.source || m.source === filter.source) &&
        (!filter.to || m.to.some((t) => t.toLowerCase() === filter.to!.toLowerCase())),
    );
  }

  clear(accountId?: string): void {
    this.messages = accountId ? this.messages.filter((m) => m.accountId !== accountId) : [];
  }
}
