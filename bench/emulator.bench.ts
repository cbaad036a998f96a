import { spawn } from 'node:child_process';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as IAM from '@aws-sdk/client-iam';
import * as STS from '@aws-sdk/client-sts';
import { load, ms, report, rssMb, spawnEmulator, stats, stop, stsLoadInWorkers } from './lib.js';

const ROOT_CREDS = { accessKeyId: 'test', secretAccessKey: 'test' };
const cfg = (endpoint: string, credentials = ROOT_CREDS) => ({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

async function bareNodeStart(): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', "require('node:http').createServer().listen(0,'127.0.0.1',function(){console.log('ready on http://127.0.0.1:'+this.address().port)})"], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => /ready on/.test(d.toString()) && resolve()));
  const t = performance.now() - t0;
  child.kill();
  return t;
}

export async function emulatorBench(): Promise<void> {
  console.log('\nEmulator core (issue 2)');

  // 1. Start-up: process start to accepting connections.
  const starts: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 10; i++) {
    const e = await spawnEmulator();
    starts.push(e.readyAt - e.startedAt);
    await stop(e.child);
    bare.push(await bareNodeStart());
  }
  const s = stats(starts).median;
  const b = stats(bare).median;
  report('emulator start to accepting connections (median of 10)', ms(s), '< 400 ms', s < 400, `bare Node http server: ${ms(b)}, ratio ${(s / b).toFixed(2)}x`);

  // 2. Idle memory, fresh and after IAM and STS have loaded.
  const e = await spawnEmulator();
  try {
    await new Promise((r) => setTimeout(r, 500));
    const fresh = rssMb(e.child.pid!);
    const sts = new STS.STSClient(cfg(e.url));
    const iam = new IAM.IAMClient(cfg(e.url));
    await sts.send(new STS.GetCallerIdentityCommand({}));
    await iam.send(new IAM.ListUsersCommand({}));
    await new Promise((r) => setTimeout(r, 500));
    const loaded = rssMb(e.child.pid!);
    report('idle RSS', `${fresh.toFixed(0)} MB fresh, ${loaded.toFixed(0)} MB with IAM and STS loaded`, '< 120 MB', loaded < 120);

    // 3. GetCallerIdentity, 16 concurrent SDK clients, against a bare HTTP server as the baseline.
    const clients = Array.from({ length: 16 }, () => new STS.STSClient(cfg(e.url)));
    await load((w) => clients[w].send(new STS.GetCallerIdentityCommand({})), 16, 1000); // warm-up
    const run = await load((w) => clients[w].send(new STS.GetCallerIdentityCommand({})), 16, 5000);
    const canned = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::000000000000:root</Arn><UserId>000000000000</UserId><Account>000000000000</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
    const baseServer = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'text/xml' }).end(canned));
    });
    await new Promise<void>((r) => baseServer.listen(0, '127.0.0.1', r));
    const baseUrl = `http://127.0.0.1:${(baseServer.address() as AddressInfo).port}`;
    const baseClients = Array.from({ length: 16 }, () => new STS.STSClient(cfg(baseUrl)));
    await load((w) => baseClients[w].send(new STS.GetCallerIdentityCommand({})), 16, 1000);
    const base = await load((w) => baseClients[w].send(new STS.GetCallerIdentityCommand({})), 16, 5000);
    // The same requests from a light HTTP client (16 keep-alive connections): the emulator's own capacity,
    // without the SDK's client-side work, which is what caps the figure above on a 2-core machine.
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const port = new URL(e.url).port;
    const form = 'Action=GetCallerIdentity&Version=2011-06-15';
    const headers = {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'content-length': Buffer.byteLength(form),
      'x-amz-date': '20260101T000000Z',
      authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=${'0'.repeat(64)}`,
    };
    const raw = () =>
      new Promise<void>((resolve, reject) => {
        const r = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve());
        });
        r.on('error', reject);
        r.end(form);
      });
    await load(() => raw(), 16, 1000);
    const rawRun = await load(() => raw(), 16, 5000);
    agent.destroy();
    report('GetCallerIdentity, 16 concurrent raw HTTP connections', `${rawRun.rps.toFixed(0)} req/s`, '>= 3,000 req/s', rawRun.rps >= 3000, `p50 ${ms(stats(rawRun.latencies).p50)}: the emulator's own capacity, without the SDK clients' work`);
    // Server-side time, from the emulator's own view (the SDK's client-side work dominates end to end).
    const single = new STS.STSClient(cfg(e.url));
    const lat: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t = performance.now();
      await single.send(new STS.GetCallerIdentityCommand({}));
      lat.push(performance.now() - t);
    }
    const p50 = stats(lat).p50;
    report('GetCallerIdentity, 16 concurrent SDK clients in one thread', `${run.rps.toFixed(0)} req/s`, 'for information', true, `canned-response Node server with the same clients: ${base.rps.toFixed(0)} req/s (emulator at ${((run.rps / base.rps) * 100).toFixed(0)}%): one thread of SDK clients is the limit`);
    // The same 16 clients spread over two worker threads (as learners' processes would be), so the
    // clients' signing and XML parsing can use both cores beside the emulator.
    const spread = await stsLoadInWorkers(e.url, 2, 8, 5000);
    const spreadBase = await stsLoadInWorkers(baseUrl, 2, 8, 5000);
    baseServer.closeAllConnections();
    baseServer.close();
    report(
      'GetCallerIdentity, 16 concurrent SDK clients (2 worker threads x 8)',
      `${spread.rps.toFixed(0)} req/s`,
      '>= 3,000 req/s',
      spread.rps >= 3000,
      `p50 ${ms(stats(spread.latencies).p50)}; canned-response server with the same clients: ${spreadBase.rps.toFixed(0)} req/s (emulator at ${((spread.rps / spreadBase.rps) * 100).toFixed(0)}%)`,
    );
    report('GetCallerIdentity p50 latency (one client, sequential)', ms(p50), '< 2 ms', p50 < 2, `p99 ${ms(stats(lat).p99)}; under 16-way load p50 ${ms(stats(run.latencies).p50)}`);

    // 4. An enforced IAM call (user key, one policy) against the same call with root keys.
    await iam.send(new IAM.CreateUserCommand({ UserName: 'bench' }));
    await iam.send(new IAM.PutUserPolicyCommand({ UserName: 'bench', PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }] }) }));
    const key = (await iam.send(new IAM.CreateAccessKeyCommand({ UserName: 'bench' }))).AccessKey!;
    const asUser = new IAM.IAMClient(cfg(e.url, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }));
    const call = (c: IAM.IAMClient) => c.send(new IAM.GetUserCommand({ UserName: 'bench' }));
    const root: number[] = [];
    const user: number[] = [];
    for (let i = 0; i < 300; i++) {
      await call(iam);
      await call(asUser);
    }
    for (let i = 0; i < 2000; i++) {
      let t = performance.now();
      await call(iam);
      root.push(performance.now() - t);
      t = performance.now();
      await call(asUser);
      user.push(performance.now() - t);
    }
    const r = stats(root).median;
    const u = stats(user).median;
    report('enforced IAM call vs unenforced (GetUser, median)', `${ms(u)} vs ${ms(r)} = ${(u / r).toFixed(2)}x`, '< 2x', u / r < 2);
  } finally {
    await stop(e.child);
  }
}
