import type { HttpRequest, HttpResponse } from '../../../core/http.js';
import { clfTime, clientHeaders, isTextType, matchesMediaType, queryPairs, sourceIpOf } from './requests.js';

/** What both event formats need to know about one request and where it landed. */
export interface RequestFacts {
  req: HttpRequest;
  accountId: string;
  region: string;
  apiId: string;
  stage: string;
  /** The request path within the stage (raw, percent-encoded as sent), e.g. `/pets/1`. */
  path: string;
  /** The path as the client sent it after the host: `/prod/pets/1` (REST APIs' requestContext.path). */
  fullPath: string;
  /** The resource or route path: `/pets/{id}`. */
  resourcePath: string;
  resourceId: string;
  pathParameters?: Record<string, string>;
  stageVariables?: Record<string, string>;
  requestId: string;
  extendedRequestId: string;
  deploymentId: string;
  /** Epoch ms. */
  time: number;
  /** The host the client used, for domainName / Host. */
  domainName: string;
  /** Extra headers API Gateway adds before the integration (X-Forwarded-*, X-Amzn-Trace-Id, CloudFront's). */
  addedHeaders: [string, string][];
  /** requestContext.authorizer (payload 1.0) or its parts (2.0). */
  authorizer?: Record<string, unknown>;
  /** REST APIs: body is base64 when its Content-Type is one of these. */
  binaryMediaTypes?: string[];
  /** requestContext.identity for AWS_IAM-authorized requests. */
  identity?: Partial<Record<'accessKey' | 'accountId' | 'caller' | 'user' | 'userArn', string>>;
}

function headerMaps(f: RequestFacts): { single: Record<string, string>; multi: Record<string, string[]> } {
  const entries = [...clientHeaders(f.req).multi];
  for (const [name, value] of f.addedHeaders) {
    if (!entries.some(([n]) => n.toLowerCase() === name.toLowerCase())) entries.push([name, [value]]);
  }
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, values] of entries) {
    single[name] = values[values.length - 1];
    multi[name] = values;
  }
  return { single, multi };
}

function queryMaps(rawQuery: string): { single: Record<string, string> | null; multi: Record<string, string[]> | null } {
  const pairs = queryPairs(rawQuery);
  if (!pairs.length) return { single: null, multi: null };
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [k, v] of pairs) {
    single[k] = v;
    (multi[k] ??= []).push(v);
  }
  return { single, multi };
}

function bodyOf(f: RequestFacts, base64: boolean): { body: string | null; isBase64Encoded: boolean } {
  if (!f.req.body.length) return { body: null, isBase64Encoded: false };
  return base64 ? { body: f.req.body.toString('base64'), isBase64Encoded: true } : { body: f.req.body.toString('utf8'), isBase64Encoded: false };
}

/**
 * The Lambda proxy event, payload format 1.0 (REST APIs, and HTTP APIs when asked for 1.0),
 * with every field AWS sends, in AWS's order.
 */
export function eventV1(f: RequestFacts, httpApi = false): Record<string, unknown> {
  const h = headerMaps(f);
  const q = queryMaps(f.req.rawQuery);
  const userAgent = f.req.headers['user-agent'] ?? null;
  const base64 = httpApi ? !isTextType(f.req.headers['content-type']) : matchesMediaType(f.req.headers['content-type'], f.binaryMediaTypes);
  const requestContext: Record<string, unknown> = {
    resourceId: f.resourceId,
    resourcePath: f.resourcePath,
    httpMethod: f.req.method,
    extendedRequestId: f.extendedRequestId,
    requestTime: clfTime(f.time),
    path: f.fullPath,
    accountId: f.accountId,
    protocol: 'HTTP/1.1',
    stage: f.stage,
    domainPrefix: f.apiId,
    requestTimeEpoch: f.time,
    requestId: f.requestId,
    identity: {
      cognitoIdentityPoolId: null,
      accountId: f.identity?.accountId ?? null,
      cognitoIdentityId: null,
      caller: f.identity?.caller ?? null,
      sourceIp: sourceIpOf(f.req),
      principalOrgId: null,
      accessKey: f.identity?.accessKey ?? null,
      cognitoAuthenticationType: null,
      cognitoAuthenticationProvider: null,
      userArn: f.identity?.userArn ?? null,
      userAgent,
      user: f.identity?.user ?? null,
    },
    domainName: f.domainName,
    deploymentId: f.deploymentId,
    apiId: f.apiId,
  };
  if (f.authorizer) requestContext.authorizer = f.authorizer;
  const event: Record<string, unknown> = httpApi ? { version: '1.0' } : {};
  Object.assign(event, {
    resource: f.resourcePath,
    path: f.path,
    httpMethod: f.req.method,
    headers: h.single,
    multiValueHeaders: h.multi,
    queryStringParameters: q.single,
    multiValueQueryStringParameters: q.multi,
    pathParameters: f.pathParameters && Object.keys(f.pathParameters).length ? f.pathParameters : null,
    stageVariables: f.stageVariables && Object.keys(f.stageVariables).length ? f.stageVariables : null,
    requestContext,
    ...bodyOf(f, base64),
  });
  return event;
}

