import type { IntegrationResponse } from '@aws-sdk/client-api-gateway';
import type { HttpRequest, HttpResponse } from '../../core/http.js';
import { requestId as newRequestId } from '../../core/ids.js';
import type { Emulator } from '../../emulator.js';
import { parseSigV4 } from '../../auth/sigv4.js';
import { authenticate } from '../../auth/authenticate.js';
import { enforce } from '../../auth/enforce.js';
import { isAwsError } from '../../core/errors.js';
import { findPool } from '../cognito-idp/state.js';
import { checkServiceCanAssume } from '../sts/serviceRole.js';
import { apigatewayState, type IntegrationRecord, type MethodRecord, type ResourceRecord, type RestApiRecord, type StageRecord } from './state.js';
import { lambdaOfUri } from './integrations.js';
import { eventV1, mapProxyResponseV1, type RequestFacts } from './common/events.js';
import { callLambda, withStageVariables, type LambdaOutcome } from './common/lambda.js';
import { claimsAsText, runLambdaAuthorizer, verifyJwt } from './common/authorizers.js';
import { recordRequest, type ExecuteApiTarget, type Located } from './common/executeApi.js';
import { extendedRequestId, queryPairs, sourceIpOf, traceId } from './common/requests.js';
import { rest as gw } from './common/responses.js';
import { renderMappingTemplate, type TemplateInput } from './common/vtl.js';
import { bucket, periodStart } from './common/throttle.js';
import { HOP_BY_HOP, sendHttp } from './common/httpClient.js';
import { edgeHeaders } from './common/edge.js';

/**
 * The data plane of REST APIs: what happens to a request for `<apiId>.execute-api…/<stage>/<path>`.
 * In AWS's order: the stage and its deployment, the resource and method, the stage's throttling, the
 * authorizer, the API key and usage plan (throttling and quota), request validation, then the
 * integration and its response.
 */

interface Matched {
  resource: ResourceRecord;
  method: MethodRecord;
  pathParameters: Record<string, string>;
}

/** Finds the resource for a path: literal parts first, then `{name}`, then `{name+}` (one or more parts). */
export function matchResource(resources: Record<string, ResourceRecord>, path: string): { resource: ResourceRecord; pathParameters: Record<string, string> } | undefined {
  const children = new Map<string, ResourceRecord[]>();
  let root: ResourceRecord | undefined;
  for (const r of Object.values(resources)) {
    if (!r.parentId) root = r;
    else children.set(r.parentId, [...(children.get(r.parentId) ?? []), r]);
  }
  if (!root) return undefined;
  let segs = path === '/' ? [] : path.slice(1).split('/');
  if (segs.length && segs[segs.length - 1] === '') segs = segs.slice(0, -1);
  const walk = (node: ResourceRecord, i: number, params: Record<string, string>): { resource: ResourceRecord; pathParameters: Record<string, string> } | undefined => {
    if (i === segs.length) return { resource: node, pathParameters: params };
    const kids = children.get(node.id) ?? [];
    const literal = kids.find((k) => k.pathPart === segs[i]);
    if (literal) {
      const r = walk(literal, i + 1, params);
      if (r) return r;
    }
    const variable = kids.find((k) => k.pathPart?.startsWith('{') && !k.pathPart.endsWith('+}'));
    if (variable && segs[i] !== '') {
      const r = walk(variable, i + 1, { ...params, [variable.pathPart!.slice(1, -1)]: segs[i] });
      if (r) return r;
    }
    const greedy = kids.find((k) => k.pathPart?.endsWith('+}'));
    if (greedy) return { resource: greedy, pathParameters: { ...params, [greedy.pathPart!.slice(1, -2)]: segs.slice(i).join('/') } };
    return undefined;
  };
  return walk(root, 0, {});
}

const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

