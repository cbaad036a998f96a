import { randomBytes } from 'node:crypto';
import { safeDecode, type HttpRequest } from '../../../core/http.js';

/**
 * What the data planes read from an incoming request, the way API Gateway sees it: headers with
 * the client's names and repeats, query parameters decoded as a form (`+` is a space), the caller's IP.
 */
export interface ClientHeaders {
  /** Each name as the client first wrote it, with every value in order. */
  multi: [string, string[]][];
}

export function clientHeaders(req: HttpRequest): ClientHeaders {
  const byLower = new Map<string, [string, string[]]>();
  if (req.rawHeaders?.length) {
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i];
      const lower = name.toLowerCase();
      const entry = byLower.get(lower);
      if (entry) entry[1].push(req.rawHeaders[i + 1]);
      else byLower.set(lower, [name, [req.rawHeaders[i + 1]]]);
    }
  } else {
    for (const [k, v] of Object.entries(req.headers)) byLower.set(k, [k, [v]]);
  }
  return { multi: [...byLower.values()] };
}

/** `+` decodes to a space in API Gateway's query parameters, as in a form. */
export function queryPairs(rawQuery: string): [string, string][] {
  const out: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    out.push([safeDecode(eq < 0 ? part : part.slice(0, eq), true), safeDecode(eq < 0 ? '' : part.slice(eq + 1), true)]);
  }
  return out;
}

export const sourceIpOf = (req: HttpRequest): string => (req.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '').replace(/^::1$/, '127.0.0.1');

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** API Gateway's requestTime: `09/Apr/2015:12:34:56 +0000`. */
export function clfTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** An X-Ray trace id as API Gateway adds it: `Root=1-<8 hex time>-<24 hex>`. */
export const traceId = (ms: number): string => `Root=1-${Math.floor(ms / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

/** API Gateway's extended request id (x-amz-apigw-id): 16 characters. */
export const extendedRequestId = (): string => randomBytes(12).toString('base64').replace(/[+/]/g, 'A').slice(0, 16);

/** Media types API Gateway treats as text (HTTP APIs base64-encode every other body). */
export function isTextType(contentType: string | undefined): boolean {
  if (!contentType) return true;
  const t = contentType.split(';')[0].trim().toLowerCase();
  return t.startsWith('text/') || /(^|[/+])(json|xml|javascript|x-www-form-urlencoded|yaml|graphql)$/.test(t);
}

/** Whether a media type matches one of a REST API's binaryMediaTypes (`image/png`, `image/*`, `*\/*`). */
export function matchesMediaType(contentType: string | undefined, patterns: string[] | undefined): boolean {
  if (!contentType || !patterns?.length) return false;
  const types = contentType.split(',').map((t) => t.split(';')[0].trim().toLowerCase());
  return types.some((t) =>
    patterns.some((p) => {
      const q = p.replace(/~1/g, '/').toLowerCase();
      if (q === '*/*') return true;
      return q.endsWith('/*') ? t.startsWith(q.slice(0, -1)) : t === q;
    }),
  );
}
