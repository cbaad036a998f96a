import type { CORSRule } from '@aws-sdk/client-s3';
import type { HttpRequest, HttpResponse } from '../../core/http.js';
import type { ServiceRoute } from '../../core/service.js';
import type { Emulator } from '../../emulator.js';
import { escapeXml } from '../../protocols/xml.js';
import { bucketFromRequest } from './routing.js';
import { bucketOwner, s3StateOf } from './state.js';

const wildcard = (pattern: string, value: string) =>
  new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', 'i').test(value);

/** The first of a bucket's CORS rules that allows this origin, method and these headers. */
export function matchCorsRule(rules: CORSRule[], origin: string, method: string, headers: string[]): CORSRule | undefined {
  return rules.find(
    (r) =>
      (r.AllowedOrigins ?? []).some((o) => wildcard(o, origin)) &&
      (r.AllowedMethods ?? []).includes(method) &&
      headers.every((h) => (r.AllowedHeaders ?? []).some((a) => wildcard(a, h))),
  );
}

/**
 * Browsers' CORS preflights for a bucket, answered from the bucket's CORS configuration as S3 does
 * (403 when no rule allows the request). Preflights that name no existing bucket are left to the
 * server's permissive default, since they may be meant for another service.
 */
export const corsPreflight: ServiceRoute = {
  match: (req) => req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined,
  async handle(req: HttpRequest, emulator: Emulator): Promise<HttpResponse> {
    const name = bucketFromRequest(req);
    const owner = name ? bucketOwner(emulator, name, '000000000000') : undefined;
    const bucket = owner ? s3StateOf(emulator, owner).buckets[name!] : undefined;
    const method = req.headers['access-control-request-method'] ?? '';
    const requested = (req.headers['access-control-request-headers'] ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
    if (!bucket) {
      return {
        status: 200,
        headers: {
          'access-control-allow-origin': '*',
          'access-control-allow-methods': 'HEAD,GET,PUT,POST,DELETE,OPTIONS,PATCH',
          'access-control-allow-headers': requested.join(', ') || '*',
          'access-control-max-age': '600',
        },
      };
    }
    const origin = req.headers['origin'] ?? '';
    const rule = origin ? matchCorsRule(bucket.Cors ?? [], origin, method, requested) : undefined;
    if (!rule) {
      const message = bucket.Cors?.length ? 'CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource\'s CORS spec.' : 'CORSResponse: CORS is not enabled for this bucket.';
      return {
        status: 403,
        headers: { 'content-type': 'application/xml' },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessForbidden</Code><Message>${escapeXml(message)}</Message><Method>${escapeXml(method)}</Method><ResourceType>OBJECT</ResourceType></Error>`,
      };
    }
    const headers: Record<string, string> = {
      'access-control-allow-origin': (rule.AllowedOrigins ?? []).includes('*') ? '*' : origin,
      'access-control-allow-methods': (rule.AllowedMethods ?? []).join(', '),
      vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
    };
    if (requested.length) headers['access-control-allow-headers'] = requested.join(', ');
    if (rule.ExposeHeaders?.length) headers['access-control-expose-headers'] = rule.ExposeHeaders.join(', ');
    if (rule.MaxAgeSeconds !== undefined) headers['access-control-max-age'] = String(rule.MaxAgeSeconds);
    if (headers['access-control-allow-origin'] !== '*') headers['access-control-allow-credentials'] = 'true';
    return { status: 200, headers };
  },
};
