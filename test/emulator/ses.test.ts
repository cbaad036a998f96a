import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as SES from '@aws-sdk/client-ses';
import * as V2 from '@aws-sdk/client-sesv2';
import * as IAM from '@aws-sdk/client-iam';
import * as STS from '@aws-sdk/client-sts';
import { startTestEmulator, type Credentials, type TestEmulator } from '../helpers/emulator.js';
import { expectSameShape, plainOutput, snapshot } from '../helpers/snapshots.js';

const FILE = 'ses__test_ses.snapshot.json';
let emu: TestEmulator;
let ses: SES.SESClient;
let v2: V2.SESv2Client;

interface SentMessage {
  Id: string;
  Region: string;
  Source: string;
  Timestamp: string;
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  Subject?: string;
  Body?: { text_part: string | null; html_part: string | null };
  RawData?: string;
}
const sentMail = async (query = ''): Promise<SentMessage[]> => ((await (await fetch(`${emu.url}/_aws/ses${query}`)).json()) as { messages: SentMessage[] }).messages;

const simple = (Source: string, to: string[], subject = 'Hello', text = 'Body text', html?: string): SES.SendEmailCommandInput => ({
  Source,
  Destination: { ToAddresses: to },
  Message: { Subject: { Data: subject }, Body: { Text: { Data: text }, ...(html ? { Html: { Data: html } } : {}) } },
});

beforeAll(async () => {
  emu = await startTestEmulator();
  ses = new SES.SESClient(emu.config());
  v2 = new V2.SESv2Client(emu.config());
});
afterAll(() => emu.close());

