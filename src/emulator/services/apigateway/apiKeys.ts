import type {
  ApiKey,
  ApiKeys,
  CreateApiKeyRequest,
  DeleteApiKeyRequest,
  GetApiKeyRequest,
  GetApiKeysRequest,
  UpdateApiKeyRequest,
} from '@aws-sdk/client-api-gateway';
import { operation } from '../../core/service.js';
import { randomString } from '../../core/ids.js';
import { apigatewayState, type ApiKeyRecord } from './state.js';
import { applyPatches, badRequest, conflict, date, invalidPatchPath, newId, notFound, nowIso, page, patchBool, unsupportedPatchOp, type Ctx } from './common.js';

export function toApiKey(k: ApiKeyRecord, includeValue: boolean): ApiKey {
  return {
    id: k.id,
    value: includeValue ? k.value : undefined,
    name: k.name,
    customerId: k.customerId,
    description: k.description,
    enabled: k.enabled,
    createdDate: date(k.createdDate),
    lastUpdatedDate: date(k.lastUpdatedDate),
    stageKeys: k.stageKeys,
    tags: k.tags,
  };
}

export function apiKeyOf(ctx: Ctx, id: string | undefined): ApiKeyRecord {
  const k = id ? apigatewayState(ctx).apiKeys[id] : undefined;
  if (!k) throw notFound('Invalid API Key identifier specified');
  return k;
}

export const CreateApiKey = operation<CreateApiKeyRequest, ApiKey>({
  handler(input, ctx) {
    const state = apigatewayState(ctx);
    const value = input.value ?? randomString(40);
    if (value.length < 20) throw badRequest('API Key value should be at least 20 characters');
    if (Object.values(state.apiKeys).some((k) => k.value === value)) throw conflict('API Key already exists');
    const stageKeys = (input.stageKeys ?? []).map((s) => {
      const api = s.restApiId ? state.restApis[s.restApiId] : undefined;
      if (!api || !s.stageName || !api.stages[s.stageName]) throw badRequest(`Invalid stage key specified: ${s.restApiId}/${s.stageName}`);
      return `${s.restApiId}/${s.stageName}`;
    });
    const now = nowIso(ctx);
    const k: ApiKeyRecord = {
      id: newId(10),
      value,
      name: input.name,
      customerId: input.customerId,
      description: input.description,
      enabled: input.enabled ?? false,
      createdDate: now,
      lastUpdatedDate: now,
      stageKeys,
      tags: input.tags && Object.keys(input.tags).length ? { ...input.tags } : undefined,
    };
    state.apiKeys[k.id] = k;
    return toApiKey(k, true);
  },
});

export const GetApiKey = operation<GetApiKeyRequest, ApiKey>({
  handler: (input, ctx) => toApiKey(apiKeyOf(ctx, input.apiKey), input.includeValue ?? false),
});

export const GetApiKeys = operation<GetApiKeysRequest, ApiKeys>({
  handler(input, ctx) {
    const all = Object.values(apigatewayState(ctx).apiKeys).filter(
      (k) => (!input.nameQuery || (k.name ?? '').startsWith(input.nameQuery)) && (!input.customerId || k.customerId === input.customerId),
    );
    const p = page(all, input.position, input.limit);
    return { items: p.items.map((k) => toApiKey(k, input.includeValues ?? false)), position: p.position };
  },
});

export const UpdateApiKey = operation<UpdateApiKeyRequest, ApiKey>({
  handler(input, ctx) {
    const k = apiKeyOf(ctx, input.apiKey);
    const next: ApiKeyRecord = JSON.parse(JSON.stringify(k)) as ApiKeyRecord;
    applyPatches(input.patchOperations, (p) => {
      const [field] = p.segs;
      switch (field) {
        case 'name':
        case 'description':
        case 'customerId':
          if (p.op !== 'replace') throw unsupportedPatchOp(p.path, p.op);
          next[field] = p.value || undefined;
          break;
        case 'enabled':
          if (p.op !== 'replace') throw unsupportedPatchOp(p.path, p.op);
          next.enabled = patchBool(p);
          break;
        case 'stages':
          if (p.op === 'add' && p.value) next.stageKeys = [...new Set([...next.stageKeys, p.value])];
          else if (p.op === 'remove' && p.value) next.stageKeys = next.stageKeys.filter((s) => s !== p.value);
          else throw invalidPatchPath(p.path);
          break;
        default:
          throw invalidPatchPath(p.path);
      }
    });
    next.lastUpdatedDate = nowIso(ctx);
    Object.assign(k, next);
    return toApiKey(k, false);
  },
});

export const DeleteApiKey = operation<DeleteApiKeyRequest, Record<string, never>>({
  handler(input, ctx) {
    const k = apiKeyOf(ctx, input.apiKey);
    const state = apigatewayState(ctx);
    delete state.apiKeys[k.id];
    for (const plan of Object.values(state.usagePlans)) {
      plan.keys = plan.keys.filter((id) => id !== k.id);
      delete plan.usage[k.id];
    }
    return {};
  },
});
