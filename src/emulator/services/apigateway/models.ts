import type {
  CreateModelRequest,
  CreateRequestValidatorRequest,
  DeleteModelRequest,
  DeleteRequestValidatorRequest,
  GetModelRequest,
  GetModelsRequest,
  GetRequestValidatorRequest,
  GetRequestValidatorsRequest,
  Model,
  Models,
  RequestValidator,
  RequestValidators,
  UpdateModelRequest,
  UpdateRequestValidatorRequest,
} from '@aws-sdk/client-api-gateway';
import { operation } from '../../core/service.js';
import { apigatewayState, type ModelRecord, type RequestValidatorRecord, type RestApiRecord } from './state.js';
import { applyPatches, badRequest, conflict, invalidPatchPath, newId, notFound, page, patchBool, restApiOf, unsupportedPatchOp } from './common.js';

// ---- models (JSON schemas named by methods' requestModels) ----

export const toModel = (m: ModelRecord): Model => ({ ...m });

function modelOf(api: RestApiRecord, name: string | undefined): ModelRecord {
  const m = name ? api.models[name] : undefined;
  if (!m) throw notFound('Invalid model name specified');
  return m;
}

function checkSchema(schema: string | undefined, contentType: string): void {
  if (!schema) throw badRequest('Model schema must have at least 1 property or array items defined');
  if (contentType.includes('json')) {
    try {
      JSON.parse(schema);
    } catch {
      throw badRequest('Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified]');
    }
  }
}

export function addModel(api: RestApiRecord, input: Omit<CreateModelRequest, 'restApiId'>): ModelRecord {
  if (!input.name || !/^[a-zA-Z0-9]+$/.test(input.name)) throw badRequest('Model name must be non-empty and alphanumeric');
  if (api.models[input.name]) throw conflict('Model name already exists for this REST API');
  const contentType = input.contentType ?? 'application/json';
  checkSchema(input.schema, contentType);
  const m: ModelRecord = { id: newId(6), name: input.name, description: input.description, schema: input.schema, contentType };
  api.models[m.name] = m;
  return m;
}

export const CreateModel = operation<CreateModelRequest, Model>({
  handler: (input, ctx) => toModel(addModel(restApiOf(ctx, input.restApiId), input)),
});

export const GetModel = operation<GetModelRequest, Model>({
  handler: (input, ctx) => toModel(modelOf(restApiOf(ctx, input.restApiId), input.modelName)),
});

export const GetModels = operation<GetModelsRequest, Models>({
  handler(input, ctx) {
    const p = page(Object.values(restApiOf(ctx, input.restApiId).models), input.position, input.limit);
    return { items: p.items.map(toModel), position: p.position };
  },
});

export const UpdateModel = operation<UpdateModelRequest, Model>({
  handler(input, ctx) {
    const m = modelOf(restApiOf(ctx, input.restApiId), input.modelName);
    const next = { ...m };
    applyPatches(input.patchOperations, (p) => {
      if (p.path !== '/schema' && p.path !== '/description') throw invalidPatchPath(p.path);
      if (p.op !== 'replace') throw unsupportedPatchOp(p.path, p.op);
      if (p.path === '/schema') {
        checkSchema(p.value, m.contentType);
        next.schema = p.value;
      } else next.description = p.value || undefined;
    });
    Object.assign(m, next);
    return toModel(m);
  },
});

export const DeleteModel = operation<DeleteModelRequest, Record<string, never>>({
  handler(input, ctx) {
    const api = restApiOf(ctx, input.restApiId);
    const m = modelOf(api, input.modelName);
    const used = Object.values(api.resources).some((r) =>
      Object.values(r.methods).some((x) => Object.values(x.requestModels ?? {}).includes(m.name)),
    );
    if (used) throw conflict(`Cannot delete model '${m.name}', is referenced in method request: ${api.id}`);
    delete api.models[m.name];
    return {};
  },
});

// ---- request validators ----

export const toValidator = (v: RequestValidatorRecord): RequestValidator => ({ ...v });

function validatorOf(api: RestApiRecord, id: string | undefined): RequestValidatorRecord {
  const v = id ? api.requestValidators[id] : undefined;
  if (!v) throw notFound('Invalid Request Validator identifier specified');
  return v;
}

export function addValidator(api: RestApiRecord, input: Omit<CreateRequestValidatorRequest, 'restApiId'>): RequestValidatorRecord {
  const v: RequestValidatorRecord = {
    id: newId(6),
    name: input.name ?? '',
    validateRequestBody: input.validateRequestBody ?? false,
    validateRequestParameters: input.validateRequestParameters ?? false,
  };
  api.requestValidators[v.id] = v;
  return v;
}

export const CreateRequestValidator = operation<CreateRequestValidatorRequest, RequestValidator>({
  handler(input, ctx) {
    const api = input.restApiId ? apigatewayState(ctx).restApis[input.restApiId] : undefined;
    if (!api) throw badRequest('Invalid REST API identifier specified');
    return toValidator(addValidator(api, input));
  },
});

export const GetRequestValidator = operation<GetRequestValidatorRequest, RequestValidator>({
  handler: (input, ctx) => toValidator(validatorOf(restApiOf(ctx, input.restApiId), input.requestValidatorId)),
});

export const GetRequestValidators = operation<GetRequestValidatorsRequest, RequestValidators>({
  handler(input, ctx) {
    const p = page(Object.values(restApiOf(ctx, input.restApiId).requestValidators), input.position, input.limit);
    return { items: p.items.map(toValidator), position: p.position };
  },
});

export const UpdateRequestValidator = operation<UpdateRequestValidatorRequest, RequestValidator>({
  handler(input, ctx) {
    const v = validatorOf(restApiOf(ctx, input.restApiId), input.requestValidatorId);
    const next = { ...v };
    applyPatches(input.patchOperations, (p) => {
      if (p.op !== 'replace') throw unsupportedPatchOp(p.path, p.op);
      if (p.path === '/name') {
        if (!p.value) throw badRequest('Request Validator name cannot be blank');
        next.name = p.value;
      } else if (p.path === '/validateRequestBody') next.validateRequestBody = p.value === undefined ? false : patchBool(p);
      else if (p.path === '/validateRequestParameters') next.validateRequestParameters = p.value === undefined ? false : patchBool(p);
      else throw invalidPatchPath(p.path);
    });
    Object.assign(v, next);
    return toValidator(v);
  },
});

export const DeleteRequestValidator = operation<DeleteRequestValidatorRequest, Record<string, never>>({
  handler(input, ctx) {
    const api = restApiOf(ctx, input.restApiId);
    const v = validatorOf(api, input.requestValidatorId);
    delete api.requestValidators[v.id];
    return {};
  },
});
