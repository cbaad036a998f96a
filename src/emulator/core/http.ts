import type { Readable } from 'node:stream';

/** A request as the gateway sees it: headers lower-cased, the whole body read. */
export interface HttpRequest {
  method: string;
  /** The path exactly as sent, still percent-encoded, without the query string. */
  rawPath: string;
  /** The raw query string, without the leading '?'. */
  rawQuery: string;
  /** Decoded query parameters, in order; repeated names give several entries. */
  query: [string, string][];
  headers: Record<string, string>;
  /**
   * The headers as sent (Node's flat [name, value, name, value…] list): original case and repeats,
   * which data planes pass on (API Gateway's proxy events keep the client's header names).
   */
  rawHeaders?: string[];
  body: Buffer;
  /** The Host header's name, lower-cased, without the port. */
  hostname: string;
  port?: number;
  remoteAddress?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body?: string | Uint8Array | Readable;
}

export function queryGet(req: Pick<HttpRequest, 'query'>, name: string): string | undefined {
  for (const [k, v] of req.query) if (k === name) return v;
  return undefined;
}

export function queryAll(req: Pick<HttpRequest, 'query'>, name: string): string[] {
  return req.query.filter(([k]) => k === name).map(([, v]) => v);
}

/** Decodes a query string the way AWS does: '+' stays '+' unless the form is url-encoded. */
export function parseQueryString(raw: string, plusIsSpace = false): [string, string][] {
  const out: [string, string][] = [];
  if (!raw) return out;
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    out.push([safeDecode(k, plusIsSpace), safeDecode(v, plusIsSpace)]);
  }
  return out;
}

export function safeDecode(s: string, plusIsSpace = false): string {
  const t = plusIsSpace ? s.replace(/\+/g, ' ') : s;
  try {
    return decodeURIComponent(t);
  } catch {
    return t;
  }
}

export const jsonResponse = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export const textResponse = (status: number, body: string, contentType = 'text/plain; charset=utf-8'): HttpResponse => ({
  status,
  headers: { 'content-type': contentType },
  body,
});
