import type {
  CreateStageRequest,
  DeleteStageRequest,
  GetStageRequest,
  GetStagesRequest,
  MethodSetting,
  Stage,
  Stages,
  UpdateStageRequest,
} from '@aws-sdk/client-api-gateway';
import { operation } from '../../core/service.js';
import type { RestApiRecord, StageRecord } from './state.js';
import {
  applyPatches,
  badRequest,
  conflict,
  date,
  invalidPatchPath,
  notFound,
  nowIso,
  patchBool,
  patchInt,
  patchMap,
  patchNumber,
  restApiOf,
  unsupportedPatchOp,
  type Ctx,
  type Patch,
} from './common.js';
import { deploymentOf } from './deployments.js';

export function toStage(s: StageRecord): Stage {
  return {
    deploymentId: s.deploymentId,
    stageName: s.stageName,
    description: s.description,
    cacheClusterEnabled: s.cacheClusterEnabled,
    cacheClusterSize: s.cacheClusterSize as Stage['cacheClusterSize'],
    cacheClusterStatus: s.cacheClusterStatus as Stage['cacheClusterStatus'],
    methodSettings: s.methodSettings,
    variables: s.variables && Object.keys(s.variables).length ? s.variables : undefined,
    accessLogSettings: s.accessLogSettings,
    tracingEnabled: s.tracingEnabled,
    tags: s.tags,
    createdDate: date(s.createdDate),
    lastUpdatedDate: date(s.lastUpdatedDate),
  };
}

export function stageOf(api: RestApiRecord, name: string | undefined): StageRecord {
  const s = name ? api.stages[name] : undefined;
  if (!s) throw notFound('Invalid Stage identifier specified');
  return s;
}

