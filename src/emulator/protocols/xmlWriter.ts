import { determineTimestampFormat } from '@smithy/core/protocols';
import type { NormalizedSchema } from '@smithy/core/schema';
import { dateToUtcString, toBase64 } from '@smithy/core/serde';

/**
 * The members of an output structure as XML, written straight to a string by a writer compiled
 * once per shape. It writes what the SDK's XmlShapeSerializer writes (element names, list and map
 * wrappers, attributes, escaping, timestamp formats) without building a node tree and normalising
 * schemas at every node, which made large answers (a thousand EC2 instances) slow. Shapes it does
 * not handle (XML namespaces on members, unions) make it decline, and the caller uses the SDK's.
 */

type Write = (value: any, out: string[]) => void;

interface StructWriter {
  /** ` name="value"` pairs for members marked xmlAttribute, when the structure has any. */
  attrs?: Write;
  children: Write;
}

class Unsupported extends Error {}

const ELEMENT_ESCAPE = /[&"'<>\r\n\u0085\u2028]/g;
const ELEMENT_MAP: Record<string, string> = {
  '&': '&amp;',
  '"': '&quot;',
  "'": '&apos;',
  '<': '&lt;',
  '>': '&gt;',
  '\r': '&#x0D;',
  '\n': '&#x0A;',
  '\u0085': '&#x85;',
  '\u2028': '&#x2028;',
};
const ATTRIBUTE_ESCAPE = /[&<>"]/g;
const ATTRIBUTE_MAP: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const NEEDS_ESCAPE = /[&"'<>\r\n\u0085\u2028]/;
const escapeElement = (s: string) => (NEEDS_ESCAPE.test(s) ? s.replace(ELEMENT_ESCAPE, (c) => ELEMENT_MAP[c]) : s);
const escapeAttribute = (s: string) => s.replace(ATTRIBUTE_ESCAPE, (c) => ATTRIBUTE_MAP[c]);

const SETTINGS = { timestampFormat: { useTrait: true, default: 5 }, httpBindings: false } as never;

type Traits = { xmlName?: string; xmlAttribute?: unknown; xmlFlattened?: unknown; xmlNamespace?: unknown; sparse?: unknown };
const merged = (ns: NormalizedSchema) => ns.getMergedTraits() as Traits;

/** The text of a simple value, as XmlShapeSerializer.writeSimple gives it. */
function simple(ns: NormalizedSchema): (v: any) => string {
  if (ns.isBlobSchema()) return (v) => (typeof v === 'object' ? toBase64(v) : String(v));
  if (ns.isTimestampSchema()) {
    const format = determineTimestampFormat(ns, SETTINGS);
    return (v) => {
      const d = v instanceof Date ? v : new Date(v);
      if (format === 6) return dateToUtcString(d);
      if (format === 7) return String(d.getTime() / 1000);
      return d.toISOString().replace('.000Z', 'Z');
    };
  }
  if (ns.isBigDecimalSchema()) return (v) => (typeof v === 'object' && v && 'string' in v ? String(v.string) : String(v));
  return (v) => String(v);
}

/** Writers of the structures compiled so far (only complete ones: a compile that declines leaves none). */
const memo = new WeakMap<object, StructWriter>();
/** Writers of the compile under way, moved to `memo` once it succeeds. */
let pending = new Map<object, StructWriter>();

function structWriter(ns: NormalizedSchema): StructWriter {
  if (ns.isUnionSchema()) throw new Unsupported();
  const key = ns.getSchema() as object;
  const keyed = typeof key === 'object' && key !== null;
  const hit = keyed ? (memo.get(key) ?? pending.get(key)) : undefined;
  if (hit) return hit;
  // Filled in below; registered first so recursive shapes find it.
  const writer: StructWriter = { children: () => {} };
  if (keyed) pending.set(key, writer);
  const attrs: Write[] = [];
  const children: Write[] = [];
  for (const [name, member] of ns.structIterator()) {
    const t = merged(member);
    if (t.xmlNamespace) throw new Unsupported();
    if (member.isIdempotencyToken()) throw new Unsupported();
    if (t.xmlAttribute) {
      const attr = t.xmlName ?? name;
      const text = simple(member);
      attrs.push((v, out) => {
        const x = v[name];
        if (x != null) out.push(` ${attr}="${escapeAttribute(text(x))}"`);
      });
    } else if (member.isListSchema()) {
      const w = listWriter(member, name);
      children.push((v, out) => {
        const x = v[name];
        if (x != null) w(x, out);
      });
    } else if (member.isMapSchema()) {
      const w = mapWriter(member, name);
      children.push((v, out) => {
        const x = v[name];
        if (x != null) w(x, out);
      });
    } else if (member.isStructSchema()) {
      const tag = (member.getMemberTraits() as Traits).xmlName ?? name;
      const inner = structWriter(member);
      children.push((v, out) => {
        const x = v[name];
        if (x != null) element(tag, inner, x, out);
      });
    } else {
      const tag = t.xmlName ?? name;
      const text = simple(member);
      children.push((v, out) => {
        const x = v[name];
        if (x != null) out.push(`<${tag}>${escapeElement(text(x))}</${tag}>`);
      });
    }
  }
  if (attrs.length) {
    writer.attrs = (v, out) => {
      for (const a of attrs) a(v, out);
    };
  }
  writer.children = (v, out) => {
    for (const c of children) c(v, out);
  };
  return writer;
}

/**
 * `<tag attrs>children</tag>`, or `<tag attrs/>` when it has no children, as XmlNode writes it.
 * Everything goes into one array, joined once at the end: the open tag's slot is filled last.
 */
function element(tag: string, w: StructWriter, value: any, out: string[]): void {
  let attrs = '';
  if (w.attrs) {
    const a: string[] = [];
    w.attrs(value, a);
    attrs = a.join('');
  }
  const slot = out.length;
  out.push('');
  w.children(value, out);
  if (out.length === slot + 1) out[slot] = `<${tag}${attrs}/>`;
  else {
    out[slot] = `<${tag}${attrs}>`;
    out.push(`</${tag}>`);
  }
}

/** `<tag>…</tag>` around what `fill` writes, or `<tag/>` when it writes nothing. */
function wrap(tag: string, out: string[], fill: () => void): void {
  const slot = out.length;
  out.push('');
  fill();
  if (out.length === slot + 1) out[slot] = `<${tag}/>`;
  else {
    out[slot] = `<${tag}>`;
    out.push(`</${tag}>`);
  }
}

/** Writes one item of a list or one value of a map under `tag`. */
function itemWriter(ns: NormalizedSchema, tag: string): Write {
  if (merged(ns).xmlNamespace) throw new Unsupported();
  if (ns.isStructSchema()) {
    const w = structWriter(ns);
    return (v, out) => element(tag, w, v, out);
  }
  if (ns.isListSchema() || ns.isMapSchema()) throw new Unsupported();
  const text = simple(ns);
  return (v, out) => out.push(`<${tag}>${escapeElement(text(v))}</${tag}>`);
}

function listWriter(member: NormalizedSchema, name: string): Write {
  const t = merged(member);
  const item = member.getValueSchema();
  const it = merged(item);
  const flat = !!t.xmlFlattened;
  const sparse = !!it.sparse;
  const tag = t.xmlName ?? name;
  if (item.isListSchema() || item.isMapSchema()) throw new Unsupported();
  const write = itemWriter(item, flat ? tag : (it.xmlName ?? 'member'));
  return (list: unknown[], out) => {
    if (flat) {
      for (const v of list) if (sparse || v != null) write(v, out);
      return;
    }
    wrap(tag, out, () => {
      for (const v of list) if (sparse || v != null) write(v, out);
    });
  };
}

function mapWriter(member: NormalizedSchema, name: string): Write {
  const t = merged(member);
  const keyTag = merged(member.getKeySchema()).xmlName ?? 'key';
  const valueSchema = member.getValueSchema();
  const valueTag = merged(valueSchema).xmlName ?? 'value';
  const sparse = !!merged(valueSchema).sparse;
  const flat = !!t.xmlFlattened;
  const tag = t.xmlName ?? name;
  // Struct values are named differently by the SDK's serializer; maps of them are left to it.
  if (merged(member.getKeySchema()).xmlNamespace || valueSchema.isStructSchema()) throw new Unsupported();
  const value = itemWriter(valueSchema, valueTag);
  const entry = (k: string, v: unknown, out: string[]) => {
    out.push(`<${keyTag}>${escapeElement(k)}</${keyTag}>`);
    value(v, out);
  };
  return (map: Record<string, unknown>, out) => {
    const entries = () => {
      for (const k in map) {
        if (!sparse && map[k] == null) continue;
        out.push(flat ? `<${tag}>` : '<entry>');
        entry(k, map[k], out);
        out.push(flat ? `</${tag}>` : '</entry>');
      }
    };
    if (flat) entries();
    else wrap(tag, out, entries);
  };
}

const declined = new WeakSet<object>();

/** The members of `value` as XML, or undefined when the shape needs the SDK's serializer. */
export function writeXmlMembers(ns: NormalizedSchema, value: object): string | undefined {
  const key = ns.getSchema() as object;
  if (typeof key === 'object' && key && declined.has(key)) return undefined;
  let w: StructWriter;
  pending = new Map();
  try {
    w = structWriter(ns);
    for (const [k, v] of pending) memo.set(k, v);
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    if (typeof key === 'object' && key) declined.add(key);
    return undefined;
  } finally {
    pending = new Map();
  }
  const out: string[] = [];
  w.children(value, out);
  return out.join('');
}
