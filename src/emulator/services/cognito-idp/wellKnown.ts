import type { HttpRequest, HttpResponse } from '../../core/http.js';
import { jsonResponse } from '../../core/http.js';
import type { Emulator } from '../../emulator.js';
import { findPool, type StoredPool } from './state.js';
import { issuerBase, jwksOf } from './tokens.js';

export const WELL_KNOWN = /^\/([a-z]{2}(?:-[a-z]+)+-\d+_[0-9A-Za-z]+)\/\.well-known\/(jwks\.json|openid-configuration)$/;

/** The scheme and host the caller used, so the URLs it gets back work from where it stands. */
export function requestOrigin(req: HttpRequest, emulator: Emulator): string {
  const host = req.headers['host'];
  return host ? `http://${host}` : emulator.endpoint;
}

/** Where a pool's hosted UI lives, path-style on the API's port (Node resolves it; *.localhost is for browsers). */
export const hostedUiBase = (origin: string, domain: string): string => `${issuerBase(origin)}/_aws/cognito-idp/${domain}`;

export function openIdConfiguration(origin: string, pool: StoredPool) {
  const issuer = `${issuerBase(origin)}/${pool.Id}`;
  const ui = pool.domain ? hostedUiBase(origin, pool.domain.Domain) : undefined;
  return {
    ...(ui ? { authorization_endpoint: `${ui}/oauth2/authorize`, end_session_endpoint: `${ui}/logout` } : {}),
    id_token_signing_alg_values_supported: ['RS256'],
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    response_types_supported: ['code', 'token'],
    ...(ui ? { revocation_endpoint: `${ui}/oauth2/revoke` } : {}),
    scopes_supported: ['openid', 'email', 'phone', 'profile'],
    subject_types_supported: ['public'],
    ...(ui ? { token_endpoint: `${ui}/oauth2/token`, token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'], userinfo_endpoint: `${ui}/oauth2/userInfo` } : {}),
  };
}

/** Browser apps call the issuer and the token endpoint from their own origin. */
export const preflight = (req: HttpRequest): HttpResponse => ({
  status: 204,
  headers: {
    'access-control-allow-origin': req.headers['origin'] ?? '*',
    'access-control-allow-methods': 'GET,POST,OPTIONS',
    'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'authorization,content-type',
    'access-control-max-age': '600',
  },
});

/** `<issuer>/.well-known/jwks.json` and `/openid-configuration`, what token verifiers fetch. */
export async function wellKnown(req: HttpRequest, emulator: Emulator): Promise<HttpResponse> {
  if (req.method === 'OPTIONS') return preflight(req);
  const m = WELL_KNOWN.exec(req.rawPath)!;
  const ref = await findPool(emulator, m[1]);
  if (!ref) return jsonResponse(404, { message: `User pool ${m[1]} does not exist.` });
  const body = m[2] === 'jwks.json' ? jwksOf(ref.pool) : openIdConfiguration(requestOrigin(req, emulator), ref.pool);
  return jsonResponse(200, body, { 'cache-control': 'max-age=300' });
}