describe('SES v1', () => {
  it('the sandbox refuses an unverified sender, in AWS\'s words', async () => {
    const err = await ses.send(new SES.SendEmailCommand(simple('stranger@example.com', ['a@example.org']))).catch((e) => e);
    expect(err).toBeInstanceOf(SES.MessageRejected);
    expect(err.message).toBe('Email address is not verified. The following identities failed the check in region US-EAST-1: stranger@example.com');
    expect(err.$metadata.httpStatusCode).toBe(400);
  });

  it('VerifyEmailIdentity and VerifyDomainIdentity verify at once; ListIdentities, GetIdentityVerificationAttributes, DeleteIdentity', async () => {
    await ses.send(new SES.VerifyEmailIdentityCommand({ EmailAddress: 'sender@example.com' }));
    const { VerificationToken } = await ses.send(new SES.VerifyDomainIdentityCommand({ Domain: 'Example.NET' }));
    expect(VerificationToken).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
    expect((await ses.send(new SES.ListIdentitiesCommand({}))).Identities).toEqual(['sender@example.com', 'example.net']);
    expect((await ses.send(new SES.ListIdentitiesCommand({ IdentityType: 'Domain' }))).Identities).toEqual(['example.net']);
    const page = await ses.send(new SES.ListIdentitiesCommand({ MaxItems: 1 }));
    expect(page.Identities).toEqual(['sender@example.com']);
    expect((await ses.send(new SES.ListIdentitiesCommand({ MaxItems: 1, NextToken: page.NextToken }))).Identities).toEqual(['example.net']);
    const attrs = await ses.send(new SES.GetIdentityVerificationAttributesCommand({ Identities: ['sender@example.com', 'example.net', 'unknown@example.com'] }));
    expect(attrs.VerificationAttributes).toEqual({
      'sender@example.com': { VerificationStatus: 'Success' },
      'example.net': { VerificationStatus: 'Success', VerificationToken },
    });
    await ses.send(new SES.VerifyEmailIdentityCommand({ EmailAddress: 'temp@example.com' }));
    await ses.send(new SES.DeleteIdentityCommand({ Identity: 'temp@example.com' }));
    expect((await ses.send(new SES.ListVerifiedEmailAddressesCommand({}))).VerifiedEmailAddresses).toEqual(['sender@example.com']);
    await expect(ses.send(new SES.VerifyEmailIdentityCommand({ EmailAddress: 'no-at-sign' }))).rejects.toMatchObject({ name: 'InvalidParameterValue', message: "Missing final '@domain'" });
  });

  it('SendEmail stores the message, in LocalStack\'s /_aws/ses shape and in the outbox', async () => {
    const { MessageId } = await ses.send(new SES.SendEmailCommand({ ...simple('Sender <sender@example.com>', ['to@example.org'], 'Welcome', 'Hi there', '<p>Hi there</p>'), ReplyToAddresses: ['reply@example.com'] }));
    expect(MessageId).toMatch(/^0100[0-9a-f]{12}-[0-9a-f-]{36}-000000$/);
    const [m] = await sentMail(`?id=${MessageId}`);
    expect(m).toEqual({
      Id: MessageId,
      Region: 'us-east-1',
      Destination: { ToAddresses: ['to@example.org'] },
      Source: 'Sender <sender@example.com>',
      Subject: 'Welcome',
      Body: { text_part: 'Hi there', html_part: '<p>Hi there</p>' },
      Timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/),
    });
    expect(Object.keys(m)).toEqual(['Id', 'Region', 'Destination', 'Source', 'Subject', 'Body', 'Timestamp']);
    const out = emu.emulator.outbox.list({ source: 'ses' }).find((o) => o.meta?.messageId === MessageId)!;
    expect(out).toMatchObject({ channel: 'email', from: 'Sender <sender@example.com>', to: ['to@example.org'], subject: 'Welcome', text: 'Hi there', html: '<p>Hi there</p>', accountId: '000000000000' });
    // A verified domain covers its addresses and subdomains.
    await expect(ses.send(new SES.SendEmailCommand(simple('noreply@mail.example.net', ['x@example.org'])))).resolves.toHaveProperty('MessageId');
  });

  it('SendRawEmail reads the MIME message: From, To, Cc, encoded subject, text and HTML parts', async () => {
    const raw = [
      'From: "Sender" <sender@example.com>',
      'To: first@example.org, "Last, First" <second@example.org>',
      'Cc: cc@example.org',
      'Subject: =?UTF-8?B?SMOpbGxv?= world',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: multipart/alternative; boundary="inner"',
      '',
      '--inner',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Caf=C3=A9 is open',
      '--inner',
      'Content-Type: text/html; charset=UTF-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('<p>Café is open</p>').toString('base64'),
      '--inner--',
      '--outer',
      'Content-Type: application/pdf',
      'Content-Disposition: attachment; filename="menu.pdf"',
      '',
      'JVBERi0=',
      '--outer--',
      '',
    ].join('\r\n');
    const { MessageId } = await ses.send(new SES.SendRawEmailCommand({ RawMessage: { Data: Buffer.from(raw) } }));
    const [m] = await sentMail(`?id=${MessageId}`);
    expect(m).toEqual({ Id: MessageId, Region: 'us-east-1', Source: 'sender@example.com', RawData: raw, Timestamp: expect.any(String) });
    const out = emu.emulator.outbox.list().find((o) => o.meta?.messageId === MessageId)!;
    expect(out).toMatchObject({ to: ['first@example.org', 'second@example.org', 'cc@example.org'], subject: 'Héllo world', text: 'Café is open', html: '<p>Café is open</p>' });
    // Destinations, when given, replace the headers' recipients; an unverified From is refused.
    const only = await ses.send(new SES.SendRawEmailCommand({ RawMessage: { Data: Buffer.from(raw) }, Destinations: ['bcc@example.org'] }));
    expect(emu.emulator.outbox.list().find((o) => o.meta?.messageId === only.MessageId)!.to).toEqual(['bcc@example.org']);
    const forged = raw.replace('"Sender" <sender@example.com>', 'intruder@example.com');
    await expect(ses.send(new SES.SendRawEmailCommand({ RawMessage: { Data: Buffer.from(forged) } }))).rejects.toBeInstanceOf(SES.MessageRejected);
  });

  it('validates message tags with AWS\'s messages', async () => {
    const cases: [SES.MessageTag, string][] = [
      [{ Name: 'test_invalid_name:123', Value: 'test' }, 'test_invalid_tags_send_email[test_invalid_name:123-test]'],
      [{ Name: 'test', Value: 'test_invalid_value:123' }, 'test_invalid_tags_send_email[test-test_invalid_value:123]'],
      [{ Name: 'a'.repeat(256), Value: 'test' }, 'test_invalid_tags_send_email[test_invalid_name_len]'],
      [{ Name: 'test', Value: 'a'.repeat(256) }, 'test_invalid_tags_send_email[test_invalid_value_len]'],
      [{ Name: '', Value: 'test' }, 'test_invalid_tags_send_email[-test]'],
      [{ Name: 'test', Value: '' }, 'test_invalid_tags_send_email[test-]'],
    ];
    for (const [tag, test] of cases) {
      const err = await ses.send(new SES.SendEmailCommand({ ...simple('sender@example.com', ['a@example.org']), Tags: [tag] })).catch((e) => e);
      const e = (snapshot(FILE, test, 'response') as { Error: { Code: string; Message: string } }).Error;
      expect({ name: err.name, message: err.message }).toEqual({ name: e.Code, message: e.Message });
    }
    await expect(ses.send(new SES.SendEmailCommand({ ...simple('sender@example.com', ['a@example.org']), Tags: [{ Name: 'ses:custom', Value: 'ok.1@x' }] }))).resolves.toHaveProperty('MessageId');
  });

  it('GetSendQuota counts the last 24 hours; GetSendStatistics reports 15-minute intervals', async () => {
    const quota = await ses.send(new SES.GetSendQuotaCommand({}));
    expectSameShape(plainOutput(quota), { ...snapshot(FILE, 'test_sent_message_counter', 'get-quota-0'), SentLast24Hours: '<n>' });
    const before = quota.SentLast24Hours!;
    await ses.send(new SES.SendEmailCommand(simple('sender@example.com', ['a@example.org'])));
    expect((await ses.send(new SES.GetSendQuotaCommand({}))).SentLast24Hours).toBe(before + 1);
    const stats = await ses.send(new SES.GetSendStatisticsCommand({}));
    const total = stats.SendDataPoints!.reduce((n, p) => n + p.DeliveryAttempts!, 0);
    expect(total).toBe(before + 1);
    expect(stats.SendDataPoints![0]).toMatchObject({ Bounces: 0, Complaints: 0, Rejects: 0, Timestamp: expect.any(Date) });
    expect(stats.SendDataPoints![0].Timestamp!.getTime() % (15 * 60_000)).toBe(0);
  });
});

