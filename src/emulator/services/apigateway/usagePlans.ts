import type {
  ApiStage,
  CreateUsagePlanKeyRequest,
  CreateUsagePlanRequest,
  DeleteUsagePlanKeyRequest,
  DeleteUsagePlanRequest,
  GetUsagePlanKeyRequest,
  GetUsagePlanKeysRequest,
  GetUsagePlanRequest,
  GetUsagePlansRequest,
  GetUsageRequest,
  Usage,
  UsagePlan,
  UsagePlanKey,
  UsagePlanKeys,
  UsagePlans,
  UpdateUsagePlanRequest,
} from '@aws-sdk/client-api-gateway';
import { operation } from '../../core/service.js';
import { apigatewayState, type ApiGatewayState, type UsagePlanRecord } from './state.js';
import { applyPatches, badRequest, conflict, invalidPatchPath, newId, notFound, page, patchInt, patchNumber, type Ctx } from './common.js';
import { apiKeyOf } from './apiKeys.js';
import { periodStart } from './common/throttle.js';

export function toUsagePlan(p: UsagePlanRecord): UsagePlan {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    apiStages: p.apiStages.map((s): ApiStage => ({ apiId: s.apiId, stage: s.stage, throttle: s.throttle })),
    throttle: p.throttle,
    quota: p.quota,
    tags: p.tags,
  };
}

export function usagePlanOf(ctx: Ctx, id: string | undefined): UsagePlanRecord {
  const p = id ? apigatewayState(ctx).usagePlans[id] : undefined;
  if (!p) throw notFound('Invalid Usage Plan ID specified');
  return p;
}

function checkApiStage(state: ApiGatewayState, apiId: string | undefined, stage: string | undefined): void {
  const api = apiId ? state.restApis[apiId] : undefined;
  if (!api || !stage || !api.stages[stage]) throw badRequest(`Invalid API Stage {api: ${apiId}, stage: ${stage}} specified for usageplan`);
}

function checkQuota(q: UsagePlanRecord['quota']): void {
  if (q && !['DAY', 'WEEK', 'MONTH'].includes(q.period ?? '')) throw badRequest('Quota period must be DAY, WEEK or MONTH');
  if (q && (q.limit === undefined || q.limit < 0)) throw badRequest('Quota limit must be a non-negative number');
}

export const CreateUsagePlan = operation<CreateUsagePlanRequest, UsagePlan>({
  handler(input, ctx) {
    const state = apigatewayState(ctx);
    if (!input.name) throw badRequest('Usage plan name must be specified');
    for (const s of input.apiStages ?? []) checkApiStage(state, s.apiId, s.stage);
    const plan: UsagePlanRecord = {
      id: newId(6),
      name: input.name,
      description: input.description,
      apiStages: (input.apiStages ?? []).map((s) => ({ apiId: s.apiId!, stage: s.stage!, throttle: s.throttle })),
      throttle: input.throttle,
      quota: input.quota ? { limit: input.quota.limit, offset: input.quota.offset ?? 0, period: input.quota.period } : undefined,
      tags: input.tags && Object.keys(input.tags).length ? { ...input.tags } : undefined,
      keys: [],
      usage: {},
    };
    checkQuota(plan.quota);
    state.usagePlans[plan.id] = plan;
    return toUsagePlan(plan);
  },
});

export const GetUsagePlan = operation<GetUsagePlanRequest, UsagePlan>({
  handler: (input, ctx) => toUsagePlan(usagePlanOf(ctx, input.usagePlanId)),
});

export const GetUsagePlans = operation<GetUsagePlansRequest, UsagePlans>({
  handler(input, ctx) {
    const all = Object.values(apigatewayState(ctx).usagePlans).filter((p) => !input.keyId || p.keys.includes(input.keyId));
    const pg = page(all, input.position, input.limit);
    return { items: pg.items.map(toUsagePlan), position: pg.position };
  },
});

export const UpdateUsagePlan = operation<UpdateUsagePlanRequest, UsagePlan>({
  handler(input, ctx) {
    const state = apigatewayState(ctx);
    const plan = usagePlanOf(ctx, input.usagePlanId);
    const next: UsagePlanRecord = JSON.parse(JSON.stringify(plan)) as UsagePlanRecord;
    applyPatches(input.patchOperations, (p) => {
      const [field, sub] = p.segs;
      switch (field) {
        case 'name':
          if (!p.value) throw badRequest('Usage plan name must be specified');
          next.name = p.value;
          break;
        case 'description':
          next.description = p.value || undefined;
          break;
        case 'throttle':
          if (p.op === 'remove' && !sub) next.throttle = undefined;
          else if (sub === 'rateLimit') next.throttle = { ...(next.throttle ?? {}), rateLimit: patchNumber(p) };
          else if (sub === 'burstLimit') next.throttle = { ...(next.throttle ?? {}), burstLimit: patchInt(p) };
          else throw invalidPatchPath(p.path);
          break;
        case 'quota':
          if (p.op === 'remove' && !sub) next.quota = undefined;
          else if (sub === 'limit') next.quota = { period: 'DAY', offset: 0, ...(next.quota ?? {}), limit: patchInt(p) };
          else if (sub === 'offset') next.quota = { ...(next.quota ?? {}), offset: patchInt(p) };
          else if (sub === 'period') next.quota = { ...(next.quota ?? {}), period: p.value as 'DAY' };
          else throw invalidPatchPath(p.path);
          break;
        case 'apiStages': {
          const [apiId, stage] = (p.value ?? '').split(':');
          if (p.op === 'add') {
            checkApiStage(state, apiId, stage);
            if (!next.apiStages.some((s) => s.apiId === apiId && s.stage === stage)) next.apiStages.push({ apiId, stage });
          } else if (p.op === 'remove') next.apiStages = next.apiStages.filter((s) => !(s.apiId === apiId && s.stage === stage));
          else throw invalidPatchPath(p.path);
          break;
        }
        default:
          throw invalidPatchPath(p.path);
      }
    });
    checkQuota(next.quota);
    Object.assign(plan, next);
    return toUsagePlan(plan);
  },
});

