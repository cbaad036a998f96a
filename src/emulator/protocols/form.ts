import type { HttpRequest } from '../core/http.js';
import { parseQueryString } from '../core/http.js';
import { AwsError } from '../core/errors.js';

const paramCache = new WeakMap<HttpRequest, Map<string, string>>();

/**
 * The parameters of a query-protocol request: the URL's query, then the form body's (which win).
 * Kept apart from the codec so the gateway can read an unsigned request's Action without loading
 * the XML machinery.
 */
export function formParams(req: HttpRequest): Map<string, string> {
  let params = paramCache.get(req);
  if (params) return params;
  params = new Map(req.query);
  const type = req.headers['content-type'] ?? '';
  if (req.body.length && (type === '' || type.includes('x-www-form-urlencoded'))) {
    for (const [k, v] of parseQueryString(req.body.toString('utf8'), true)) params.set(k, v);
  } else if (req.body.length && req.method === 'POST') {
    throw new AwsError('MalformedQueryString', `Unsupported content type for this service: ${type.slice(0, 80)}`, 400);
  }
  paramCache.set(req, params);
  return params;
}
