import type { HttpRequest, HttpResponse } from '../../../core/http.js';
import { accountOfTaggedId, requestId as newRequestId } from '../../../core/ids.js';
import type { ServiceRoute } from '../../../core/service.js';
import type { Emulator, RequestEvent } from '../../../emulator.js';
import { LOWER_ALNUM } from '../common.js';
import type { ApiGatewayState, RestApiRecord } from '../state.js';
import type { ApiGatewayV2State, HttpApiRecord } from '../../apigatewayv2/state.js';
import { gatewayResponse } from './responses.js';

/** A request for an API's stage, in any of the three URL forms. */
export interface ExecuteApiTarget {
  apiId: string;
  /** What follows the API: `/<stage>/<path>` (or `/<path>` for an HTTP API's `$default` stage), raw. */
  rest: string;
  /** The host the API answers at, for events' domainName. */
  domainName: string;
}

const HOST = /^([a-z0-9]{10})\.execute-api\./;

export function parseExecuteApi(req: HttpRequest): ExecuteApiTarget | undefined {
  const host = HOST.exec(req.hostname);
  if (host) return { apiId: host[1], rest: req.rawPath || '/', domainName: req.hostname };
  let m = /^\/restapis\/([a-z0-9]+)\/([^/]+)\/_user_request_(\/.*)?$/.exec(req.rawPath);
  if (m) return { apiId: m[1], rest: `/${m[2]}${m[3] ?? '/'}`, domainName: `${m[1]}.execute-api.localhost` };
  m = /^\/_aws\/execute-api\/([a-z0-9]+)(\/.*)?$/.exec(req.rawPath);
  if (m) return { apiId: m[1], rest: m[2] ?? '/', domainName: `${m[1]}.execute-api.localhost` };
  return undefined;
}

export interface Located<A> {
  accountId: string;
  region: string;
  api: A;
}

/**
 * Finds the REST API or HTTP API an id names. The id carries its account; the regions come from
 * the store, so an unknown id never creates state for whatever account it decodes to.
 */
async function locate(
  emulator: Emulator,
  apiId: string,
): Promise<{ rest?: Located<RestApiRecord>; http?: Located<HttpApiRecord> } | undefined> {
  const accountId = accountOfTaggedId(apiId, LOWER_ALNUM);
  if (!accountId) return undefined;
  for (const region of emulator.store.regions('apigateway', accountId)) {
    const api = emulator.stateFor<ApiGatewayState>('apigateway', accountId, region).restApis[apiId];
    if (api) return { rest: { accountId, region, api } };
  }
  const v2Regions = emulator.store.regions('apigatewayv2', accountId);
  if (v2Regions.length) {
    await emulator.service('apigatewayv2');
    for (const region of v2Regions) {
      const api = emulator.stateFor<ApiGatewayV2State>('apigatewayv2', accountId, region).apis[apiId];
      if (api) return { http: { accountId, region, api } };
    }
  }
  return undefined;
}

/** Tells the console and the page's inspector about a data-plane request, as API requests are. */
export function recordRequest(emulator: Emulator, e: Omit<RequestEvent, 'time' | 'durationMs' | 'requestId'> & { t0: number; requestId?: string }): void {
  const ev: RequestEvent = {
    requestId: e.requestId ?? newRequestId(),
    time: new Date().toISOString(),
    accountId: e.accountId,
    region: e.region,
    service: e.service,
    operation: e.operation,
    status: e.status,
    durationMs: Math.round((performance.now() - e.t0) * 100) / 100,
    principal: e.principal,
    errorCode: e.errorCode,
  };
  emulator.events.emit('request', ev);
  emulator.options.log?.(`${ev.service}.${ev.operation} ${ev.status}${ev.errorCode ? ' ' + ev.errorCode : ''} ${ev.durationMs}ms`);
}

export const executeApiRoute: ServiceRoute = {
  match: (req) => parseExecuteApi(req) !== undefined,
  async handle(req, emulator) {
    const target = parseExecuteApi(req)!;
    const found = await locate(emulator, target.apiId);
    let res: HttpResponse;
    if (found?.rest) {
      const { handleRestApiRequest } = await import('../dataPlane.js');
      res = await handleRestApiRequest(emulator, req, found.rest, target);
    } else if (found?.http) {
      const { handleHttpApiRequest } = await import('../../apigatewayv2/dataPlane.js');
      res = await handleHttpApiRequest(emulator, req, found.http, target);
    } else {
      // AWS has no such host at all; the sandbox says which API it could not find.
      res = gatewayResponse(404, { message: `awslings: no REST API or HTTP API with the id ${target.apiId} exists in the sandbox.` });
    }
    return res;
  },
};
