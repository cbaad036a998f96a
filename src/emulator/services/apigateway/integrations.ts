import type {
  DeleteIntegrationRequest,
  DeleteIntegrationResponseRequest,
  GetIntegrationRequest,
  GetIntegrationResponseRequest,
  Integration,
  IntegrationResponse,
  PutIntegrationRequest,
  PutIntegrationResponseRequest,
  UpdateIntegrationRequest,
  UpdateIntegrationResponseRequest,
} from '@aws-sdk/client-api-gateway';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import type { IntegrationRecord, MethodRecord, ResourceRecord } from './state.js';
import { applyPatches, badRequest, invalidPatchPath, notFound, patchInt, patchMap, restApiOrResourceError, unsupportedPatchOp } from './common.js';
import { checkStatusCode, methodOf, HTTP_METHODS } from './methods.js';
import { resourceOf } from './resources.js';

const TYPES = ['HTTP', 'MOCK', 'AWS_PROXY', 'HTTP_PROXY', 'AWS'];

export function toIntegration(i: IntegrationRecord): Integration {
  return {
    type: i.type as Integration['type'],
    httpMethod: i.httpMethod,
    uri: i.uri,
    connectionType: i.connectionType as Integration['connectionType'],
    connectionId: i.connectionId,
    credentials: i.credentials,
    requestParameters: i.requestParameters,
    requestTemplates: i.requestTemplates,
    passthroughBehavior: i.passthroughBehavior,
    contentHandling: i.contentHandling as Integration['contentHandling'],
    timeoutInMillis: i.timeoutInMillis,
    cacheNamespace: i.cacheNamespace,
    cacheKeyParameters: i.cacheKeyParameters,
    integrationResponses: i.integrationResponses && Object.keys(i.integrationResponses).length ? i.integrationResponses : undefined,
  };
}

/**
 * The Lambda function an integration URI names:
 * `arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations`.
 */
export function lambdaOfUri(uri: string | undefined): string | undefined {
  const m = /^arn:aws[a-z-]*:apigateway:[^:]+:lambda:path\/\d{4}-\d{2}-\d{2}\/functions\/(.+)\/invocations$/.exec(uri ?? '');
  return m ? decodeURIComponent(m[1]) : undefined;
}

function checkUri(type: string, uri: string | undefined): void {
  if (type === 'AWS' || type === 'AWS_PROXY') {
    if (!uri || !uri.startsWith('arn:')) throw badRequest('Invalid ARN specified in the request');
    const parts = uri.split(':');
    if (parts.length < 6 || parts[2] !== 'apigateway') throw badRequest('AWS ARN for integration must contain path or action');
    const rest = parts.slice(5).join(':');
    if (!rest.startsWith('path/') && !rest.startsWith('action/')) throw badRequest('AWS ARN for integration must contain path or action');
    // Stage variables may name the function (`function:${stageVariables.fn}`): checked when a request comes.
    const fn = (lambdaOfUri(uri) ?? '').replace(/\$\{stageVariables\.[A-Za-z0-9_]+\}/g, 'x');
    if (type === 'AWS_PROXY' && parts[4] !== 'firehose' && !/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/.test(fn)) {
      throw badRequest("Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream invocations.");
    }
  } else if (type === 'HTTP' || type === 'HTTP_PROXY') {
    if (!uri || !/^https?:\/\/[^/]/.test(uri)) throw badRequest('Invalid HTTP endpoint specified for URI');
  }
}

function checkTimeout(ms: number | undefined): number {
  const t = ms ?? 29000;
  if (t < 50 || t > 29000) throw badRequest('Timeout should be between 50 ms and 29000 ms');
  return t;
}

