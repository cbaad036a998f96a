import type { NormalizedSchema } from '@smithy/core/schema';
import type { HttpRequest } from '../core/http.js';
import { safeDecode } from '../core/http.js';
import { AwsError, errors } from '../core/errors.js';
import type { OperationModel, ServiceModel } from './model.js';
import { members, requiredMemberNames } from './model.js';

/**
 * HTTP bindings, shared by restJson1 and restXml: finding the operation from the method, path and
 * query (the `http` trait of each operation schema), and reading labels, query parameters and
 * headers into input members, or writing output members to headers.
 */

interface BindingTraits {
  httpLabel?: number;
  httpQuery?: string;
  httpQueryParams?: number;
  httpHeader?: string;
  httpPrefixHeaders?: string;
  httpPayload?: number;
  httpResponseCode?: number;
  timestampFormat?: string;
  mediaType?: string;
}

export const traitsOf = (ns: NormalizedSchema): BindingTraits => ns.getMergedTraits() as BindingTraits;

export const isBound = (t: BindingTraits): boolean =>
  !!(t.httpLabel || t.httpQuery || t.httpQueryParams || t.httpHeader || t.httpPrefixHeaders !== undefined || t.httpPayload || t.httpResponseCode);

const routeCache = new WeakMap<ServiceModel, Map<string, OperationModel[]>>();

function routesFor(model: ServiceModel, method: string): OperationModel[] {
  let byMethod = routeCache.get(model);
  if (!byMethod) {
    byMethod = new Map();
    for (const op of model.routes) {
      const m = op.http!.method;
      if (!byMethod.has(m)) byMethod.set(m, []);
      byMethod.get(m)!.push(op);
    }
    routeCache.set(model, byMethod);
  }
  return byMethod.get(method) ?? [];
}

export interface RouteMatch {
  op: OperationModel;
  labels: Record<string, string>;
}

/** Query keys the SDKs add as hints only; AWS does not route on them. */
const HINT_QUERY = new Set(['x-id']);

interface OperationBindings {
  labels: string[];
  /** Required members bound to a query parameter or a header: [query name or undefined, header name or undefined]. */
  requiredBound: [string | undefined, string | undefined][];
}

const bindingCache = new WeakMap<OperationModel, OperationBindings>();

function bindingsOf(op: OperationModel): OperationBindings {
  let b = bindingCache.get(op);
  if (!b) {
    const required = new Set(requiredMemberNames(op.input));
    b = { labels: [], requiredBound: [] };
    for (const [name, member] of members(op.input)) {
      const t = traitsOf(member);
      if (t.httpLabel) b.labels.push(name);
      else if (required.has(name) && (t.httpQuery || t.httpHeader)) b.requiredBound.push([t.httpQuery, t.httpHeader?.toLowerCase()]);
    }
    bindingCache.set(op, b);
  }
  return b;
}

/**
 * Finds the operation whose URI template fits the request. When several fit (S3's `GET /{Bucket}`
 * and `GET /{Bucket}?location`), the most specific wins: required query keys first, then required
 * members bound to query parameters or headers (S3's `uploadId`, `x-amz-copy-source`), then literal
 * segments. `extraLabels` are labels the template leaves out (S3's bucket, from the host or the
 * first path segment); an operation must declare exactly the labels it is given.
 */
export function matchRoute(req: HttpRequest, model: ServiceModel, pathPrefix = '', extraLabels: Record<string, string> = {}): RouteMatch {
  let raw = req.rawPath;
  if (pathPrefix && raw.startsWith(pathPrefix)) raw = raw.slice(pathPrefix.length) || '/';
  const rawSegs = raw.replace(/^\//, '').split('/');
  const queryKeys = new Map<string, string>();
  for (const [k, v] of req.query) if (!queryKeys.has(k)) queryKeys.set(k, v);
  let best: RouteMatch | undefined;
  let bestScore = -Infinity;
  for (const op of routesFor(model, req.method)) {
    const route = op.http!;
    const labels = matchPath(route.segments, rawSegs);
    if (!labels) continue;
    let score = 0;
    let ok = true;
    for (const q of route.query) {
      if (HINT_QUERY.has(q.name)) continue;
      if (!queryKeys.has(q.name) || (q.value !== undefined && queryKeys.get(q.name) !== q.value)) {
        ok = false;
        break;
      }
      score += 100;
    }
    if (!ok) continue;
    for (const s of route.segments) if (s.literal !== undefined) score += 10;
    if (route.segments.some((s) => s.greedy)) score -= 1;
    // Missing pieces rule an operation out unless nothing else fits (then validation names them).
    const bindings = bindingsOf(op);
    for (const name of Object.keys(extraLabels)) if (!bindings.labels.includes(name)) score -= 1000;
    for (const name of bindings.labels) if (labels[name] === undefined && extraLabels[name] === undefined) score -= 1000;
    for (const [q, h] of bindings.requiredBound) {
      score += (q !== undefined && queryKeys.has(q)) || (h !== undefined && req.headers[h] !== undefined) ? 50 : -1000;
    }
    if (score > bestScore) {
      best = { op, labels: { ...extraLabels, ...labels } };
      bestScore = score;
    }
  }
  if (!best) {
    throw new AwsError(
      'UnknownOperationException',
      `awslings: no ${model.def.id} operation matches ${req.method} ${req.rawPath}${req.rawQuery ? '?' + req.rawQuery : ''}`,
      404,
    );
  }
  return best;
}

function matchPath(template: { literal?: string; label?: string; greedy?: boolean }[], raw: string[]): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  let segs = raw;
  const hasGreedy = template.some((s) => s.greedy);
  // `/functions/` and `/functions` name the same collection.
  if (!hasGreedy && segs.length === template.length + 1 && segs[segs.length - 1] === '') segs = segs.slice(0, -1);
  if (template.length === 0) return segs.length === 0 || (segs.length === 1 && segs[0] === '') ? labels : undefined;
  for (let i = 0; i < template.length; i++) {
    const t = template[i];
    if (t.greedy) {
      const rest = segs.slice(i);
      const value = rest.map((s) => safeDecode(s)).join('/');
      if (!value) return undefined;
      labels[t.label!] = value;
      return labels;
    }
    if (i >= segs.length) return undefined;
    const seg = safeDecode(segs[i]);
    if (t.literal !== undefined) {
      if (seg !== t.literal) return undefined;
    } else {
      if (seg === '') return undefined;
      labels[t.label!] = seg;
    }
  }
  return segs.length === template.length ? labels : undefined;
}

