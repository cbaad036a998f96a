import type {
  CreateEmailTemplateRequest,
  DeleteEmailTemplateRequest,
  GetEmailTemplateRequest,
  GetEmailTemplateResponse,
  ListEmailTemplatesRequest,
  ListEmailTemplatesResponse,
  UpdateEmailTemplateRequest,
} from '@aws-sdk/client-sesv2';
import { AwsError } from '../../core/errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { sesState, type SesTemplate } from '../ses/state.js';
import { badRequest, notFound } from './common.js';

const templateArn = (ctx: RequestContext, name: string | undefined) => `arn:aws:ses:${ctx.region}:${ctx.accountId}:template/${name ?? '*'}`;

export function findTemplate(ctx: RequestContext, name: string | undefined): SesTemplate {
  const t = name !== undefined ? sesState(ctx).templates[name] : undefined;
  if (!t) throw notFound(`Template ${name} does not exist.`);
  return t;
}

function checkContent(c: { Subject?: string; Text?: string; Html?: string } | undefined): void {
  if (!c?.Subject && !c?.Text && !c?.Html) throw badRequest('Template content must contain a subject, a text part or an HTML part.');
}

/**
 * Renders `{{name}}` and `{{a.b}}` placeholders from TemplateData, the part of SES's Handlebars
 * syntax templates use most. A placeholder with no value renders empty.
 */
export function render(text: string | undefined, data: Record<string, unknown>): string | undefined {
  if (text === undefined) return undefined;
  return text.replace(/\{\{\{?\s*([\w.-]+)\s*\}?\}\}/g, (_m, path: string) => {
    const v = path.split('.').reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), data);
    return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
}

export const CreateEmailTemplate = operation<CreateEmailTemplateRequest, object>({
  authorize: (i, ctx) => ({ action: 'ses:CreateEmailTemplate', resource: templateArn(ctx, i.TemplateName) }),
  handler(input, ctx) {
    const name = input.TemplateName!;
    if (!/^[\w-]{1,64}$/.test(name)) throw badRequest('Template name can only contain alphanumeric characters, underscores and dashes, up to 64.');
    checkContent(input.TemplateContent);
    const state = sesState(ctx);
    if (state.templates[name]) throw new AwsError('AlreadyExistsException', `Template ${name} already exists.`, 400);
    const c = input.TemplateContent!;
    state.templates[name] = { name, subject: c.Subject, text: c.Text, html: c.Html, createdAt: ctx.emulator.clock.now() };
    return {};
  },
});

export const GetEmailTemplate = operation<GetEmailTemplateRequest, GetEmailTemplateResponse>({
  authorize: (i, ctx) => ({ action: 'ses:GetEmailTemplate', resource: templateArn(ctx, i.TemplateName) }),
  handler(input, ctx) {
    const t = findTemplate(ctx, input.TemplateName);
    return { TemplateName: t.name, TemplateContent: { Subject: t.subject, Text: t.text, Html: t.html } };
  },
});

export const UpdateEmailTemplate = operation<UpdateEmailTemplateRequest, object>({
  authorize: (i, ctx) => ({ action: 'ses:UpdateEmailTemplate', resource: templateArn(ctx, i.TemplateName) }),
  handler(input, ctx) {
    const t = findTemplate(ctx, input.TemplateName);
    checkContent(input.TemplateContent);
    Object.assign(t, { subject: input.TemplateContent!.Subject, text: input.TemplateContent!.Text, html: input.TemplateContent!.Html });
    return {};
  },
});

export const DeleteEmailTemplate = operation<DeleteEmailTemplateRequest, object>({
  authorize: (i, ctx) => ({ action: 'ses:DeleteEmailTemplate', resource: templateArn(ctx, i.TemplateName) }),
  handler(input, ctx) {
    const t = findTemplate(ctx, input.TemplateName);
    delete sesState(ctx).templates[t.name];
    return {};
  },
});

export const ListEmailTemplates = operation<ListEmailTemplatesRequest, ListEmailTemplatesResponse>({
  authorize: (_i, ctx) => ({ action: 'ses:ListEmailTemplates', resource: templateArn(ctx, '*') }),
  handler(input, ctx) {
    const size = input.PageSize ?? 10;
    if (size < 1 || size > 100) throw badRequest('PageSize must be between 1 and 100.');
    const all = Object.values(sesState(ctx).templates).sort((a, b) => a.createdAt - b.createdAt || (a.name < b.name ? -1 : 1));
    const start = input.NextToken ? Number(Buffer.from(input.NextToken, 'base64').toString('utf8')) || 0 : 0;
    return {
      TemplatesMetadata: all.slice(start, start + size).map((t) => ({ TemplateName: t.name, CreatedTimestamp: new Date(t.createdAt) })),
      NextToken: start + size < all.length ? Buffer.from(String(start + size)).toString('base64') : undefined,
    };
  },
});
