import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The sandbox server hands out a shell, so every request passes these checks before anything
 * happens (architecture.md, "Security rules"; anchors.md, "Browser-terminal security"):
 * - the peer is on this machine (the server binds 127.0.0.1; this guards against a wider bind);
 * - `Host` names this server on loopback, so a DNS-rebound name (attacker.example → 127.0.0.1) is refused;
 * - `Origin`, when a browser sends one, is exactly this server's origin (scheme, host and port);
 * - a random token made at each start, which only the course pages served here carry.
 */

/** The header the page sends the token in (a custom header also forces a CORS preflight, which we never grant). */
export const TOKEN_HEADER = 'x-awslings-token';
/** The WebSocket subprotocol the terminal speaks; the token travels as a second one, `token.<token>`. */
export const TERMINAL_PROTOCOL = 'awslings-terminal.v1';
const TOKEN_PROTOCOL_PREFIX = 'token.';

export type Refusal = 'peer' | 'host' | 'origin' | 'token';

export interface Guard {
  readonly token: string;
  /** Host header values accepted: `localhost:<port>` and `127.0.0.1:<port>`. */
  readonly hosts: ReadonlySet<string>;
  /** Origins accepted, exactly: `http://localhost:<port>` and `http://127.0.0.1:<port>`. */
  readonly origins: ReadonlySet<string>;
}

export function makeGuard(port: number, token = randomBytes(32).toString('base64url')): Guard {
  const names = ['localhost', '127.0.0.1'];
  return {
    token,
    hosts: new Set(names.map((n) => `${n}:${port}`)),
    origins: new Set(names.map((n) => `http://${n}:${port}`)),
  };
}

/** 127.0.0.0/8 and ::1, also in their IPv4-mapped IPv6 form. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/i, '');
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

function sameToken(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Peer and Host: every request, including the site's pages and assets. */
export function checkPeerAndHost(guard: Guard, req: IncomingMessage): Refusal | undefined {
  if (!isLoopback(req.socket.remoteAddress)) return 'peer';
  const host = header(req, 'host')?.toLowerCase();
  if (!host || !guard.hosts.has(host)) return 'host';
  return undefined;
}

/**
 * An API request: peer, Host, Origin and token. `Origin` must be present for anything that changes
 * state (browsers always send it on POST); a GET from the page itself may come without one.
 */
export function checkApi(guard: Guard, req: IncomingMessage): Refusal | undefined {
  const base = checkPeerAndHost(guard, req);
  if (base) return base;
  const origin = header(req, 'origin');
  const changes = req.method !== 'GET' && req.method !== 'HEAD';
  if (origin !== undefined ? !guard.origins.has(origin) : changes) return 'origin';
  if (!sameToken(guard.token, header(req, TOKEN_HEADER))) return 'token';
  return undefined;
}

/** The subprotocols a WebSocket offers: `awslings-terminal.v1, token.<token>`. */
export function offeredProtocols(req: IncomingMessage): string[] {
  return (header(req, 'sec-websocket-protocol') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A terminal WebSocket: peer, Host, an Origin (always required: browsers always send it), and the token. */
export function checkTerminal(guard: Guard, req: IncomingMessage): Refusal | undefined {
  const base = checkPeerAndHost(guard, req);
  if (base) return base;
  const origin = header(req, 'origin');
  if (!origin || !guard.origins.has(origin)) return 'origin';
  const offered = offeredProtocols(req);
  const token = offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))?.slice(TOKEN_PROTOCOL_PREFIX.length);
  if (!offered.includes(TERMINAL_PROTOCOL) || !sameToken(guard.token, token)) return 'token';
  return undefined;
}
