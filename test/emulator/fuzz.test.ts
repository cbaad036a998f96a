import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import * as IAM from '@aws-sdk/client-iam';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/** A small seeded PRNG (mulberry32), so a failing case can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))),
  };
}

const IAM_OPS = Object.keys(IAM).filter((k) => k.endsWith('Command') && k !== 'Command').map((k) => k.slice(0, -'Command'.length));
const STS_OPS = ['GetCallerIdentity', 'AssumeRole', 'AssumeRoleWithWebIdentity', 'GetSessionToken', 'GetFederationToken', 'GetAccessKeyInfo'];
const PARAM_NAMES = ['UserName', 'RoleName', 'GroupName', 'PolicyArn', 'PolicyDocument', 'AssumeRolePolicyDocument', 'Path', 'PathPrefix', 'MaxItems', 'Marker', 'Tags.member.1.Key', 'Tags.member.1.Value', 'Tags.member.7.Key', 'ActionNames.member.1', 'ActionNames.member.x', 'ResourceArns.member.1', 'PolicySourceArn', 'RoleArn', 'RoleSessionName', 'DurationSeconds', 'ExternalId', 'WebIdentityToken', 'SetAsDefault', 'VersionId', 'ContextEntries.member.1.ContextKeyValues.member.1', 'PolicyInputList.member.1'];
const VALUES = ['', 'a', 'x'.repeat(300), '-1', '0', '99999999999999999999', 'NaN', 'true', 'maybe', '{', '{"Version":"2012-10-17"}', '{"Statement":[{"Effect":"Allow"}]}', 'arn:aws:iam::000000000000:role/x', 'arn:aws:iam::aws:policy/AdministratorAccess', 'arn:', '%00', '\u0000\u0001', '../../etc/passwd', '<xml>', '1e309', 'ünïcödé', 'a.b.c', '2026-13-45T99:99:99Z'];
const TYPES = ['application/json', 'application/x-amz-json-1.1', 'application/x-amz-json-1.0', 'application/x-www-form-urlencoded', 'text/xml', 'application/xml', 'multipart/form-data; boundary=x', 'garbage/type', ''];
const SERVICES = ['iam', 'sts', 'lambda', 's3', 'nope', '', 'execute-api', 'cognito-idp'];
const BODIES = ['{', '{"a":', '[]', 'null', '123', '"str"', '{"RoleName": 5}', '{"__proto__": {"x": 1}}', '<a><b></a>', '<?xml version="1.0"?><CreateBucketConfiguration><LocationConstraint>', 'Action=CreateRole&RoleName=', 'Action=&&&==&', '%%%%', '\uFFFF\uFFFE'];

function authHeader(r: ReturnType<typeof rng>): string | undefined {
  switch (r.int(9)) {
    case 0:
      return undefined;
    case 1:
      return 'AWS4-HMAC-SHA256';
    case 2:
      return 'AWS4-HMAC-SHA256 Credential=, SignedHeaders=, Signature=';
    case 3:
      return `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${r.pick(SERVICES)}, SignedHeaders=host, Signature=00`;
    case 4:
      return 'AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=';
    case 5:
      return `AWS4-HMAC-SHA256 Credential=AKIA${'A'.repeat(16)}/20260101/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'ab'.repeat(32)}`;
    case 6:
      return `AWS4-HMAC-SHA256 Credential=ASIA${'Z'.repeat(16)}/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=zz`;
    case 7:
      return 'Bearer abc.def.ghi';
    default:
      return `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${r.pick(['iam', 'sts'])}/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`;
  }
}

function formBody(r: ReturnType<typeof rng>): string {
  const op = r.next() < 0.8 ? r.pick([...IAM_OPS, ...STS_OPS]) : r.pick(VALUES);
  const parts = [`Action=${encodeURIComponent(op)}`, 'Version=2010-05-08'];
  const n = r.int(6);
  for (let i = 0; i < n; i++) parts.push(`${r.pick(PARAM_NAMES)}=${encodeURIComponent(r.pick(VALUES))}`);
  if (r.next() < 0.1) parts.push('%ZZ=%E0%A4%A');
  return parts.join('&');
}

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ maxBodyBytes: 2 * 1024 * 1024 });
});
afterAll(() => emu.close());

describe('bad input never crashes the emulator', () => {
  it('answers 2,000 malformed requests with client errors, never a 5xx, and keeps serving', async () => {
    const r = rng(20261126);
    const statuses = new Map<number, number>();
    const serverErrors: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const headers: Record<string, string> = {};
      const auth = authHeader(r);
      if (auth) headers['authorization'] = auth;
      const type = r.pick(TYPES);
      if (type) headers['content-type'] = type;
      if (r.next() < 0.3) headers['x-amz-target'] = r.pick(['', 'AWSCognitoIdentityProviderService.SignUp', 'Garbage.Op', 'X.Y.Z', 'AWSIdentityManagementV20100508.CreateRole', '.']);
      if (r.next() < 0.2) headers['x-amz-date'] = r.pick(['20260101T000000Z', 'yesterday', '']);
      if (r.next() < 0.1) headers['x-amz-security-token'] = r.pick(['', 'tok', 'x'.repeat(2000)]);
      let body: string | Buffer;
      const kind = r.int(10);
      if (kind < 5) body = formBody(r);
      else if (kind < 7) body = r.pick(BODIES);
      else if (kind < 8) body = r.bytes(r.int(4096));
      else if (kind < 9) body = '{"a":'.repeat(r.int(2000)); // deep nesting / truncated
      else body = r.next() < 0.02 ? Buffer.alloc(3 * 1024 * 1024, 'a') : '';
      const path = r.pick(['/', '/', '/', '/2015-03-31/functions', '/_awslings/reset', '/_localstack/health', '/%ZZ', '/a/../../b', `/${'x'.repeat(3000)}`, '/?Action=GetCallerIdentity', '/restapis']);
      const method = r.pick(['POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'HEAD']);
      const res = await fetch(`${emu.url}${path}`, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : (body as BodyInit) }).catch((e: Error) => e);
      if (res instanceof Error) throw new Error(`request ${i} failed at the transport level: ${res.message}`);
      const text = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) serverErrors.push(`#${i} ${method} ${path.slice(0, 80)} ${res.status}: ${text.slice(0, 300)}`);
    }
    expect(serverErrors, serverErrors.slice(0, 5).join('\n')).toEqual([]);
    // It still does its job afterwards.
    const iam = new IAM.IAMClient(emu.config());
    await iam.send(new IAM.CreateUserCommand({ UserName: 'after-fuzz' }));
    expect((await iam.send(new IAM.GetUserCommand({ UserName: 'after-fuzz' }))).User!.UserName).toBe('after-fuzz');
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
  });

  it('survives broken HTTP on the socket', async () => {
    const garbage = ['GARBAGE\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n', '\x00\x01\x02\x03', 'GET / HTTP/9.9\r\n\r\n'];
    for (const g of garbage) {
      await new Promise<void>((resolve) => {
        const s = connect(emu.port, '127.0.0.1', () => s.end(g));
        s.on('data', () => undefined);
        s.on('close', () => resolve());
        s.on('error', () => resolve());
        s.setTimeout(2000, () => s.destroy());
      });
    }
    const res = await fetch(`${emu.url}/_localstack/health`);
    expect(res.status).toBe(200);
  });
});