/** Reads the members bound to labels, query parameters and headers. */
export function readBoundMembers(req: HttpRequest, op: OperationModel, labels: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const boundQuery = new Set<string>();
  let queryParamsMember: [string, NormalizedSchema] | undefined;
  for (const [name, member] of members(op.input)) {
    const t = traitsOf(member);
    if (t.httpLabel) {
      if (labels[name] !== undefined) out[name] = fromString(member, labels[name], 'label', name);
    } else if (t.httpQuery) {
      boundQuery.add(t.httpQuery);
      const values = req.query.filter(([k]) => k === t.httpQuery).map(([, v]) => v);
      if (!values.length) continue;
      out[name] = member.isListSchema()
        ? values.map((v) => fromString(member.getValueSchema(), v, 'query', name))
        : fromString(member, values[0], 'query', name);
    } else if (t.httpQueryParams) {
      queryParamsMember = [name, member];
    } else if (t.httpHeader) {
      const v = req.headers[t.httpHeader.toLowerCase()];
      if (v === undefined) continue;
      out[name] = member.isListSchema()
        ? v.split(',').map((s) => fromString(member.getValueSchema(), s.trim(), 'header', name))
        : fromString(member, v, 'header', name);
    } else if (t.httpPrefixHeaders !== undefined) {
      const prefix = t.httpPrefixHeaders.toLowerCase();
      const map: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (k.startsWith(prefix)) map[k.slice(prefix.length)] = v;
      if (Object.keys(map).length) out[name] = map;
    }
  }
  if (queryParamsMember) {
    const [name, member] = queryParamsMember;
    const map: Record<string, unknown> = {};
    const listValued = member.getValueSchema().isListSchema();
    for (const [k, v] of req.query) {
      if (boundQuery.has(k)) continue;
      if (listValued) ((map[k] as string[] | undefined) ?? (map[k] = [] as string[]) as string[]).push(v);
      else if (!(k in map)) map[k] = v;
    }
    if (Object.keys(map).length) out[name] = map;
  }
  return out;
}

/** Converts a label, query or header string to the member's type. */
export function fromString(ns: NormalizedSchema, raw: string, where: 'label' | 'query' | 'header', name: string): unknown {
  if (ns.isBooleanSchema()) {
    if (/^true$/i.test(raw)) return true;
    if (/^false$/i.test(raw)) return false;
    throw errors.validation(`1 validation error detected: Value '${raw.slice(0, 50)}' at '${name}' failed to satisfy constraint: Member must be a boolean`);
  }
  if (ns.isNumericSchema()) {
    const n = Number(raw);
    if (raw.trim() === '' || Number.isNaN(n)) {
      throw new AwsError('ValidationException', `1 validation error detected: Value '${raw.slice(0, 50)}' at '${name}' failed to satisfy constraint: Member must be a number`, 400);
    }
    return n;
  }
  if (ns.isTimestampSchema()) {
    const sc = ns.getSchema();
    const d = sc === 7 || (/^\d+(\.\d+)?$/.test(raw) && sc !== 5 && sc !== 6) ? new Date(Number(raw) * 1000) : new Date(raw);
    if (Number.isNaN(d.getTime())) throw new AwsError('ValidationException', `Value '${raw.slice(0, 50)}' at '${name}' is not a valid timestamp`, 400);
    return d;
  }
  if (ns.isBlobSchema()) return new Uint8Array(Buffer.from(raw, 'base64'));
  if (where === 'header' && traitsOf(ns).mediaType) {
    // Headers with a media type (Lambda's ClientContext) travel base64-encoded.
    return Buffer.from(raw, 'base64').toString('utf8');
  }
  return raw;
}

/** Converts an output member to a header value. */
export function toHeaderString(ns: NormalizedSchema, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map((v) => toHeaderString(ns.getValueSchema(), v)).join(', ');
  if (value instanceof Date) {
    const sc = ns.getSchema();
    if (sc === 5) return value.toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (sc === 7) return String(Math.floor(value.getTime() / 1000));
    return value.toUTCString();
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (traitsOf(ns).mediaType && typeof value === 'string') return Buffer.from(value).toString('base64');
  return String(value);
}
