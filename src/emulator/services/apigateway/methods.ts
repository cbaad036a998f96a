import type {
  DeleteMethodRequest,
  DeleteMethodResponseRequest,
  GetMethodRequest,
  GetMethodResponseRequest,
  Method,
  MethodResponse,
  PutMethodRequest,
  PutMethodResponseRequest,
  UpdateMethodRequest,
  UpdateMethodResponseRequest,
} from '@aws-sdk/client-api-gateway';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import type { MethodRecord, ResourceRecord, RestApiRecord } from './state.js';
import {
  applyPatches,
  badRequest,
  invalidMethod,
  invalidPatchPath,
  notFound,
  patchBool,
  patchMap,
  patchOpMustBe,
  restApiOrResourceError,
  type Patch,
} from './common.js';
import { resourceOf } from './resources.js';
import { toIntegration } from './integrations.js';

export const HTTP_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'ANY'];
const DEFAULT_MODELS = ['Empty', 'Error'];

export function toMethod(m: MethodRecord): Method {
  return {
    httpMethod: m.httpMethod,
    authorizationType: m.authorizationType,
    authorizerId: m.authorizerId,
    apiKeyRequired: m.apiKeyRequired,
    requestValidatorId: m.requestValidatorId,
    operationName: m.operationName,
    requestParameters: m.requestParameters,
    requestModels: m.requestModels,
    methodResponses: m.methodResponses,
    methodIntegration: m.methodIntegration ? toIntegration(m.methodIntegration) : undefined,
    authorizationScopes: m.authorizationScopes?.length ? m.authorizationScopes : undefined,
  };
}

/** The API, resource and method a request names, with AWS's errors for each missing piece. */
export function methodOf(
  ctx: Parameters<typeof restApiOrResourceError>[0],
  restApiId: string | undefined,
  resourceId: string | undefined,
  httpMethod: string | undefined,
): { api: RestApiRecord; resource: ResourceRecord; method: MethodRecord } {
  const api = restApiOrResourceError(ctx, restApiId);
  const resource = resourceOf(api, resourceId);
  const method = httpMethod ? resource.methods[httpMethod.toUpperCase()] : undefined;
  if (!method) throw invalidMethod();
  return { api, resource, method };
}

const invalidAuthorizer = () =>
  badRequest('Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.');

function checkAuthorization(api: RestApiRecord, m: Pick<MethodRecord, 'authorizationType' | 'authorizerId'>): void {
  if (m.authorizationType === 'CUSTOM' || m.authorizationType === 'COGNITO_USER_POOLS') {
    if (!m.authorizerId || !api.authorizers[m.authorizerId]) throw invalidAuthorizer();
  }
}

function checkModels(api: RestApiRecord, models: Record<string, string> | undefined): void {
  for (const name of Object.values(models ?? {})) {
    if (!DEFAULT_MODELS.includes(name) && !api.models[name]) throw badRequest(`Invalid model identifier specified: ${name}`);
  }
}

/** Adds or replaces a method (PutMethod and the OpenAPI import). */
export function putMethod(api: RestApiRecord, resource: ResourceRecord, input: Omit<PutMethodRequest, 'restApiId' | 'resourceId'>): MethodRecord {
  const httpMethod = (input.httpMethod ?? '').toUpperCase();
  if (!HTTP_METHODS.includes(httpMethod)) throw badRequest('Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY');
  const m: MethodRecord = {
    httpMethod,
    authorizationType: input.authorizationType ?? 'NONE',
    authorizerId: input.authorizerId,
    apiKeyRequired: input.apiKeyRequired ?? false,
    requestValidatorId: input.requestValidatorId,
    operationName: input.operationName,
    requestParameters: input.requestParameters,
    requestModels: input.requestModels,
    authorizationScopes: input.authorizationScopes,
  };
  checkAuthorization(api, m);
  if (m.authorizationType !== 'CUSTOM' && m.authorizationType !== 'COGNITO_USER_POOLS') delete m.authorizerId;
  if (m.requestValidatorId && !api.requestValidators[m.requestValidatorId]) throw badRequest('Invalid Request Validator identifier specified');
  checkModels(api, m.requestModels);
  resource.methods[httpMethod] = m;
  return m;
}

export const PutMethod = operation<PutMethodRequest, Method>({
  handler(input, ctx) {
    const api = restApiOrResourceError(ctx, input.restApiId);
    const resource = resourceOf(api, input.resourceId);
    return toMethod(putMethod(api, resource, input));
  },
});

export const GetMethod = operation<GetMethodRequest, Method>({
  handler: (input, ctx) => toMethod(methodOf(ctx, input.restApiId, input.resourceId, input.httpMethod).method),
});

function replaceOnly(p: Patch): void {
  if (p.op !== 'replace') throw patchOpMustBe(['replace']);
}

