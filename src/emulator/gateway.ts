import type { HttpRequest } from './core/http.js';
import type { SigV4Auth } from './auth/sigv4.js';
import { catalog, type CatalogEntry } from './services/catalog.js';
import { formParams } from './protocols/form.js';

/**
 * Which service a request is for: the SigV4 credential scope first (what every SDK and the CLI
 * send), then the host (S3's virtual hosts), X-Amz-Target (unsigned Cognito calls), an unsigned
 * query Action, the path, and last the fallback (S3, as LocalStack: browsers and curl are unsigned).
 */
export function identifyService(req: HttpRequest, auth: SigV4Auth | undefined): CatalogEntry | undefined {
  if (auth) {
    const candidates = catalog.filter((e) => e.signingNames.includes(auth.service));
    if (candidates.length === 1) return candidates[0];
    if (candidates.length > 1) return candidates.find((e) => e.claims?.(req)) ?? candidates.find((e) => !e.claims);
  }
  const byHost = catalog.find((e) => e.hostPattern?.test(req.hostname));
  if (byHost) return byHost;
  const target = req.headers['x-amz-target'];
  if (target) {
    const prefix = target.slice(0, target.lastIndexOf('.'));
    const byTarget = catalog.find((e) => e.targetPrefixes?.includes(prefix));
    if (byTarget) return byTarget;
  }
  let action: string | undefined;
  if (req.method === 'POST' || req.query.some(([k]) => k === 'Action')) {
    try {
      action = formParams(req).get('Action');
    } catch {
      action = undefined;
    }
    if (action) {
      const byAction = catalog.find((e) => e.unsignedActions?.includes(action!));
      if (byAction) return byAction;
    }
  }
  const byPath = catalog.filter((e) => e.pathPattern?.test(req.rawPath));
  if (byPath.length) return byPath.find((e) => e.claims?.(req)) ?? byPath[0];
  // An unsigned query-protocol call (it names an Action) is not for S3: leave it unclaimed.
  return action ? undefined : catalog.find((e) => e.fallback);
}

export function dataPlaneFor(req: HttpRequest): CatalogEntry | undefined {
  return catalog.find((e) => e.dataPlane?.(req));
}
