import type { HttpRequest, HttpResponse } from '../../core/http.js';
import { safeDecode } from '../../core/http.js';
import type { Emulator } from '../../emulator.js';
import { isAwsError } from '../../core/errors.js';
import { parseSigV4 } from '../../auth/sigv4.js';
import { authenticate } from '../../auth/authenticate.js';
import { enforce } from '../../auth/enforce.js';
import { lambdaOfUri } from '../apigateway/integrations.js';
import { eventV1, eventV2, mapProxyResponseV1, mapProxyResponseV2, type RequestFacts } from '../apigateway/common/events.js';
import { callLambda, withStageVariables } from '../apigateway/common/lambda.js';
import { bearer, claimsAsText, runLambdaAuthorizer, verifyJwt } from '../apigateway/common/authorizers.js';
import { recordRequest, type ExecuteApiTarget, type Located } from '../apigateway/common/executeApi.js';
import { extendedRequestId, queryPairs, sourceIpOf, traceId } from '../apigateway/common/requests.js';
import { http as gw } from '../apigateway/common/responses.js';
import { bucket } from '../apigateway/common/throttle.js';
import { HOP_BY_HOP, sendHttp } from '../apigateway/common/httpClient.js';
import { preflight, withCors } from '../apigateway/common/cors.js';
import type { DeploymentRecord, HttpApiRecord, RouteRecord, StageRecord } from './state.js';
import { functionOfIntegration } from './integrations.js';

/**
 * The data plane of HTTP APIs: stage (a named one, or `$default`), route, authorizer (JWT, Lambda
 * or IAM), throttling, then the Lambda (payload 1.0 or 2.0) or HTTP integration. CORS preflights
 * are answered from the API's CORS configuration, before any route.
 */

interface RouteMatch {
  route: RouteRecord;
  /** The route's path (`/pets/{id}`), or the request's path for `$default`. */
  resourcePath: string;
  pathParameters: Record<string, string>;
}

/**
 * The most specific route: literal path parts beat `{name}`, which beats `{name+}` (one or more
 * parts); a route for the method beats ANY; `$default` takes what nothing else does.
 */
export function matchRoute(routes: Record<string, RouteRecord>, method: string, path: string): RouteMatch | undefined {
  let segs = path === '/' ? [] : path.slice(1).split('/');
  if (segs.length && segs[segs.length - 1] === '') segs = segs.slice(0, -1);
  let best: { m: RouteMatch; score: number[] } | undefined;
  for (const route of Object.values(routes)) {
    if (route.RouteKey === '$default') continue;
    const sp = route.RouteKey.indexOf(' ');
    const rMethod = route.RouteKey.slice(0, sp);
    const rPath = route.RouteKey.slice(sp + 1);
    if (rMethod !== 'ANY' && rMethod !== method) continue;
    const parts = rPath === '/' ? [] : rPath.slice(1).split('/');
    const params: Record<string, string> = {};
    const score: number[] = [];
    let ok = true;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (p.endsWith('+}')) {
        if (i >= segs.length) ok = false;
        else params[p.slice(1, -2)] = segs.slice(i).join('/');
        score.push(1);
        break;
      }
      if (i >= segs.length) {
        ok = false;
        break;
      }
      if (p.startsWith('{')) {
        if (!segs[i]) ok = false;
        params[p.slice(1, -1)] = segs[i];
        score.push(2);
      } else {
        if (p !== segs[i]) ok = false;
        score.push(3);
      }
      if (!ok) break;
    }
    const greedy = parts.length > 0 && parts[parts.length - 1].endsWith('+}');
    if (!ok || (!greedy && parts.length !== segs.length)) continue;
    score.push(rMethod === 'ANY' ? 0 : 1);
    const better = !best || compare(score, best.score) > 0;
    if (better) best = { m: { route, resourcePath: rPath, pathParameters: params }, score };
  }
  if (best) return best.m;
  const fallback = Object.values(routes).find((r) => r.RouteKey === '$default');
  return fallback ? { route: fallback, resourcePath: path, pathParameters: {} } : undefined;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d) return d;
  }
  return 0;
}

// ---- the request ----

