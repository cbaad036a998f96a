import type { HttpRequest, HttpResponse } from '../../../core/http.js';

/**
 * CORS as HTTP APIs and Lambda function URLs apply it from their configuration (the two share the
 * shape): preflights answered before any route or function, and the allow headers added to (and
 * replacing the backend's on) every response to an allowed origin.
 */
export interface CorsConfig {
  AllowCredentials?: boolean;
  AllowHeaders?: string[];
  AllowMethods?: string[];
  AllowOrigins?: string[];
  ExposeHeaders?: string[];
  MaxAge?: number;
}

function originAllowed(cors: CorsConfig, origin: string | undefined): string | undefined {
  if (!origin) return undefined;
  const origins = cors.AllowOrigins ?? [];
  if (origins.includes('*')) return cors.AllowCredentials ? origin : '*';
  return origins.includes(origin) ? origin : undefined;
}

export function preflight(cors: CorsConfig, req: HttpRequest): HttpResponse {
  const headers: Record<string, string> = {};
  const allowed = originAllowed(cors, req.headers.origin);
  const method = req.headers['access-control-request-method'] ?? '';
  const methods = cors.AllowMethods ?? [];
  if (allowed && (methods.includes('*') || methods.includes(method))) {
    headers['access-control-allow-origin'] = allowed;
    headers['access-control-allow-methods'] = methods.join(',');
    const requested = req.headers['access-control-request-headers'];
    const allowHeaders = cors.AllowHeaders ?? [];
    if (allowHeaders.length) headers['access-control-allow-headers'] = allowHeaders.includes('*') && requested ? requested : allowHeaders.join(',');
    if (cors.MaxAge !== undefined) headers['access-control-max-age'] = String(cors.MaxAge);
    if (cors.AllowCredentials) headers['access-control-allow-credentials'] = 'true';
    if (cors.ExposeHeaders?.length) headers['access-control-expose-headers'] = cors.ExposeHeaders.join(',');
  }
  return { status: 204, headers };
}

export function withCors(res: HttpResponse, cors: CorsConfig | undefined, req: HttpRequest): HttpResponse {
  if (!cors) return res;
  const allowed = originAllowed(cors, req.headers.origin);
  // API Gateway's CORS headers replace the integration's own.
  for (const k of Object.keys(res.headers)) if (k.toLowerCase().startsWith('access-control-')) delete res.headers[k];
  if (!allowed) return res;
  res.headers['access-control-allow-origin'] = allowed;
  if (cors.AllowCredentials) res.headers['access-control-allow-credentials'] = 'true';
  if (cors.ExposeHeaders?.length) res.headers['access-control-expose-headers'] = cors.ExposeHeaders.join(',');
  res.headers.vary = 'origin';
  return res;
}

