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
import WebSocket from 'ws';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { resolveTarget } from '../../src/labkit/target.js';
import { startSandbox, TERMINAL_PATH, type RunningSandbox } from '../../src/sandbox/server.js';
import { TERMINAL_PROTOCOL } from '../../src/sandbox/security.js';
import { wrapperScript } from '../../src/sandbox/awsCli.js';

/** The terminal server as the page uses it: several shells at once, resize, reconnect to the same shell, close. */

let emu: TestEmulator;
let sandbox: RunningSandbox;

beforeAll(async () => {
  emu = await startTestEmulator();
  const target = (await resolveTarget({ port: emu.port, startEmbedded: false })).info;
  sandbox = await startSandbox({ port: 0, target, detachGraceMs: 3000, maxTerminals: 4, env: shellEnv() });
});

afterAll(async () => {
  await sandbox?.close();
  await emu?.close();
  removeDir(scratch, { recursive: true, force: true });
});

interface Term {
  ws: WebSocket;
  out: () => string;
  control: Record<string, unknown>[];
  send(text: string): void;
  waitFor(re: RegExp, timeout?: number): Promise<RegExpExecArray>;
}

function open(query: Record<string, string> = {}): Promise<Term> {
  const q = new URLSearchParams({ cols: '80', rows: '24', ...query });
  const ws = new WebSocket(`ws://127.0.0.1:${sandbox.port}${TERMINAL_PATH}?${q}`, [TERMINAL_PROTOCOL, `token.${sandbox.token}`], {
    origin: `http://localhost:${sandbox.port}`,
    headers: { host: `localhost:${sandbox.port}` },
  });
  let text = '';
  const control: Record<string, unknown>[] = [];
  ws.on('message', (d, binary) => {
    if (binary) text += d.toString();
    else control.push(JSON.parse(d.toString()));
  });
  const term: Term = {
    ws,
    out: () => text,
    control,
    send: (t) => ws.send(Buffer.from(t)),
    async waitFor(re, timeout = 15_000) {
      await expect.poll(() => re.exec(text), { timeout, interval: 50 }).toBeTruthy();
      return re.exec(text)!;
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(term));
    ws.once('error', reject);
  });
}

const ready = (t: Term) => expect.poll(() => t.control.find((c) => c.type === 'ready'), { timeout: 15_000 }).toBeTruthy();

describe('terminals', { timeout: 60_000 }, () => {
  it('keeps what is typed before the shell exists, and runs each terminal in its own shell, in its lab folder', async () => {
    const a = await open({ lab: 'lambda-hello-sync' });
    a.send('echo "A=$$ $(basename "$PWD")"\n'); // sent at once, before the shell has started
    const b = await open();
    b.send('echo "B=$$"\n');
    const [, pidA, dir] = await a.waitFor(/A=(\d+) (\S+)/);
    const [, pidB] = await b.waitFor(/B=(\d+)/);
    expect(dir).toBe('lambda-hello-sync');
    expect(pidA).not.toBe(pidB);
    expect(sandbox.stats.terminals).toBeGreaterThanOrEqual(2);
    a.ws.send(JSON.stringify({ type: 'close' }));
    b.ws.send(JSON.stringify({ type: 'close' }));
  });

  it('resizes the shell when the page does', async () => {
    const t = await open({ cols: '80', rows: '24' });
    await ready(t);
    t.send('stty size\n');
    await t.waitFor(/24 80/);
    t.ws.send(JSON.stringify({ type: 'resize', cols: 132, rows: 40 }));
    t.send('stty size\n');
    await t.waitFor(/40 132/);
    t.ws.send(JSON.stringify({ type: 'close' }));
  });

  it('reconnects to the same shell after the connection drops, with what it missed', async () => {
    const first = await open();
    await ready(first);
    const session = String(first.control.find((c) => c.type === 'ready')!.session);
    first.send('echo "before=$$"\n');
    const [, pid] = await first.waitFor(/before=(\d+)/);
    first.ws.terminate(); // a dropped connection, not a close

    const again = await open({ session });
    await ready(again);
    expect(again.control.find((c) => c.type === 'ready')!.reattached).toBe(true);
    expect(again.out()).toContain(`before=${pid}`); // replayed
    again.send('echo "after=$$"\n');
    await again.waitFor(new RegExp(`after=${pid}`));
    again.ws.send(JSON.stringify({ type: 'close' }));
  });

  it('ends a shell nobody comes back to, and a shell the page closed at once', async () => {
    const t = await open();
    await ready(t);
    const session = String(t.control.find((c) => c.type === 'ready')!.session);
    t.ws.terminate();
    await new Promise((r) => setTimeout(r, 3500)); // the grace period of this test's server
    const later = await open({ session });
    await ready(later);
    expect(later.control.find((c) => c.type === 'ready')!.reattached).toBe(false);

    const spawns = sandbox.stats.ptySpawns;
    const closed = new Promise((r) => later.ws.once('close', r));
    later.ws.send(JSON.stringify({ type: 'close' }));
    await closed;
    const after = await open({ session: String(later.control.find((c) => c.type === 'ready')!.session) });
    await ready(after);
    expect(after.control.find((c) => c.type === 'ready')!.reattached).toBe(false);
    expect(sandbox.stats.ptySpawns).toBe(spawns + 1);
    after.ws.send(JSON.stringify({ type: 'close' }));
  });

  it('says when the shell ends', async () => {
    const t = await open();
    await ready(t);
    t.send('exit 3\n');
    await expect.poll(() => t.control.find((c) => c.type === 'exit'), { timeout: 10_000 }).toMatchObject({ code: 3 });
  });

  it('refuses more terminals than its limit', async () => {
    await expect.poll(() => sandbox.stats.terminals, { timeout: 5000 }).toBe(0);
    const open4 = await Promise.all([open(), open(), open(), open()]);
    await Promise.all(open4.map(ready));
    const fifth = await open();
    await expect.poll(() => fifth.control.find((c) => c.type === 'error'), { timeout: 5000 }).toMatchObject({ message: expect.stringContaining('Too many terminals') });
    for (const t of open4) t.ws.send(JSON.stringify({ type: 'close' }));
  });
});

describe('the aws wrapper for an AWS CLI older than 2.13', { timeout: 60_000 }, () => {
  it('adds --endpoint-url from AWS_ENDPOINT_URL, unless the command names one', () => {
    const s = wrapperScript("/usr/bin/a'ws");
    expect(s).toContain(`REAL='/usr/bin/a'\\''ws'`);
    expect(s).toContain('exec "$REAL" --endpoint-url "$AWS_ENDPOINT_URL" "$@"');
    expect(s).toContain('--endpoint-url|--endpoint-url=*) exec "$REAL" "$@"');
  });
});
