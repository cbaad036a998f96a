import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import WebSocket, { WebSocketServer } from 'ws';
import { startEmulator } from '../src/emulator/index.js';
import { resolveTarget } from '../src/labkit/target.js';
import { startSandbox, TERMINAL_PATH } from '../src/sandbox/server.js';
import { TERMINAL_PROTOCOL } from '../src/sandbox/security.js';
import { ensureSiteBuild, runDocusaurus } from '../src/sandbox/site.js';
import { ROOT, ms, report, stats } from './lib.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCRATCH = join(ROOT, '.awslings', 'bench-sandbox');

/** Sends one byte at a time and times each until the first frame that comes back. */
async function echoRoundTrips(ws: WebSocket, samples: number, clearEvery = 0): Promise<number[]> {
  const out: number[] = [];
  let waiting: (() => void) | undefined;
  ws.on('message', (_d, binary) => {
    if (binary && waiting) {
      const w = waiting;
      waiting = undefined;
      w();
    }
  });
  const roundTrip = (data: Buffer) =>
    new Promise<number>((resolve) => {
      const t0 = performance.now();
      waiting = () => resolve(performance.now() - t0);
      ws.send(data);
    });
  const quiet = () => new Promise((r) => setTimeout(r, 30));
  for (let i = 0; i < samples; i++) {
    if (clearEvery && i % clearEvery === clearEvery - 1) {
      await roundTrip(Buffer.from('\x15')); // Ctrl-U: the line never grows long
      await quiet();
    }
    out.push(await roundTrip(Buffer.from('a')));
    await quiet();
  }
  return out;
}

function openTerminal(port: number, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${TERMINAL_PATH}?cols=100&rows=30`, [TERMINAL_PROTOCOL, `token.${token}`], {
      origin: `http://localhost:${port}`,
      headers: { host: `localhost:${port}` },
    });
    // The shell is ready once it has printed its prompt and been quiet for a moment.
    let timer: NodeJS.Timeout | undefined;
    ws.on('message', (_d, binary) => {
      if (!binary) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        ws.removeAllListeners('message');
        resolve(ws);
      }, 1500);
    });
    ws.once('error', reject);
  });
}

