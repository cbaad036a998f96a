import type { HttpRequest, HttpResponse } from '../../../core/http.js';
import { requestId } from '../../../core/ids.js';
import { isAwsError } from '../../../core/errors.js';
import type { RequestContext } from '../../../core/service.js';
import type { Emulator } from '../../../emulator.js';
import { anonymousPrincipal } from '../../../auth/principal.js';
import { findClient, type PoolClient, type PoolRef } from '../state.js';
import { issuerBase } from '../tokens.js';
import { preflight, requestOrigin } from '../wellKnown.js';
import { errorPage, page } from './pages.js';
import { STAND_IN_PATH, standIn } from './standIn.js';
import { authorize, logout, revoke, tokenEndpoint, userInfo } from './oauth.js';
import { confirm, confirmForgotPassword, forgotPassword, login, signup } from './login.js';
import { idpResponse } from './federation.js';

/**
 * The hosted UI of user pools with a domain, in two forms that lead to the same pages:
 * `http://localhost:4566/_aws/cognito-idp/<domain>/oauth2/authorize` (path-style, which Node and
 * every browser reach) and `http://<domain>.auth.<region>.localhost:4566/oauth2/authorize`
 * (host-style, like AWS's `<domain>.auth.<region>.amazoncognito.com`, for browsers).
 */
export const HOSTED_UI_PATH = '/_aws/cognito-idp/';
const HOST = /^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.auth\.([a-z0-9-]+)\.localhost$/;

export const isHostedUiHost = (hostname: string): boolean => HOST.test(hostname);

/** One hosted-UI request: which domain, under which path prefix, with its query and form fields merged. */
export interface Site {
  emulator: Emulator;
  req: HttpRequest;
  /** `http://<host>` as the browser sent it. */
  origin: string;
  /** The path prefix of this domain's pages: `/_aws/cognito-idp/<domain>`, or '' on its own host. */
  base: string;
  domain: string;
  region?: string;
  path: string;
  params: URLSearchParams;
}

/** The absolute URL of one of this domain's pages. */
export const siteUrl = (site: Site, path: string, params?: Record<string, string | undefined>): string => {
  const u = new URL(`${site.origin}${site.base}${path}`);
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== '') u.searchParams.set(k, v);
  return u.toString();
};

/** An app client of the pool this domain belongs to. */
export async function clientOfSite(site: Site, clientId: string | null): Promise<{ ref: PoolRef; client: PoolClient } | undefined> {
  const found = clientId ? await findClient(site.emulator, clientId) : undefined;
  if (!found || found.ref.pool.domain?.Domain !== site.domain) return undefined;
  if (site.region && found.ref.region !== site.region) return undefined;
  return found;
}

/** A request context for running the pool's own logic (sign-in, triggers, tokens) from a page. */
export function siteCtx(site: Site, ref: PoolRef): RequestContext {
  return {
    requestId: requestId(),
    service: 'cognito-idp',
    operation: 'HostedUI',
    region: ref.region,
    accountId: ref.accountId,
    principal: anonymousPrincipal(ref.accountId),
    emulator: site.emulator,
    endpoint: site.origin,
    http: site.req,
  };
}

export function cookies(req: HttpRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers['cookie'] ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

function siteOf(req: HttpRequest, emulator: Emulator): Site | undefined {
  const origin = requestOrigin(req, emulator);
  const params = new URLSearchParams(req.rawQuery);
  if (req.method === 'POST' && (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) params.set(k, v);
  }
  const pm = /^\/_aws\/cognito-idp\/([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\/.*)?$/.exec(req.rawPath);
  if (pm) return { emulator, req, origin, base: `/_aws/cognito-idp/${pm[1]}`, domain: pm[1], path: pm[2] ?? '/', params };
  const hm = HOST.exec(req.hostname);
  if (hm) return { emulator, req, origin, base: '', domain: hm[1], region: hm[2], path: req.rawPath, params };
  return undefined;
}

export async function hostedUi(req: HttpRequest, emulator: Emulator): Promise<HttpResponse> {
  if (req.method === 'OPTIONS') return preflight(req);
  if (req.rawPath.startsWith(STAND_IN_PATH)) return standIn(emulator, req, issuerBase(requestOrigin(req, emulator)));
  const site = siteOf(req, emulator);
  if (!site) return errorPage('Not found.', 404);
  try {
    switch (site.path) {
      case '/oauth2/authorize':
        return await authorize(site);
      case '/login':
        return await login(site);
      case '/oauth2/token':
        return await tokenEndpoint(site);
      case '/oauth2/userInfo':
        return await userInfo(site);
      case '/logout':
        return await logout(site);
      case '/oauth2/revoke':
        return await revoke(site);
      case '/oauth2/idpresponse':
        return await idpResponse(site);
      case '/signup':
        return await signup(site);
      case '/confirm':
      case '/confirmUser':
        return await confirm(site);
      case '/forgotPassword':
        return await forgotPassword(site);
      case '/confirmForgotPassword':
        return await confirmForgotPassword(site);
      default:
        return page('Page not found', `<p>The hosted UI of ${site.domain} has no page ${site.path}.</p>`, 404);
    }
  } catch (e) {
    if (isAwsError(e)) return errorPage(e.message);
    process.emitWarning(`awslings: the hosted UI failed on ${req.method} ${req.rawPath}: ${(e as Error).stack ?? e}`);
    return errorPage(`awslings: the sandbox failed while answering this page: ${(e as Error).message}`, 500);
  }
}