export const DeleteUsagePlan = operation<DeleteUsagePlanRequest, Record<string, never>>({
  handler(input, ctx) {
    const plan = usagePlanOf(ctx, input.usagePlanId);
    delete apigatewayState(ctx).usagePlans[plan.id];
    return {};
  },
});

// ---- usage plan keys ----

function toPlanKey(ctx: Ctx, keyId: string): UsagePlanKey {
  const k = apiKeyOf(ctx, keyId);
  return { id: k.id, type: 'API_KEY', value: k.value, name: k.name };
}

export const CreateUsagePlanKey = operation<CreateUsagePlanKeyRequest, UsagePlanKey>({
  handler(input, ctx) {
    const plan = usagePlanOf(ctx, input.usagePlanId);
    if (input.keyType !== 'API_KEY') throw badRequest('Invalid key type specified');
    const key = apiKeyOf(ctx, input.keyId);
    if (plan.keys.includes(key.id)) throw conflict('Usage Plan Key already exists');
    // A key may belong to one plan per API stage.
    const stages = new Set(plan.apiStages.map((s) => `${s.apiId}/${s.stage}`));
    for (const other of Object.values(apigatewayState(ctx).usagePlans)) {
      if (other.id !== plan.id && other.keys.includes(key.id) && other.apiStages.some((s) => stages.has(`${s.apiId}/${s.stage}`))) {
        throw conflict(`Usage Plan ${other.id} cannot be added because API Key ${key.id} cannot reference multiple Usage Plans with the same API Stage`);
      }
    }
    plan.keys.push(key.id);
    return toPlanKey(ctx, key.id);
  },
});

export const GetUsagePlanKey = operation<GetUsagePlanKeyRequest, UsagePlanKey>({
  handler(input, ctx) {
    const plan = usagePlanOf(ctx, input.usagePlanId);
    if (!input.keyId || !plan.keys.includes(input.keyId)) throw notFound('Invalid Usage Plan Key identifier specified');
    return toPlanKey(ctx, input.keyId);
  },
});

export const GetUsagePlanKeys = operation<GetUsagePlanKeysRequest, UsagePlanKeys>({
  handler(input, ctx) {
    const plan = usagePlanOf(ctx, input.usagePlanId);
    const keys = plan.keys.map((id) => toPlanKey(ctx, id)).filter((k) => !input.nameQuery || (k.name ?? '').startsWith(input.nameQuery));
    const p = page(keys, input.position, input.limit);
    return { items: p.items, position: p.position };
  },
});

export const DeleteUsagePlanKey = operation<DeleteUsagePlanKeyRequest, Record<string, never>>({
  handler(input, ctx) {
    const plan = usagePlanOf(ctx, input.usagePlanId);
    if (!input.keyId || !plan.keys.includes(input.keyId)) throw notFound('Invalid Usage Plan Key identifier specified');
    plan.keys = plan.keys.filter((k) => k !== input.keyId);
    return {};
  },
});

/** Requests per key and day: `[used, remaining]` for each day from startDate to endDate. */
export const GetUsage = operation<GetUsageRequest, Usage>({
  handler(input, ctx) {
    const plan = usagePlanOf(ctx, input.usagePlanId);
    if (!input.startDate || !input.endDate) throw badRequest('The start date and end date are required');
    const start = new Date(`${input.startDate}T00:00:00Z`).getTime();
    const end = new Date(`${input.endDate}T00:00:00Z`).getTime();
    if (!(start <= end)) throw badRequest('The usage data period is invalid: the end date must not be before the start date');
    const items: Record<string, number[][]> = {};
    for (const keyId of plan.keys.filter((k) => !input.keyId || k === input.keyId)) {
      const days = plan.usage[keyId] ?? {};
      const rows: number[][] = [];
      for (let t = start; t <= end; t += 86400_000) {
        const day = new Date(t).toISOString().slice(0, 10);
        const used = days[day] ?? 0;
        let remaining = 0;
        if (plan.quota?.limit !== undefined) {
          const from = periodStart(plan.quota.period ?? 'DAY', t);
          let inPeriod = 0;
          for (const [d, n] of Object.entries(days)) {
            const dt = new Date(`${d}T00:00:00Z`).getTime();
            if (dt >= from && dt <= t) inPeriod += n;
          }
          remaining = Math.max(0, plan.quota.limit - inPeriod);
        }
        rows.push([used, remaining]);
      }
      items[keyId] = rows;
    }
    return { usagePlanId: plan.id, startDate: input.startDate, endDate: input.endDate, items };
  },
});