export async function handleRestApiRequest(emulator: Emulator, req: HttpRequest, where: Located<RestApiRecord>, target: ExecuteApiTarget): Promise<HttpResponse> {
  const t0 = performance.now();
  const requestId = newRequestId();
  const apigwId = extendedRequestId();
  const res = await pipeline(emulator, req, where, target, requestId, apigwId).catch((e: unknown) => {
    process.emitWarning(`awslings: apigateway data plane failed: ${e instanceof Error ? e.stack : String(e)}`);
    return gw.internalError();
  });
  res.headers['x-amzn-requestid'] = requestId;
  res.headers['x-amz-apigw-id'] = apigwId;
  res.headers['x-amzn-trace-id'] ??= traceId(emulator.clock.now());
  recordRequest(emulator, {
    accountId: where.accountId,
    region: where.region,
    service: 'apigateway',
    operation: `execute-api ${req.method} ${target.rest.split('?')[0]}`,
    status: res.status,
    principal: 'anonymous',
    errorCode: res.status >= 400 ? String(res.headers['x-amzn-errortype'] ?? '') || undefined : undefined,
    t0,
    requestId,
  });
  return res;
}

async function pipeline(emulator: Emulator, req: HttpRequest, where: Located<RestApiRecord>, target: ExecuteApiTarget, requestId: string, apigwId: string): Promise<HttpResponse> {
  const { api, accountId, region } = where;
  const caller = `apigateway ${api.id}`;
  if (api.disableExecuteApiEndpoint) return gw.forbidden();
  const m = /^\/+([^/]*)(\/.*)?$/.exec(target.rest);
  const stageName = m?.[1] ?? '';
  const stage: StageRecord | undefined = api.stages[stageName];
  if (!stage) return gw.forbidden();
  const deployment = api.deployments[stage.deploymentId];
  if (!deployment) return gw.forbidden();
  const rawSubPath = m?.[2] ?? '/';
  const path = rawSubPath.replace(/^\/+/, '/');
  const found = matchResource(deployment.resources, path);
  const method = found ? (found.resource.methods[req.method] ?? found.resource.methods.ANY) : undefined;
  if (!found || !method) return gw.missingAuthenticationToken();
  const matched: Matched = { resource: found.resource, method, pathParameters: found.pathParameters };
  const now = emulator.clock.now();
  const methodArn = `arn:aws:execute-api:${region}:${accountId}:${api.id}/${stageName}/${req.method}${path === '/' ? '/' : path}`;
  const facts: RequestFacts = {
    req,
    accountId,
    region,
    apiId: api.id,
    stage: stageName,
    path,
    fullPath: `/${stageName}${rawSubPath}`,
    resourcePath: matched.resource.path,
    resourceId: matched.resource.id,
    pathParameters: matched.pathParameters,
    stageVariables: stage.variables,
    requestId,
    extendedRequestId: apigwId,
    deploymentId: deployment.id,
    time: now,
    domainName: target.domainName,
    addedHeaders: [
      ...(api.endpointConfiguration.types?.includes('EDGE') ? edgeHeaders(req) : []),
      ['X-Amzn-Trace-Id', traceId(now)],
      ['X-Forwarded-For', sourceIpOf(req)],
      ['X-Forwarded-Port', String(req.port ?? 80)],
      ['X-Forwarded-Proto', 'http'],
    ],
    binaryMediaTypes: api.binaryMediaTypes,
  };

  // ---- stage throttling (before authorization: it protects the authorizer too) ----
  const settingKey = `${matched.resource.path.replace(/^\//, '').replace(/\//g, '~1')}/${method.httpMethod}`;
  const setting = stage.methodSettings[settingKey] ?? stage.methodSettings['*/*'];
  if (setting && (setting.throttlingRateLimit !== undefined || setting.throttlingBurstLimit !== undefined)) {
    const rate = setting.throttlingRateLimit ?? 10000;
    const burst = setting.throttlingBurstLimit ?? 5000;
    const key = stage.methodSettings[settingKey] ? settingKey : '*/*';
    if (!bucket(emulator, `${accountId}/${api.id}/${stageName}/${key}`, rate, burst).take(now)) return gw.throttled();
  }

  // ---- authorization ----
  let usageKey: string | undefined;
  if (method.authorizationType === 'AWS_IAM') {
    const denied = await checkIam(emulator, req, methodArn, region, facts);
    if (denied) return denied;
  } else if (method.authorizationType === 'COGNITO_USER_POOLS' || method.authorizationType === 'CUSTOM') {
    const authorizer = method.authorizerId ? api.authorizers[method.authorizerId] : undefined;
    if (!authorizer) return gw.authorizerFailure();
    const headers = lower(req.headers);
    const query = Object.fromEntries(queryPairs(req.rawQuery));
    const sources = (authorizer.identitySource ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const values = sources.map((s) => identityValue(s, headers, query, stage.variables ?? {}));
    if (authorizer.type === 'COGNITO_USER_POOLS') {
      const token = values[0];
      if (!token) return gw.unauthorized();
      const issuers: string[] = [];
      for (const arn of authorizer.providerARNs ?? []) {
        const poolId = arn.split('/').pop()!;
        const ref = await findPool(emulator, poolId);
        if (ref) issuers.push(`https://cognito-idp.${ref.region}.amazonaws.com/${poolId}`);
      }
      const scopes = method.authorizationScopes?.length ? method.authorizationScopes : undefined;
      const r = await verifyJwt(emulator, token, { issuers, scopes });
      // Without scopes the method takes ID tokens; with scopes, access tokens that carry one of them.
      const use = r.ok ? r.claims.token_use : undefined;
      if (!r.ok || (scopes ? use !== 'access' : use !== 'id')) {
        emulator.options.log?.(`${caller}: Cognito authorizer refused the token: ${r.ok ? `a${use === 'id' ? 'n ID' : 'n access'} token cannot be used here` : r.reason}`);
        return gw.unauthorized();
      }
      facts.authorizer = { claims: claimsAsText(r.claims) };
    } else {
      if (values.some((v) => !v)) return gw.unauthorized();
      if (authorizer.type === 'TOKEN' && authorizer.identityValidationExpression && !new RegExp(`^(?:${authorizer.identityValidationExpression})$`).test(values[0]!)) {
        return gw.unauthorized();
      }
      const event =
        authorizer.type === 'TOKEN'
          ? { type: 'TOKEN', methodArn, authorizationToken: values[0] }
          : (() => {
              const e = eventV1(facts);
              delete e.body;
              delete e.isBase64Encoded;
              return { type: 'REQUEST', methodArn, ...e };
            })();
      const d = await runLambdaAuthorizer(emulator, {
        accountId,
        region,
        apiId: api.id,
        authorizerId: authorizer.id,
        functionArn: lambdaOfUri(withStageVariables(authorizer.authorizerUri ?? '', stage.variables)) ?? '',
        ttlSeconds: authorizer.authorizerResultTtlInSeconds ?? 300,
        identity: values as string[],
        event,
        simple: false,
        methodArn,
        caller,
      });
      if (d.kind === 'unauthorized') return gw.unauthorized();
      if (d.kind === 'deny') return d.explicit ? gw.explicitDeny() : gw.accessDenied();
      if (d.kind === 'error') {
        emulator.options.log?.(`${caller}: authorizer ${authorizer.name}: ${d.reason}`);
        return gw.authorizerFailure();
      }
      facts.authorizer = { ...stringValues(d.context), principalId: d.principalId, integrationLatency: d.latencyMs };
      usageKey = d.usageIdentifierKey;
    }
  }

  // ---- API key, usage plan, throttling ----
  const keyValue = api.apiKeySource === 'AUTHORIZER' ? usageKey : req.headers['x-api-key'];
  const state = apigatewayState({ emulator, accountId, region });
  if (method.apiKeyRequired) {
    const key = keyValue ? Object.values(state.apiKeys).find((k) => k.value === keyValue && k.enabled) : undefined;
    const plan = key && Object.values(state.usagePlans).find((p) => p.keys.includes(key.id) && p.apiStages.some((s) => s.apiId === api.id && s.stage === stageName));
    if (!key || !plan) return gw.forbidden();
    const apiStage = plan.apiStages.find((s) => s.apiId === api.id && s.stage === stageName);
    const limits = apiStage?.throttle?.[`${matched.resource.path}/${req.method}`] ?? plan.throttle;
    if (limits?.rateLimit !== undefined || limits?.burstLimit !== undefined) {
      const rate = limits.rateLimit ?? 10000;
      const burst = limits.burstLimit ?? Math.max(1, Math.ceil(rate));
      if (!bucket(emulator, `${accountId}/${plan.id}/${key.id}`, rate, burst).take(now)) return gw.throttled();
    }
    if (plan.quota?.limit !== undefined) {
      const days = (plan.usage[key.id] ??= {});
      const from = periodStart(plan.quota.period ?? 'DAY', now);
      let used = 0;
      for (const [day, n] of Object.entries(days)) if (new Date(`${day}T00:00:00Z`).getTime() >= from) used += n;
      if (used >= plan.quota.limit) return gw.quotaExceeded();
      const today = new Date(now).toISOString().slice(0, 10);
      days[today] = (days[today] ?? 0) + 1;
      emulator.persistSoon();
    }
  }

  // ---- request validation ----
  const validator = method.requestValidatorId ? api.requestValidators[method.requestValidatorId] : undefined;
  if (validator?.validateRequestParameters) {
    const headers = lower(req.headers);
    const query = Object.fromEntries(queryPairs(req.rawQuery));
    const missing = Object.entries(method.requestParameters ?? {})
      .filter(([, required]) => required)
      .map(([k]) => /^method\.request\.(querystring|header|path)\.(.+)$/.exec(k))
      .filter((x): x is RegExpExecArray => !!x)
      .filter(([, where, name]) => (where === 'querystring' ? query[name] : where === 'header' ? headers[name.toLowerCase()] : matched.pathParameters[name]) === undefined)
      .map(([, , name]) => name);
    if (missing.length) return gw.badRequestParameters(missing);
  }
  if (validator?.validateRequestBody && method.requestModels?.['application/json'] && method.requestModels['application/json'] !== 'Empty') {
    try {
      JSON.parse(req.body.toString('utf8') || 'null');
    } catch {
      return gw.badRequestBody('the body is not valid JSON');
    }
  }

  // ---- integration ----
  const integration = method.methodIntegration!;
  const sourceArn = `arn:aws:execute-api:${region}:${accountId}:${api.id}/${stageName}/${req.method}${matched.resource.path}`;
  switch (integration.type) {
    case 'AWS_PROXY':
      return lambdaProxy(emulator, facts, integration, sourceArn, caller, api);
    case 'MOCK':
      return mock(facts, integration, matched);
    case 'AWS':
      return lambdaCustom(emulator, facts, integration, sourceArn, caller, matched);
    case 'HTTP_PROXY':
    case 'HTTP':
      return httpIntegration(emulator, facts, integration, matched, caller);
    default:
      return gw.internalError();
  }
}

function stringValues(context: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(context).map(([k, v]) => [k, typeof v === 'object' && v !== null ? JSON.stringify(v) : v]));
}

