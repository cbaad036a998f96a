import type { CodeDeliveryDetailsType } from '@aws-sdk/client-cognito-identity-provider';
import type { Emulator } from '../../emulator.js';
import type { PoolRef, PoolUser } from './state.js';
import { delivery, invalidParameter } from './common.js';
import { runTrigger, triggerAttributes } from './triggers.js';

/** What a message is for; CustomMessage sees it as `CustomMessage_<kind>`. */
export type MessageKind = 'SignUp' | 'ResendCode' | 'ForgotPassword' | 'UpdateUserAttribute' | 'VerifyUserAttribute' | 'AdminCreateUser';

// Cognito's default texts.
const VERIFY_TEXT = 'Your verification code is {####}. ';
const VERIFY_SUBJECT = 'Your verification code';
const INVITE_TEXT = 'Your username is {username} and temporary password is {####}. ';
const INVITE_SUBJECT = 'Your temporary password';
const LINK_TEXT = 'Please click the link below to verify your email address. {##Verify Email##} ';
const FROM = 'no-reply@verificationemail.com';

export interface Destination {
  medium: 'EMAIL' | 'SMS';
  attribute: 'email' | 'phone_number';
  value: string;
}

/** Where a code for the user's account goes: email or phone, as the pool and the user's attributes allow. */
export function destinationFor(user: PoolUser, prefer: ('email' | 'phone_number')[]): Destination | undefined {
  for (const attribute of prefer) {
    const value = user.attributes[attribute];
    if (value) return { medium: attribute === 'email' ? 'EMAIL' : 'SMS', attribute, value };
  }
  return undefined;
}

/**
 * "Sends" a message with a code (or a temporary password) to the sandbox outbox, shown at
 * /_awslings/outbox, with the pool's templates and the CustomMessage trigger, as Cognito would mail it.
 */
export async function deliver(
  emulator: Emulator,
  ref: PoolRef,
  user: PoolUser,
  kind: MessageKind,
  to: Destination,
  code: string,
  opts: { clientId?: string; clientMetadata?: Record<string, string>; endpoint?: string } = {},
): Promise<CodeDeliveryDetailsType> {
  const cfg = ref.pool.config;
  const t = cfg.VerificationMessageTemplate ?? {};
  let emailText: string;
  let emailSubject: string;
  let smsText: string;
  if (kind === 'AdminCreateUser') {
    const invite = cfg.AdminCreateUserConfig?.InviteMessageTemplate ?? {};
    emailText = invite.EmailMessage ?? INVITE_TEXT;
    emailSubject = invite.EmailSubject ?? INVITE_SUBJECT;
    smsText = invite.SMSMessage ?? INVITE_TEXT;
  } else {
    const byLink = t.DefaultEmailOption === 'CONFIRM_WITH_LINK' && (kind === 'SignUp' || kind === 'ResendCode');
    emailText = byLink ? (t.EmailMessageByLink ?? LINK_TEXT) : (t.EmailMessage ?? cfg.EmailVerificationMessage ?? VERIFY_TEXT);
    emailSubject = byLink ? (t.EmailSubjectByLink ?? VERIFY_SUBJECT) : (t.EmailSubject ?? cfg.EmailVerificationSubject ?? VERIFY_SUBJECT);
    smsText = t.SmsMessage ?? cfg.SmsVerificationMessage ?? VERIFY_TEXT;
  }
  const custom = await runTrigger(
    emulator,
    ref,
    'CustomMessage',
    `CustomMessage_${kind}`,
    user.Username,
    opts.clientId,
    {
      userAttributes: triggerAttributes(user),
      codeParameter: '{####}',
      linkParameter: '{##Click Here##}',
      usernameParameter: kind === 'AdminCreateUser' ? '{username}' : null,
      ...(opts.clientMetadata ? { clientMetadata: opts.clientMetadata } : {}),
    },
    { smsMessage: null, emailMessage: null, emailSubject: null },
  );
  const r = (custom?.response ?? {}) as { smsMessage?: string | null; emailMessage?: string | null; emailSubject?: string | null };
  if (r.emailMessage) emailText = r.emailMessage;
  if (r.emailSubject) emailSubject = r.emailSubject;
  if (r.smsMessage) smsText = r.smsMessage;

  const text = (to.medium === 'EMAIL' ? emailText : smsText)
    .replaceAll('{####}', code)
    .replaceAll('{username}', user.Username)
    .replace(/\{##(.+?)##\}/g, (_m, label: string) => `${label}: ${confirmLink(ref, user, code, opts)}`);
  emulator.outbox.add({
    time: new Date(emulator.clock.now()).toISOString(),
    accountId: ref.accountId,
    region: ref.region,
    channel: to.medium === 'EMAIL' ? 'email' : 'sms',
    source: 'cognito-idp',
    from: to.medium === 'EMAIL' ? (cfg.EmailConfiguration?.From ?? FROM) : undefined,
    to: [to.value],
    subject: to.medium === 'EMAIL' ? emailSubject : undefined,
    text,
    code,
    meta: { userPoolId: ref.pool.Id, username: user.Username, trigger: kind, attribute: to.attribute },
  });
  return delivery(to.medium, to.attribute, to.value);
}

/** CONFIRM_WITH_LINK: the hosted UI's confirmUser page, when the pool has a domain. */
function confirmLink(ref: PoolRef, user: PoolUser, code: string, opts: { clientId?: string; endpoint?: string }): string {
  const domain = ref.pool.domain?.Domain;
  if (!domain || !opts.endpoint) return code;
  const q = new URLSearchParams({ client_id: opts.clientId ?? '', user_name: user.Username, confirmation_code: code });
  return `${opts.endpoint}/_aws/cognito-idp/${domain}/confirmUser?${q}`;
}

/** The recovery channel ForgotPassword uses: the pool's AccountRecoverySetting, else SMS before email. */
export function recoveryDestination(ref: PoolRef, user: PoolUser): Destination {
  const mechanisms = ref.pool.config.AccountRecoverySetting?.RecoveryMechanisms;
  const order = mechanisms?.length
    ? [...mechanisms].sort((a, b) => (a.Priority ?? 0) - (b.Priority ?? 0)).map((m) => m.Name)
    : ['verified_phone_number', 'verified_email'];
  for (const name of order) {
    const attribute = name === 'verified_email' ? 'email' : name === 'verified_phone_number' ? 'phone_number' : undefined;
    if (!attribute) continue;
    if (user.attributes[attribute] && user.attributes[`${attribute}_verified`] === 'true') {
      return { medium: attribute === 'email' ? 'EMAIL' : 'SMS', attribute, value: user.attributes[attribute] };
    }
  }
  throw invalidParameter('Cannot reset password for the user as there is no registered/verified email or phone_number');
}