describe('SES v2', () => {
  it('CreateEmailIdentity, GetEmailIdentity, ListEmailIdentities, DeleteEmailIdentity', async () => {
    const created = await v2.send(new V2.CreateEmailIdentityCommand({ EmailIdentity: 'v2@example.com', Tags: [{ Key: 'team', Value: 'course' }] }));
    expect(created).toMatchObject({ IdentityType: 'EMAIL_ADDRESS', VerifiedForSendingStatus: true });
    const domain = await v2.send(new V2.CreateEmailIdentityCommand({ EmailIdentity: 'v2.example.org' }));
    expect(domain.DkimAttributes).toMatchObject({ SigningEnabled: true, Status: 'SUCCESS', Tokens: [expect.any(String), expect.any(String), expect.any(String)] });
    await expect(v2.send(new V2.CreateEmailIdentityCommand({ EmailIdentity: 'v2@example.com' }))).rejects.toBeInstanceOf(V2.AlreadyExistsException);
    const got = await v2.send(new V2.GetEmailIdentityCommand({ EmailIdentity: 'v2@example.com' }));
    expect(got).toMatchObject({ IdentityType: 'EMAIL_ADDRESS', VerifiedForSendingStatus: true, VerificationStatus: 'SUCCESS', Tags: [{ Key: 'team', Value: 'course' }] });
    const list = await v2.send(new V2.ListEmailIdentitiesCommand({}));
    expect(list.EmailIdentities).toEqual(expect.arrayContaining([{ IdentityType: 'EMAIL_ADDRESS', IdentityName: 'v2@example.com', SendingEnabled: true, VerificationStatus: 'SUCCESS' }]));
    // v1 and v2 share identities.
    expect((await ses.send(new SES.ListIdentitiesCommand({}))).Identities).toContain('v2.example.org');
    await v2.send(new V2.DeleteEmailIdentityCommand({ EmailIdentity: 'v2.example.org' }));
    const missing = await v2.send(new V2.GetEmailIdentityCommand({ EmailIdentity: 'v2.example.org' })).catch((e) => e);
    expect(missing).toBeInstanceOf(V2.NotFoundException);
    expect(missing.$metadata.httpStatusCode).toBe(404);
  });

  it('SendEmail with Simple, Raw and Template content; the sandbox rule; /_aws/ses shows each', async () => {
    const s = await v2.send(new V2.SendEmailCommand({
      FromEmailAddress: 'v2@example.com',
      Destination: { ToAddresses: ['to@example.org'], CcAddresses: ['cc@example.org'] },
      Content: { Simple: { Subject: { Data: 'Simple' }, Body: { Text: { Data: 'plain' }, Html: { Data: '<b>rich</b>' } } } },
    }));
    const [simpleMail] = await sentMail(`?id=${s.MessageId}`);
    expect(simpleMail).toMatchObject({ Source: 'v2@example.com', Subject: 'Simple', Body: { text_part: 'plain', html_part: '<b>rich</b>' }, Destination: { ToAddresses: ['to@example.org'], CcAddresses: ['cc@example.org'] } });

    const raw = 'From: v2@example.com\r\nTo: raw@example.org\r\nSubject: Raw one\r\n\r\nraw body\r\n';
    const r = await v2.send(new V2.SendEmailCommand({ Content: { Raw: { Data: Buffer.from(raw) } } }));
    expect((await sentMail(`?id=${r.MessageId}`))[0]).toMatchObject({ Source: 'v2@example.com', RawData: raw });
    expect(emu.emulator.outbox.list().find((o) => o.meta?.messageId === r.MessageId)).toMatchObject({ to: ['raw@example.org'], subject: 'Raw one', text: 'raw body' });

    await v2.send(new V2.CreateEmailTemplateCommand({ TemplateName: 'welcome', TemplateContent: { Subject: 'Welcome, {{name}}', Text: 'Your code is {{code}}.', Html: '<p>{{ name }}</p>' } }));
    const t = await v2.send(new V2.SendEmailCommand({
      FromEmailAddress: 'v2@example.com',
      Destination: { ToAddresses: ['ada@example.org'] },
      Content: { Template: { TemplateName: 'welcome', TemplateData: JSON.stringify({ name: 'Ada', code: 1234 }) } },
    }));
    expect((await sentMail(`?id=${t.MessageId}`))[0]).toMatchObject({ Subject: 'Welcome, Ada', Body: { text_part: 'Your code is 1234.', html_part: '<p>Ada</p>' }, Template: 'welcome' });
    expect((await v2.send(new V2.GetEmailTemplateCommand({ TemplateName: 'welcome' }))).TemplateContent!.Subject).toBe('Welcome, {{name}}');
    expect((await v2.send(new V2.ListEmailTemplatesCommand({}))).TemplatesMetadata!.map((m) => m.TemplateName)).toEqual(['welcome']);
    await v2.send(new V2.DeleteEmailTemplateCommand({ TemplateName: 'welcome' }));
    await expect(v2.send(new V2.SendEmailCommand({ FromEmailAddress: 'v2@example.com', Destination: { ToAddresses: ['a@example.org'] }, Content: { Template: { TemplateName: 'welcome', TemplateData: '{}' } } }))).rejects.toBeInstanceOf(V2.NotFoundException);

    const denied = await v2.send(new V2.SendEmailCommand({ FromEmailAddress: 'nobody@example.com', Destination: { ToAddresses: ['a@example.org'] }, Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } } })).catch((e) => e);
    expect(denied).toBeInstanceOf(V2.MessageRejected);
    expect(denied.message).toBe('Email address is not verified. The following identities failed the check in region US-EAST-1: nobody@example.com');
    await expect(v2.send(new V2.SendEmailCommand({ FromEmailAddress: 'v2@example.com', Content: {} }))).rejects.toBeInstanceOf(V2.BadRequestException);
  });

  it('GetAccount shows a sandbox account with its quota', async () => {
    const a = await v2.send(new V2.GetAccountCommand({}));
    expect(a).toMatchObject({ ProductionAccessEnabled: false, SendingEnabled: true, EnforcementStatus: 'HEALTHY', SendQuota: { Max24HourSend: 200, MaxSendRate: 1 } });
    expect(a.SendQuota!.SentLast24Hours).toBe((await ses.send(new SES.GetSendQuotaCommand({}))).SentLast24Hours);
  });
});

