import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CACHE_DIR, PROJECT_ROOT } from '../common/paths.js';

/**
 * The course site, as the sandbox serves it: a production build of the Docusaurus site, cached in
 * .awslings/cache/site and rebuilt only when its inputs change. Whether they changed is a hash of
 * the inputs' contents (a few hundred small files, tens of milliseconds), so a `git pull` or an
 * edited lesson rebuilds, and a `touch` or a fresh checkout of the same content does not.
 */

/** What the site is built from, relative to the course folder. Labs are not in it: the page reads them from the lab API. */
export const SITE_INPUTS = [
  'docs',
  'src/components',
  'src/pages',
  'src/css',
  'src/theme',
  'static',
  'docusaurus.config.ts',
  'sidebars.ts',
  'package-lock.json',
  'tsconfig.json',
  '.browserslistrc',
];

/** Where the build is cached (AWSLINGS_SITE_DIR overrides it: the benchmark measures a first start there). */
export const SITE_DIR = process.env.AWSLINGS_SITE_DIR ? resolve(process.env.AWSLINGS_SITE_DIR) : join(CACHE_DIR, 'site');
const STAMP = '.awslings-site.json';

export interface SiteStamp {
  fingerprint: string;
  builtAt: string;
  buildMs: number;
  bundler: string;
}

export function siteFingerprint(root = PROJECT_ROOT): string {
  const hash = createHash('sha256');
  const walk = (rel: string) => {
    const abs = join(root, rel);
    if (!existsSync(abs)) return;
    const st = statSync(abs);
    if (st.isDirectory()) {
      for (const name of readdirSync(abs).sort()) walk(join(rel, name));
    } else {
      hash.update(rel.split(sep).join('/')).update('\0').update(readFileSync(abs)).update('\0');
    }
  };
  for (const input of SITE_INPUTS) walk(input);
  return hash.digest('hex');
}

export function readStamp(dir = SITE_DIR): SiteStamp | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, STAMP), 'utf8')) as SiteStamp;
  } catch {
    return undefined;
  }
}

export const siteIsFresh = (dir = SITE_DIR, fingerprint = siteFingerprint()): boolean =>
  readStamp(dir)?.fingerprint === fingerprint && existsSync(join(dir, 'index.html'));