async function keystrokeEcho(): Promise<void> {
  const emu = await startEmulator({ port: 0 });
  const target = (await resolveTarget({ port: emu.port, startEmbedded: false })).info;
  const sandbox = await startSandbox({ port: 0, target });
  const echo = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  echo.on('connection', (s) => s.on('message', (d, binary) => s.send(d, { binary })));
  try {
    const term = await openTerminal(sandbox.port, sandbox.token);
    await echoRoundTrips(term, 20, 20); // warm-up
    const pty = stats(await echoRoundTrips(term, 300, 40));
    term.close();
    const plain = await new Promise<WebSocket>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${(echo.address() as AddressInfo).port}`);
      ws.once('open', () => resolve(ws));
    });
    await echoRoundTrips(plain, 20);
    const base = stats(await echoRoundTrips(plain, 300));
    plain.close();
    report(
      'keystroke echo round trip through the terminal (WebSocket + node-pty + bash), p50 of 300',
      ms(pty.p50),
      '< 20 ms',
      pty.p50 < 20,
      `p90 ${ms(pty.p90)}, p99 ${ms(pty.p99)}; baseline WebSocket echo without a pty: p50 ${ms(base.p50)} (${(pty.p50 / base.p50).toFixed(1)}x)`,
    );
  } finally {
    echo.close();
    await sandbox.close();
    await emu.close();
  }
}

/** The lesson page in Chromium: bytes of JavaScript on the wire (gzip) until the network is idle, then after opening the terminal. */
async function lessonJavaScript(): Promise<void> {
  const site = await ensureSiteBuild();
  const emu = await startEmulator({ port: 0 });
  const target = (await resolveTarget({ port: emu.port, startEmbedded: false })).info;
  const sandbox = await startSandbox({ port: 0, target, siteDir: site.dir });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const scripts: Promise<number>[] = [];
    page.on('requestfinished', (req) => {
      if (req.resourceType() === 'script') scripts.push(req.sizes().then((s) => s.responseBodySize));
    });
    await page.goto(`${sandbox.url}docs/lambda-invocation`, { waitUntil: 'networkidle' });
    await page.locator('[data-lab] [data-progress]').first().waitFor();
    await page.waitForLoadState('networkidle');
    const before = (await Promise.all(scripts)).reduce((a, b) => a + b, 0);
    const countBefore = scripts.length;
    await page.getByRole('button', { name: /Open a terminal/ }).first().click();
    await page.locator('[data-terminal-state="connected"]').waitFor();
    await page.waitForLoadState('networkidle');
    const after = (await Promise.all(scripts)).reduce((a, b) => a + b, 0);
    report(
      'JavaScript transferred for the lesson page before the terminal is opened (gzip)',
      `${(before / 1024).toFixed(0)} KB in ${countBefore} files`,
      '< 600 KB',
      before < 600 * 1024,
      `opening the terminal loads ${((after - before) / 1024).toFixed(0)} KB more (xterm.js, lazily)`,
    );
  } finally {
    await browser.close();
    await sandbox.close();
    await emu.close();
  }
}

/**
 * `awslings start` (what `npm start` runs) until it prints the URL. It runs dist/cli/main.js as
 * bin/awslings.mjs does once dist/ is up to date: in a tree where others edit src/ all the time,
 * the bin would rebuild dist/ first, which a learner's start never does.
 */
async function timeStart(env: NodeJS.ProcessEnv): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await timeStartOnce(env);
    } catch (e) {
      // dist/ being rebuilt by a concurrent process; try again.
      if (attempt >= 3 || !/ERR_MODULE_NOT_FOUND/.test((e as Error).message)) throw e;
      await new Promise((r) => setTimeout(r, 3000));
    }
  }
}

function timeStartOnce(env: NodeJS.ProcessEnv): Promise<number> {
  const t0 = performance.now();
  const main = pathToFileURL(join(ROOT, 'dist', 'cli', 'main.js')).href;
  const script = `import(${JSON.stringify(main)}).then((m) => m.main(['start', '--port', '0', '--emulator-port', '0']))`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (/Open http/.test(out)) {
        const t = performance.now() - t0;
        child.once('exit', () => resolve(t));
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => !/Open http/.test(out) && reject(new Error(`awslings start exited (${code}):\n${out}`)));
  });
}

async function startTimes(): Promise<void> {
  rmSync(SCRATCH, { recursive: true, force: true });
  mkdirSync(SCRATCH, { recursive: true });
  const env = {
    AWSLINGS_SITE_DIR: join(SCRATCH, 'site'),
    AWSLINGS_STATE_DIR: join(SCRATCH, 'state'),
    AWSLINGS_WORKSPACE_DIR: join(SCRATCH, 'workspace'),
  };
  try {
    // A fresh clone: no site build and no bundler cache (Docusaurus skips its persistent cache with this variable).
    const first = await timeStart({ ...env, DOCUSAURUS_NO_PERSISTENT_CACHE: '1' });
    const later: number[] = [];
    for (let i = 0; i < 5; i++) later.push(await timeStart(env));
    const l = stats(later).median;
    report('npm start, first start on a fresh clone (site built, no bundler cache)', `${(first / 1000).toFixed(1)} s`, '< 60 s', first < 60_000);
    report('npm start, later start (site unchanged; median of 5)', ms(l), '< 5 s', l < 5000, `the cached build is checked with a content hash of the site's sources`);

    // The bundler behind the first start: Rspack (@docusaurus/faster) against webpack, both without a cache.
    const config = join(SCRATCH, 'webpack.config.ts');
    writeFileSync(config, `import base from '../../docusaurus.config';\nexport default { ...base, future: { ...base.future, faster: false } };\n`);
    const build = async (args: string[]) => {
      const t0 = performance.now();
      await runDocusaurus(ROOT, ['build', ...args], undefined, { DOCUSAURUS_NO_PERSISTENT_CACHE: '1' });
      return performance.now() - t0;
    };
    const rspack = await build(['--out-dir', join(SCRATCH, 'build-rspack')]);
    const webpack = await build(['--config', config, '--out-dir', join(SCRATCH, 'build-webpack')]);
    report(
      'site production build with Rspack (@docusaurus/faster), no cache',
      `${(rspack / 1000).toFixed(1)} s`,
      'faster than webpack',
      rspack < webpack,
      `webpack: ${(webpack / 1000).toFixed(1)} s (${(webpack / rspack).toFixed(1)}x slower)`,
    );
  } finally {
    rmSync(SCRATCH, { recursive: true, force: true });
  }
}

export async function sandboxBench(): Promise<void> {
  console.log('\nPage sandbox (issue 5)   [2 shared CPU cores: expect noise]');
  await keystrokeEcho();
  await lessonJavaScript();
  await startTimes();
}
