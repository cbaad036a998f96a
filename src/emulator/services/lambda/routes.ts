import { jsonResponse, queryGet, type HttpRequest } from '../../core/http.js';
import type { ServiceRoute } from '../../core/service.js';
import type { Emulator } from '../../emulator.js';
import { runtimeOf } from './execution.js';

export const ROUTE_PREFIX = '/_awslings/lambda/';

/**
 * `GET /_awslings/lambda/environments[?accountId=…&limit=…]`: the execution environments that exist
 * now (warm, busy, provisioned, when each will be reclaimed) and the latest invocations (cold or
 * warm, init and run durations), for the page's cold-start view.
 */
const environments: ServiceRoute = {
  match: (req) => req.rawPath === `${ROUTE_PREFIX}environments`,
  handle: async (req: HttpRequest, emulator: Emulator) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return jsonResponse(405, { error: 'Use GET.' });
    const accountId = queryGet(req, 'accountId');
    const limit = Number(queryGet(req, 'limit') ?? 200);
    const rt = runtimeOf(emulator);
    return jsonResponse(200, {
      settings: rt.settings,
      environments: rt.manager.environments(accountId),
      invocations: rt.manager.invocations(accountId, Number.isFinite(limit) && limit > 0 ? limit : 200),
    });
  },
};

/** `GET /_awslings/lambda/code/<sha256>.zip`: a function's zip, where GetFunction's Code.Location points. */
const code: ServiceRoute = {
  match: (req) => req.rawPath.startsWith(`${ROUTE_PREFIX}code/`),
  handle: async (req: HttpRequest, emulator: Emulator) => {
    const m = /^([0-9a-f]{64})\.zip$/.exec(req.rawPath.slice(`${ROUTE_PREFIX}code/`.length));
    if (!m || !emulator.store.blobs.has(m[1])) return jsonResponse(404, { error: 'No such code.' });
    return { status: 200, headers: { 'content-type': 'application/zip' }, body: emulator.store.blobs.get(m[1]) };
  },
};

export const routes: ServiceRoute[] = [environments, code];
