import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { HttpRequest, HttpResponse } from './core/http.js';
import { parseQueryString } from './core/http.js';
import { Emulator, type EmulatorOptions } from './emulator.js';

export interface ServerOptions extends EmulatorOptions {
  /** 4566 by default, as LocalStack; 0 picks a free port. */
  port?: number;
  /** 127.0.0.1 by default: the emulator never listens beyond loopback unless asked. */
  host?: string;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
}

export interface RunningEmulator {
  emulator: Emulator;
  server: Server;
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 512 * 1024 * 1024;

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'HEAD,GET,PUT,POST,DELETE,OPTIONS,PATCH',
  'access-control-allow-headers': '*',
  'access-control-expose-headers': '*',
};

/** Starts the emulator's HTTP server and resolves once it accepts connections. */
export async function startEmulator(options: ServerOptions = {}): Promise<RunningEmulator> {
  const emulator = new Emulator(options);
  const host = options.host ?? '127.0.0.1';
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    serve(emulator, req, res, maxBody).catch((e) => {
      // serve() answers every error itself; this is a last resort so the process never dies.
      process.emitWarning(`awslings: failed to answer a request: ${(e as Error).stack ?? e}`);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ __type: 'InternalFailure', message: 'awslings: internal error' }));
      } else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 70_000;
  server.requestTimeout = 0; // long polls and slow Lambda invocations are legitimate
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy(err);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4566, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host === '127.0.0.1' ? 'localhost' : host}:${port}`;
  emulator.endpoint = url;

  let closing: Promise<void> | undefined;
  return {
    emulator,
    server,
    url,
    host,
    port,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const s of sockets) s.destroy();
        });
        await emulator.close();
      })();
      return closing;
    },
  };
}

async function serve(emulator: Emulator, req: IncomingMessage, res: ServerResponse, maxBody: number): Promise<void> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBody) {
    req.resume();
    return send(res, req.method ?? 'GET', tooLarge(maxBody));
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooBig = false;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBody) {
        tooBig = true;
        break;
      }
      chunks.push(chunk as Buffer);
    }
  } catch {
    return; // the client went away mid-request
  }
  if (tooBig) return send(res, req.method ?? 'GET', tooLarge(maxBody));

  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  const hostHeader = headers['host'] ?? '';
  const hm = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader);
  const request: HttpRequest = {
    method: (req.method ?? 'GET').toUpperCase(),
    rawPath: rawPath || '/',
    rawQuery,
    query: parseQueryString(rawQuery),
    headers,
    rawHeaders: req.rawHeaders,
    body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks),
    hostname: (hm?.[1] ?? '').toLowerCase(),
    port: hm?.[2] ? Number(hm[2]) : undefined,
    remoteAddress: req.socket.remoteAddress,
  };
  let response: HttpResponse;
  if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] && !emulator.handlesPreflight(request)) {
    response = { status: 200, headers: { ...CORS_HEADERS, 'access-control-max-age': '600' } };
  } else {
    response = await emulator.handle(request);
    if (!('access-control-allow-origin' in response.headers) && !emulator.handlesPreflight(request)) {
      Object.assign(response.headers, CORS_HEADERS);
    }
  }
  send(res, request.method, response);
}

function tooLarge(max: number): HttpResponse {
  return {
    status: 413,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'RequestEntityTooLargeException' },
    body: JSON.stringify({ __type: 'RequestEntityTooLargeException', message: `Request must be smaller than ${max} bytes.` }),
  };
}

function send(res: ServerResponse, method: string, r: HttpResponse): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | string[]> = { ...r.headers };
  const body = r.body;
  if (body instanceof Readable) {
    res.writeHead(r.status, headers);
    if (method === 'HEAD') {
      body.destroy();
      res.end();
      return;
    }
    body.on('error', () => res.destroy());
    body.pipe(res);
    return;
  }
  const buf = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (buf && !('content-length' in headers)) headers['content-length'] = String(buf.length);
  if (!buf && !('content-length' in headers) && r.status !== 204 && r.status !== 304) headers['content-length'] = '0';
  res.writeHead(r.status, headers);
  res.end(method === 'HEAD' ? undefined : buf);
}
