import type { PatchOperation } from '@aws-sdk/client-api-gateway';
import { AwsError } from '../../core/errors.js';
import { accountTaggedId, randomString } from '../../core/ids.js';
import type { RequestContext } from '../../core/service.js';
import { apigatewayState, type RestApiRecord } from './state.js';

export type Ctx = Pick<RequestContext, 'emulator' | 'accountId' | 'region'>;

export const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Ids as API Gateway makes them: lower-case letters and digits. */
export function newId(length = 10): string {
  // An all-digit id would sort first among a state object's keys, and listings keep creation order.
  for (;;) {
    const id = randomString(length, LOWER_ALNUM);
    if (!/^\d+$/.test(id)) return id;
  }
}

/**
 * API ids (REST and HTTP APIs) carry their account, so an unsigned request to
 * `<apiId>.execute-api.localhost` finds its API's state without a global index.
 */
export const newApiId = (accountId: string): string => accountTaggedId(accountId, LOWER_ALNUM, 10);

// ---- errors, with API Gateway's codes and messages ----

export const notFound = (message: string) => new AwsError('NotFoundException', message, 404);
export const badRequest = (message: string) => new AwsError('BadRequestException', message, 400);
export const conflict = (message: string) => new AwsError('ConflictException', message, 409);
export const tooMany = (message: string) => new AwsError('TooManyRequestsException', message, 429);

export const invalidResource = () => notFound('Invalid Resource identifier specified');
export const invalidMethod = () => notFound('Invalid Method identifier specified');

export const nowIso = (ctx: Pick<RequestContext, 'emulator'>): string => new Date(ctx.emulator.clock.now()).toISOString();
export const date = (iso: string | undefined): Date | undefined => (iso ? new Date(iso) : undefined);

/** The REST API, or AWS's NotFoundException naming `<account>:<id>`. */
export function restApiOf(ctx: Ctx, restApiId: string | undefined): RestApiRecord {
  const api = restApiId ? apigatewayState(ctx).restApis[restApiId] : undefined;
  if (!api) throw notFound(`Invalid API identifier specified ${ctx.accountId}:${restApiId}`);
  return api;
}

/** Some sub-resources answer a missing API with "Invalid Resource identifier specified". */
export function restApiOrResourceError(ctx: Ctx, restApiId: string | undefined): RestApiRecord {
  const api = restApiId ? apigatewayState(ctx).restApis[restApiId] : undefined;
  if (!api) throw invalidResource();
  return api;
}

export const arnOfRestApi = (region: string, restApiId: string) => `arn:aws:apigateway:${region}::/restapis/${restApiId}`;

/** API Gateway's pagination: `position` (an opaque offset) and `limit` (25 by default, 500 at most). */
export function page<T>(items: T[], position: string | undefined, limit: number | undefined): { items: T[]; position?: string } {
  const size = limit ?? 25;
  if (size < 1 || size > 500) throw badRequest('The limit must be between 1 and 500');
  const start = position ? Number.parseInt(Buffer.from(position, 'base64').toString('utf8'), 10) || 0 : 0;
  const out = items.slice(start, start + size);
  return { items: out, position: start + size < items.length ? Buffer.from(String(start + size)).toString('base64') : undefined };
}

// ---- patch operations (Update* take a list of JSON-Patch-like operations) ----

export interface Patch {
  op: string;
  path: string;
  /** The path's segments, with `~1` and `~0` unescaped. */
  segs: string[];
  value?: string;
  from?: string;
}

/** Runs `handle` for each operation, with the path split into segments. */
export function applyPatches(ops: PatchOperation[] | undefined, handle: (p: Patch) => void): void {
  for (const o of ops ?? []) {
    const path = o.path ?? '';
    const segs = path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    handle({ op: o.op ?? '', path, segs, value: o.value, from: o.from });
  }
}

export const invalidPatchPath = (path: string) => badRequest(`Invalid patch path ${path}`);
export const unsupportedPatchOp = (path: string, op: string) =>
  badRequest(`Invalid patch path  '${path}' specified for op '${op}'. Please choose supported operations`);
export const patchOpMustBe = (ops: string[]) => badRequest(`Invalid patch operation specified. Must be one of: [${ops.join(', ')}]`);

export function patchBool(p: Patch): boolean {
  if (p.value === 'true') return true;
  if (p.value === 'false') return false;
  throw badRequest(`Invalid value for boolean field ${p.path}: ${p.value}`);
}

export function patchInt(p: Patch): number | undefined {
  if (p.op === 'remove' || p.value === undefined || p.value === '') return undefined;
  const n = Number(p.value);
  if (!Number.isInteger(n)) throw badRequest(`Invalid value for integer field ${p.path}: ${p.value}`);
  return n;
}

export function patchNumber(p: Patch): number | undefined {
  if (p.op === 'remove' || p.value === undefined || p.value === '') return undefined;
  const n = Number(p.value);
  if (!Number.isFinite(n)) throw badRequest(`Invalid value for number field ${p.path}: ${p.value}`);
  return n;
}

/** `add`/`replace`/`remove` on one key of a string map (`/variables/name`, `/requestTemplates/application~1json`). */
export function patchMap<V>(map: Record<string, V> | undefined, key: string, p: Patch, value: V): Record<string, V> | undefined {
  const out = { ...(map ?? {}) };
  if (p.op === 'remove') delete out[key];
  else if (p.op === 'add' || p.op === 'replace') out[key] = value;
  else throw unsupportedPatchOp(p.path, p.op);
  return out;
}

export const tagsArn = (arn: string): { restApiId?: string; stageName?: string } => {
  const m = /^arn:aws:apigateway:[^:]*::\/restapis\/([^/]+)(?:\/stages\/([^/]+))?$/.exec(arn);
  return m ? { restApiId: m[1], stageName: m[2] } : {};
};
