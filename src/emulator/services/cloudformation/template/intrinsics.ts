import { AwsError } from '../../../core/errors.js';
import type { Template } from './parse.js';

/** `Ref: AWS::NoValue`: the property, or list item, disappears. */
export const NO_VALUE = Symbol('AWS::NoValue');

export interface ResourceValues {
  ref: unknown;
  attributes: Record<string, unknown>;
}

export interface ResolveContext {
  /** Parameter values (strings, or lists of strings for List<> types) and pseudo parameters. */
  params: Record<string, unknown>;
  conditions: Record<string, boolean>;
  mappings: Template['Mappings'];
  region: string;
  /** A resource's Ref and attributes; throws when the template names a resource it does not declare. */
  resource(logicalId: string): ResourceValues | undefined;
  importValue(name: string): string;
}

export const templateError = (message: string) => new AwsError('ValidationError', `Template error: ${message}`, 400);

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** The single `Fn::X` / `Ref` / `Condition` key of an intrinsic function object, if it is one. */
export function intrinsicOf(v: unknown): [string, unknown] | undefined {
  if (!isObj(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const k = keys[0];
  if (k === 'Ref' || k.startsWith('Fn::') || k === 'Condition') return [k, v[k]];
  return undefined;
}

const str = (v: unknown, fn: string): string => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw templateError(`every ${fn} object requires string values, got ${JSON.stringify(v)?.slice(0, 100)}`);
};

/** `${Name}`, `${Res.Attr}`, `${!Literal}` in a Fn::Sub string. */
const SUB_VAR = /\$\{([^}]*)\}/g;

function resolveRef(name: string, ctx: ResolveContext): unknown {
  if (name === 'AWS::NoValue') return NO_VALUE;
  if (name in ctx.params) return ctx.params[name];
  const r = ctx.resource(name);
  if (!r) throw templateError(`Unresolved resource dependencies [${name}] in the Resources block of the template`);
  return r.ref;
}

function resolveGetAtt(logicalId: string, attribute: string, ctx: ResolveContext): unknown {
  const r = ctx.resource(logicalId);
  if (!r) throw templateError(`Instance ${logicalId} not found in the Resources block of the template for Fn::GetAtt`);
  if (!(attribute in r.attributes) || r.attributes[attribute] === undefined) {
    throw templateError(`resource ${logicalId} does not support attribute type ${attribute} in Fn::GetAtt`);
  }
  return r.attributes[attribute];
}

function cidr(ipBlock: string, count: number, bits: number): string[] {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(ipBlock);
  if (!m) throw templateError(`Fn::Cidr: invalid CIDR block ${ipBlock}`);
  const base = ((+m[1] << 24) | (+m[2] << 16) | (+m[3] << 8) | +m[4]) >>> 0;
  const prefix = 32 - bits;
  if (prefix < +m[5] || count < 1 || count > 256) throw templateError('Fn::Cidr: the requested subnets do not fit in the block');
  const size = 2 ** bits;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const ip = (base + i * size) >>> 0;
    out.push(`${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}/${prefix}`);
  }
  return out;
}

/** Evaluates intrinsic functions in a value, deeply; `AWS::NoValue` drops keys and list items. */
export function resolveValue(value: unknown, ctx: ResolveContext): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, ctx)).filter((v) => v !== NO_VALUE);
  if (!isObj(value)) return value;
  const fn = intrinsicOf(value);
  if (!fn) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = resolveValue(v, ctx);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }
  const [name, arg] = fn;
  const r = (v: unknown) => resolveValue(v, ctx);
  switch (name) {
    case 'Ref':
      return resolveRef(str(r(arg), 'Ref'), ctx);
    case 'Condition':
      return condition(str(arg, 'Condition'), ctx);
    case 'Fn::GetAtt': {
      const a = typeof arg === 'string' ? [arg.slice(0, arg.indexOf('.')), arg.slice(arg.indexOf('.') + 1)] : (arg as unknown[]);
      if (!Array.isArray(a) || a.length !== 2) throw templateError('Fn::GetAtt requires a list of two values: [logicalId, attribute]');
      return resolveGetAtt(str(a[0], 'Fn::GetAtt'), str(r(a[1]), 'Fn::GetAtt'), ctx);
    }
    case 'Fn::Sub': {
      const [text, vars] = Array.isArray(arg) ? [arg[0], (r(arg[1]) ?? {}) as Record<string, unknown>] : [arg, {}];
      return str(text, 'Fn::Sub').replace(SUB_VAR, (whole, inner: string) => {
        if (inner.startsWith('!')) return '${' + inner.slice(1) + '}';
        const key = inner.trim();
        if (key in vars) return str(vars[key], 'Fn::Sub');
        const dot = key.indexOf('.');
        if (dot > 0 && !(key in ctx.params)) return str(resolveGetAtt(key.slice(0, dot), key.slice(dot + 1), ctx), 'Fn::Sub');
        const v = resolveRef(key, ctx);
        return Array.isArray(v) ? v.join(',') : str(v, 'Fn::Sub');
      });
    }
    case 'Fn::Join': {
      const [delim, items] = arg as [unknown, unknown];
      const list = r(items);
      if (!Array.isArray(list)) throw templateError('Fn::Join requires a list of values to join');
      return list.map((i) => str(i, 'Fn::Join')).join(str(delim, 'Fn::Join'));
    }
    case 'Fn::Select': {
      const [index, items] = arg as [unknown, unknown];
      const list = r(items);
      const i = Number(r(index));
      if (!Array.isArray(list) || !Number.isInteger(i) || i < 0 || i >= list.length) {
        throw templateError('Fn::Select cannot select nonexistent value at index ' + String(index));
      }
      return list[i];
    }
    case 'Fn::Split': {
      const [delim, source] = arg as [unknown, unknown];
      return str(r(source), 'Fn::Split').split(str(delim, 'Fn::Split'));
    }
    case 'Fn::If': {
      const [cond, yes, no] = arg as [unknown, unknown, unknown];
      return condition(str(cond, 'Fn::If'), ctx) ? r(yes) : r(no);
    }
    case 'Fn::Equals': {
      const [a, b] = (arg as unknown[]).map(r);
      return JSON.stringify(a) === JSON.stringify(b) || String(a) === String(b);
    }
    case 'Fn::And':
      return (arg as unknown[]).map((c) => bool(r(c))).every(Boolean);
    case 'Fn::Or':
      return (arg as unknown[]).map((c) => bool(r(c))).some(Boolean);
    case 'Fn::Not':
      return !bool(r((arg as unknown[])[0]));
    case 'Fn::FindInMap': {
      const a = arg as unknown[];
      const [map, top, second] = a.slice(0, 3).map((x) => str(r(x), 'Fn::FindInMap'));
      const found = ctx.mappings?.[map]?.[top]?.[second];
      if (found === undefined) {
        const dflt = isObj(a[3]) ? (a[3] as Record<string, unknown>).DefaultValue : undefined;
        if (dflt !== undefined) return r(dflt);
        throw templateError(`Unable to get mapping for ${map}::${top}::${second}`);
      }
      return found;
    }
    case 'Fn::GetAZs': {
      const region = (r(arg) as string) || ctx.region;
      return ['a', 'b', 'c'].map((s) => `${region}${s}`);
    }
    case 'Fn::Base64':
      return Buffer.from(str(r(arg), 'Fn::Base64')).toString('base64');
    case 'Fn::ImportValue':
      return ctx.importValue(str(r(arg), 'Fn::ImportValue'));
    case 'Fn::Cidr': {
      const [block, count, bits] = (arg as unknown[]).map(r);
      return cidr(str(block, 'Fn::Cidr'), Number(count), Number(bits));
    }
    case 'Fn::Length': {
      const list = r(arg);
      return Array.isArray(list) ? list.length : 0;
    }
    case 'Fn::ToJsonString':
      return JSON.stringify(r(arg));
    default:
      throw templateError(`Unrecognized function ${name}`);
  }
}

