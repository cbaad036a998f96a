import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { strToU8, zipSync } from 'fflate';
import * as IAM from '@aws-sdk/client-iam';
import * as Lambda from '@aws-sdk/client-lambda';
import { ms, report, spawnEmulator, stats, stop } from './lib.js';

const ROOT_CREDS = { accessKeyId: 'test', secretAccessKey: 'test' };
const cfg = (endpoint: string) => ({ endpoint, region: 'us-east-1', credentials: ROOT_CREDS, maxAttempts: 1 });
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const zip = (code: string) => zipSync({ 'index.mjs': strToU8(code) });
const TRIVIAL = zip(`export const handler = async (event) => ({ ok: true });`);
const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

/** A bare `node -e` start: what a cold start costs when nothing is started ahead of time. */
async function bareNodeSpawn(): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', 'process.stdout.write("x")'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  const t = performance.now() - t0;
  await new Promise((r) => child.once('exit', r));
  return t;
}

export async function lambdaBench(): Promise<void> {
  console.log('\nLambda (issue 3)');
  const e = await spawnEmulator();
  try {
    const iam = new IAM.IAMClient(cfg(e.url));
    const lambda = new Lambda.LambdaClient(cfg(e.url));
    const role = (await iam.send(new IAM.CreateRoleCommand({ RoleName: 'bench', AssumeRolePolicyDocument: TRUST }))).Role!.Arn!;
    const create = (name: string, code = TRIVIAL) =>
      lambda.send(new Lambda.CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Role: role, Handler: 'index.handler', Code: { ZipFile: code } }));

    // Loads the Lambda service and what it uses (STS, IAM, Logs) once, as a learner's first command does.
    await create('warmup');
    await lambda.send(new Lambda.InvokeCommand({ FunctionName: 'warmup' }));

    // 1. Cold start: the first invocation right after CreateFunction.
    const colds: number[] = [];
    const inits: number[] = [];
    for (let i = 0; i < 15; i++) {
      await sleep(300); // a learner does not create functions back to back
      await create(`cold-${i}`);
      const t = performance.now();
      const out = await lambda.send(new Lambda.InvokeCommand({ FunctionName: `cold-${i}`, LogType: 'Tail' }));
      colds.push(performance.now() - t);
      const m = /Init Duration: ([\d.]+) ms/.exec(Buffer.from(out.LogResult ?? '', 'base64').toString());
      if (m) inits.push(Number(m[1]));
    }
    // The same, back to back: the spare a cold start used may still be starting for the next one.
    const rushed: number[] = [];
    for (let i = 0; i < 8; i++) {
      await create(`rushed-${i}`);
      const t = performance.now();
      await lambda.send(new Lambda.InvokeCommand({ FunctionName: `rushed-${i}` }));
      rushed.push(performance.now() - t);
    }
    const bare: number[] = [];
    for (let i = 0; i < 10; i++) bare.push(await bareNodeSpawn());
    const cold = stats(colds);
    const spawnMedian = stats(bare).median;
    report(
      'cold start: first Invoke after CreateFunction (median of 15)',
      ms(cold.median),
      '< 150 ms',
      cold.median < 150,
      `p90 ${ms(cold.p90)}; Init Duration median ${ms(stats(inits).median)} (${inits.length}/15 REPORT lines cold); back to back with no pause: median ${ms(stats(rushed).median)}; a bare \`node -e\` spawn: ${ms(spawnMedian)}, ratio ${(cold.median / spawnMedian).toFixed(2)}x`,
    );

    // 2. Warm invocations through the SDK, against a canned HTTP server answering the same call.
    const warm = new Lambda.LambdaClient(cfg(e.url));
    for (let i = 0; i < 300; i++) await warm.send(new Lambda.InvokeCommand({ FunctionName: 'warmup', Payload: Buffer.from('{"n":1}') }));
    const lat: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t = performance.now();
      await warm.send(new Lambda.InvokeCommand({ FunctionName: 'warmup', Payload: Buffer.from('{"n":1}') }));
      lat.push(performance.now() - t);
    }
    const canned = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' }).end('{"ok":true}'));
    });
    await new Promise<void>((r) => canned.listen(0, '127.0.0.1', r));
    const baseClient = new Lambda.LambdaClient(cfg(`http://127.0.0.1:${(canned.address() as AddressInfo).port}`));
    for (let i = 0; i < 300; i++) await baseClient.send(new Lambda.InvokeCommand({ FunctionName: 'warmup', Payload: Buffer.from('{"n":1}') }));
    const base: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t = performance.now();
      await baseClient.send(new Lambda.InvokeCommand({ FunctionName: 'warmup', Payload: Buffer.from('{"n":1}') }));
      base.push(performance.now() - t);
    }
    canned.close();
    const w = stats(lat);
    const b = stats(base);
    report('warm Invoke through the SDK, p50', ms(w.p50), '< 3 ms', w.p50 < 3, `bare HTTP round trip with the same client: p50 ${ms(b.p50)} (emulator ${(w.p50 / b.p50).toFixed(2)}x)`);
    report('warm Invoke through the SDK, p99', ms(w.p99), '< 10 ms', w.p99 < 10, `bare HTTP round trip p99 ${ms(b.p99)}`);

    // 3. 100 concurrent invocations of one function.
    await create('burst', zip(`export const handler = async () => { await new Promise((r) => setTimeout(r, 50)); return process.pid; };`));
    await lambda.send(new Lambda.InvokeCommand({ FunctionName: 'burst' }));
    const clients = Array.from({ length: 100 }, () => new Lambda.LambdaClient(cfg(e.url)));
    const t0 = performance.now();
    const outs = await Promise.allSettled(clients.map((c) => c.send(new Lambda.InvokeCommand({ FunctionName: 'burst' }))));
    const took = performance.now() - t0;
    const ok = outs.filter((o) => o.status === 'fulfilled' && o.value.StatusCode === 200 && !o.value.FunctionError).length;
    const pids = new Set(outs.map((o) => (o.status === 'fulfilled' ? Buffer.from(o.value.Payload!).toString() : '')));
    const envs = (await (await fetch(`${e.url}/_awslings/lambda/environments`)).json()) as { settings: { maxEnvironmentsPerFunction: number }; environments: { functionName: string }[] };
    const count = envs.environments.filter((x) => x.functionName === 'burst').length;
    const cap = envs.settings.maxEnvironmentsPerFunction;
    report(
      '100 concurrent Invokes of one function',
      `${ok}/100 succeeded in ${ms(took)}, ${count} environments`,
      `all succeed, environments <= ${cap}`,
      ok === 100 && count <= cap && pids.size <= cap,
      `${pids.size} distinct processes served them; one would take 100 x 50 ms = 5000 ms`,
    );
  } finally {
    await stop(e.child);
  }
  console.log('  (the machine is shared with other work: figures are noisy; rerun with `npm run bench -- lambda`)');
}
