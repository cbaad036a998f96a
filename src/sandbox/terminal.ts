import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import pty from 'node-pty';
import type { IPty } from 'node-pty';
import type { WebSocket, RawData } from 'ws';

/**
 * The page's terminals: one node-pty shell per terminal, in the lab's workspace, with the sandbox's
 * AWS environment. A terminal outlives its WebSocket for a while, so a reload or a dropped
 * connection reattaches to the same shell and sees what it missed.
 *
 * Wire: binary frames carry terminal bytes both ways; text frames carry JSON control messages
 * (client: `{"type":"resize","cols","rows"}`; server: `ready`, `exit`, `error`).
 */

export interface TerminalHubOptions {
  /** The shells' environment (already including PATH, TERM and the AWS variables). */
  env: Record<string, string>;
  /** bash, or sh where there is no bash. */
  shell?: string;
  /** The shell's arguments (bash: its start-up file). */
  shellArgs?: () => string[];
  /** Shells alive at once; more are refused (a runaway page must not fork-bomb the machine). */
  maxSessions?: number;
  /** How long a shell without a page waits for it to come back. */
  detachGraceMs?: number;
  /** Awaited before the first shell starts (the AWS CLI wrapper being written). */
  ready?: Promise<unknown>;
}

export interface OpenParams {
  cwd: string;
  /** Shown in the banner: `workspace/<lab>`. */
  label: string;
  cols: number;
  rows: number;
  /** Reattach to this shell if it is still alive. */
  session?: string;
  /** A line printed before the shell's prompt. */
  banner?: string;
}

interface Session {
  id: string;
  pty: IPty;
  socket?: WebSocket;
  /** The last output, replayed to a page that reattaches. */
  backlog: Buffer[];
  backlogBytes: number;
  detachTimer?: NodeJS.Timeout;
  exited: boolean;
  paused: boolean;
}

const BACKLOG_BYTES = 128 * 1024;
const HIGH_WATER = 1024 * 1024;

export const defaultShell = (): string =>
  process.platform === 'win32' ? (process.env.COMSPEC ?? 'cmd.exe') : existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh';

const clamp = (n: unknown, lo: number, hi: number, dflt: number) => {
  const v = Math.floor(Number(n));
  return Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : dflt;
};

export class TerminalHub {
  /** Shells started since this hub was made (the security tests count them). */
  spawns = 0;
  private readonly sessions = new Map<string, Session>();
  private closed = false;

  constructor(private readonly options: TerminalHubOptions) {}

  get size(): number {
    return this.sessions.size;
  }

  /**
   * Connects an accepted (already authenticated) WebSocket to a new or a surviving shell. What the
   * page types before the shell exists is kept and given to it, not lost.
   */
  async open(socket: WebSocket, paramsOrPromise: OpenParams | Promise<OpenParams>): Promise<void> {
    const early: [RawData, boolean][] = [];
    const queue = (data: RawData, isBinary: boolean) => early.push([data, isBinary]);
    socket.on('message', queue);
    try {
      await this.attach(socket, await paramsOrPromise, early);
    } finally {
      socket.off('message', queue);
    }
  }

  private async attach(socket: WebSocket, params: OpenParams, early: [RawData, boolean][]): Promise<void> {
    let session = params.session ? this.sessions.get(params.session) : undefined;
    const reattached = !!session && !session.exited;
    if (!session || session.exited) {
      if (this.sessions.size >= (this.options.maxSessions ?? 8)) {
        this.control(socket, { type: 'error', message: `Too many terminals are open (${this.sessions.size}). Close one (type exit), or reload the page.` });
        socket.close(4008, 'too many terminals');
        return;
      }
      await this.options.ready;
      if (this.closed || socket.readyState !== socket.OPEN) return;
      session = this.spawn(params);
    }
    this.bind(session, socket, params);
    this.control(socket, { type: 'ready', session: session.id, reattached, shell: this.shell(), cwd: params.label });
    if (reattached) {
      for (const chunk of session.backlog) socket.send(chunk);
    } else if (params.banner) {
      this.output(session, Buffer.from(params.banner));
    }
    for (const [data, isBinary] of early) this.message(session, socket, data, isBinary);
  }