export const UpdateMethod = operation<UpdateMethodRequest, Method>({
  handler(input, ctx) {
    const { api, method } = methodOf(ctx, input.restApiId, input.resourceId, input.httpMethod);
    const next: MethodRecord = JSON.parse(JSON.stringify(method)) as MethodRecord;
    applyPatches(input.patchOperations, (p) => {
      const [field, ...rest] = p.segs;
      const key = rest.join('/');
      switch (field) {
        case 'authorizationType':
        case 'authorizerId':
        case 'operationName':
        case 'requestValidatorId':
          replaceOnly(p);
          if (rest.length) throw invalidPatchPath(p.path);
          if (field === 'authorizationType') next.authorizationType = p.value || 'NONE';
          else next[field] = p.value || undefined;
          break;
        case 'apiKeyRequired':
          replaceOnly(p);
          next.apiKeyRequired = patchBool(p);
          break;
        case 'requestParameters':
          if (!key) throw invalidPatchPath(p.path);
          next.requestParameters = patchMap(next.requestParameters, key, p, p.value === 'true');
          break;
        case 'requestModels':
          if (!key || p.op === 'add') throw invalidPatchPath(p.path);
          next.requestModels = patchMap(next.requestModels, key, p, p.value ?? '');
          break;
        case 'authorizationScopes': {
          const scopes = new Set(next.authorizationScopes ?? []);
          if (p.op === 'add' && p.value) scopes.add(p.value);
          else if (p.op === 'remove' && p.value) scopes.delete(p.value);
          else throw invalidPatchPath(p.path);
          next.authorizationScopes = [...scopes];
          break;
        }
        default:
          throw invalidPatchPath(p.path);
      }
    });
    checkAuthorization(api, next);
    if (next.authorizationType !== 'CUSTOM' && next.authorizationType !== 'COGNITO_USER_POOLS') delete next.authorizerId;
    if (next.requestValidatorId && !api.requestValidators[next.requestValidatorId]) throw badRequest('Invalid Request Validator identifier specified');
    checkModels(api, next.requestModels);
    Object.keys(method).forEach((k) => delete (method as unknown as Record<string, unknown>)[k]);
    Object.assign(method, next);
    return toMethod(method);
  },
});

export const DeleteMethod = operation<DeleteMethodRequest, Record<string, never>>({
  handler(input, ctx) {
    const { resource, method } = methodOf(ctx, input.restApiId, input.resourceId, input.httpMethod);
    delete resource.methods[method.httpMethod];
    return {};
  },
});

// ---- method responses ----

export function checkStatusCode(code: string | undefined): string {
  if (!code || !/^[1-5]\d\d$/.test(code)) {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value '${code}' at 'statusCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [1-5]\\d\\d`,
      400,
    );
  }
  return code;
}

const invalidStatus = () => notFound('Invalid Response status code specified');

export const PutMethodResponse = operation<PutMethodResponseRequest, MethodResponse>({
  handler(input, ctx) {
    const code = checkStatusCode(input.statusCode);
    const { api, method } = methodOf(ctx, input.restApiId, input.resourceId, input.httpMethod);
    checkModels(api, input.responseModels);
    const r: MethodResponse = { statusCode: code, responseParameters: input.responseParameters, responseModels: input.responseModels };
    method.methodResponses = { ...(method.methodResponses ?? {}), [code]: r };
    return r;
  },
});

export const GetMethodResponse = operation<GetMethodResponseRequest, MethodResponse>({
  handler(input, ctx) {
    const code = checkStatusCode(input.statusCode);
    const { method } = methodOf(ctx, input.restApiId, input.resourceId, input.httpMethod);
    const r = method.methodResponses?.[code];
    if (!r) throw invalidStatus();
    return r;
  },
});

export const UpdateMethodResponse = operation<UpdateMethodResponseRequest, MethodResponse>({
  handler(input, ctx) {
    const problems: string[] = [];
    (input.patchOperations ?? []).forEach((o, i) => {
      if (!['add', 'remove', 'move', 'test', 'replace', 'copy'].includes(o.op ?? '')) {
        problems.push(
          `Value '${o.op}' at 'updateMethodResponseInput.patchOperations.${i + 1}.member.op' failed to satisfy constraint: Member must satisfy enum value set: [add, remove, move, test, replace, copy]`,
        );
      }
    });
    if (!input.statusCode || !/^[1-5]\d\d$/.test(input.statusCode)) {
      problems.push(`Value '${input.statusCode}' at 'statusCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [1-5]\\d\\d`);
    }
    if (problems.length) {
      throw new AwsError('ValidationException', `${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: ${problems.join('; ')}`, 400);
    }
    const { method } = methodOf(ctx, input.restApiId, input.resourceId, input.httpMethod);
    const r = method.methodResponses?.[input.statusCode!];
    if (!r) throw invalidStatus();
    const next: MethodResponse = JSON.parse(JSON.stringify(r)) as MethodResponse;
    applyPatches(input.patchOperations, (p) => {
      const [field, ...rest] = p.segs;
      const key = rest.join('/');
      if (field === 'responseParameters' && key) {
        if (!/^method\.response\.header\.[^.]+$/.test(key)) throw badRequest(`Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: ${key}]`);
        next.responseParameters = patchMap(next.responseParameters, key, p, p.value === 'true');
      } else if (field === 'responseModels' && key) next.responseModels = patchMap(next.responseModels, key, p, p.value ?? '');
      else throw invalidPatchPath(p.path);
    });
    Object.assign(r, next);
    return r;
  },
});

export const DeleteMethodResponse = operation<DeleteMethodResponseRequest, Record<string, never>>({
  handler(input, ctx) {
    const code = checkStatusCode(input.statusCode);
    const { method } = methodOf(ctx, input.restApiId, input.resourceId, input.httpMethod);
    if (!method.methodResponses?.[code]) throw invalidStatus();
    delete method.methodResponses[code];
    return {};
  },
});
