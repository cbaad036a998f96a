import type {
  CreateRouteRequest,
  CreateRouteResult,
  DeleteRouteRequest,
  GetRouteRequest,
  GetRouteResult,
  GetRoutesRequest,
  GetRoutesResponse,
  Route,
  UpdateRouteRequest,
  UpdateRouteResult,
} from '@aws-sdk/client-apigatewayv2';
import { operation } from '../../core/service.js';
import { newId } from '../apigateway/common.js';
import type { HttpApiRecord, RouteRecord } from './state.js';
import { apiOf, autoDeploy, badRequest, conflict, notFound, page } from './common.js';

const METHODS = ['ANY', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** `$default`, or `METHOD /path` with `{name}` segments and an optional final `{name+}`. */
export function checkRouteKey(key: string): void {
  if (key === '$default') return;
  const m = /^([A-Z]+) (\/.*)$/.exec(key);
  const invalid = () => badRequest(`Unable to create route ${key}. The route key must be "$default" or an HTTP method and a path, as "GET /pets/{id}".`);
  if (!m || !METHODS.includes(m[1])) throw invalid();
  const segs = m[2] === '/' ? [] : m[2].slice(1).split('/');
  segs.forEach((s, i) => {
    if (!s) throw invalid();
    if (s.startsWith('{') || s.endsWith('}')) {
      if (!/^\{[A-Za-z0-9._-]+\+?\}$/.test(s)) throw invalid();
      if (s.endsWith('+}') && i !== segs.length - 1) throw badRequest(`Unable to create route ${key}. A greedy path variable must be the last part of the path.`);
    }
  });
}

export const toRoute = (r: RouteRecord): Route => ({ ...r, AuthorizationScopes: r.AuthorizationScopes?.length ? r.AuthorizationScopes : undefined }) as Route;

export function routeOf(api: HttpApiRecord, id: string | undefined): RouteRecord {
  const r = id ? api.routes[id] : undefined;
  if (!r) throw notFound(`Invalid Route identifier specified ${id}`, 'Route');
  return r;
}

function checkRoute(api: HttpApiRecord, r: RouteRecord): void {
  checkRouteKey(r.RouteKey);
  if (Object.values(api.routes).some((o) => o.RouteId !== r.RouteId && o.RouteKey === r.RouteKey)) {
    throw conflict(`Route with key ${r.RouteKey} already exists for this API`);
  }
  if (r.Target !== undefined) {
    const m = /^integrations\/(.+)$/.exec(r.Target);
    if (!m || !api.integrations[m[1]]) throw badRequest(`Invalid target ${r.Target}: it must be integrations/<IntegrationId> of an integration of this API`);
  }
  if (!['NONE', 'JWT', 'AWS_IAM', 'CUSTOM'].includes(r.AuthorizationType)) throw badRequest(`Invalid authorization type specified: ${r.AuthorizationType}. Valid options are NONE,JWT,AWS_IAM,CUSTOM`);
  if (r.AuthorizationType === 'JWT' || r.AuthorizationType === 'CUSTOM') {
    const a = r.AuthorizerId ? api.authorizers[r.AuthorizerId] : undefined;
    if (!a) throw badRequest(`Invalid authorizer ID specified. Setting the authorization type to ${r.AuthorizationType} requires a valid authorizer.`);
    if ((a.AuthorizerType === 'JWT') !== (r.AuthorizationType === 'JWT')) {
      throw badRequest(`Authorization type ${r.AuthorizationType} does not match the authorizer's type ${a.AuthorizerType}`);
    }
  } else if (r.AuthorizerId) throw badRequest('An authorizer can only be set with the authorization type JWT or CUSTOM');
  if (r.AuthorizationScopes?.length && r.AuthorizationType !== 'JWT') throw badRequest('Authorization scopes are supported only for JWT authorizers');
}

export const CreateRoute = operation<CreateRouteRequest, CreateRouteResult>({
  handler(input, ctx) {
    const api = apiOf(ctx, input.ApiId);
    const r: RouteRecord = {
      RouteId: newId(7),
      RouteKey: input.RouteKey ?? '',
      ApiKeyRequired: input.ApiKeyRequired ?? false,
      AuthorizationType: input.AuthorizationType ?? 'NONE',
      AuthorizerId: input.AuthorizerId,
      AuthorizationScopes: input.AuthorizationScopes,
      OperationName: input.OperationName,
      RequestModels: input.RequestModels,
      RequestParameters: input.RequestParameters,
      Target: input.Target,
    };
    checkRoute(api, r);
    api.routes[r.RouteId] = r;
    autoDeploy(ctx, api);
    return toRoute(r);
  },
});

export const GetRoute = operation<GetRouteRequest, GetRouteResult>({
  handler: (input, ctx) => toRoute(routeOf(apiOf(ctx, input.ApiId), input.RouteId)),
});

export const GetRoutes = operation<GetRoutesRequest, GetRoutesResponse>({
  handler(input, ctx) {
    const p = page(Object.values(apiOf(ctx, input.ApiId).routes), input.NextToken, input.MaxResults);
    return { Items: p.Items.map(toRoute), NextToken: p.NextToken };
  },
});

export const UpdateRoute = operation<UpdateRouteRequest, UpdateRouteResult>({
  handler(input, ctx) {
    const api = apiOf(ctx, input.ApiId);
    const r = routeOf(api, input.RouteId);
    const next: RouteRecord = { ...r };
    if (input.RouteKey !== undefined) next.RouteKey = input.RouteKey;
    if (input.ApiKeyRequired !== undefined) next.ApiKeyRequired = input.ApiKeyRequired;
    if (input.AuthorizationType !== undefined) next.AuthorizationType = input.AuthorizationType;
    if (input.AuthorizerId !== undefined) next.AuthorizerId = input.AuthorizerId || undefined;
    if (input.AuthorizationScopes !== undefined) next.AuthorizationScopes = input.AuthorizationScopes;
    if (input.OperationName !== undefined) next.OperationName = input.OperationName || undefined;
    if (input.RequestParameters !== undefined) next.RequestParameters = input.RequestParameters;
    if (input.Target !== undefined) next.Target = input.Target || undefined;
    if (next.AuthorizationType === 'NONE' || next.AuthorizationType === 'AWS_IAM') delete next.AuthorizerId;
    checkRoute(api, next);
    Object.assign(r, next);
    autoDeploy(ctx, api);
    return toRoute(r);
  },
});

export const DeleteRoute = operation<DeleteRouteRequest, Record<string, never>>({
  handler(input, ctx) {
    const api = apiOf(ctx, input.ApiId);
    routeOf(api, input.RouteId);
    delete api.routes[input.RouteId!];
    autoDeploy(ctx, api);
    return {};
  },
});