export interface EnsureSiteOptions {
  root?: string;
  outDir?: string;
  /** Build output, line by line. */
  onLog?: (line: string) => void;
  /** Called once if a build is needed, before it starts. */
  onBuildStart?: () => void;
  /** Stops a build under way (Ctrl-C during the first start). */
  signal?: AbortSignal;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Takes a lock shared by every process of the course (a folder: mkdir is atomic), so that two
 * `npm start`s, or the page tests running in parallel, build the site once. A lock left by a dead
 * process is taken over.
 */
async function withLock<T>(lockDir: string, fn: () => Promise<T>): Promise<T> {
  const owner = join(lockDir, 'pid');
  for (;;) {
    try {
      mkdirSync(lockDir, { recursive: false });
      writeFileSync(owner, String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(existsSync(owner) ? readFileSync(owner, 'utf8') : NaN);
      let age = 0;
      try {
        age = Date.now() - statSync(lockDir).mtimeMs;
      } catch {}
      if ((Number.isFinite(pid) && pid > 0 && !alive(pid)) || (!Number.isFinite(pid) && age > 10_000)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Builds the site into `outDir` unless the build there is of the current inputs. */
export async function ensureSiteBuild(opts: EnsureSiteOptions = {}): Promise<{ built: boolean; ms: number; dir: string }> {
  const root = opts.root ?? PROJECT_ROOT;
  const outDir = opts.outDir ?? SITE_DIR;
  const t0 = performance.now();
  let fingerprint = siteFingerprint(root);
  if (siteIsFresh(outDir, fingerprint)) return { built: false, ms: performance.now() - t0, dir: outDir };
  mkdirSync(join(outDir, '..'), { recursive: true });
  return withLock(`${outDir}.lock`, async () => {
    fingerprint = siteFingerprint(root);
    if (siteIsFresh(outDir, fingerprint)) return { built: false, ms: performance.now() - t0, dir: outDir };
    opts.onBuildStart?.();
    const tmp = `${outDir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    const b0 = performance.now();
    try {
      await runDocusaurus(root, ['build', '--out-dir', tmp], opts.onLog, {}, opts.signal);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    const stamp: SiteStamp = { fingerprint, builtAt: new Date().toISOString(), buildMs: Math.round(performance.now() - b0), bundler: 'docusaurus' };
    writeFileSync(join(tmp, STAMP), JSON.stringify(stamp, null, 2));
    rmSync(outDir, { recursive: true, force: true });
    renameSync(tmp, outDir);
    return { built: true, ms: performance.now() - t0, dir: outDir };
  });
}

/** Runs the Docusaurus CLI of the course in its own process. */
export function runDocusaurus(root: string, args: string[], onLog?: (line: string) => void, env: NodeJS.ProcessEnv = {}, signal?: AbortSignal): Promise<void> {
  const bin = join(root, 'node_modules', '@docusaurus', 'core', 'bin', 'docusaurus.mjs');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env: { ...process.env, NO_UPDATE_NOTIFIER: '1', FORCE_COLOR: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      signal,
      killSignal: 'SIGTERM',
    });
    let tail = '';
    const onData = (d: Buffer) => {
      const s = d.toString();
      tail = (tail + s).slice(-8000);
      if (onLog) for (const line of s.split('\n')) if (line.trim()) onLog(line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`docusaurus ${args[0]} failed (${signal ?? `exit code ${code}`}):\n${tail}`));
    });
  });
}

// ---- serving ----

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
  '.map': 'application/json',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt', '.xml', '.map']);

/** Headers every page gets: no framing by other sites, no sniffing, no referrer to other origins. */
export const PAGE_HEADERS = {
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

/** Puts the sandbox's details for the page (`window.__AWSLINGS_SANDBOX__`) at the top of <head>. */
export function injectConfig(html: string, config: Record<string, unknown>): string {
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  const tag = `<script>window.__AWSLINGS_SANDBOX__=${json}</script>`;
  const at = html.search(/<head[^>]*>/i);
  if (at < 0) return tag + html;
  const end = html.indexOf('>', at) + 1;
  return html.slice(0, end) + tag + html.slice(end);
}

export interface SiteServer {
  serve(req: IncomingMessage, res: ServerResponse): void;
}

/**
 * Serves a built site. HTML pages get the sandbox's details (the token among them) in a script at
 * the top of <head>; they are only ever served after the Host check, and never cached, so the
 * token reaches this origin's own pages and nobody else.
 */
export function siteServer(dir: string, pageConfig: () => Record<string, unknown>): SiteServer {
  const gz = new Map<string, { mtimeMs: number; body: Buffer }>();

  const resolveFile = (urlPath: string): string | undefined => {
    let p: string;
    try {
      p = decodeURIComponent(urlPath);
    } catch {
      return undefined;
    }
    if (p.includes('\0')) return undefined;
    const abs = normalize(join(dir, p));
    if (abs !== dir && !abs.startsWith(dir + sep)) return undefined;
    const candidates = p.endsWith('/') ? [join(abs, 'index.html')] : [abs, join(abs, 'index.html'), `${abs}.html`];
    for (const c of candidates) {
      try {
        if (statSync(c).isFile()) return c;
      } catch {}
    }
    return undefined;
  };

  const inject = (html: string) => injectConfig(html, pageConfig());

  const send = (req: IncomingMessage, res: ServerResponse, status: number, file: string, body: Buffer, headers: Record<string, string>) => {
    const ext = extname(file).toLowerCase();
    const h: Record<string, string> = { 'content-type': TYPES[ext] ?? 'application/octet-stream', ...PAGE_HEADERS, ...headers };
    let out = body;
    if (COMPRESSIBLE.has(ext) && body.length > 1024 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      h['content-encoding'] = 'gzip';
      h.vary = 'accept-encoding';
      out = gzipSync(body, { level: 6 });
    }
    h['content-length'] = String(out.length);
    res.writeHead(status, h);
    res.end(req.method === 'HEAD' ? undefined : out);
  };

  return {
    serve(req, res) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', ...PAGE_HEADERS }).end();
        return;
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      const file = resolveFile(url.pathname);
      if (!file) {
        const notFound = join(dir, '404.html');
        if (existsSync(notFound)) send(req, res, 404, notFound, Buffer.from(inject(readFileSync(notFound, 'utf8'))), { 'cache-control': 'no-store' });
        else res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...PAGE_HEADERS }).end('Not found');
        return;
      }
      if (file.endsWith('.html')) {
        send(req, res, 200, file, Buffer.from(inject(readFileSync(file, 'utf8'))), { 'cache-control': 'no-store' });
        return;
      }
      // Hashed assets never change under their name; other files are revalidated.
      const hashed = /[.-][0-9a-f]{8,}\.\w+$/.test(file) && relative(dir, file).startsWith('assets');
      const st = statSync(file);
      const ext = extname(file).toLowerCase();
      const accepts = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const headers = { 'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache', 'last-modified': st.mtime.toUTCString() };
      if (accepts && COMPRESSIBLE.has(ext) && st.size > 1024) {
        // Compressed once per file and kept: the site's JavaScript is a few MB at most.
        let cached = gz.get(file);
        if (!cached || cached.mtimeMs !== st.mtimeMs) {
          cached = { mtimeMs: st.mtimeMs, body: gzipSync(readFileSync(file), { level: 9 }) };
          gz.set(file, cached);
        }
        res.writeHead(200, {
          'content-type': TYPES[ext] ?? 'application/octet-stream',
          ...PAGE_HEADERS,
          ...headers,
          'content-encoding': 'gzip',
          vary: 'accept-encoding',
          'content-length': String(cached.body.length),
        });
        res.end(req.method === 'HEAD' ? undefined : cached.body);
        return;
      }
      send(req, res, 200, file, readFileSync(file), headers);
    },
  };
}
