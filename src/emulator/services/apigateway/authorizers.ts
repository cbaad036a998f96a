import type {
  Authorizer,
  Authorizers,
  CreateAuthorizerRequest,
  DeleteAuthorizerRequest,
  GetAuthorizerRequest,
  GetAuthorizersRequest,
  UpdateAuthorizerRequest,
} from '@aws-sdk/client-api-gateway';
import { operation } from '../../core/service.js';
import { apigatewayState, type AuthorizerRecord, type RestApiRecord } from './state.js';
import { applyPatches, badRequest, conflict, invalidPatchPath, newId, notFound, page, patchInt, restApiOf, unsupportedPatchOp } from './common.js';
import { lambdaOfUri } from './integrations.js';

export const toAuthorizer = (a: AuthorizerRecord): Authorizer => ({ ...a, providerARNs: a.providerARNs?.length ? a.providerARNs : undefined });

export function authorizerOf(api: RestApiRecord, id: string | undefined): AuthorizerRecord {
  const a = id ? api.authorizers[id] : undefined;
  if (!a) throw notFound('Invalid Authorizer identifier specified');
  return a;
}

function check(a: AuthorizerRecord): void {
  if (!['TOKEN', 'REQUEST', 'COGNITO_USER_POOLS'].includes(a.type)) {
    throw badRequest(`Invalid authorizer type specified: ${a.type}. Valid options are TOKEN,REQUEST,COGNITO_USER_POOLS`);
  }
  if (a.type === 'COGNITO_USER_POOLS') {
    if (!a.providerARNs?.length) throw badRequest('ProviderARNs need to be specified for COGNITO_USER_POOLS authorizers');
    for (const arn of a.providerARNs) {
      if (!/^arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool\/[\w-]+_[0-9a-zA-Z]+$/.test(arn)) throw badRequest(`Invalid provider ARN specified: ${arn}`);
    }
  } else {
    if (!a.authorizerUri || !lambdaOfUri(a.authorizerUri)) throw badRequest('Invalid Authorizer URI specified');
  }
  if (a.type !== 'REQUEST' && !a.identitySource) throw badRequest('Identity Source must be specified for a TOKEN or COGNITO_USER_POOLS authorizer');
  if (a.type === 'TOKEN' && !/^method\.request\.header\.[^.]+$/.test(a.identitySource ?? '')) {
    throw badRequest('Invalid identity source specified: it must be a header, as method.request.header.Authorization');
  }
  const ttl = a.authorizerResultTtlInSeconds ?? 300;
  if (ttl < 0 || ttl > 3600) throw badRequest('Authorizer result TTL must be between 0 and 3600 seconds');
}

/** Adds an authorizer (CreateAuthorizer and the OpenAPI import). */
export function addAuthorizer(api: RestApiRecord, input: Omit<CreateAuthorizerRequest, 'restApiId'>): AuthorizerRecord {
  const a: AuthorizerRecord = {
    id: newId(6),
    name: input.name ?? '',
    type: input.type as AuthorizerRecord['type'],
    providerARNs: input.providerARNs,
    authType: input.authType,
    authorizerUri: input.authorizerUri,
    authorizerCredentials: input.authorizerCredentials,
    identitySource: input.identitySource,
    identityValidationExpression: input.identityValidationExpression,
    authorizerResultTtlInSeconds: input.authorizerResultTtlInSeconds ?? 300,
  };
  if (!a.name) throw badRequest('Authorizer name must be specified');
  check(a);
  api.authorizers[a.id] = a;
  return a;
}

export const CreateAuthorizer = operation<CreateAuthorizerRequest, Authorizer>({
  handler(input, ctx) {
    const api = input.restApiId ? apigatewayState(ctx).restApis[input.restApiId] : undefined;
    // AWS answers an unknown API here with a ConflictException, oddly; so does the sandbox.
    if (!api) throw conflict('Unable to complete operation due to concurrent modification. Please try again later.');
    return toAuthorizer(addAuthorizer(api, input));
  },
});

export const GetAuthorizer = operation<GetAuthorizerRequest, Authorizer>({
  handler: (input, ctx) => toAuthorizer(authorizerOf(restApiOf(ctx, input.restApiId), input.authorizerId)),
});

export const GetAuthorizers = operation<GetAuthorizersRequest, Authorizers>({
  handler(input, ctx) {
    const api = restApiOf(ctx, input.restApiId);
    const p = page(Object.values(api.authorizers), input.position, input.limit);
    return { items: p.items.map(toAuthorizer), position: p.position };
  },
});

export const UpdateAuthorizer = operation<UpdateAuthorizerRequest, Authorizer>({
  handler(input, ctx) {
    const api = restApiOf(ctx, input.restApiId);
    const a = authorizerOf(api, input.authorizerId);
    const next: AuthorizerRecord = JSON.parse(JSON.stringify(a)) as AuthorizerRecord;
    applyPatches(input.patchOperations, (p) => {
      const [field, ...rest] = p.segs;
      switch (field) {
        case 'name':
        case 'type':
        case 'authType':
        case 'authorizerUri':
        case 'authorizerCredentials':
        case 'identitySource':
        case 'identityValidationExpression':
          if (p.op !== 'replace') throw unsupportedPatchOp(p.path, p.op);
          (next as unknown as Record<string, unknown>)[field] = p.value || undefined;
          break;
        case 'authorizerResultTtlInSeconds':
          if (p.op !== 'replace') throw unsupportedPatchOp(p.path, p.op);
          next.authorizerResultTtlInSeconds = patchInt(p) ?? 300;
          break;
        case 'providerARNs': {
          const arn = rest.join('/') || p.value;
          const list = new Set(next.providerARNs ?? []);
          if (p.op === 'add' && arn) list.add(p.value ?? arn);
          else if (p.op === 'remove' && arn) list.delete(arn);
          else if (p.op === 'replace' && p.value) {
            list.clear();
            list.add(p.value);
          }
          else throw invalidPatchPath(p.path);
          next.providerARNs = [...list];
          break;
        }
        default:
          throw invalidPatchPath(p.path);
      }
    });
    check(next);
    Object.assign(a, next);
    return toAuthorizer(a);
  },
});

export const DeleteAuthorizer = operation<DeleteAuthorizerRequest, Record<string, never>>({
  handler(input, ctx) {
    const api = restApiOf(ctx, input.restApiId);
    const a = authorizerOf(api, input.authorizerId);
    const inUse = Object.values(api.resources).some((r) => Object.values(r.methods).some((m) => m.authorizerId === a.id));
    if (inUse) throw conflict('Cannot delete authorizer, is referenced in method');
    delete api.authorizers[a.id];
    return {};
  },
});
