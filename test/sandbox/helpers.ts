import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ensureSiteBuild, SITE_DIR } from '../../src/sandbox/site.js';
import { BIN, ROOT } from '../helpers/cli.js';

/**
 * The page tests share one production build of the site: the same cache `npm start` uses
 * (.awslings/cache/site), rebuilt only when the site's sources changed (a content hash), under a
 * lock so that test files running in parallel build it once. A fresh clone pays one build
 * (about 10 s with Rspack); every later run, none.
 */
export async function ensureTestSite(): Promise<string> {
  return (await ensureSiteBuild()).dir;
}

export { SITE_DIR };

export const CHROMIUM = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's chromium, with a fresh profile that is removed on close. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const userData = mkdtempSync(join(tmpdir(), 'awslings-chromium-'));
  const context = await chromium.launchPersistentContext(userData, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, acceptDownloads: true });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(userData, { recursive: true, force: true });
    },
  };
}

export interface Course {
  url: string;
  child: ChildProcess;
  /** .awslings/test-<id>: this run's workspace and progress. */
  dir: string;
  workspace: string;
  stateDir: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the course as a learner does (`awslings start`, which is `npm start`) on free ports, with
 * its own workspace and progress under .awslings/test-<id> (deploy scripts must run inside the
 * course folder, to resolve `awslings/labkit`).
 */
export async function startCourse(env: NodeJS.ProcessEnv = {}): Promise<Course> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startCourseOnce(env);
    } catch (e) {
      // Another process (a test run, `awslings` after an edit) may be rebuilding dist/ right now.
      if (attempt >= 3 || !/ERR_MODULE_NOT_FOUND|ENOTEMPTY|\/dist\/|Failed to write/.test((e as Error).message)) throw e;
      await new Promise((r) => setTimeout(r, 3000));
    }
  }
}

async function startCourseOnce(env: NodeJS.ProcessEnv): Promise<Course> {
  const dir = join(ROOT, '.awslings', `test-${randomBytes(4).toString('hex')}`);
  const workspace = join(dir, 'workspace');
  const stateDir = join(dir, 'state');
  // A HOME of its own: the shells do not run the developer's .bashrc (slow, and not ours to test).
  const home = join(dir, 'home');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(home, { recursive: true });
  const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--emulator-port', '0'], {
    cwd: ROOT,
    env: { ...process.env, HOME: home, AWSLINGS_WORKSPACE_DIR: workspace, AWSLINGS_STATE_DIR: stateDir, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`awslings start printed no URL within 90 s:\n${out}`)), 90_000);
    const onData = () => {
      const m = /Open (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      reject(new Error(`awslings start exited (${code}) before it was ready:\n${out}`));
    });
  });
  return {
    url,
    child,
    dir,
    workspace,
    stateDir,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A PATH with the system's folders only, so the terminal meets Debian's AWS CLI (2.9, which ignores AWS_ENDPOINT_URL). */
export const systemPath = (): string => [dirname(process.execPath), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':');

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function scan(page: Page): Promise<Violation[]> {
  await page.addScriptTag({ path: join(ROOT, 'node_modules', 'axe-core', 'axe.min.js') });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: Violation[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export const describeViolations = (vs: Violation[]): string =>
  vs.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join('\n  ')}`).join('\n');

/** The built site served as a plain static copy (as on any web host): no sandbox, no token. */
export async function serveStatic(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = [join(dir, path), join(dir, path, 'index.html'), `${join(dir, path)}.html`].find((f) => f.startsWith(dir) && existsSync(f) && statSync(f).isFile());
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    const type = extname(file) === '.html' ? 'text/html' : extname(file) === '.js' ? 'text/javascript' : extname(file) === '.css' ? 'text/css' : 'application/octet-stream';
    res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
