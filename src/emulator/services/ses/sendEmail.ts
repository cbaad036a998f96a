import type { SendEmailRequest, SendEmailResponse, SendRawEmailRequest, SendRawEmailResponse } from '@aws-sdk/client-ses';
import { AwsError } from '../../core/errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { parseMime } from './mime.js';
import {
  checkAddress,
  checkMessageTags,
  MAX_24_HOUR_SEND,
  recordSent,
  requireVerifiedSender,
  senderArn,
  sentLast24Hours,
  sesState,
} from './state.js';

const MAX_RECIPIENTS = 50;

/** What every send checks, in v1 and v2: recipients, the configuration set, the sender, the quota. */
export function checkSend(ctx: RequestContext, source: string, recipients: string[], configurationSet: string | undefined): void {
  if (recipients.length === 0) throw new AwsError('InvalidParameterValue', "Missing required header 'To'.", 400);
  if (recipients.length > MAX_RECIPIENTS) throw new AwsError('InvalidParameterValue', `Recipient count exceeds ${MAX_RECIPIENTS}.`, 400);
  for (const r of recipients) checkAddress(r);
  if (configurationSet !== undefined) {
    // The sandbox has no configuration sets, so any name given is one that does not exist.
    throw new AwsError('ConfigurationSetDoesNotExist', `Configuration set <${configurationSet}> does not exist.`, 400);
  }
  requireVerifiedSender(ctx, source);
  if (sentLast24Hours(sesState(ctx), ctx.emulator.clock.now()) >= MAX_24_HOUR_SEND) {
    throw new AwsError('Throttling', 'Daily message quota exceeded.', 400);
  }
}

export const recipientsOf = (d: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] } | undefined): string[] => [
  ...(d?.ToAddresses ?? []),
  ...(d?.CcAddresses ?? []),
  ...(d?.BccAddresses ?? []),
];

export const SendEmail = operation<SendEmailRequest, SendEmailResponse>({
  authorize: (i, ctx) => ({ action: 'ses:SendEmail', resource: senderArn(ctx, i.Source) }),
  handler(input, ctx) {
    checkMessageTags(input.Tags);
    checkAddress(input.Source!);
    const recipients = recipientsOf(input.Destination);
    checkSend(ctx, input.Source!, recipients, input.ConfigurationSetName);
    const MessageId = recordSent(
      ctx,
      {
        operation: 'SendEmail',
        source: input.Source!,
        destination: input.Destination,
        subject: input.Message?.Subject?.Data,
        text: input.Message?.Body?.Text?.Data,
        html: input.Message?.Body?.Html?.Data,
      },
      recipients,
    );
    return { MessageId };
  },
});

export const SendRawEmail = operation<SendRawEmailRequest, SendRawEmailResponse>({
  authorize: (i, ctx) => ({
    action: 'ses:SendRawEmail',
    resource: senderArn(ctx, i.Source ?? (i.RawMessage?.Data ? parseMime(i.RawMessage.Data).from : undefined)),
  }),
  handler(input, ctx) {
    checkMessageTags(input.Tags);
    const data = input.RawMessage!.Data!;
    const mail = parseMime(data);
    const source = input.Source || mail.from;
    if (!source) throw new AwsError('InvalidParameterValue', "Missing required header 'From'.", 400);
    checkAddress(source);
    // Destinations, when given, replace the message's own To, Cc and Bcc.
    const recipients = input.Destinations?.length ? input.Destinations : [...mail.to, ...mail.cc, ...mail.bcc];
    checkSend(ctx, source, recipients, input.ConfigurationSetName);
    const MessageId = recordSent(
      ctx,
      { operation: 'SendRawEmail', source, raw: data, subject: mail.subject, text: mail.text, html: mail.html },
      recipients,
    );
    return { MessageId };
  },
});