/** Adds or replaces a method's integration (PutIntegration and the OpenAPI import). */
export function putIntegration(resource: ResourceRecord, method: MethodRecord, input: Omit<PutIntegrationRequest, 'restApiId' | 'resourceId' | 'httpMethod'>): IntegrationRecord {
  const type = input.type ?? '';
  if (!TYPES.includes(type)) {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value '${type}' at 'putIntegrationInput.type' failed to satisfy constraint: Member must satisfy enum value set: [HTTP, MOCK, AWS_PROXY, HTTP_PROXY, AWS]`,
      400,
    );
  }
  const httpMethod = input.integrationHttpMethod?.toUpperCase();
  if (type !== 'MOCK') {
    if (!httpMethod) throw badRequest('Enumeration value for HttpMethod must be non-empty');
    if (!HTTP_METHODS.includes(httpMethod)) throw badRequest(`Invalid HttpMethod specified. Valid options are ${HTTP_METHODS.join(',')}`);
  }
  checkUri(type, input.uri);
  const i: IntegrationRecord = {
    type,
    httpMethod: type === 'MOCK' ? undefined : httpMethod,
    uri: input.uri,
    connectionType: input.connectionType,
    connectionId: input.connectionId,
    credentials: input.credentials,
    requestParameters: input.requestParameters,
    requestTemplates: input.requestTemplates,
    passthroughBehavior: input.passthroughBehavior ?? 'WHEN_NO_MATCH',
    contentHandling: input.contentHandling,
    timeoutInMillis: checkTimeout(input.timeoutInMillis),
    cacheNamespace: input.cacheNamespace ?? resource.id,
    cacheKeyParameters: input.cacheKeyParameters ?? [],
    integrationResponses: method.methodIntegration?.integrationResponses,
  };
  method.methodIntegration = i;
  return i;
}

export const PutIntegration = operation<PutIntegrationRequest, Integration>({
  handler(input, ctx) {
    const { resource, method } = methodOf(ctx, input.restApiId, input.resourceId, input.httpMethod);
    const i = putIntegration(resource, method, input);
    delete i.integrationResponses;
    return toIntegration(i);
  },
});

const invalidIntegration = () => notFound('Invalid Integration identifier specified');

function integrationOf(ctx: Parameters<typeof methodOf>[0], restApiId?: string, resourceId?: string, httpMethod?: string, methodError = true) {
  const api = restApiOrResourceError(ctx, restApiId);
  const resource = resourceOf(api, resourceId);
  const method = httpMethod ? resource.methods[httpMethod.toUpperCase()] : undefined;
  if (!method) throw methodError ? notFound('Invalid Method identifier specified') : invalidIntegration();
  if (!method.methodIntegration) throw invalidIntegration();
  return { method, integration: method.methodIntegration };
}

export const GetIntegration = operation<GetIntegrationRequest, Integration>({
  handler: (input, ctx) => toIntegration(integrationOf(ctx, input.restApiId, input.resourceId, input.httpMethod).integration),
});

export const UpdateIntegration = operation<UpdateIntegrationRequest, Integration>({
  handler(input, ctx) {
    const { integration } = integrationOf(ctx, input.restApiId, input.resourceId, input.httpMethod);
    const next: IntegrationRecord = JSON.parse(JSON.stringify(integration)) as IntegrationRecord;
    applyPatches(input.patchOperations, (p) => {
      const [field, ...rest] = p.segs;
      const key = rest.join('/');
      switch (field) {
        case 'uri':
        case 'httpMethod':
        case 'credentials':
        case 'passthroughBehavior':
        case 'contentHandling':
        case 'connectionType':
        case 'connectionId':
          if (p.op !== 'replace') throw unsupportedPatchOp(p.path, p.op);
          next[field] = p.value || undefined;
          break;
        case 'timeoutInMillis':
          if (p.op !== 'replace') throw unsupportedPatchOp(p.path, p.op);
          next.timeoutInMillis = checkTimeout(patchInt(p));
          break;
        case 'requestTemplates':
          if (!key) throw invalidPatchPath(p.path);
          next.requestTemplates = patchMap(next.requestTemplates, key, p, p.value ?? '');
          break;
        case 'requestParameters':
          if (!key) throw invalidPatchPath(p.path);
          next.requestParameters = patchMap(next.requestParameters, key, p, p.value ?? '');
          break;
        case 'cacheKeyParameters': {
          const set = new Set(next.cacheKeyParameters);
          if (p.op === 'add' && key) set.add(key);
          else if (p.op === 'remove' && key) set.delete(key);
          else throw invalidPatchPath(p.path);
          next.cacheKeyParameters = [...set];
          break;
        }
        default:
          throw invalidPatchPath(p.path);
      }
    });
    checkUri(next.type, next.uri);
    Object.assign(integration, next);
    return toIntegration(integration);
  },
});

export const DeleteIntegration = operation<DeleteIntegrationRequest, Record<string, never>>({
  handler(input, ctx) {
    const { method } = integrationOf(ctx, input.restApiId, input.resourceId, input.httpMethod);
    delete method.methodIntegration;
    return {};
  },
});

// ---- integration responses ----

const invalidStatus = () => notFound('Invalid Response status code specified');

function checkTemplates(templates: Record<string, string> | undefined): void {
  for (const [k, v] of Object.entries(templates ?? {})) {
    if (typeof v !== 'string') throw badRequest(`Invalid mapping template for content type ${k}`);
  }
}

export function putIntegrationResponse(method: MethodRecord, input: Omit<PutIntegrationResponseRequest, 'restApiId' | 'resourceId' | 'httpMethod'>): IntegrationResponse {
  const integration = method.methodIntegration;
  if (!integration) throw invalidIntegration();
  const code = checkStatusCode(input.statusCode);
  checkTemplates(input.responseTemplates);
  const r: IntegrationResponse = {
    statusCode: code,
    selectionPattern: input.selectionPattern,
    responseParameters: input.responseParameters,
    responseTemplates: input.responseTemplates,
    contentHandling: input.contentHandling,
  };
  integration.integrationResponses = { ...(integration.integrationResponses ?? {}), [code]: r };
  return r;
}

export const PutIntegrationResponse = operation<PutIntegrationResponseRequest, IntegrationResponse>({
  handler(input, ctx) {
    checkStatusCode(input.statusCode);
    const { method } = methodOf(ctx, input.restApiId, input.resourceId, input.httpMethod);
    return putIntegrationResponse(method, input);
  },
});

export const GetIntegrationResponse = operation<GetIntegrationResponseRequest, IntegrationResponse>({
  handler(input, ctx) {
    const code = checkStatusCode(input.statusCode);
    const { integration } = integrationOf(ctx, input.restApiId, input.resourceId, input.httpMethod);
    const r = integration.integrationResponses?.[code];
    if (!r) throw invalidStatus();
    return r;
  },
});

export const UpdateIntegrationResponse = operation<UpdateIntegrationResponseRequest, IntegrationResponse>({
  handler(input, ctx) {
    const code = checkStatusCode(input.statusCode);
    const { integration } = integrationOf(ctx, input.restApiId, input.resourceId, input.httpMethod);
    const r = integration.integrationResponses?.[code];
    if (!r) throw invalidStatus();
    const next: IntegrationResponse = JSON.parse(JSON.stringify(r)) as IntegrationResponse;
    applyPatches(input.patchOperations, (p) => {
      const [field, ...rest] = p.segs;
      const key = rest.join('/');
      if ((field === 'selectionPattern' || field === 'contentHandling') && !key) {
        if (p.op !== 'replace') throw unsupportedPatchOp(p.path, p.op);
        if (field === 'selectionPattern') next.selectionPattern = p.value;
        else next.contentHandling = p.value as IntegrationResponse['contentHandling'];
      } else if (field === 'responseTemplates' && key) next.responseTemplates = patchMap(next.responseTemplates, key, p, p.value ?? '');
      else if (field === 'responseParameters' && key) next.responseParameters = patchMap(next.responseParameters, key, p, p.value ?? '');
      else throw invalidPatchPath(p.path);
    });
    Object.assign(r, next);
    return r;
  },
});

export const DeleteIntegrationResponse = operation<DeleteIntegrationResponseRequest, Record<string, never>>({
  handler(input, ctx) {
    const code = checkStatusCode(input.statusCode);
    const { integration } = integrationOf(ctx, input.restApiId, input.resourceId, input.httpMethod, false);
    if (!integration.integrationResponses?.[code]) throw invalidStatus();
    delete integration.integrationResponses[code];
    return {};
  },
});
