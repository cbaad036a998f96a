import type { HttpRequest } from '../../core/http.js';
import { safeDecode } from '../../core/http.js';

/** `<bucket>.s3.localhost` (browsers and curl resolve *.localhost) and AWS's own host names. */
export const VIRTUAL_HOST = /^(.+)\.s3(?:[.-][a-z0-9-]+)?\.(?:localhost|amazonaws\.com|localhost\.localstack\.cloud)$/;

/**
 * Where the bucket is: the host for virtual-hosted requests, else the first path segment
 * (path style, which the SDKs use with a custom endpoint and forcePathStyle).
 */
export function routeLabels(req: HttpRequest): { pathPrefix: string; labels: Record<string, string> } {
  const host = VIRTUAL_HOST.exec(req.hostname);
  if (host) return { pathPrefix: '', labels: { Bucket: host[1] } };
  const seg = req.rawPath.split('/')[1];
  if (!seg) return { pathPrefix: '', labels: {} };
  return { pathPrefix: `/${seg}`, labels: { Bucket: safeDecode(seg) } };
}

export const bucketFromRequest = (req: HttpRequest): string | undefined => routeLabels(req).labels.Bucket;
