import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdirSync as makeDir, rmSync as removeDir } from 'node:fs';

// This file's own workspace and progress (src/common/paths.ts reads them when first imported).
const scratch = vi.hoisted(() => {
  const dir = `${process.cwd()}/.awslings/test-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
  process.env.AWSLINGS_WORKSPACE_DIR = `${dir}/workspace`;
  process.env.AWSLINGS_STATE_DIR = `${dir}/state`;
  return dir;
});
// The shells get a HOME of their own, away from the developer's .bashrc.
const shellEnv = () => {
  makeDir(`${scratch}/home`, { recursive: true });
  return { HOME: `${scratch}/home` };
};
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { resolveTarget } from '../../src/labkit/target.js';
import type { TargetInfo } from '../../src/labkit/types.js';
import { startSandbox, TERMINAL_PATH, type RunningSandbox } from '../../src/sandbox/server.js';
import { isLoopback, TERMINAL_PROTOCOL, TOKEN_HEADER } from '../../src/sandbox/security.js';

/**
 * The terminal is a shell, so a page on any other site, another port of localhost, or a
 * DNS-rebound name must not reach it (architecture.md, "Security rules"). Each refusal happens
 * before a shell exists: the server counts the shells it spawned.
 */

let emu: TestEmulator;
let target: TargetInfo;
let sandbox: RunningSandbox;

/** An address of this machine that is not loopback, if it has one. */
const external = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

beforeAll(async () => {
  emu = await startTestEmulator();
  target = (await resolveTarget({ port: emu.port, startEmbedded: false })).info;
  sandbox = await startSandbox({ port: 0, target, shell: '/bin/sh', env: shellEnv() });
});

afterAll(async () => {
  await sandbox?.close();
  await emu?.close();
  removeDir(scratch, { recursive: true, force: true });
});

interface Attempt {
  host?: string;
  origin?: string;
  protocols?: string[];
  path?: string;
  address?: string;
  port?: number;
}

/** Opens a terminal WebSocket with exactly these headers; resolves with the handshake's outcome. */
function connect(a: Attempt): Promise<{ opened: boolean; status?: number; ws?: WebSocket }> {
  const port = a.port ?? sandbox.port;
  const headers: Record<string, string> = {};
  if (a.origin !== undefined) headers.origin = a.origin;
  const ws = new WebSocket(`ws://${a.address ?? '127.0.0.1'}:${port}${a.path ?? TERMINAL_PATH}`, a.protocols ?? [], {
    headers: { ...headers, ...(a.host !== undefined ? { host: a.host } : {}) },
    origin: a.origin,
    handshakeTimeout: 5000,
  });
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ opened: true, ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ opened: false, status: res.statusCode });
      ws.terminate();
    });
    ws.once('error', () => resolve({ opened: false }));
  });
}

const good = (): Attempt => ({
  host: `localhost:${sandbox.port}`,
  origin: `http://localhost:${sandbox.port}`,
  protocols: [TERMINAL_PROTOCOL, `token.${sandbox.token}`],
});