function checkVariables(vars: Record<string, string> | undefined): void {
  for (const [k, v] of Object.entries(vars ?? {})) {
    if (!/^[A-Za-z0-9_]+$/.test(k)) throw badRequest(`Stage variable name ${k} must match the pattern [A-Za-z0-9_]+`);
    if (!/^[A-Za-z0-9\-._~:/?#&=,]*$/.test(v)) throw badRequest(`Stage variable value ${v} contains invalid characters`);
  }
}

/** Creates a stage, or points an existing one at a new deployment (CreateDeployment with a stage name). */
export function putStage(ctx: Ctx, api: RestApiRecord, input: Omit<CreateStageRequest, 'restApiId'>, mustBeNew = false): StageRecord {
  const name = input.stageName ?? '';
  if (!/^[a-zA-Z0-9_-]+$/.test(name)) throw badRequest('Stage name only allows a-zA-Z0-9_-');
  deploymentOf(api, input.deploymentId);
  checkVariables(input.variables);
  const now = nowIso(ctx);
  const existing = api.stages[name];
  if (existing) {
    if (mustBeNew) throw conflict('Stage already exists');
    existing.deploymentId = input.deploymentId!;
    if (input.description !== undefined) existing.description = input.description;
    if (input.variables) existing.variables = { ...input.variables };
    existing.lastUpdatedDate = now;
    return existing;
  }
  const s: StageRecord = {
    stageName: name,
    deploymentId: input.deploymentId!,
    description: input.description,
    cacheClusterEnabled: input.cacheClusterEnabled ?? false,
    cacheClusterSize: input.cacheClusterEnabled ? (input.cacheClusterSize ?? '0.5') : undefined,
    cacheClusterStatus: input.cacheClusterEnabled ? 'AVAILABLE' : 'NOT_AVAILABLE',
    methodSettings: {},
    variables: input.variables && Object.keys(input.variables).length ? { ...input.variables } : undefined,
    tracingEnabled: input.tracingEnabled ?? false,
    tags: input.tags && Object.keys(input.tags).length ? { ...input.tags } : undefined,
    createdDate: now,
    lastUpdatedDate: now,
  };
  api.stages[name] = s;
  return s;
}

export const CreateStage = operation<CreateStageRequest, Stage>({
  handler(input, ctx) {
    const api = restApiOf(ctx, input.restApiId);
    return toStage(putStage(ctx, api, input, true));
  },
});

export const GetStage = operation<GetStageRequest, Stage>({
  handler: (input, ctx) => toStage(stageOf(restApiOf(ctx, input.restApiId), input.stageName)),
});

export const GetStages = operation<GetStagesRequest, Stages>({
  handler(input, ctx) {
    const api = restApiOf(ctx, input.restApiId);
    const all = Object.values(api.stages).filter((s) => !input.deploymentId || s.deploymentId === input.deploymentId);
    return { item: all.map(toStage) };
  },
});

const DEFAULT_METHOD_SETTING: MethodSetting = {
  metricsEnabled: false,
  loggingLevel: 'OFF',
  dataTraceEnabled: false,
  throttlingBurstLimit: 5000,
  throttlingRateLimit: 10000,
  cachingEnabled: false,
  cacheTtlInSeconds: 300,
  cacheDataEncrypted: false,
  requireAuthorizationForCacheControl: true,
  unauthorizedCacheControlHeaderStrategy: 'SUCCEED_WITH_RESPONSE_HEADER',
};

/** `/{resourcePath}/{method}/{setting}` patches: throttling and the other per-method settings. */
function patchMethodSetting(s: StageRecord, p: Patch): void {
  if (p.segs.length !== 4) throw invalidPatchPath(p.path);
  const [resourcePath, method, group, name] = p.segs;
  const key = `${resourcePath === '*' ? '*' : resourcePath.replace(/^\//, '').replace(/\//g, '~1')}/${method}`;
  const setting: MethodSetting = { ...DEFAULT_METHOD_SETTING, ...(s.methodSettings[key] ?? {}) };
  if (p.op !== 'replace') throw unsupportedPatchOp(p.path, p.op);
  switch (`${group}/${name}`) {
    case 'throttling/rateLimit':
      setting.throttlingRateLimit = patchNumber(p);
      break;
    case 'throttling/burstLimit':
      setting.throttlingBurstLimit = patchInt(p);
      break;
    case 'metrics/enabled':
      setting.metricsEnabled = patchBool(p);
      break;
    case 'logging/loglevel':
      setting.loggingLevel = p.value;
      break;
    case 'logging/dataTrace':
      setting.dataTraceEnabled = patchBool(p);
      break;
    case 'caching/enabled':
      setting.cachingEnabled = patchBool(p);
      break;
    case 'caching/ttlInSeconds':
      setting.cacheTtlInSeconds = patchInt(p);
      break;
    case 'caching/dataEncrypted':
      setting.cacheDataEncrypted = patchBool(p);
      break;
    case 'caching/requireAuthorizationForCacheControl':
      setting.requireAuthorizationForCacheControl = patchBool(p);
      break;
    case 'caching/unauthorizedCacheControlHeaderStrategy':
      setting.unauthorizedCacheControlHeaderStrategy = p.value as MethodSetting['unauthorizedCacheControlHeaderStrategy'];
      break;
    default:
      throw invalidPatchPath(p.path);
  }
  s.methodSettings[key] = setting;
}

export const UpdateStage = operation<UpdateStageRequest, Stage>({
  handler(input, ctx) {
    const api = restApiOf(ctx, input.restApiId);
    const s = stageOf(api, input.stageName);
    const next: StageRecord = JSON.parse(JSON.stringify(s)) as StageRecord;
    applyPatches(input.patchOperations, (p) => {
      const [field, ...rest] = p.segs;
      switch (field) {
        case 'description':
          if (p.op !== 'replace') throw unsupportedPatchOp(p.path, p.op);
          next.description = p.value || undefined;
          break;
        case 'deploymentId':
          if (p.op !== 'replace') throw unsupportedPatchOp(p.path, p.op);
          deploymentOf(api, p.value);
          next.deploymentId = p.value!;
          break;
        case 'variables':
          if (rest.length !== 1) throw invalidPatchPath(p.path);
          next.variables = patchMap(next.variables, rest[0], p, p.value ?? '');
          checkVariables(next.variables);
          break;
        case 'cacheClusterEnabled':
          next.cacheClusterEnabled = patchBool(p);
          next.cacheClusterStatus = next.cacheClusterEnabled ? 'AVAILABLE' : 'NOT_AVAILABLE';
          next.cacheClusterSize = next.cacheClusterEnabled ? (next.cacheClusterSize ?? '0.5') : undefined;
          break;
        case 'cacheClusterSize':
          next.cacheClusterSize = p.value;
          break;
        case 'tracingEnabled':
          next.tracingEnabled = patchBool(p);
          break;
        case 'accessLogSettings':
          if (p.op === 'remove' && rest.length === 0) next.accessLogSettings = undefined;
          else if ((rest[0] === 'destinationArn' || rest[0] === 'format') && rest.length === 1 && p.op !== 'remove') {
            if (!p.value) throw badRequest(`Invalid value for ${rest[0]}`);
            next.accessLogSettings = { ...(next.accessLogSettings ?? {}), [rest[0]]: p.value };
          } else throw invalidPatchPath(p.path);
          break;
        default:
          patchMethodSetting(next, p);
      }
    });
    next.lastUpdatedDate = nowIso(ctx);
    Object.assign(s, next);
    if (!next.variables) delete s.variables;
    return toStage(s);
  },
});

export const DeleteStage = operation<DeleteStageRequest, Record<string, never>>({
  handler(input, ctx) {
    const api = restApiOf(ctx, input.restApiId);
    stageOf(api, input.stageName);
    delete api.stages[input.stageName!];
    return {};
  },
});