export async function handleHttpApiRequest(emulator: Emulator, req: HttpRequest, where: Located<HttpApiRecord>, target: ExecuteApiTarget): Promise<HttpResponse> {
  const t0 = performance.now();
  const apigwId = extendedRequestId();
  const res = await pipeline(emulator, req, where, target, apigwId).catch((e: unknown) => {
    process.emitWarning(`awslings: apigatewayv2 data plane failed: ${e instanceof Error ? e.stack : String(e)}`);
    return gw.internalError();
  });
  res.headers['apigw-requestid'] = apigwId;
  recordRequest(emulator, {
    accountId: where.accountId,
    region: where.region,
    service: 'apigatewayv2',
    operation: `execute-api ${req.method} ${target.rest.split('?')[0]}`,
    status: res.status,
    principal: 'anonymous',
    t0,
  });
  return res;
}

/** The stage a path names (`/prod/...`), else `$default` with the whole path. */
function stageFor(api: HttpApiRecord, rest: string): { stage: StageRecord; path: string } | undefined {
  const m = /^\/([^/]+)(\/.*)?$/.exec(rest);
  const first = m ? safeDecode(m[1]) : '';
  if (first && first !== '$default' && api.stages[first]) return { stage: api.stages[first], path: m?.[2] ?? '/' };
  const def = api.stages.$default;
  return def ? { stage: def, path: rest || '/' } : undefined;
}