describe('the terminal WebSocket', () => {
  it('opens a shell for the course page (right Host, Origin and token), with the sandbox AWS environment', async () => {
    const before = sandbox.stats.ptySpawns;
    const { opened, ws } = await connect(good());
    expect(opened).toBe(true);
    expect(ws!.protocol).toBe(TERMINAL_PROTOCOL);
    let out = '';
    ws!.on('message', (d, binary) => {
      if (binary) out += d.toString();
    });
    await expect.poll(() => sandbox.stats.ptySpawns, { timeout: 10_000 }).toBe(before + 1);
    ws!.send(Buffer.from('echo "endpoint=$AWS_ENDPOINT_URL"\n'));
    await expect.poll(() => out, { timeout: 10_000 }).toContain(`endpoint=${target.endpoint}`);
    ws!.close();
  });

  const cases: [string, (g: Attempt) => Attempt][] = [
    ['a foreign Origin', (g) => ({ ...g, origin: 'https://evil.example' })],
    ['the Origin of another localhost port', (g) => ({ ...g, origin: `http://localhost:${sandbox.port + 1}` })],
    ['an Origin that differs in scheme', (g) => ({ ...g, origin: `https://localhost:${sandbox.port}` })],
    ['the "null" Origin (sandboxed frames, file: pages)', (g) => ({ ...g, origin: 'null' })],
    ['no Origin', (g) => ({ ...g, origin: undefined })],
    ['a wrong Host (DNS rebinding)', (g) => ({ ...g, host: `evil.example:${sandbox.port}` })],
    ['a Host with another port', (g) => ({ ...g, host: `localhost:${sandbox.port + 1}` })],
    ['no token', (g) => ({ ...g, protocols: [TERMINAL_PROTOCOL] })],
    ['a wrong token', (g) => ({ ...g, protocols: [TERMINAL_PROTOCOL, `token.${'x'.repeat(sandbox.token.length)}`] })],
    ['the token without the terminal protocol', (g) => ({ ...g, protocols: [`token.${sandbox.token}`] })],
    ['the token in the URL instead', (g) => ({ ...g, protocols: [TERMINAL_PROTOCOL], path: `${TERMINAL_PATH}?token=${sandbox.token}` })],
  ];

  for (const [name, make] of cases) {
    it(`refuses ${name}, and spawns nothing`, async () => {
      const before = sandbox.stats.ptySpawns;
      const r = await connect(make(good()));
      expect(r.opened).toBe(false);
      expect(r.status).toBe(403);
      await new Promise((res) => setTimeout(res, 100));
      expect(sandbox.stats.ptySpawns).toBe(before);
    });
  }

  it.skipIf(!external)('refuses a peer that is not on this machine, even with every header and the token right', async () => {
    // The sandbox binds 127.0.0.1 only, so a remote peer cannot even connect. A second server bound to
    // this machine's network address stands in for a wider bind: its loopback check must still refuse.
    const wide = await startSandbox({ port: 0, host: external, target, shell: '/bin/sh', env: shellEnv() });
    try {
      const r = await connect({
        address: external,
        port: wide.port,
        host: `localhost:${wide.port}`,
        origin: `http://localhost:${wide.port}`,
        protocols: [TERMINAL_PROTOCOL, `token.${wide.token}`],
      });
      expect(r.opened).toBe(false);
      expect(r.status).toBe(403);
      expect(wide.stats.refused.peer).toBe(1);
      expect(wide.stats.ptySpawns).toBe(0);
    } finally {
      await wide.close();
    }
  });

  it('tells loopback addresses from others', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(isLoopback(a)).toBe(true);
    for (const a of ['192.0.2.2', '10.0.0.1', '::ffff:10.0.0.1', 'fd00::2', '', undefined]) expect(isLoopback(a)).toBe(false);
  });

  it('binds to loopback only by default', () => {
    const addr = sandbox.server.address();
    expect(typeof addr === 'object' && addr?.address).toBe('127.0.0.1');
  });
});

describe('the lab API and the pages', () => {
  const url = (p: string) => `http://127.0.0.1:${sandbox.port}${p}`;
  const http = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    fetch(url(path), { method: init.method ?? 'GET', headers: init.headers, body: init.body });
  const own = () => ({ origin: `http://localhost:${sandbox.port}`, [TOKEN_HEADER]: sandbox.token, 'content-type': 'application/json' });

  it('answers the course page (its Origin and token)', async () => {
    const r = await http('/api/session', { headers: own() });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { target: { accountId: string } }).target.accountId).toBe(target.accountId);
  });

  it('refuses a state-changing request from another site, or without the token, before doing anything', async () => {
    const reset = (headers: Record<string, string>) => http('/api/labs/lambda-hello-sync/reset', { method: 'POST', headers, body: '{"confirm":true}' });
    const foreign = await reset({ ...own(), origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { refused: string }).refused).toBe('origin');
    const noOrigin = await reset({ [TOKEN_HEADER]: sandbox.token, 'content-type': 'application/json' });
    expect(noOrigin.status).toBe(403);
    const noToken = await reset({ origin: own().origin, 'content-type': 'application/json' });
    expect(((await noToken.json()) as { refused: string }).refused).toBe('token');
    const preflight = await http('/api/labs/lambda-hello-sync/reset', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  /** node:http, since fetch does not let a caller set Host. */
  const raw = (path: string, headers: Record<string, string>) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: sandbox.port, path, headers }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });

  it('hands the token only to its own pages: never under another Host (DNS rebinding)', async () => {
    const site = mkdtempSync(join(tmpdir(), 'awslings-site-'));
    writeFileSync(join(site, 'index.html'), '<!doctype html><html><head><title>t</title></head><body>course</body></html>');
    sandbox.serveSite(site);
    try {
      const page = await raw('/', { host: `localhost:${sandbox.port}` });
      expect(page.status).toBe(200);
      expect(page.body).toContain(`"token":"${sandbox.token}"`);
      for (const host of [`attacker.example:${sandbox.port}`, `localhost:${sandbox.port + 1}`, `192.0.2.2:${sandbox.port}`]) {
        const rebound = await raw('/', { host });
        expect(rebound.status).toBe(403);
        expect(rebound.body).not.toContain(sandbox.token);
        const api = await raw('/api/session', { host, [TOKEN_HEADER]: sandbox.token });
        expect(api.status).toBe(403);
      }
    } finally {
      rmSync(site, { recursive: true, force: true });
    }
  });

  it('forbids framing its pages by other sites', async () => {
    const r = await http('/api/session', { headers: own() });
    expect(r.status).toBe(200);
    const page = await fetch(url('/nothing-here'));
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});
