import { NormalizedSchema } from '@smithy/core/schema';
import type { ServiceDefinition } from '../core/service.js';

/** A static operation schema as the SDK exports it: [9, namespace, name, traits, input, output]. */
type StaticOperation = [9, string, string, { http?: [string, string, number]; [k: string]: unknown } | 0, unknown, unknown];
type StaticError = [-3, string, string, { error?: string; httpError?: number; awsQueryError?: [string, number] }, string[], unknown[]];

export interface HttpRoute {
  method: string;
  /** Path segments: literal text, a label, or a greedy label (`{Key+}`). */
  segments: { literal?: string; label?: string; greedy?: boolean }[];
  /** Query parameters the URI template requires (`?tagging`, `?list-type=2`). */
  query: { name: string; value?: string }[];
  code: number;
  trailingSlash: boolean;
}

export interface OperationModel {
  name: string;
  schema: StaticOperation;
  input: NormalizedSchema;
  output: NormalizedSchema;
  http?: HttpRoute;
}

export interface ErrorModel {
  name: string;
  schema: StaticError;
  status?: number;
  queryCode?: string;
  fault: 'client' | 'server';
  ns: NormalizedSchema;
}

/** What a codec knows of a service: its operations and errors, read from the SDK's schemas. */
export interface ServiceModel {
  def: ServiceDefinition<unknown>;
  operations: Map<string, OperationModel>;
  errors: Map<string, ErrorModel>;
  routes: OperationModel[];
}

const cache = new WeakMap<object, ServiceModel>();

export function serviceModel(def: ServiceDefinition<unknown>): ServiceModel {
  const hit = cache.get(def);
  if (hit) return hit;
  const operations = new Map<string, OperationModel>();
  const errors = new Map<string, ErrorModel>();
  for (const [key, value] of Object.entries(def.sdk)) {
    if (!key.endsWith('$') || !Array.isArray(value)) continue;
    if (value[0] === 9) {
      const schema = value as StaticOperation;
      const traits = schema[3] || {};
      operations.set(schema[2], {
        name: schema[2],
        schema,
        input: NormalizedSchema.of(schema[4] as never),
        output: NormalizedSchema.of(schema[5] as never),
        http: traits.http ? parseHttpTrait(traits.http) : undefined,
      });
    } else if (value[0] === -3) {
      const schema = value as StaticError;
      const traits = schema[3] || {};
      const model: ErrorModel = {
        name: schema[2],
        schema,
        status: traits.httpError ?? traits.awsQueryError?.[1],
        queryCode: traits.awsQueryError?.[0],
        fault: traits.error === 'server' ? 'server' : 'client',
        ns: NormalizedSchema.of(schema as never),
      };
      errors.set(model.name, model);
      if (model.queryCode && !errors.has(model.queryCode)) errors.set(model.queryCode, model);
    }
  }
  const routes = [...operations.values()].filter((o) => o.http);
  const model: ServiceModel = { def, operations, errors, routes };
  cache.set(def, model);
  return model;
}

export function parseHttpTrait([method, uri, code]: [string, string, number]): HttpRoute {
  const q = uri.indexOf('?');
  const path = q < 0 ? uri : uri.slice(0, q);
  const query = q < 0 ? [] : uri.slice(q + 1).split('&').filter(Boolean).map((p) => {
    const eq = p.indexOf('=');
    return eq < 0 ? { name: p } : { name: p.slice(0, eq), value: p.slice(eq + 1) };
  });
  const segments = path.split('/').filter(Boolean).map((s) => {
    const m = /^\{([^}+]+)(\+)?\}$/.exec(s);
    return m ? { label: m[1], greedy: !!m[2] } : { literal: s };
  });
  return { method, segments, query, code, trailingSlash: path.length > 1 && path.endsWith('/') };
}

/** Member names of a structure in declaration order, with their schemas. */
export function members(ns: NormalizedSchema): [string, NormalizedSchema][] {
  if (!ns.isStructSchema()) return [];
  return [...ns.structIterator()];
}

/** The number of required members: the SDK puts them first and records how many there are. */
export function requiredMemberNames(ns: NormalizedSchema): string[] {
  const sc = ns.getSchema() as unknown[];
  if (!Array.isArray(sc) || (sc[0] !== 3 && sc[0] !== -3)) return [];
  const names = sc[4] as string[];
  const required = typeof sc[6] === 'number' ? (sc[6] as number) : 0;
  return names.slice(0, required);
}