/** The HTTP API event, payload format 2.0: lower-case headers joined with commas, cookies apart. */
export function eventV2(f: RequestFacts, routeKey: string, routeId: string): Record<string, unknown> {
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, values] of clientHeaders(f.req).multi) {
    const lower = name.toLowerCase();
    if (lower === 'cookie') {
      cookies = values.flatMap((v) => v.split(';').map((c) => c.trim()).filter(Boolean));
      continue;
    }
    headers[lower] = headers[lower] ? `${headers[lower]},${values.join(',')}` : values.join(',');
  }
  for (const [name, value] of f.addedHeaders) headers[name.toLowerCase()] ??= value;
  const pairs = queryPairs(f.req.rawQuery);
  const query: Record<string, string> = {};
  for (const [k, v] of pairs) query[k] = query[k] !== undefined ? `${query[k]},${v}` : v;
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey,
    rawPath: f.fullPath,
    rawQueryString: f.req.rawQuery,
  };
  if (cookies?.length) event.cookies = cookies;
  event.headers = headers;
  if (pairs.length) event.queryStringParameters = query;
  const requestContext: Record<string, unknown> = {
    accountId: f.accountId,
    apiId: f.apiId,
  };
  if (f.authorizer) requestContext.authorizer = f.authorizer;
  Object.assign(requestContext, {
    domainName: f.domainName,
    domainPrefix: f.apiId,
    http: {
      method: f.req.method,
      path: f.fullPath,
      protocol: 'HTTP/1.1',
      sourceIp: sourceIpOf(f.req),
      userAgent: f.req.headers['user-agent'] ?? '',
    },
    requestId: f.extendedRequestId,
    routeKey,
    stage: f.stage,
    time: clfTime(f.time),
    timeEpoch: f.time,
  });
  event.requestContext = requestContext;
  if (f.pathParameters && Object.keys(f.pathParameters).length) event.pathParameters = f.pathParameters;
  if (f.stageVariables && Object.keys(f.stageVariables).length) event.stageVariables = f.stageVariables;
  void routeId;
  if (f.req.body.length) {
    const base64 = !isTextType(f.req.headers['content-type']);
    event.body = base64 ? f.req.body.toString('base64') : f.req.body.toString('utf8');
    event.isBase64Encoded = base64;
  } else event.isBase64Encoded = false;
  return event;
}

// ---- the function's answer ----

export type Mapped = { ok: true; response: HttpResponse } | { ok: false; reason: string };

const PROXY_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded', 'cookies']);

function parsePayload(payload: Buffer): unknown {
  const text = payload.toString('utf8');
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return Symbol.for('invalid');
  }
}

function statusOf(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
  return Number.isInteger(n) && n >= 100 && n <= 599 ? n : undefined;
}

/** Header values may be strings, numbers or booleans; AWS writes them as text. */
const headerText = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);

/**
 * A Lambda proxy response in payload format 1.0: `{statusCode, headers, multiValueHeaders, body,
 * isBase64Encoded}`. Anything else is "Malformed Lambda proxy response", which the caller turns into
 * a 502 (REST) or 500 (HTTP API). A base64 body is decoded when the client accepts a binary media type.
 */
