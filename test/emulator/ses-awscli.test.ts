import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { aws, requireAwsCli } from '../helpers/awscli.js';

let emu: TestEmulator;

beforeAll(async () => {
  requireAwsCli();
  emu = await startTestEmulator();
});
afterAll(() => emu?.close());

describe('AWS CLI v2 against SES v1 and v2', () => {
  it('verifies identities, sends with both APIs, and the mail shows at /_aws/ses', { timeout: 60_000 }, async () => {
    const cli = (args: string[]) => aws(emu.url, args);
    await expect(cli(['ses', 'send-email', '--from', 'me@example.com', '--to', 'you@example.org', '--subject', 's', '--text', 't'])).rejects.toThrow(
      /\(MessageRejected\).*Email address is not verified\. The following identities failed the check in region US-EAST-1: me@example\.com/,
    );
    await cli(['ses', 'verify-email-identity', '--email-address', 'me@example.com']);
    expect((await cli(['ses', 'list-identities'])).Identities).toEqual(['me@example.com']);
    const v1 = await cli(['ses', 'send-email', '--from', 'me@example.com', '--to', 'you@example.org', '--subject', 'From v1', '--text', 'plain', '--html', '<p>rich</p>']);
    // CLI v2 takes blobs as base64.
    const mime = Buffer.from('From: me@example.com\r\nTo: raw@example.org\r\nSubject: Raw via CLI\r\n\r\nraw text\r\n').toString('base64');
    const raw = await cli(['ses', 'send-raw-email', '--raw-message', `Data=${mime}`]);
    expect((await cli(['ses', 'get-send-quota'])).SentLast24Hours).toBe(2);

    await cli(['sesv2', 'create-email-identity', '--email-identity', 'v2@example.com']);
    expect((await cli(['sesv2', 'get-email-identity', '--email-identity', 'v2@example.com'])).VerifiedForSendingStatus).toBe(true);
    const v2 = await cli([
      'sesv2', 'send-email', '--from-email-address', 'v2@example.com', '--destination', 'ToAddresses=you@example.org',
      '--content', JSON.stringify({ Simple: { Subject: { Data: 'From v2' }, Body: { Text: { Data: 'v2 text' } } } }),
    ]);
    expect((await cli(['sesv2', 'get-account'])).SendQuota).toMatchObject({ Max24HourSend: 200, SentLast24Hours: 3 });

    const { messages } = (await (await fetch(`${emu.url}/_aws/ses`)).json()) as { messages: Record<string, unknown>[] };
    expect(messages.map((m) => m.Id)).toEqual([v1.MessageId, raw.MessageId, v2.MessageId]);
    expect(messages[0]).toMatchObject({ Source: 'me@example.com', Subject: 'From v1', Body: { text_part: 'plain', html_part: '<p>rich</p>' }, Destination: { ToAddresses: ['you@example.org'] } });
    expect(messages[1]).toMatchObject({ Source: 'me@example.com', RawData: expect.stringContaining('Subject: Raw via CLI') });
    expect(messages[2]).toMatchObject({ Source: 'v2@example.com', Subject: 'From v2', Body: { text_part: 'v2 text', html_part: null } });
  });
});