/** `method.request.header.Authorization`, `method.request.querystring.token`, `stageVariables.x`, `context.x`. */
function identityValue(source: string, headers: Record<string, string>, query: Record<string, string>, vars: Record<string, string>): string | undefined {
  let m = /^method\.request\.header\.(.+)$/.exec(source);
  if (m) return headers[m[1].toLowerCase()];
  m = /^method\.request\.querystring\.(.+)$/.exec(source);
  if (m) return query[m[1]];
  m = /^stageVariables\.(.+)$/.exec(source);
  if (m) return vars[m[1]];
  return undefined;
}

/** IAM authorization of a method: a SigV4 signature from a principal allowed execute-api:Invoke on the method's ARN. */
async function checkIam(emulator: Emulator, req: HttpRequest, methodArn: string, region: string, facts: RequestFacts): Promise<HttpResponse | undefined> {
  const svc = await emulator.service('apigateway');
  let auth;
  try {
    auth = parseSigV4(req);
  } catch {
    return gw.missingAuthenticationToken();
  }
  if (!auth) return gw.missingAuthenticationToken();
  try {
    const principal = await authenticate(emulator, req, auth, svc.def);
    await enforce(emulator, principal, [{ action: 'execute-api:Invoke', resource: methodArn }], { def: svc.def, operation: 'Invoke', region, http: req });
    facts.identity = {
      accessKey: principal.accessKeyId,
      accountId: principal.accountId,
      caller: principal.userId,
      user: principal.userId,
      userArn: principal.arn,
    };
    return undefined;
  } catch (e) {
    if (isAwsError(e)) {
      return { status: 403, headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' }, body: JSON.stringify({ Message: e.message }) };
    }
    throw e;
  }
}

/** A Lambda integration may name a role (`credentials`) that API Gateway assumes instead of the function's resource policy. */
async function invokeFor(emulator: Emulator, facts: RequestFacts, integration: IntegrationRecord, sourceArn: string, caller: string, payload: string): Promise<LambdaOutcome | HttpResponse> {
  const functionArn = lambdaOfUri(withStageVariables(integration.uri ?? '', facts.stageVariables));
  if (!functionArn) return gw.internalError();
  if (integration.credentials) {
    const trust = await checkServiceCanAssume(emulator, integration.credentials, 'apigateway.amazonaws.com');
    if (trust.problem) {
      emulator.options.log?.(`${caller}: API Gateway cannot assume the integration's role ${integration.credentials} (${trust.problem})`);
      return gw.internalError();
    }
  }
  return callLambda(emulator, {
    functionArn,
    callerAccountId: facts.accountId,
    callerRegion: facts.region,
    payload,
    principal: integration.credentials ? undefined : 'apigateway.amazonaws.com',
    sourceArn,
    timeoutMs: integration.timeoutInMillis,
    caller,
  });
}

async function lambdaProxy(emulator: Emulator, facts: RequestFacts, integration: IntegrationRecord, sourceArn: string, caller: string, api: RestApiRecord): Promise<HttpResponse> {
  const out = await invokeFor(emulator, facts, integration, sourceArn, caller, JSON.stringify(eventV1(facts)));
  if (!('kind' in out)) return out;
  if (out.kind === 'timeout') return gw.timeout();
  if (out.kind !== 'ok') return gw.internalError();
  if (out.functionError) {
    emulator.options.log?.(`${caller}: the function failed (${out.payload.toString('utf8').slice(0, 300)}): 502`);
    return gw.badGateway();
  }
  const mapped = mapProxyResponseV1(out.payload, { binaryMediaTypes: api.binaryMediaTypes, accept: facts.req.headers.accept });
  if (!mapped.ok) {
    emulator.options.log?.(`${caller}: Malformed Lambda proxy response: ${mapped.reason}: 502`);
    return gw.badGateway();
  }
  return mapped.response;
}

function templateInput(facts: RequestFacts, body: string, extraContext: Record<string, unknown> = {}): TemplateInput {
  const header: Record<string, string> = {};
  for (const [k, v] of Object.entries(facts.req.headers)) header[k] = v;
  return {
    body,
    params: { path: facts.pathParameters ?? {}, querystring: Object.fromEntries(queryPairs(facts.req.rawQuery)), header },
    context: {
      requestId: facts.requestId,
      extendedRequestId: facts.extendedRequestId,
      apiId: facts.apiId,
      accountId: facts.accountId,
      stage: facts.stage,
      httpMethod: facts.req.method,
      resourcePath: facts.resourcePath,
      resourceId: facts.resourceId,
      path: facts.fullPath,
      domainName: facts.domainName,
      requestTimeEpoch: facts.time,
      identity: { sourceIp: sourceIpOf(facts.req), userAgent: facts.req.headers['user-agent'] ?? '' },
      authorizer: facts.authorizer ?? {},
      ...extraContext,
    },
    stageVariables: facts.stageVariables ?? {},
  };
}

/** The request template for the request's content type, or what the passthrough behavior says. */
function requestTemplate(integration: IntegrationRecord, contentType: string | undefined): { template?: string; unsupported?: boolean } {
  const templates = integration.requestTemplates ?? {};
  const type = (contentType ?? 'application/json').split(';')[0].trim().toLowerCase();
  const t = templates[type] ?? (contentType ? undefined : templates['application/json']);
  if (t !== undefined) return { template: t };
  const behavior = integration.passthroughBehavior ?? 'WHEN_NO_MATCH';
  if (behavior === 'NEVER' || (behavior === 'WHEN_NO_TEMPLATES' && Object.keys(templates).length)) return { unsupported: true };
  return {};
}

const unsupportedMediaType = (): HttpResponse => ({ status: 415, headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'UnsupportedMediaTypeException' }, body: JSON.stringify({ message: 'Unsupported Media Type' }) });

