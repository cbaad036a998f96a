import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { delimiter, join } from 'node:path';
import { WebSocketServer } from 'ws';
import { CACHE_DIR, WORKSPACE_DIR } from '../common/paths.js';
import { labIds, loadLab } from '../labkit/discover.js';
import { targetEnv } from '../labkit/target.js';
import type { TargetInfo } from '../labkit/types.js';
import { ensureWorkspace } from '../labkit/workspace.js';
import { LabApi } from './api.js';
import { prepareAwsCli, type AwsCliInfo } from './awsCli.js';
import { Inspector } from './inspector.js';
import { checkApi, checkPeerAndHost, checkTerminal, makeGuard, TERMINAL_PROTOCOL, type Refusal } from './security.js';
import { injectConfig, PAGE_HEADERS, siteServer } from './site.js';
import { devProxy, type DevProxy } from './devProxy.js';
import { defaultShell, TerminalHub, type OpenParams } from './terminal.js';

export const TERMINAL_PATH = '/_sandbox/terminal';

export interface SandboxOptions {
  /** 0 picks a free port. */
  port?: number;
  /**
   * 127.0.0.1, always, for learners. Tests bind wider only to prove that a peer from another
   * machine is refused even then.
   */
  host?: string;
  /** Where the lab's AWS calls go (labkit's resolveTarget). */
  target: TargetInfo;
  /** A built site to serve (see site.ts); without one, the server answers the API and the terminal only. */
  siteDir?: string;
  shell?: string;
  detachGraceMs?: number;
  maxTerminals?: number;
  /** Where the `aws` wrapper goes. */
  binDir?: string;
  /** Fixed token (benchmarks); a random one otherwise. */
  token?: string;
  /** Variables for the shells on top of the sandbox's (tests give them their own HOME, away from a developer's .bashrc). */
  env?: Record<string, string>;
}

export interface RunningSandbox {
  url: string;
  port: number;
  /** The per-start token; only the pages this server serves carry it. */
  token: string;
  server: Server;
  stats: { readonly ptySpawns: number; readonly terminals: number; refused: Record<Refusal, number> };
  awsCli: Promise<AwsCliInfo>;
  /** Serves this built site from now on (until then, pages say the site is being built). */
  serveSite(dir: string): void;
  /** Serves the site of a `docusaurus start` on this loopback port instead (`awslings start --dev`). */
  serveDev(port: number): void;
  close(): Promise<void>;
}

/** The terminal's environment: the sandbox's AWS variables, and an `aws` that reaches it. */
export function terminalEnv(target: TargetInfo, cli: AwsCliInfo): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  // A learner's own AWS profile must not win over the sandbox's keys.
  delete env.AWS_PROFILE;
  delete env.AWS_SESSION_TOKEN;
  Object.assign(env, targetEnv(target), { TERM: 'xterm-256color', COLORTERM: 'truecolor', AWSLINGS_SANDBOX: '1' });
  // `npx awslings check` typed in the terminal finds the same sandbox.
  if (target.name === 'embedded' && target.endpoint) env.AWSLINGS_PORT = new URL(target.endpoint).port;
  else env.AWSLINGS_TARGET = target.name;
  if (cli.wrapperDir) env.PATH = `${cli.wrapperDir}${delimiter}${env.PATH ?? ''}`;
  return env;
}

const refuse = (res: ServerResponse, status: number, message: string) => {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...PAGE_HEADERS });
  res.end(message);
};