describe('/_aws/ses', () => {
  it('filters by sender with ?email=, and DELETE forgets one message or all of them', async () => {
    const all = await sentMail();
    expect(all.length).toBeGreaterThan(3);
    expect(all.map((m) => m.Timestamp)).toEqual([...all.map((m) => m.Timestamp)].sort());
    const fromV2 = await sentMail('?email=v2@example.com');
    expect(fromV2.length).toBeGreaterThanOrEqual(3);
    expect(fromV2.every((m) => m.Source === 'v2@example.com')).toBe(true);
    expect((await sentMail('?email=sender@example.com')).some((m) => m.Source === 'Sender <sender@example.com>')).toBe(true);
    const del = await fetch(`${emu.url}/_aws/ses?id=${fromV2[0].Id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(await sentMail(`?id=${fromV2[0].Id}`)).toEqual([]);
    expect((await fetch(`${emu.url}/_aws/ses`, { method: 'DELETE' })).status).toBe(204);
    expect(await sentMail()).toEqual([]);
  });

  it('answers CORS, so the course page can read and clear it from its own origin', async () => {
    const pre = await fetch(`${emu.url}/_aws/ses`, { method: 'OPTIONS', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'DELETE' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toContain('DELETE');
    expect((await fetch(`${emu.url}/_aws/ses`)).headers.get('access-control-allow-origin')).toBe('*');
  });

  it('keeps sent mail across a restart (SES state is persisted)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awslings-ses-'));
    try {
      const first = await startTestEmulator({ stateDir: dir });
      const c = new SES.SESClient(first.config());
      await c.send(new SES.VerifyEmailIdentityCommand({ EmailAddress: 'keep@example.com' }));
      await c.send(new SES.SendRawEmailCommand({ RawMessage: { Data: Buffer.from('From: keep@example.com\r\nTo: a@example.org\r\nSubject: kept\r\n\r\nhi\r\n') } }));
      await first.close();
      const second = await startTestEmulator({ stateDir: dir });
      try {
        const res = (await (await fetch(`${second.url}/_aws/ses`)).json()) as { messages: SentMessage[] };
        expect(res.messages).toEqual([expect.objectContaining({ Source: 'keep@example.com', RawData: expect.stringContaining('Subject: kept') })]);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SES and IAM', () => {
  it('a role without ses:SendEmail is refused; with it, on the identity\'s ARN, it may send', async () => {
    const iam = new IAM.IAMClient(emu.config());
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'sts:AssumeRole' }] });
    const role = (await iam.send(new IAM.CreateRoleCommand({ RoleName: 'mailer', AssumeRolePolicyDocument: trust }))).Role!;
    await iam.send(new IAM.PutRolePolicyCommand({ RoleName: 'mailer', PolicyName: 'logs-only', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] }) }));
    await ses.send(new SES.VerifyEmailIdentityCommand({ EmailAddress: 'app@example.com' }));
    const session = async (): Promise<Credentials> => {
      const c = (await new STS.STSClient(emu.config()).send(new STS.AssumeRoleCommand({ RoleArn: role.Arn, RoleSessionName: 'fn' }))).Credentials!;
      return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
    };
    const asRole = new SES.SESClient(emu.config(await session()));
    const err = await asRole.send(new SES.SendEmailCommand(simple('app@example.com', ['a@example.org']))).catch((e) => e);
    expect(err).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(err.message).toBe(
      'User: arn:aws:sts::000000000000:assumed-role/mailer/fn is not authorized to perform: ses:SendEmail on resource: arn:aws:ses:us-east-1:000000000000:identity/app@example.com because no identity-based policy allows the ses:SendEmail action',
    );
    const v2AsRole = new V2.SESv2Client(emu.config(await session()));
    await expect(v2AsRole.send(new V2.SendEmailCommand({ FromEmailAddress: 'app@example.com', Destination: { ToAddresses: ['a@example.org'] }, Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } } }))).rejects.toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });

    await iam.send(new IAM.PutRolePolicyCommand({ RoleName: 'mailer', PolicyName: 'send', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ses:SendEmail', 'ses:SendRawEmail'], Resource: 'arn:aws:ses:us-east-1:000000000000:identity/app@example.com' }] }) }));
    await expect(asRole.send(new SES.SendEmailCommand(simple('app@example.com', ['a@example.org'])))).resolves.toHaveProperty('MessageId');
    await expect(v2AsRole.send(new V2.SendEmailCommand({ FromEmailAddress: 'app@example.com', Destination: { ToAddresses: ['a@example.org'] }, Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } } }))).resolves.toHaveProperty('MessageId');
    // The policy names one identity: another verified sender is still refused.
    await ses.send(new SES.VerifyEmailIdentityCommand({ EmailAddress: 'other@example.com' }));
    await expect(asRole.send(new SES.SendEmailCommand(simple('other@example.com', ['a@example.org'])))).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});