/** Picks the integration response whose selectionPattern matches (a status code, or a Lambda error message), else the default one. */
function selectResponse(integration: IntegrationRecord, subject: string): IntegrationResponse | undefined {
  const all = Object.values(integration.integrationResponses ?? {});
  const specific = all.find((r) => r.selectionPattern && new RegExp(`^(?:${r.selectionPattern})$`, 's').test(subject));
  return specific ?? all.find((r) => !r.selectionPattern);
}

/** The method's answer from an integration response: its status, mapped headers, and the body through the response template. */
function respond(facts: RequestFacts, ir: IntegrationResponse, body: string, integrationHeaders: Record<string, string>): HttpResponse {
  const headers: Record<string, string> = {};
  for (const [target, source] of Object.entries(ir.responseParameters ?? {})) {
    const m = /^method\.response\.header\.(.+)$/.exec(target);
    if (!m) continue;
    let value: string | undefined;
    const lit = /^'(.*)'$/s.exec(source);
    if (lit) value = lit[1];
    else if (source.startsWith('integration.response.header.')) value = integrationHeaders[source.slice('integration.response.header.'.length).toLowerCase()];
    else if (source === 'integration.response.body') value = body;
    else if (source.startsWith('stageVariables.')) value = facts.stageVariables?.[source.slice('stageVariables.'.length)];
    else if (source.startsWith('context.')) value = String((templateInput(facts, '').context as Record<string, unknown>)[source.slice('context.'.length)] ?? '');
    if (value !== undefined) headers[m[1]] = value;
  }
  const accept = (facts.req.headers.accept ?? 'application/json').split(',')[0].split(';')[0].trim();
  const templates = ir.responseTemplates ?? {};
  const type = templates[accept] !== undefined ? accept : Object.keys(templates)[0];
  const out = type !== undefined && templates[type] ? renderMappingTemplate(templates[type], templateInput(facts, body)) : body;
  headers['Content-Type'] ??= type ?? 'application/json';
  return { status: Number(ir.statusCode ?? 200), headers, body: out };
}

