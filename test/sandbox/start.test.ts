import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { BIN, ROOT } from '../helpers/cli.js';
import { TERMINAL_PROTOCOL } from '../../src/sandbox/security.js';
import { ensureTestSite, startCourse } from './helpers.js';

/** `npm start` (`awslings start`): what it says when a port is taken, and that Ctrl-C stops everything. */

const exec = promisify(execFile);

beforeAll(async () => {
  await ensureTestSite();
}, 120_000);

async function listen(handler: RequestListener): Promise<Server> {
  const s = createServer(handler);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return s;
}

async function start(args: string[]): Promise<{ code: number; out: string }> {
  const dir = join(ROOT, '.awslings', `test-${randomBytes(4).toString('hex')}`);
  const env = { ...process.env, NO_COLOR: '1', AWSLINGS_STATE_DIR: join(dir, 'state'), AWSLINGS_WORKSPACE_DIR: join(dir, 'workspace') };
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, 'start', ...args], { cwd: ROOT, env, timeout: 60_000 });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const refuses = (port: number) =>
  fetch(`http://127.0.0.1:${port}/`).then(
    () => false,
    () => true,
  );

describe('awslings start', { timeout: 90_000 }, () => {
  let localstack: Server;
  beforeAll(async () => {
    // What LocalStack answers on its health endpoint: no "awslings" flag.
    localstack = await listen((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ services: { s3: 'running', lambda: 'available' }, edition: 'community', version: '4.14.0' }));
    });
  });
  afterAll(() => new Promise<void>((r) => localstack.close(() => r())));

  it('says when the emulator port is taken by LocalStack, and how to use it or another port', async () => {
    const port = (localstack.address() as AddressInfo).port;
    const r = await start(['--port', '0', '--emulator-port', String(port)]);
    expect(r.code).toBe(2);
    expect(r.out).toContain(`port ${port} is taken, by LocalStack`);
    expect(r.out).toContain('npm start -- --target localstack');
    expect(r.out).toMatch(/AWSLINGS_PORT=\d+ npm start/);
  });

  it('says when the site port is taken, and which variable changes it', async () => {
    const busy = await listen((_q, s) => s.end());
    try {
      const port = (busy.address() as AddressInfo).port;
      const r = await start(['--port', String(port), '--emulator-port', '0']);
      expect(r.code).toBe(2);
      expect(r.out).toContain(`Port ${port} is in use`);
      expect(r.out).toContain('AWSLINGS_SITE_PORT=');
    } finally {
      busy.close();
    }
  });

  it('stops the site, the terminals and the emulator on Ctrl-C', async () => {
    const course = await startCourse();
    try {
      const site = Number(new URL(course.url).port);
      const emulator = Number(/embedded emulator on http:\/\/127\.0\.0\.1:(\d+)/.exec(course.output())![1]);
      const html = await (await fetch(course.url, { headers: { host: `localhost:${site}` } })).text();
      const token = /"token":"([\w-]+)"/.exec(html)![1];

      // A shell in the page's terminal: its pid, so we can see it end.
      const ws = new WebSocket(`ws://127.0.0.1:${site}/_sandbox/terminal`, [TERMINAL_PROTOCOL, `token.${token}`], { origin: `http://localhost:${site}`, headers: { host: `localhost:${site}` } });
      let out = '';
      ws.on('message', (d, binary) => binary && (out += d.toString()));
      await new Promise((r) => ws.once('open', r));
      ws.send(Buffer.from('echo "pid=$$"\n'));
      await expect.poll(() => /pid=(\d+)/.exec(out)?.[1], { timeout: 15_000 }).toBeTruthy();
      const shell = Number(/pid=(\d+)/.exec(out)![1]);

      const exited = new Promise<number | null>((r) => course.child.once('exit', (code) => r(code)));
      course.child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(course.output()).toContain('awslings: stopped');
      expect(await refuses(site)).toBe(true);
      expect(await refuses(emulator)).toBe(true);
      await expect.poll(() => {
        try {
          process.kill(shell, 0);
          return 'alive';
        } catch {
          return 'gone';
        }
      }, { timeout: 5000 }).toBe('gone');
    } finally {
      await course.stop();
    }
  });
});