const bool = (v: unknown) => v === true || v === 'true';

function condition(name: string, ctx: ResolveContext): boolean {
  if (!(name in ctx.conditions)) throw templateError(`Unresolved dependencies [${name}]. Cannot reference resources in the Conditions block of the template`);
  return ctx.conditions[name];
}

/** Evaluates the Conditions section (conditions may refer to each other, in any order). */
export function evaluateConditions(template: Template, base: Omit<ResolveContext, 'conditions'>): Record<string, boolean> {
  const defs = template.Conditions ?? {};
  const done: Record<string, boolean> = {};
  const visiting = new Set<string>();
  const evalOne = (name: string): boolean => {
    if (name in done) return done[name];
    if (!(name in defs)) throw templateError(`Unresolved condition dependency ${name} in Fn::If`);
    if (visiting.has(name)) throw templateError(`Circular dependency between conditions: ${name}`);
    visiting.add(name);
    const proxy = new Proxy({} as Record<string, boolean>, {
      has: (_t, k) => typeof k === 'string' && k in defs,
      get: (_t, k) => (typeof k === 'string' ? evalOne(k) : undefined),
    });
    const ctx: ResolveContext = {
      ...base,
      conditions: proxy,
      resource: (id) => {
        throw templateError(`Unresolved dependencies [${id}]. Cannot reference resources in the Conditions block of the template`);
      },
    };
    done[name] = bool(resolveValue(defs[name], ctx));
    visiting.delete(name);
    return done[name];
  };
  for (const name of Object.keys(defs)) evalOne(name);
  return done;
}

/**
 * The resources a value refers to (Ref, Fn::GetAtt, and the variables of Fn::Sub), following
 * only the branch of each Fn::If that its condition chooses.
 */
export function referencedResources(value: unknown, resources: Set<string>, conditions: Record<string, boolean>, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) referencedResources(v, resources, conditions, out);
    return out;
  }
  if (!isObj(value)) return out;
  const fn = intrinsicOf(value);
  if (!fn) {
    for (const v of Object.values(value)) referencedResources(v, resources, conditions, out);
    return out;
  }
  const [name, arg] = fn;
  if (name === 'Ref' && typeof arg === 'string' && resources.has(arg)) out.add(arg);
  else if (name === 'Fn::GetAtt') {
    const id = typeof arg === 'string' ? arg.split('.')[0] : Array.isArray(arg) ? arg[0] : undefined;
    if (typeof id === 'string' && resources.has(id)) out.add(id);
    if (Array.isArray(arg)) referencedResources(arg[1], resources, conditions, out);
  } else if (name === 'Fn::Sub') {
    const text = Array.isArray(arg) ? arg[0] : arg;
    const vars = Array.isArray(arg) && isObj(arg[1]) ? arg[1] : {};
    if (typeof text === 'string') {
      for (const m of text.matchAll(SUB_VAR)) {
        const key = m[1].trim();
        if (key.startsWith('!') || key in vars) continue;
        const id = key.split('.')[0];
        if (resources.has(id)) out.add(id);
      }
    }
    referencedResources(vars, resources, conditions, out);
  } else if (name === 'Fn::If' && Array.isArray(arg)) {
    const chosen = conditions[arg[0] as string] ? arg[1] : arg[2];
    referencedResources(chosen, resources, conditions, out);
  } else referencedResources(arg, resources, conditions, out);
  return out;
}