function mock(facts: RequestFacts, integration: IntegrationRecord, matched: Matched): HttpResponse {
  void matched;
  const { template, unsupported } = requestTemplate(integration, facts.req.headers['content-type']);
  if (unsupported) return unsupportedMediaType();
  let status = 200;
  if (template !== undefined) {
    const rendered = renderMappingTemplate(template, templateInput(facts, facts.req.body.toString('utf8')));
    try {
      const parsed = JSON.parse(rendered) as { statusCode?: unknown };
      if (parsed.statusCode !== undefined) status = Number(parsed.statusCode);
    } catch {
      return gw.internalError();
    }
  }
  const ir = selectResponse(integration, String(status));
  if (!ir) return gw.internalError();
  return respond(facts, ir, '', {});
}

async function lambdaCustom(emulator: Emulator, facts: RequestFacts, integration: IntegrationRecord, sourceArn: string, caller: string, matched: Matched): Promise<HttpResponse> {
  void matched;
  const { template, unsupported } = requestTemplate(integration, facts.req.headers['content-type']);
  if (unsupported) return unsupportedMediaType();
  const raw = facts.req.body.toString('utf8');
  const payload = template !== undefined ? renderMappingTemplate(template, templateInput(facts, raw)) : raw || '{}';
  const out = await invokeFor(emulator, facts, integration, sourceArn, caller, payload);
  if (!('kind' in out)) return out;
  if (out.kind === 'timeout') return gw.timeout();
  if (out.kind !== 'ok') return gw.internalError();
  const text = out.payload.toString('utf8');
  let subject = '';
  if (out.functionError) {
    try {
      subject = String((JSON.parse(text) as { errorMessage?: unknown }).errorMessage ?? '');
    } catch {
      subject = text;
    }
  }
  const ir = out.functionError ? selectResponse(integration, subject) : Object.values(integration.integrationResponses ?? {}).find((r) => !r.selectionPattern);
  if (!ir) return gw.internalError();
  return respond(facts, ir, text, {});
}

