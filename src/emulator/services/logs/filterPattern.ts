import { AwsError } from '../../core/errors.js';

/**
 * CloudWatch Logs filter patterns, compiled to a predicate on an event's message:
 * - terms: `ERROR` (all terms must appear, case-sensitive), `"quoted phrase"`, `?ERROR ?WARN`
 *   (any of them), `-DEBUG` (must not appear), `%regex%`;
 * - JSON: `{ $.level = "error" }`, `{ $.latency > 100 }`, `{ ($.a = 1) && ($.b != "x*") || $.c IS TRUE }`,
 *   `IS NULL`, `NOT EXISTS`, `IS TRUE` / `IS FALSE`, array indexes (`$.items[0].id`), `*` wildcards in strings;
 * - space-delimited: `[ip, user, ..., status = 4*, bytes > 1000]`, `...` standing for any number of fields.
 */
export type Matcher = (message: string) => boolean;

const invalid = (detail: string) => new AwsError('InvalidParameterException', `Invalid filter pattern: ${detail}`, 400);

export function compileFilterPattern(pattern: string | undefined): Matcher {
  const p = (pattern ?? '').trim();
  if (p === '' || p === '""') return () => true;
  if (p.startsWith('{')) return compileJson(p);
  if (p.startsWith('[')) return compileDelimited(p);
  return compileTerms(p);
}

// ---- terms ---------------------------------------------------------------------------------

interface Term {
  kind: 'and' | 'or' | 'not';
  test: (m: string) => boolean;
}

function compileTerms(p: string): Matcher {
  const terms: Term[] = [];
  let i = 0;
  while (i < p.length) {
    while (p[i] === ' ' || p[i] === '\t') i++;
    if (i >= p.length) break;
    let kind: Term['kind'] = 'and';
    if (p[i] === '?') {
      kind = 'or';
      i++;
    } else if (p[i] === '-' && i + 1 < p.length && p[i + 1] !== ' ') {
      kind = 'not';
      i++;
    }
    let test: (m: string) => boolean;
    if (p[i] === '"') {
      const { value, end } = readQuoted(p, i);
      i = end;
      test = (m) => m.includes(value);
    } else if (p[i] === '%') {
      const end = p.indexOf('%', i + 1);
      if (end < 0) throw invalid(`unterminated regular expression at ${i}`);
      const re = regex(p.slice(i + 1, end));
      i = end + 1;
      test = (m) => re.test(m);
    } else {
      let end = i;
      while (end < p.length && p[end] !== ' ' && p[end] !== '\t') end++;
      const word = p.slice(i, end);
      if (word.includes('"')) throw invalid(`unexpected quote in term ${word}`);
      i = end;
      test = (m) => m.includes(word);
    }
    terms.push({ kind, test });
  }
  const ands = terms.filter((t) => t.kind === 'and');
  const ors = terms.filter((t) => t.kind === 'or');
  const nots = terms.filter((t) => t.kind === 'not');
  return (m) => ands.every((t) => t.test(m)) && (ors.length === 0 || ors.some((t) => t.test(m))) && !nots.some((t) => t.test(m));
}

function readQuoted(p: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  for (; i < p.length; i++) {
    if (p[i] === '\\' && i + 1 < p.length) value += p[++i];
    else if (p[i] === '"') return { value, end: i + 1 };
    else value += p[i];
  }
  throw invalid(`unterminated quoted string at ${start}`);
}

function regex(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (e) {
    throw invalid(`bad regular expression ${source}: ${(e as Error).message}`);
  }
}

// ---- values and comparisons (JSON and space-delimited patterns) --------------------------------

type Literal = { kind: 'number'; value: number } | { kind: 'string'; value: string } | { kind: 'regex'; value: RegExp } | { kind: 'bool'; value: boolean };
type Op = '=' | '!=' | '<' | '<=' | '>' | '>=';

