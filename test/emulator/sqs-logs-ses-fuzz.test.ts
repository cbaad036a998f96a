import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as SQS from '@aws-sdk/client-sqs';
import * as L from '@aws-sdk/client-cloudwatch-logs';
import * as SES from '@aws-sdk/client-ses';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;

/** A seeded PRNG, so a failing case can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] };
}

const ops = (m: Record<string, unknown>) => Object.keys(m).filter((k) => k.endsWith('Command') && k !== 'Command').map((k) => k.slice(0, -'Command'.length));
/** The member names of an operation's input, from the SDK's schema. */
const members = (m: Record<string, unknown>, op: string): string[] => ((m[`${op}Request$`] ?? m[`${op}Input$`]) as unknown[] | undefined)?.[4] as string[] ?? [];
const auth = (service: string) => `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`;

beforeAll(async () => {
  emu = await startTestEmulator();
  await new SQS.SQSClient(emu.config()).send(new SQS.CreateQueueCommand({ QueueName: 'q' }));
  const logs = new L.CloudWatchLogsClient(emu.config());
  await logs.send(new L.CreateLogGroupCommand({ logGroupName: 'g' }));
  await logs.send(new L.CreateLogStreamCommand({ logGroupName: 'g', logStreamName: 's' }));
});
afterAll(() => emu.close());

describe('SQS, CloudWatch Logs and SES under malformed requests', () => {
  it('answer every operation with wrong types and odd values without a server error', { timeout: 60_000 }, async () => {
    const r = rng(3);
    const url = `${emu.url}/000000000000/q`;
    const VALUES: unknown[] = ['', 'a', 'x'.repeat(300), -1, 0, 1e20, true, null, [], {}, [1, 'a'], { a: 1 }, 'arn:aws:sqs:us-east-1:000000000000:q', url, '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:q","maxReceiveCount":1}', '{ $.a = }', '[a, b', '%(%', '\u0000', 'f/0001/s', 'a@b.c', 'Name <x@y.z>', 12.5];
    const failures: string[] = [];
    const check = async (what: string, res: Response) => {
      if (res.status >= 500) failures.push(`${what} -> ${res.status} ${(await res.text()).slice(0, 200)}`);
    };
    for (const [service, target, mod, type] of [['sqs', 'AmazonSQS', SQS, '1.0'], ['logs', 'Logs_20140328', L, '1.1']] as const) {
      for (const op of ops(mod)) {
        for (let i = 0; i < 8; i++) {
          const body: Record<string, unknown> = {};
          for (const m of members(mod, op)) if (r.next() < 0.7) body[m] = r.pick(VALUES);
          const res = await fetch(emu.url, { method: 'POST', headers: { 'content-type': `application/x-amz-json-${type}`, 'x-amz-target': `${target}.${op}`, authorization: auth(service) }, body: JSON.stringify(body) });
          await check(`${service}.${op} ${JSON.stringify(body).slice(0, 120)}`, res);
        }
      }
    }
    for (const [service, mod] of [['sqs', SQS], ['ses', SES]] as const) {
      for (const op of ops(mod)) {
        for (let i = 0; i < 8; i++) {
          const form = new URLSearchParams({ Action: op });
          for (const m of members(mod, op)) if (r.next() < 0.7) form.set(m, String(JSON.stringify(r.pick(VALUES))));
          if (r.next() < 0.3) form.set('RawMessage.Data', Buffer.from(String(r.pick(VALUES))).toString('base64'));
          const res = await fetch(emu.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth(service) }, body: form.toString() });
          await check(`${service} query ${form.toString().slice(0, 120)}`, res);
        }
      }
    }
    for (const [method, path] of [['POST', '/v2/email/outbound-emails'], ['POST', '/v2/email/identities'], ['POST', '/v2/email/templates'], ['POST', '/v2/email/list-identities']] as const) {
      for (let i = 0; i < 30; i++) {
        const body: Record<string, unknown> = {};
        for (const m of ['FromEmailAddress', 'Destination', 'Content', 'EmailIdentity', 'Tags', 'TemplateName', 'TemplateContent', 'EmailTags', 'PageSize']) {
          if (r.next() < 0.6) body[m] = r.pick([...VALUES, { Simple: { Subject: { Data: 'x' }, Body: {} } }, { Raw: { Data: 'AAAA' } }, { Template: { TemplateData: '{' } }, { ToAddresses: ['a@b.c'] }]);
        }
        const res = await fetch(emu.url + path, { method, headers: { 'content-type': 'application/json', authorization: auth('ses') }, body: JSON.stringify(body) });
        await check(`sesv2 ${path} ${JSON.stringify(body).slice(0, 120)}`, res);
      }
    }
    expect(failures).toEqual([]);
    // And it still serves.
    await expect(new SQS.SQSClient(emu.config()).send(new SQS.ListQueuesCommand({}))).resolves.toHaveProperty('QueueUrls');
  });
});