export function mapProxyResponseV1(payload: Buffer, opts: { binaryMediaTypes?: string[]; accept?: string; alwaysDecode?: boolean }): Mapped {
  const r = parsePayload(payload);
  if (r === undefined) return { ok: false, reason: 'the function returned nothing' };
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return { ok: false, reason: 'the response is not a JSON object' };
  const o = r as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => !PROXY_KEYS.has(k));
  if (extra.length) return { ok: false, reason: `unexpected member${extra.length > 1 ? 's' : ''} ${extra.join(', ')}` };
  const status = o.statusCode === undefined ? 200 : statusOf(o.statusCode);
  if (status === undefined) return { ok: false, reason: `statusCode ${JSON.stringify(o.statusCode)} is not a valid HTTP status` };
  const headers: Record<string, string> = {};
  const names = new Map<string, string>();
  const put = (name: string, value: string, append: boolean) => {
    const lower = name.toLowerCase();
    const known = names.get(lower);
    if (known && known !== name) {
      const prev = headers[known];
      delete headers[known];
      headers[name] = append && prev !== undefined ? `${prev}, ${value}` : value;
    } else headers[name] = append && headers[name] !== undefined ? `${headers[name]}, ${value}` : value;
    names.set(lower, name);
  };
  if (o.multiValueHeaders !== undefined && o.multiValueHeaders !== null) {
    if (typeof o.multiValueHeaders !== 'object' || Array.isArray(o.multiValueHeaders)) return { ok: false, reason: 'multiValueHeaders must be an object of lists' };
    for (const [k, list] of Object.entries(o.multiValueHeaders as Record<string, unknown>)) {
      if (!Array.isArray(list)) return { ok: false, reason: `multiValueHeaders.${k} must be a list` };
      for (const v of list) {
        const t = headerText(v);
        if (t === undefined) return { ok: false, reason: `multiValueHeaders.${k} has a value that is not text` };
        put(k, t, true);
      }
    }
  }
  if (o.headers !== undefined && o.headers !== null) {
    if (typeof o.headers !== 'object' || Array.isArray(o.headers)) return { ok: false, reason: 'headers must be an object' };
    for (const [k, v] of Object.entries(o.headers as Record<string, unknown>)) {
      const t = headerText(v);
      if (t === undefined) return { ok: false, reason: `headers.${k} is not text` };
      put(k, t, true);
    }
  }
  if (o.body !== undefined && o.body !== null && typeof o.body !== 'string') return { ok: false, reason: 'body must be a string' };
  let body: Uint8Array | string = (o.body as string | undefined) ?? '';
  const contentType = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  if (o.isBase64Encoded === true && typeof o.body === 'string') {
    // REST APIs return bytes only to a client that accepts one of the API's binary media types.
    if (opts.alwaysDecode || matchesMediaType(opts.accept, opts.binaryMediaTypes)) {
      body = Buffer.from(o.body, 'base64');
    }
  }
  if (!contentType) headers['Content-Type'] = 'application/json';
  return { ok: true, response: { status, headers, body } };
}

/**
 * An HTTP API response in payload format 2.0. A JSON object with a statusCode is read as a
 * response; anything else valid (an object without statusCode, a string, a number) is the body of
 * a 200 application/json response, as API Gateway infers it.
 */
export function mapProxyResponseV2(payload: Buffer, opts: { functionUrl?: boolean } = {}): Mapped {
  const r = parsePayload(payload);
  if (typeof r === 'symbol') return { ok: false, reason: 'the function returned something that is not JSON' };
  if (r === undefined || r === null) return { ok: true, response: { status: 200, headers: { 'content-type': 'application/json' }, body: payload } };
  // Function URLs send a returned string as it is, not as JSON text.
  if (opts.functionUrl && typeof r === 'string') return { ok: true, response: { status: 200, headers: { 'content-type': 'application/json' }, body: r } };
  if (typeof r !== 'object' || Array.isArray(r) || (r as Record<string, unknown>).statusCode === undefined) {
    return { ok: true, response: { status: 200, headers: { 'content-type': 'application/json' }, body: payload } };
  }
  const o = r as Record<string, unknown>;
  const status = statusOf(o.statusCode);
  if (status === undefined) return { ok: false, reason: `statusCode ${JSON.stringify(o.statusCode)} is not a valid HTTP status` };
  const headers: Record<string, string | string[]> = {};
  if (o.headers && typeof o.headers === 'object') {
    for (const [k, v] of Object.entries(o.headers as Record<string, unknown>)) {
      const t = headerText(v);
      if (t !== undefined) headers[k.toLowerCase()] = t;
    }
  }
  if (Array.isArray(o.cookies) && o.cookies.length) headers['set-cookie'] = o.cookies.map(String);
  let body: string | Uint8Array = typeof o.body === 'string' ? o.body : o.body === undefined || o.body === null ? '' : JSON.stringify(o.body);
  if (o.isBase64Encoded === true && typeof o.body === 'string') body = Buffer.from(o.body, 'base64');
  headers['content-type'] ??= 'application/json';
  return { ok: true, response: { status, headers, body } };
}
