import type { SendEmailRequest, SendEmailResponse } from '@aws-sdk/client-sesv2';
import { operation, type RequestContext } from '../../core/service.js';
import { parseMime } from '../ses/mime.js';
import { checkSend, recipientsOf } from '../ses/sendEmail.js';
import { checkAddress, checkMessageTags, recordSent, senderArn, type OutgoingMail } from '../ses/state.js';
import { badRequest, v2Errors } from './common.js';
import { findTemplate, render } from './templates.js';

const sourceOf = (input: SendEmailRequest): string | undefined =>
  input.FromEmailAddress ?? (input.Content?.Raw?.Data ? parseMime(input.Content.Raw.Data).from : undefined);

function templated(ctx: RequestContext, input: SendEmailRequest, source: string): OutgoingMail {
  const t = input.Content!.Template!;
  const content = t.TemplateContent;
  if (!content && !t.TemplateName && !t.TemplateArn) throw badRequest('Template must contain a TemplateName, a TemplateArn or TemplateContent.');
  const stored = content ? undefined : findTemplate(ctx, t.TemplateName ?? t.TemplateArn?.split('/').pop());
  let data: Record<string, unknown> = {};
  if (t.TemplateData) {
    try {
      data = JSON.parse(t.TemplateData) as Record<string, unknown>;
    } catch {
      throw badRequest('Invalid TemplateData: it must be a JSON object.');
    }
  }
  const subject = content?.Subject ?? stored?.subject;
  return {
    operation: 'SendEmail',
    source,
    destination: input.Destination,
    subject: render(subject, data),
    text: render(content?.Text ?? stored?.text, data),
    html: render(content?.Html ?? stored?.html, data),
    template: stored?.name,
    templateData: t.TemplateData,
  };
}

/** SES v2 SendEmail: Simple, Raw and Template content, under the same sandbox rules as v1. */
export const SendEmail = operation<SendEmailRequest, SendEmailResponse>({
  authorize: (i, ctx) => ({ action: 'ses:SendEmail', resource: senderArn(ctx, sourceOf(i)) }),
  handler(input, ctx) {
    const content = input.Content ?? {};
    const kinds = [content.Simple, content.Raw, content.Template].filter(Boolean).length;
    if (kinds !== 1) throw badRequest('Content must contain exactly one of Simple, Raw or Template.');
    v2Errors(() => checkMessageTags(input.EmailTags));
    const source = sourceOf(input);
    if (!source) throw badRequest('Missing FromEmailAddress: give it, or a From header in the raw message.');
    v2Errors(() => checkAddress(source));

    let mail: OutgoingMail;
    let recipients = recipientsOf(input.Destination);
    if (content.Raw) {
      const data = content.Raw.Data!;
      const parsed = parseMime(data);
      if (recipients.length === 0) recipients = [...parsed.to, ...parsed.cc, ...parsed.bcc];
      mail = { operation: 'SendEmail', source, raw: data, subject: parsed.subject, text: parsed.text, html: parsed.html };
    } else if (content.Simple) {
      const s = content.Simple;
      mail = { operation: 'SendEmail', source, destination: input.Destination, subject: s.Subject?.Data, text: s.Body?.Text?.Data, html: s.Body?.Html?.Data };
    } else mail = templated(ctx, input, source);

    v2Errors(() => checkSend(ctx, source, recipients, input.ConfigurationSetName));
    return { MessageId: recordSent(ctx, mail, recipients) };
  },
});
