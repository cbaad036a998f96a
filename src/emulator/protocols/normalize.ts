/** Turns the SDK deserializers' wrapper values (LazyJsonString, NumericValue) into plain ones. */
export function plain<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map(plain) as T;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    // LazyJsonString and NumericValue carry their text in toString().
    const s = String(value);
    const n = (value as { type?: string }).type === 'bigDecimal' ? Number(s) : undefined;
    return (n ?? s) as T;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = plain(v);
  return out as T;
}