/** Starts the sandbox server: the course site, the lab API and the terminals, on one loopback port. */
export async function startSandbox(opts: SandboxOptions): Promise<RunningSandbox> {
  const host = opts.host ?? '127.0.0.1';
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const guard = makeGuard(port, opts.token);
  const refused: Record<Refusal, number> = { peer: 0, host: 0, origin: 0, token: 0 };

  const awsCli = prepareAwsCli(opts.binDir ?? join(CACHE_DIR, 'bin'));
  let env: Record<string, string> = {};
  let shellArgs: string[] = [];
  const shell = opts.shell ?? defaultShell();
  const cliReady = awsCli.then((cli) => {
    env = { ...terminalEnv(opts.target, cli), ...opts.env };
    if (cli.bashRc && /(^|\/)bash$/.test(shell)) shellArgs = ['--rcfile', cli.bashRc, '-i'];
  });
  const hub = new TerminalHub({
    get env() {
      return env;
    },
    shell,
    shellArgs: () => shellArgs,
    detachGraceMs: opts.detachGraceMs,
    maxSessions: opts.maxTerminals,
    ready: cliReady,
  });
  const cliInfo = { version: undefined as string | undefined, wrapped: false, found: false };
  void awsCli.then((c) => Object.assign(cliInfo, { version: c.version, wrapped: !!c.wrapperDir, found: !!c.path }));
  const api = new LabApi({ target: opts.target, inspector: new Inspector(opts.target), awsCli: cliInfo });
  const pageConfig = () => ({ token: guard.token, api: 1, terminal: TERMINAL_PATH });
  let site: { serve(req: IncomingMessage, res: ServerResponse): void } | undefined = opts.siteDir ? siteServer(opts.siteDir, pageConfig) : undefined;
  let dev: DevProxy | undefined;

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const base = checkPeerAndHost(guard, req);
    if (base) {
      refused[base]++;
      refuse(res, 403, base === 'host' ? `awslings: this server answers only as http://localhost:${port}/` : 'awslings: refused');
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      const why = checkApi(guard, req);
      if (why) {
        refused[why]++;
        res.writeHead(403, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify({ error: `Refused (${why}). The lab API answers only the course pages this server serves.`, refused: why }));
        return;
      }
      void api.handle(req, res, url.pathname, url.searchParams);
      return;
    }
    if (site) site.serve(req, res);
    else {
      res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'retry-after': '3', ...PAGE_HEADERS });
      res.end('<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="3"><title>awslings</title><p>The course site is being built; this page reloads in a moment.</p>');
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024, handleProtocols: () => TERMINAL_PROTOCOL });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      socket.destroy();
    };
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== TERMINAL_PATH) {
      // Only the dev server's hot-reload socket, from this server's own pages.
      const origin = req.headers.origin;
      if (dev && checkPeerAndHost(guard, req) === undefined && origin && guard.origins.has(origin)) return dev.upgrade(req, socket, head);
      return reject(404, 'Not Found');
    }
    // Every check passes before anything else happens, and long before a shell exists.
    const why = checkTerminal(guard, req);
    if (why) {
      refused[why]++;
      return reject(403, 'Forbidden');
    }
    const lab = url.searchParams.get('lab') ?? undefined;
    if (lab !== undefined && !labIds().includes(lab)) return reject(404, 'Not Found');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const t = opts.target;
      const params = (async (): Promise<OpenParams> => {
        let cwd = WORKSPACE_DIR;
        let label = 'workspace';
        if (lab) {
          cwd = ensureWorkspace(await loadLab(lab)).dir;
          label = `workspace/${lab}`;
        } else mkdirSync(cwd, { recursive: true });
        const cli = await awsCli;
        const banner =
          `\x1b[36mawslings sandbox terminal in ${label}. AWS SDK code and aws commands reach ${t.endpoint ?? t.name}` +
          ` (account ${t.accountId}, ${t.region}).\x1b[0m\r\n` +
          (cli.path ? '' : `\x1b[33mThe AWS CLI is not installed; SDK scripts and npx awslings work without it.\x1b[0m\r\n`);
        return {
          cwd,
          label,
          cols: Number(url.searchParams.get('cols')),
          rows: Number(url.searchParams.get('rows')),
          session: url.searchParams.get('session') ?? undefined,
          banner,
        };
      })();
      hub.open(ws, params).catch((e: Error) => {
        if (ws.readyState === ws.OPEN) {
          ws.send(JSON.stringify({ type: 'error', message: `The terminal could not start: ${e.message}` }));
          ws.close(1011, 'could not start');
        }
      });
    });
  });

  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  let closing: Promise<void> | undefined;
  return {
    url: `http://localhost:${port}/`,
    port,
    token: guard.token,
    server,
    awsCli,
    serveSite(dir: string) {
      site = siteServer(dir, pageConfig);
    },
    serveDev(port: number) {
      dev = devProxy(port, (html) => injectConfig(html, pageConfig()));
      site = dev;
    },
    stats: {
      get ptySpawns() {
        return hub.spawns;
      },
      get terminals() {
        return hub.size;
      },
      refused,
    },
    close() {
      closing ??= (async () => {
        hub.close();
        for (const c of wss.clients) c.terminate();
        await new Promise<void>((r) => {
          server.close(() => r());
          for (const s of sockets) s.destroy();
        });
        await awsCli.catch(() => undefined);
      })();
      return closing;
    },
  };
}