async function pipeline(emulator: Emulator, req: HttpRequest, where: Located<HttpApiRecord>, target: ExecuteApiTarget, apigwId: string): Promise<HttpResponse> {
  const { api, accountId, region } = where;
  const caller = `apigatewayv2 ${api.ApiId}`;
  if (api.DisableExecuteApiEndpoint) return gw.forbidden();
  const cors = api.CorsConfiguration;
  if (cors && req.method === 'OPTIONS' && req.headers.origin && req.headers['access-control-request-method']) return preflight(cors, req);
  const at = stageFor(api, target.rest);
  const deployment: DeploymentRecord | undefined = at?.stage.DeploymentId ? api.deployments[at.stage.DeploymentId] : undefined;
  if (!at || !deployment) return withCors(gw.notFound(), cors, req);
  const { stage, path } = at;
  const matched = matchRoute(deployment.routes, req.method, path);
  if (!matched) return withCors(gw.notFound(), cors, req);
  const { route } = matched;
  const now = emulator.clock.now();
  const routeArn = `arn:aws:execute-api:${region}:${accountId}:${api.ApiId}/${stage.StageName}/${route.RouteKey === '$default' ? '$default' : `${req.method}${matched.resourcePath}`}`;
  const facts: RequestFacts = {
    req,
    accountId,
    region,
    apiId: api.ApiId,
    stage: stage.StageName,
    path,
    fullPath: stage.StageName === '$default' ? path : `/${stage.StageName}${path === '/' ? '' : path}`,
    resourcePath: matched.resourcePath,
    resourceId: route.RouteId,
    pathParameters: matched.pathParameters,
    stageVariables: stage.StageVariables,
    requestId: apigwId,
    extendedRequestId: apigwId,
    deploymentId: deployment.DeploymentId,
    time: now,
    domainName: target.domainName,
    addedHeaders: [
      ['x-amzn-trace-id', traceId(now)],
      ['x-forwarded-for', sourceIpOf(req)],
      ['x-forwarded-port', String(req.port ?? 80)],
      ['x-forwarded-proto', 'http'],
    ],
  };
  const integrationId = /^integrations\/(.+)$/.exec(route.Target ?? '')?.[1];
  const integration = integrationId ? deployment.integrations[integrationId] : undefined;
  const v1Format = integration?.IntegrationType === 'AWS_PROXY' && integration.PayloadFormatVersion === '1.0';

  // ---- throttling (before authorization: it protects the authorizer too) ----
  const settings = { ...stage.DefaultRouteSettings, ...(stage.RouteSettings[route.RouteKey] ?? {}) };
  if (settings.ThrottlingRateLimit !== undefined || settings.ThrottlingBurstLimit !== undefined) {
    const rate = settings.ThrottlingRateLimit ?? 10000;
    const burst = settings.ThrottlingBurstLimit ?? 5000;
    if (!bucket(emulator, `${accountId}/${api.ApiId}/${stage.StageName}/${route.RouteKey}`, rate, burst).take(now)) return withCors(gw.throttled(), cors, req);
  }

  // ---- authorization ----
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const query = Object.fromEntries(queryPairs(req.rawQuery));
  if (route.AuthorizationType === 'JWT' || route.AuthorizationType === 'CUSTOM') {
    const authorizer = route.AuthorizerId ? deployment.authorizers[route.AuthorizerId] : undefined;
    if (!authorizer) return withCors(gw.internalError(), cors, req);
    const values = (authorizer.IdentitySource ?? []).map((s) => identityValue(s, headers, query, stage.StageVariables, facts));
    if (authorizer.AuthorizerType === 'JWT') {
      const token = bearer(values[0]);
      if (!token) return withCors(gw.unauthorized(), cors, req);
      const r = await verifyJwt(emulator, token, {
        issuers: [authorizer.JwtConfiguration?.Issuer ?? ''],
        audiences: authorizer.JwtConfiguration?.Audience,
        scopes: route.AuthorizationScopes,
      });
      if (!r.ok) {
        emulator.options.log?.(`${caller}: JWT authorizer ${authorizer.Name} refused the token: ${r.reason}`);
        return withCors(gw.unauthorized(r.reason), cors, req);
      }
      const claims = claimsAsText(r.claims);
      facts.authorizer = v1Format ? { claims, scopes: r.scopes ?? null } : { jwt: { claims, scopes: r.scopes ?? null } };
    } else {
      if ((authorizer.IdentitySource?.length ?? 0) > 0 && values.some((v) => v === undefined || v === '')) return withCors(gw.unauthorized(), cors, req);
      const version = authorizer.AuthorizerPayloadFormatVersion ?? '2.0';
      let event: Record<string, unknown>;
      if (version === '2.0') {
        const e = eventV2(facts, route.RouteKey, route.RouteId);
        delete e.body;
        delete e.isBase64Encoded;
        delete e.version;
        event = { version: '2.0', type: 'REQUEST', routeArn, identitySource: values, ...e };
      } else {
        const e = eventV1(facts, true);
        delete e.body;
        delete e.isBase64Encoded;
        delete e.version;
        event = { version: '1.0', type: 'REQUEST', methodArn: routeArn, identitySource: values.join(','), authorizationToken: headers.authorization, ...e };
      }
      const d = await runLambdaAuthorizer(emulator, {
        accountId,
        region,
        apiId: api.ApiId,
        authorizerId: authorizer.AuthorizerId,
        functionArn: lambdaOfUri(withStageVariables(authorizer.AuthorizerUri ?? '', stage.StageVariables)) ?? '',
        ttlSeconds: authorizer.AuthorizerResultTtlInSeconds ?? 0,
        identity: values as string[],
        event,
        simple: authorizer.EnableSimpleResponses === true,
        methodArn: routeArn,
        caller,
      });
      if (d.kind === 'unauthorized') return withCors(gw.unauthorized(), cors, req);
      if (d.kind === 'deny') return withCors(gw.forbidden(), cors, req);
      if (d.kind === 'error') {
        emulator.options.log?.(`${caller}: authorizer ${authorizer.Name}: ${d.reason}`);
        return withCors(gw.internalError(), cors, req);
      }
      facts.authorizer = v1Format ? { ...d.context, principalId: d.principalId, integrationLatency: d.latencyMs } : { lambda: d.context };
    }
  } else if (route.AuthorizationType === 'AWS_IAM') {
    const denied = await checkIam(emulator, req, routeArn, region, facts, v1Format);
    if (denied) return withCors(denied, cors, req);
  }

  // ---- integration ----
  if (!integration) return withCors(gw.notFound(), cors, req);
  let res: HttpResponse;
  if (integration.IntegrationType === 'AWS_PROXY') {
    const functionArn = functionOfIntegration(withStageVariables(integration.IntegrationUri ?? '', stage.StageVariables));
    const event = v1Format ? eventV1(facts, true) : eventV2(facts, route.RouteKey, route.RouteId);
    const out = await callLambda(emulator, {
      functionArn: functionArn ?? '',
      callerAccountId: accountId,
      callerRegion: region,
      payload: JSON.stringify(event),
      principal: integration.CredentialsArn ? undefined : 'apigateway.amazonaws.com',
      sourceArn: routeArn,
      timeoutMs: integration.TimeoutInMillis,
      caller,
    });
    if (out.kind === 'timeout') res = gw.serviceUnavailable();
    else if (out.kind !== 'ok') res = gw.internalError();
    else if (out.functionError) {
      emulator.options.log?.(`${caller}: the function failed (${out.payload.toString('utf8').slice(0, 300)}): 500`);
      res = gw.internalError();
    } else {
      const mapped = v1Format ? mapProxyResponseV1(out.payload, { alwaysDecode: true }) : mapProxyResponseV2(out.payload);
      if (!mapped.ok) emulator.options.log?.(`${caller}: the function's response could not be read: ${mapped.reason}: 500`);
      res = mapped.ok ? mapped.response : gw.internalError();
    }
  } else {
    res = await httpProxy(emulator, facts, integration.IntegrationUri ?? '', integration.IntegrationMethod ?? 'ANY', integration.TimeoutInMillis, caller);
  }
  return withCors(res, cors, req);
}

