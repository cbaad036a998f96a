import { AwsError } from '../../core/errors.js';
import { uuid } from '../../core/ids.js';
import type { RequestContext } from '../../core/service.js';
import type { Emulator } from '../../emulator.js';

export interface SesIdentity {
  name: string;
  type: 'EmailAddress' | 'Domain';
  createdAt: number;
  /** Domains: the TXT record value AWS would ask for. */
  verificationToken?: string;
  dkimTokens?: string[];
  tags: { Key: string; Value: string }[];
}

/** A sent message, kept in LocalStack's /_aws/ses shape plus what the sandbox needs. */
export interface SentMail {
  Id: string;
  Region: string;
  /** LocalStack's format: `2024-05-01T12:00:00`, UTC. */
  Timestamp: string;
  Source: string;
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  Subject?: string;
  Body?: { text_part: string | null; html_part: string | null };
  /** Raw MIME messages live in the blob store; this is their SHA-256. */
  rawBlob?: string;
  Template?: string;
  TemplateData?: string;
  /** Epoch ms by the emulator's clock, for quotas and statistics. */
  sentAt: number;
  operation: string;
}

export interface SesTemplate {
  name: string;
  subject?: string;
  text?: string;
  html?: string;
  createdAt: number;
}

export interface SesState {
  identities: Record<string, SesIdentity>;
  sent: SentMail[];
  templates: Record<string, SesTemplate>;
}

export const initialSesState = (): SesState => ({ identities: {}, sent: [], templates: {} });

/** Sent mail kept per account and region: the newest 1,000 messages. */
export const MAX_SENT = 1000;
/** A new account's sandbox quota. */
export const MAX_24_HOUR_SEND = 200;
export const MAX_SEND_RATE = 1;

/** SES v1 and v2 share this state: v2 loads the ses service first. */
export const sesState = (ctx: Pick<RequestContext, 'emulator' | 'accountId' | 'region'>): SesState =>
  ctx.emulator.stateFor<SesState>('ses', ctx.accountId, ctx.region);

export const sesStateOf = (emulator: Emulator, accountId: string, region: string): SesState =>
  emulator.stateFor<SesState>('ses', accountId, region);

export const identityArn = (ctx: Pick<RequestContext, 'accountId' | 'region'>, identity: string) =>
  `arn:aws:ses:${ctx.region}:${ctx.accountId}:identity/${identity}`;

/** The bare address of `Name <a@b.c>` or `a@b.c`. */
export function bareAddress(address: string): string {
  const m = /<([^<>]*)>\s*$/.exec(address);
  return (m ? m[1] : address).trim();
}

export function checkAddress(address: string): string {
  const bare = bareAddress(address);
  if (!bare.includes('@')) throw new AwsError('InvalidParameterValue', "Missing final '@domain'", 400);
  if (!/^[^\s@]+@[^\s@]+$/.test(bare)) throw new AwsError('InvalidParameterValue', `Illegal address`, 400);
  return bare;
}

/**
 * The verified identity that lets an address send: the address itself, its domain, or a parent
 * domain (a verified domain covers its subdomains).
 */
export function verifiedIdentityFor(state: SesState, address: string): SesIdentity | undefined {
  const bare = bareAddress(address);
  if (state.identities[bare]?.type === 'EmailAddress') return state.identities[bare];
  const at = bare.lastIndexOf('@');
  if (at < 0) return undefined;
  const labels = bare.slice(at + 1).toLowerCase().split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const d = state.identities[labels.slice(i).join('.')];
    if (d?.type === 'Domain') return d;
  }
  return undefined;
}

/** The identity ARN IAM is asked about when an address sends mail. */
export function senderArn(ctx: RequestContext, address: string | undefined): string {
  if (!address) return identityArn(ctx, '*');
  const v = verifiedIdentityFor(sesState(ctx), address);
  return identityArn(ctx, v?.name ?? bareAddress(address));
}

