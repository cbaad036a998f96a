import type { Emulator } from '../../emulator.js';
import { isAwsError } from '../../core/errors.js';
import { invokeFunction } from '../lambda/index.js';
import { EDGE_LIMITS, isViewerEvent, type EventType } from './validation.js';

/**
 * Lambda@Edge as CloudFront runs it: the event shapes (`Records[0].cf.config/request/response`,
 * headers as `{lowercase: [{key, value}]}`), and the checks CloudFront applies to what the function
 * returns. https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-event-structure.html
 */

export type CfHeaders = Record<string, { key?: string; value: string }[]>;

export interface CfRequest {
  clientIp: string;
  headers: CfHeaders;
  method: string;
  querystring: string;
  uri: string;
  origin?: Record<string, unknown>;
  body?: { inputTruncated: boolean; action: string; encoding: 'base64' | 'text'; data: string };
}

export interface CfResponse {
  status: string;
  statusDescription?: string;
  headers: CfHeaders;
  body?: string;
  bodyEncoding?: 'text' | 'base64';
}

export interface EdgeConfig {
  distributionDomainName: string;
  distributionId: string;
  requestId: string;
}

export type EdgeOutcome =
  | { kind: 'request'; request: CfRequest }
  | { kind: 'response'; response: CfResponse }
  /** CloudFront answers 502 (the result failed validation) or 503 (the function failed or timed out). */
  | { kind: 'error'; status: 502 | 503; xCache: string; reason: string };

export function toCfHeaders(headers: Record<string, string | string[]>): CfHeaders {
  const out: CfHeaders = {};
  for (const [k, v] of Object.entries(headers)) {
    const lower = k.toLowerCase();
    for (const value of Array.isArray(v) ? v : [v]) (out[lower] ??= []).push({ key: k, value });
  }
  return out;
}

export function fromCfHeaders(headers: CfHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [lower, list] of Object.entries(headers)) {
    if (!list.length) continue;
    const name = list[0].key ?? lower;
    out[name] = list.length === 1 ? list[0].value : list.map((h) => h.value);
  }
  return out;
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 301: 'Moved Permanently', 302: 'Found', 304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };
export const statusText = (n: number) => STATUS_TEXT[n] ?? '';

function validHeaders(h: unknown): h is CfHeaders {
  if (!h || typeof h !== 'object' || Array.isArray(h)) return false;
  for (const [k, list] of Object.entries(h as Record<string, unknown>)) {
    if (!Array.isArray(list)) return false;
    for (const item of list) {
      if (!item || typeof item !== 'object' || typeof (item as { value?: unknown }).value !== 'string') return false;
      const key = (item as { key?: unknown }).key;
      if (key !== undefined && (typeof key !== 'string' || key.toLowerCase() !== k)) return false;
    }
  }
  return true;
}

/** The size of a generated body as CloudFront counts it (the decoded bytes). */
const bodyBytes = (r: CfResponse) => (r.body === undefined ? 0 : r.bodyEncoding === 'base64' ? Buffer.from(r.body, 'base64').length : Buffer.byteLength(r.body));

/**
 * Runs one Lambda@Edge function for an event and checks its result: a request (request events
 * only) or a response, with CloudFront's header shape and body size limits for the event type.
 */
export async function runEdgeFunction(
  emulator: Emulator,
  o: { functionArn: string; eventType: EventType; config: EdgeConfig; request: CfRequest; response?: CfResponse },
): Promise<EdgeOutcome> {
  const m = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([^:]+):(\d+)$/.exec(o.functionArn);
  if (!m) return { kind: 'error', status: 503, xCache: 'LambdaExecutionError from cloudfront', reason: `not a function version ARN: ${o.functionArn}` };
  const event = { Records: [{ cf: { config: { ...o.config, eventType: o.eventType }, request: o.request, ...(o.response ? { response: o.response } : {}) } }] };
  let out;
  try {
    out = await invokeFunction(emulator, { accountId: m[2], region: m[1], functionName: m[3], qualifier: m[4], payload: JSON.stringify(event) });
  } catch (e) {
    const code = isAwsError(e) ? e.code : 'ServiceException';
    const limit = code === 'TooManyRequestsException';
    return { kind: 'error', status: 503, xCache: limit ? 'LambdaLimitExceeded from cloudfront' : 'LambdaExecutionError from cloudfront', reason: `${code}: ${(e as Error).message}` };
  }
  if (out.functionError) {
    return { kind: 'error', status: 503, xCache: 'LambdaExecutionError from cloudfront', reason: `the function failed: ${out.payload.toString('utf8').slice(0, 300)}` };
  }
  let result: unknown;
  try {
    result = JSON.parse(out.payload.toString('utf8') || 'null');
  } catch {
    return invalid('the function returned something that is not JSON');
  }
  if (!result || typeof result !== 'object') return invalid('the function returned no request or response object');
  const r = result as Record<string, unknown>;
  const isRequestEvent = o.eventType.endsWith('-request');
  if (r.status !== undefined) {
    const status = Number(r.status);
    if (!Number.isInteger(status) || status < 100 || status > 599) return invalid(`status ${JSON.stringify(r.status)} is not a valid HTTP status`);
    const headers = r.headers ?? {};
    if (!validHeaders(headers)) return invalid('the headers must be {lowercase-name: [{key, value}]}, each key the same name');
    if (r.body !== undefined && typeof r.body !== 'string') return invalid('the body must be a string');
    if (r.bodyEncoding !== undefined && r.bodyEncoding !== 'text' && r.bodyEncoding !== 'base64') return invalid('bodyEncoding must be text or base64');
    const response: CfResponse = { status: String(status), statusDescription: typeof r.statusDescription === 'string' ? r.statusDescription : undefined, headers, body: r.body as string | undefined, bodyEncoding: r.bodyEncoding as CfResponse['bodyEncoding'] };
    const limit = isViewerEvent(o.eventType) ? EDGE_LIMITS.viewer.generatedBodyBytes : EDGE_LIMITS.origin.generatedBodyBytes;
    if (bodyBytes(response) > limit) {
      return invalid(`the generated body is ${bodyBytes(response)} bytes, more than the ${limit} bytes allowed for ${o.eventType} events`);
    }
    return { kind: 'response', response };
  }
  if (!isRequestEvent) return invalid(`a ${o.eventType} function must return a response`);
  if (typeof r.uri !== 'string' || !r.uri.startsWith('/')) return invalid('the request uri must be a string that starts with /');
  if (!validHeaders(r.headers ?? {})) return invalid('the headers must be {lowercase-name: [{key, value}]}, each key the same name');
  if (r.method !== undefined && r.method !== o.request.method) return invalid('the request method cannot be changed');
  return {
    kind: 'request',
    request: { ...o.request, ...(r as Partial<CfRequest>), headers: (r.headers as CfHeaders) ?? {}, uri: r.uri, querystring: typeof r.querystring === 'string' ? r.querystring : o.request.querystring },
  };
}

const invalid = (reason: string): EdgeOutcome => ({ kind: 'error', status: 502, xCache: 'LambdaValidationError from cloudfront', reason });
