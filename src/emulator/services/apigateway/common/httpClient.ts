import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export type HttpOutcome =
  | { kind: 'ok'; status: number; headers: IncomingHttpHeaders; rawHeaders: string[]; body: Buffer }
  | { kind: 'timeout' }
  | { kind: 'failed'; message: string };

const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 });

/** Headers that belong to one connection, never forwarded (RFC 9110 §7.6.1). */
export const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-authorization', 'proxy-authenticate']);

/**
 * One HTTP request from a front door to its backend (an HTTP integration, a CloudFront origin).
 * `*.localhost` names are sent to the loopback address with their Host header kept, as curl and
 * browsers do, since Node's resolver does not map them: so an origin can be another sandbox URL.
 */
export function sendHttp(o: {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
  timeoutMs: number;
  /** Connect here instead of the URL's host (which stays the Host header): a sandbox endpoint named by its AWS host. */
  connectTo?: { hostname: string; port: number };
}): Promise<HttpOutcome> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(o.url);
    } catch {
      resolve({ kind: 'failed', message: `not a URL: ${o.url}` });
      return;
    }
    const https = url.protocol === 'https:';
    const loopbackName = url.hostname === 'localhost' || url.hostname.endsWith('.localhost');
    const headers: Record<string, string> = { ...o.headers, host: url.host };
    if (o.body && o.body.length) headers['content-length'] = String(o.body.length);
    else if (o.method !== 'GET' && o.method !== 'HEAD') headers['content-length'] = '0';
    const req = (https ? httpsRequest : httpRequest)({
      protocol: url.protocol,
      hostname: o.connectTo?.hostname ?? (loopbackName ? '127.0.0.1' : url.hostname),
      port: o.connectTo?.port ?? (url.port || (https ? 443 : 80)),
      path: `${url.pathname}${url.search}`,
      method: o.method,
      headers,
      agent: https ? httpsAgent : httpAgent,
      servername: https && !loopbackName && !o.connectTo ? url.hostname : undefined,
    });
    const timer = setTimeout(() => {
      req.destroy(new Error('timeout'));
      resolve({ kind: 'timeout' });
    }, o.timeoutMs);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ kind: 'ok', status: res.statusCode ?? 502, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) });
      });
      res.on('error', (e) => {
        clearTimeout(timer);
        resolve({ kind: 'failed', message: e.message });
      });
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      resolve({ kind: 'failed', message: e.message });
    });
    req.end(o.body && o.body.length ? o.body : undefined);
  });
}