const glob = (s: string) => new RegExp('^' + s.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', 's');

function compare(actual: unknown, op: Op, lit: Literal): boolean {
  if (actual === undefined || actual === null || typeof actual === 'object') return false;
  if (lit.kind === 'number') {
    const n = typeof actual === 'number' ? actual : typeof actual === 'string' && actual.trim() !== '' ? Number(actual) : NaN;
    if (Number.isNaN(n)) return false;
    switch (op) {
      case '=': return n === lit.value;
      case '!=': return n !== lit.value;
      case '<': return n < lit.value;
      case '<=': return n <= lit.value;
      case '>': return n > lit.value;
      case '>=': return n >= lit.value;
    }
  }
  if (op !== '=' && op !== '!=') return false;
  let eq: boolean;
  if (lit.kind === 'bool') eq = actual === lit.value;
  else if (lit.kind === 'regex') eq = lit.value.test(String(actual));
  else eq = lit.value.includes('*') ? glob(lit.value).test(String(actual)) : String(actual) === lit.value;
  return op === '=' ? eq : !eq;
}

/** A small tokenizer shared by JSON and space-delimited patterns. */
class Lexer {
  i = 0;
  constructor(readonly s: string) {}
  skip(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }
  peek(n = 1): string {
    this.skip();
    return this.s.slice(this.i, this.i + n);
  }
  eat(tok: string): boolean {
    if (this.peek(tok.length) === tok) {
      this.i += tok.length;
      return true;
    }
    return false;
  }
  expect(tok: string): void {
    if (!this.eat(tok)) throw invalid(`expected ${tok} at ${this.i} in ${this.s}`);
  }
  word(): string {
    this.skip();
    const m = /^[^\s,=!<>()&|\]{}"%]+/.exec(this.s.slice(this.i));
    if (!m) throw invalid(`unexpected ${this.s[this.i] ?? 'end'} at ${this.i} in ${this.s}`);
    this.i += m[0].length;
    return m[0];
  }
  op(): Op {
    for (const o of ['!=', '<=', '>=', '=', '<', '>'] as Op[]) if (this.eat(o)) return o;
    throw invalid(`expected a comparison at ${this.i} in ${this.s}`);
  }
  literal(): Literal {
    this.skip();
    const c = this.s[this.i];
    if (c === '"') {
      const { value, end } = readQuoted(this.s, this.i);
      this.i = end;
      return { kind: 'string', value };
    }
    if (c === '%') {
      const end = this.s.indexOf('%', this.i + 1);
      if (end < 0) throw invalid(`unterminated regular expression in ${this.s}`);
      const re = regex(this.s.slice(this.i + 1, end));
      this.i = end + 1;
      return { kind: 'regex', value: re };
    }
    const w = this.word();
    if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(w)) return { kind: 'number', value: Number(w) };
    if (w === 'true' || w === 'false') return { kind: 'bool', value: w === 'true' };
    return { kind: 'string', value: w };
  }
}

// ---- JSON patterns ---------------------------------------------------------------------------

type JsonTest = (doc: unknown) => boolean;

function compileJson(p: string): Matcher {
  const lx = new Lexer(p);
  lx.expect('{');
  const test = jsonOr(lx);
  lx.expect('}');
  if (lx.peek() !== '') throw invalid(`unexpected text after } in ${p}`);
  // As in CloudWatch, only events that are JSON as a whole can match.
  return (m) => {
    let doc: unknown;
    try {
      doc = JSON.parse(m);
    } catch {
      return false;
    }
    return doc !== null && typeof doc === 'object' && test(doc);
  };
}

function jsonOr(lx: Lexer): JsonTest {
  let left = jsonAnd(lx);
  while (lx.eat('||')) {
    const a = left;
    const b = jsonAnd(lx);
    left = (d) => a(d) || b(d);
  }
  return left;
}

function jsonAnd(lx: Lexer): JsonTest {
  let left = jsonUnary(lx);
  while (lx.eat('&&')) {
    const a = left;
    const b = jsonUnary(lx);
    left = (d) => a(d) && b(d);
  }
  return left;
}

function jsonUnary(lx: Lexer): JsonTest {
  if (lx.eat('(')) {
    const inner = jsonOr(lx);
    lx.expect(')');
    return inner;
  }
  const path = selector(lx);
  const get = (d: unknown) => path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), d);
  const has = (d: unknown) => {
    let v: unknown = d;
    for (const k of path) {
      if (v === null || typeof v !== 'object' || !(k in (v as object))) return false;
      v = (v as Record<string | number, unknown>)[k];
    }
    return true;
  };
  if (lx.eat('IS')) {
    const w = lx.word();
    if (w === 'NULL') return (d) => has(d) && get(d) === null;
    if (w === 'TRUE') return (d) => get(d) === true;
    if (w === 'FALSE') return (d) => get(d) === false;
    throw invalid(`IS ${w} is not a test`);
  }
  if (lx.eat('NOT')) {
    const w = lx.word();
    if (w !== 'EXISTS') throw invalid(`NOT ${w} is not a test`);
    return (d) => !has(d);
  }
  const op = lx.op();
  const lit = lx.literal();
  return (d) => compare(get(d), op, lit);
}