  private shell(): string {
    return this.options.shell ?? defaultShell();
  }

  private spawn(params: OpenParams): Session {
    const p = pty.spawn(this.shell(), this.options.shellArgs?.() ?? [], {
      name: 'xterm-256color',
      cols: clamp(params.cols, 2, 500, 80),
      rows: clamp(params.rows, 2, 200, 24),
      cwd: params.cwd,
      env: this.options.env,
    });
    this.spawns++;
    const session: Session = { id: randomBytes(12).toString('base64url'), pty: p, backlog: [], backlogBytes: 0, exited: false, paused: false };
    this.sessions.set(session.id, session);
    p.onData((data) => this.output(session, Buffer.from(data, 'utf8')));
    p.onExit(({ exitCode, signal }) => {
      session.exited = true;
      this.sessions.delete(session.id);
      clearTimeout(session.detachTimer);
      const s = session.socket;
      if (s && s.readyState === s.OPEN) {
        this.control(s, { type: 'exit', code: exitCode, signal: signal || undefined });
        s.close(1000, 'shell exited');
      }
    });
    return session;
  }

  private output(session: Session, buf: Buffer): void {
    session.backlog.push(buf);
    session.backlogBytes += buf.length;
    while (session.backlogBytes > BACKLOG_BYTES && session.backlog.length > 1) session.backlogBytes -= session.backlog.shift()!.length;
    const s = session.socket;
    if (!s || s.readyState !== s.OPEN) return;
    s.send(buf, () => {
      if (session.paused && s.bufferedAmount < HIGH_WATER / 4) {
        session.paused = false;
        session.pty.resume();
      }
    });
    // A command that prints without end must not fill the server's memory faster than the page reads.
    if (s.bufferedAmount > HIGH_WATER && !session.paused) {
      session.paused = true;
      session.pty.pause();
    }
  }

  private bind(session: Session, socket: WebSocket, params: OpenParams): void {
    clearTimeout(session.detachTimer);
    const previous = session.socket;
    session.socket = socket;
    if (previous && previous !== socket && previous.readyState === previous.OPEN) previous.close(4001, 'reattached elsewhere');
    if (session.paused) {
      session.paused = false;
      session.pty.resume();
    }
    try {
      session.pty.resize(clamp(params.cols, 2, 500, 80), clamp(params.rows, 2, 200, 24));
    } catch {}
    socket.on('message', (data: RawData, isBinary: boolean) => this.message(session, socket, data, isBinary));
    socket.on('close', () => {
      if (session.socket !== socket) return;
      session.socket = undefined;
      if (session.exited) return;
      session.detachTimer = setTimeout(() => this.kill(session), this.options.detachGraceMs ?? 60_000);
      session.detachTimer.unref();
    });
  }

  private message(session: Session, socket: WebSocket, data: RawData, isBinary: boolean): void {
    if (session.socket !== socket || session.exited) return;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
    if (isBinary) {
      session.pty.write(bytes.toString('utf8'));
      return;
    }
    let msg: { type?: string; cols?: number; rows?: number; data?: string };
    try {
      msg = JSON.parse(bytes.toString('utf8'));
    } catch {
      return;
    }
    if (msg.type === 'resize') {
      try {
        session.pty.resize(clamp(msg.cols, 2, 500, 80), clamp(msg.rows, 2, 200, 24));
      } catch {}
    } else if (msg.type === 'input' && typeof msg.data === 'string') {
      session.pty.write(msg.data);
    } else if (msg.type === 'close') {
      // The page closed the terminal on purpose: no reattaching, the shell ends now.
      this.kill(session);
      socket.close(1000, 'closed');
    }
  }

  private control(socket: WebSocket, msg: Record<string, unknown>): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
  }

  private kill(session: Session): void {
    this.sessions.delete(session.id);
    clearTimeout(session.detachTimer);
    if (!session.exited) {
      session.exited = true;
      try {
        session.pty.kill();
      } catch {}
    }
  }

  /** Ends every shell. */
  close(): void {
    this.closed = true;
    for (const s of [...this.sessions.values()]) {
      if (s.socket && s.socket.readyState === s.socket.OPEN) s.socket.close(1001, 'sandbox stopping');
      this.kill(s);
    }
  }
}