/** `$request.header.X`, `$request.querystring.x`, `$stageVariables.x`, `$context.x`. */
function identityValue(source: string, headers: Record<string, string>, query: Record<string, string>, vars: Record<string, string>, facts: RequestFacts): string | undefined {
  let m = /^\$request\.header\.(.+)$/.exec(source);
  if (m) return headers[m[1].toLowerCase()];
  m = /^\$request\.querystring\.(.+)$/.exec(source);
  if (m) return query[m[1]];
  m = /^\$stageVariables\.(.+)$/.exec(source);
  if (m) return vars[m[1]];
  m = /^\$context\.(.+)$/.exec(source);
  if (m) return ({ stage: facts.stage, apiId: facts.apiId, requestId: facts.requestId } as Record<string, string>)[m[1]];
  return undefined;
}

async function checkIam(emulator: Emulator, req: HttpRequest, routeArn: string, region: string, facts: RequestFacts, v1Format: boolean): Promise<HttpResponse | undefined> {
  const svc = await emulator.service('apigatewayv2');
  let auth;
  try {
    auth = parseSigV4(req);
  } catch {
    return gw.forbidden();
  }
  if (!auth) return gw.forbidden();
  try {
    const principal = await authenticate(emulator, req, auth, svc.def);
    await enforce(emulator, principal, [{ action: 'execute-api:Invoke', resource: routeArn }], { def: svc.def, operation: 'Invoke', region, http: req });
    const iam = { accessKey: principal.accessKeyId, accountId: principal.accountId, callerId: principal.userId, principalOrgId: null, userArn: principal.arn, userId: principal.userId };
    if (v1Format) facts.identity = { accessKey: principal.accessKeyId, accountId: principal.accountId, caller: principal.userId, user: principal.userId, userArn: principal.arn };
    else facts.authorizer = { iam };
    return undefined;
  } catch (e) {
    if (isAwsError(e)) return gw.forbidden();
    throw e;
  }
}

async function httpProxy(emulator: Emulator, facts: RequestFacts, uri: string, integrationMethod: string, timeoutMs: number, caller: string): Promise<HttpResponse> {
  let url = withStageVariables(uri, facts.stageVariables).replace(/\{([^}]+?)\+?\}/g, (_, name: string) => facts.pathParameters?.[name] ?? '');
  const u = new URL(url);
  for (const [k, v] of queryPairs(facts.req.rawQuery)) u.searchParams.append(k, v);
  url = u.toString();
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(facts.req.headers)) if (!HOP_BY_HOP.has(k) && k !== 'host') headers[k] = v;
  headers['x-amzn-apigateway-api-id'] = facts.apiId;
  headers['x-forwarded-for'] = sourceIpOf(facts.req);
  headers['x-forwarded-port'] = String(facts.req.port ?? 80);
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] = traceId(facts.time);
  const method = integrationMethod === 'ANY' ? facts.req.method : integrationMethod;
  const r = await sendHttp({ url, method, headers, body: facts.req.body, timeoutMs });
  if (r.kind === 'timeout') return gw.serviceUnavailable();
  if (r.kind === 'failed') {
    emulator.options.log?.(`${caller}: the HTTP integration ${url} failed: ${r.message}`);
    return gw.internalError();
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) if (v !== undefined && !HOP_BY_HOP.has(k) && k !== 'content-length') out[k] = Array.isArray(v) ? v.join(', ') : v;
  return { status: r.status, headers: out, body: r.body };
}