function selector(lx: Lexer): (string | number)[] {
  lx.expect('$');
  const path: (string | number)[] = [];
  for (;;) {
    if (lx.s[lx.i] === '.') {
      lx.i++;
      const m = /^[\w@:$-]+/.exec(lx.s.slice(lx.i));
      if (!m) throw invalid(`bad selector at ${lx.i} in ${lx.s}`);
      path.push(m[0]);
      lx.i += m[0].length;
    } else if (lx.s[lx.i] === '[') {
      const m = /^\[(\d+)\]/.exec(lx.s.slice(lx.i));
      if (!m) throw invalid(`bad array index at ${lx.i} in ${lx.s}`);
      path.push(Number(m[1]));
      lx.i += m[0].length;
    } else break;
  }
  if (path.length === 0) throw invalid(`a selector needs a field after $ in ${lx.s}`);
  return path;
}

// ---- space-delimited patterns ------------------------------------------------------------------

type FieldTest = ((value: string) => boolean) | undefined;
interface Field {
  ellipsis: boolean;
  test: FieldTest;
}

function compileDelimited(p: string): Matcher {
  const lx = new Lexer(p);
  lx.expect('[');
  const fields: Field[] = [];
  if (!lx.eat(']')) {
    for (;;) {
      if (lx.eat('...')) fields.push({ ellipsis: true, test: undefined });
      else {
        const name = lx.word();
        fields.push({ ellipsis: false, test: fieldOr(lx, name) });
      }
      if (lx.eat(']')) break;
      lx.expect(',');
    }
  }
  if (lx.peek() !== '') throw invalid(`unexpected text after ] in ${p}`);
  return (m) => matchFields(fields, 0, splitFields(m), 0);
}

function fieldOr(lx: Lexer, name: string): FieldTest {
  let left = fieldAnd(lx, name);
  while (lx.eat('||')) {
    const a = left ?? (() => true);
    const b = fieldAnd(lx, name) ?? (() => true);
    left = (v) => a(v) || b(v);
  }
  return left;
}

function fieldAnd(lx: Lexer, name: string): FieldTest {
  let left = fieldCondition(lx, name);
  while (lx.eat('&&')) {
    const a = left ?? (() => true);
    const b = fieldCondition(lx, name) ?? (() => true);
    left = (v) => a(v) && b(v);
  }
  return left;
}

function fieldCondition(lx: Lexer, name: string): FieldTest {
  const next = lx.peek();
  if (next === ',' || next === ']') return undefined;
  // After && or ||, the field is named again: `status = 4* || status = 5*`.
  const save = lx.i;
  if (!['=', '!', '<', '>'].includes(next)) {
    const again = lx.word();
    if (again !== name) {
      lx.i = save;
      throw invalid(`a condition on ${name} cannot name ${again}`);
    }
  }
  const op = lx.op();
  const lit = lx.literal();
  return (v) => compare(v, op, lit);
}

/** Splits an event into fields: runs of non-space, with "quoted" and [bracketed] runs kept whole. */
function splitFields(m: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < m.length) {
    while (i < m.length && m[i] === ' ') i++;
    if (i >= m.length) break;
    const close = m[i] === '"' ? '"' : m[i] === '[' ? ']' : undefined;
    if (close) {
      const end = m.indexOf(close, i + 1);
      if (end >= 0) {
        out.push(m.slice(i + 1, end));
        i = end + 1;
        continue;
      }
    }
    let end = i;
    while (end < m.length && m[end] !== ' ') end++;
    out.push(m.slice(i, end));
    i = end;
  }
  return out;
}

function matchFields(fields: Field[], fi: number, values: string[], vi: number): boolean {
  if (fi === fields.length) return vi === values.length;
  const f = fields[fi];
  if (f.ellipsis) {
    for (let k = vi; k <= values.length; k++) if (matchFields(fields, fi + 1, values, k)) return true;
    return false;
  }
  if (vi >= values.length) return false;
  if (f.test && !f.test(values[vi])) return false;
  return matchFields(fields, fi + 1, values, vi + 1);
}