/**
 * A new AWS account is in the SES sandbox: mail may only come from verified identities. (AWS
 * also requires verified recipients there; the sandbox here does not, so labs can mail anyone.)
 */
export function requireVerifiedSender(ctx: RequestContext, address: string): void {
  if (!verifiedIdentityFor(sesState(ctx), address)) {
    throw new AwsError(
      'MessageRejected',
      `Email address is not verified. The following identities failed the check in region ${ctx.region.toUpperCase()}: ${bareAddress(address)}`,
      400,
    );
  }
}

const LOCALSTACK_TIME = (ms: number) => new Date(ms).toISOString().slice(0, 19);

/** SES v1's message ids: `0100` and the send time in hex, a UUID, `-000000`. */
export function messageId(now: number): string {
  return `0100${now.toString(16).padStart(12, '0')}-${uuid()}-000000`;
}

export interface OutgoingMail {
  operation: string;
  source: string;
  destination?: SentMail['Destination'];
  subject?: string;
  text?: string;
  html?: string;
  raw?: Uint8Array;
  template?: string;
  templateData?: string;
}

/**
 * Records a message the sandbox "sent": in the SES state (persisted, read by /_aws/ses) and in
 * the emulator's outbox, which the page's inspector shows. Nothing leaves the machine.
 */
export function recordSent(ctx: RequestContext, mail: OutgoingMail, recipients: string[]): string {
  const state = sesState(ctx);
  const now = ctx.emulator.clock.now();
  const id = messageId(now);
  const entry: SentMail = {
    Id: id,
    Region: ctx.region,
    Timestamp: LOCALSTACK_TIME(now),
    Source: mail.source,
    sentAt: now,
    operation: mail.operation,
  };
  if (mail.raw) entry.rawBlob = ctx.emulator.store.blobs.put(mail.raw).sha256;
  else {
    entry.Destination = mail.destination;
    entry.Subject = mail.subject;
    entry.Body = { text_part: mail.text ?? null, html_part: mail.html ?? null };
  }
  if (mail.template) {
    entry.Template = mail.template;
    entry.TemplateData = mail.templateData;
  }
  state.sent.push(entry);
  if (state.sent.length > MAX_SENT) state.sent.splice(0, state.sent.length - MAX_SENT);
  ctx.emulator.outbox.add({
    accountId: ctx.accountId,
    region: ctx.region,
    channel: 'email',
    source: 'ses',
    time: new Date(now).toISOString(),
    from: mail.source,
    to: recipients,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    meta: { messageId: id, operation: mail.operation },
  });
  return id;
}

export function sentLast24Hours(state: SesState, now: number): number {
  return state.sent.filter((m) => m.sentAt > now - 86_400_000).length;
}

export function checkMessageTags(tags: { Name?: string; Value?: string }[] | undefined): void {
  for (const tag of tags ?? []) {
    const name = tag.Name ?? '';
    const value = tag.Value ?? '';
    const bad = (message: string) => new AwsError('InvalidParameterValue', message, 400);
    if (name === '') throw bad('The tag name must be specified.');
    if (value === '') throw bad('The tag value must be specified.');
    if (name.length > 255) throw bad('Tag name cannot exceed 255 characters.');
    // The `ses:` prefix names SES's own auto-tags and is allowed.
    if (!/^[A-Za-z0-9_-]*$/.test(name.replace(/^ses:/, ''))) {
      throw bad(`Invalid tag name <${name}>: only alphanumeric ASCII characters, '_',  '-' are allowed.`);
    }
    if (value.length > 255) throw bad('Tag value cannot exceed 255 characters.');
    if (!/^[A-Za-z0-9_\-.@]*$/.test(value)) {
      throw bad(`Invalid tag value <${value}>: only alphanumeric ASCII characters, '_',  '-' , '.', '@' are allowed.`);
    }
  }
}