/** HTTP_PROXY forwards the request as it came (path parameters filled in the URI); HTTP maps it with templates. */
async function httpIntegration(emulator: Emulator, facts: RequestFacts, integration: IntegrationRecord, matched: Matched, caller: string): Promise<HttpResponse> {
  const headers = lower(facts.req.headers);
  const query = Object.fromEntries(queryPairs(facts.req.rawQuery));
  const sourceValue = (src: string): string | undefined => {
    const lit = /^'(.*)'$/s.exec(src);
    if (lit) return lit[1];
    const m = /^method\.request\.(path|querystring|header)\.(.+)$/.exec(src);
    if (!m) return src.startsWith('stageVariables.') ? facts.stageVariables?.[src.slice(15)] : undefined;
    return m[1] === 'path' ? matched.pathParameters[m[2]] : m[1] === 'querystring' ? query[m[2]] : headers[m[2].toLowerCase()];
  };
  const mappings = integration.requestParameters ?? {};
  let url = withStageVariables(integration.uri ?? '', facts.stageVariables).replace(/\{([^}]+?)\+?\}/g, (_, name: string) => {
    const src = mappings[`integration.request.path.${name}`];
    return (src ? sourceValue(src) : undefined) ?? matched.pathParameters[name] ?? '';
  });
  const u = new URL(url);
  const proxy = integration.type === 'HTTP_PROXY';
  if (proxy) for (const [k, v] of queryPairs(facts.req.rawQuery)) u.searchParams.append(k, v);
  const out: Record<string, string> = {};
  if (proxy) for (const [k, v] of Object.entries(facts.req.headers)) if (!HOP_BY_HOP.has(k) && k !== 'host') out[k] = v;
  for (const [target, src] of Object.entries(mappings)) {
    const m = /^integration\.request\.(querystring|header)\.(.+)$/.exec(target);
    const v = m ? sourceValue(src) : undefined;
    if (!m || v === undefined) continue;
    if (m[1] === 'querystring') u.searchParams.set(m[2], v);
    else out[m[2].toLowerCase()] = v;
  }
  url = u.toString();
  out['x-amzn-apigateway-api-id'] = facts.apiId;
  out['x-forwarded-for'] = sourceIpOf(facts.req);
  out['x-forwarded-port'] = String(facts.req.port ?? 80);
  out['x-forwarded-proto'] = 'http';
  out['x-amzn-trace-id'] = traceId(facts.time);
  if (!proxy) out['user-agent'] = `AmazonAPIGateway_${facts.apiId}`;
  let body: Buffer | undefined = facts.req.body;
  if (!proxy) {
    const { template, unsupported } = requestTemplate(integration, facts.req.headers['content-type']);
    if (unsupported) return unsupportedMediaType();
    if (template !== undefined) body = Buffer.from(renderMappingTemplate(template, templateInput(facts, facts.req.body.toString('utf8'))));
  }
  const method = integration.httpMethod === 'ANY' ? facts.req.method : (integration.httpMethod ?? facts.req.method);
  const r = await sendHttp({ url, method, headers: out, body, timeoutMs: integration.timeoutInMillis });
  if (r.kind === 'timeout') return gw.timeout();
  if (r.kind === 'failed') {
    emulator.options.log?.(`${caller}: the HTTP integration ${url} failed: ${r.message}`);
    return gw.internalError();
  }
  const resHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) {
    if (v === undefined || HOP_BY_HOP.has(k)) continue;
    resHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  if (proxy) {
    // API Gateway keeps the backend's own versions of headers it sets itself under x-amzn-Remapped-.
    for (const h of ['date', 'x-amzn-requestid', 'content-length']) {
      if (resHeaders[h] !== undefined) resHeaders[`x-amzn-remapped-${h}`] = resHeaders[h];
    }
    delete resHeaders['content-length'];
    delete resHeaders['x-amzn-requestid'];
    return { status: r.status, headers: resHeaders, body: r.body };
  }
  const ir = selectResponse(integration, String(r.status));
  if (!ir) return gw.internalError();
  return respond(facts, ir, r.body.toString('utf8'), resHeaders);
}
