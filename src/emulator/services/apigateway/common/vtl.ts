/**
 * API Gateway's mapping templates: a small Velocity (VTL) interpreter for what templates use —
 * references (`$input.json('$.a')`, `$context.requestId`, `$stageVariables.x`, `$util.escapeJavaScript(…)`,
 * `${…}` and quiet `$!…` forms), `#set`, `#if`/`#elseif`/`#else`, `#foreach` (with `$foreach.hasNext`),
 * `##` and `#* *#` comments. Maps and lists print the way Java prints them (`{a=1}`), as on AWS.
 */

export interface TemplateInput {
  /** The request (or integration response) body as text. */
  body: string;
  /** Path, query string and header parameters, by name. */
  params: { path: Record<string, string>; querystring: Record<string, string>; header: Record<string, string> };
  context: Record<string, unknown>;
  stageVariables: Record<string, string>;
}

type Value = unknown;
type Scope = Map<string, Value>;

// ---- JSONPath (the subset templates use: $, .name, ['name'], [index], [*]) ----

export function jsonPath(doc: unknown, path: string): unknown {
  const p = path.trim();
  if (!p.startsWith('$')) return undefined;
  let current: unknown[] = [doc];
  let wildcard = false;
  const re = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]|\[\*\]|\.\*/gy;
  re.lastIndex = 1;
  while (re.lastIndex < p.length) {
    const m = re.exec(p);
    if (!m) return undefined;
    const next: unknown[] = [];
    for (const c of current) {
      if (c === null || typeof c !== 'object') continue;
      if (m[0] === '[*]' || m[0] === '.*') {
        wildcard = true;
        next.push(...(Array.isArray(c) ? c : Object.values(c)));
      } else if (m[2] !== undefined) next.push((c as unknown[])[Number(m[2])]);
      else next.push((c as Record<string, unknown>)[m[1] ?? m[3] ?? m[4]]);
    }
    current = next.filter((v) => v !== undefined);
  }
  return wildcard ? current : current[0];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** How Velocity prints a value: Java's toString for maps and lists. */
export function render(v: Value): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return `[${v.map(render).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}=${render(x)}`).join(', ')}}`;
  return String(v);
}

function escapeJavaScript(s: string): string {
  return s.replace(/[\\'"\n\r\t\b\f]/g, (c) => ({ '\\': '\\\\', "'": "\\'", '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' })[c]!);
}

function builtins(input: TemplateInput): Record<string, Value> {
  const doc = () => parseJson(input.body);
  const all = { path: input.params.path, querystring: input.params.querystring, header: input.params.header };
  return {
    input: {
      __methods: {
        json: (path: unknown) => JSON.stringify(jsonPath(doc(), String(path)) ?? null),
        path: (path: unknown) => jsonPath(doc(), String(path)),
        params: (name?: unknown) =>
          name === undefined ? all : (input.params.path[String(name)] ?? input.params.querystring[String(name)] ?? input.params.header[String(name)] ?? ''),
      },
      body: input.body,
    },
    context: input.context,
    stageVariables: input.stageVariables,
    util: {
      __methods: {
        escapeJavaScript: (s: unknown) => escapeJavaScript(render(s)),
        base64Encode: (s: unknown) => Buffer.from(render(s)).toString('base64'),
        base64Decode: (s: unknown) => Buffer.from(render(s), 'base64').toString('utf8'),
        urlEncode: (s: unknown) => encodeURIComponent(render(s)),
        urlDecode: (s: unknown) => decodeURIComponent(render(s)),
        parseJson: (s: unknown) => parseJson(render(s)),
      },
    },
  };
}

/** Methods Velocity templates call on Java strings, lists and maps. */
function callMethod(target: Value, name: string, args: Value[]): Value {
  const methods = (target as { __methods?: Record<string, (...a: Value[]) => Value> } | null)?.__methods;
  if (methods?.[name]) return methods[name](...args);
  if (typeof target === 'string') {
    switch (name) {
      case 'length':
        return target.length;
      case 'toLowerCase':
        return target.toLowerCase();
      case 'toUpperCase':
        return target.toUpperCase();
      case 'trim':
        return target.trim();
      case 'contains':
        return target.includes(render(args[0]));
      case 'startsWith':
        return target.startsWith(render(args[0]));
      case 'endsWith':
        return target.endsWith(render(args[0]));
      case 'replace':
      case 'replaceAll':
        return target.split(render(args[0])).join(render(args[1]));
      case 'substring':
        return target.substring(Number(args[0]), args[1] === undefined ? undefined : Number(args[1]));
      case 'split':
        return target.split(new RegExp(render(args[0])));
      case 'isEmpty':
        return target.length === 0;
      case 'equals':
        return target === render(args[0]);
    }
  }
  if (Array.isArray(target)) {
    if (name === 'size') return target.length;
    if (name === 'get') return target[Number(args[0])];
    if (name === 'isEmpty') return target.length === 0;
    if (name === 'contains') return target.includes(args[0]);
  }
  if (target && typeof target === 'object') {
    const o = target as Record<string, Value>;
    if (name === 'get') return o[String(args[0])];
    if (name === 'keySet') return Object.keys(o);
    if (name === 'containsKey') return String(args[0]) in o;
    if (name === 'size') return Object.keys(o).length;
    if (name === 'isEmpty') return Object.keys(o).length === 0;
    if (name === 'entrySet') return Object.entries(o).map(([key, value]) => ({ key, value }));
  }
  return undefined;
}

// ---- expressions ----

class Parser {
  pos = 0;
  constructor(
    private readonly s: string,
    private readonly scope: Scope,
  ) {}

  private ws(): void {
    while (/\s/.test(this.s[this.pos] ?? '')) this.pos++;
  }

  private eat(tok: string): boolean {
    this.ws();
    if (this.s.startsWith(tok, this.pos)) {
      this.pos += tok.length;
      return true;
    }
    return false;
  }

  expr(): Value {
    let left = this.and();
    while (this.eat('||') || this.eatWord('or')) {
      const right = this.and();
      left = truthy(left) || truthy(right);
    }
    return left;
  }

  private eatWord(w: string): boolean {
    this.ws();
    if (this.s.startsWith(w, this.pos) && !/\w/.test(this.s[this.pos + w.length] ?? '')) {
      this.pos += w.length;
      return true;
    }
    return false;
  }

  private and(): Value {
    let left = this.cmp();
    while (this.eat('&&') || this.eatWord('and')) {
      const right = this.cmp();
      left = truthy(left) && truthy(right);
    }
    return left;
  }

  private cmp(): Value {
    const left = this.unary();
    for (const op of ['==', '!=', '<=', '>=', '<', '>']) {
      if (this.eat(op)) {
        const right = this.unary();
        switch (op) {
          case '==':
            return render(left) === render(right);
          case '!=':
            return render(left) !== render(right);
          case '<':
            return Number(left) < Number(right);
          case '>':
            return Number(left) > Number(right);
          case '<=':
            return Number(left) <= Number(right);
          default:
            return Number(left) >= Number(right);
        }
      }
    }
    return left;
  }

  private unary(): Value {
    if (this.eat('!')) return !truthy(this.unary());
    return this.primary();
  }

  private primary(): Value {
    this.ws();
    const c = this.s[this.pos];
    if (c === '(') {
      this.pos++;
      const v = this.expr();
      this.eat(')');
      return v;
    }
    if (c === '"' || c === "'") {
      const end = this.s.indexOf(c, this.pos + 1);
      const text = this.s.slice(this.pos + 1, end < 0 ? undefined : end);
      this.pos = end < 0 ? this.s.length : end + 1;
      return c === '"' ? renderTemplate(text, this.scope) : text;
    }
    if (c === '[') {
      this.pos++;
      const items: Value[] = [];
      while (!this.eat(']') && this.pos < this.s.length) {
        items.push(this.expr());
        this.eat(',');
      }
      return items;
    }
    if (c === '$') return this.reference();
    const num = /^-?\d+(\.\d+)?/.exec(this.s.slice(this.pos));
    if (num) {
      this.pos += num[0].length;
      return Number(num[0]);
    }
    if (this.eatWord('true')) return true;
    if (this.eatWord('false')) return false;
    if (this.eatWord('null')) return null;
    throw new Error(`cannot read the expression at "${this.s.slice(this.pos, this.pos + 20)}"`);
  }

  /** `$name.prop.method(args)[index]`, also `${…}` and `$!`. */
  reference(): Value {
    this.pos++; // $
    if (this.s[this.pos] === '!') this.pos++;
    const braced = this.s[this.pos] === '{';
    if (braced) this.pos++;
    const name = /^[A-Za-z_][\w-]*/.exec(this.s.slice(this.pos))?.[0] ?? '';
    this.pos += name.length;
    let v: Value = this.scope.get(name);
    for (;;) {
      if (this.s[this.pos] === '.' && /[A-Za-z_]/.test(this.s[this.pos + 1] ?? '')) {
        this.pos++;
        const prop = /^[A-Za-z_]\w*/.exec(this.s.slice(this.pos))![0];
        this.pos += prop.length;
        if (this.s[this.pos] === '(') {
          this.pos++;
          const args: Value[] = [];
          while (!this.eat(')') && this.pos < this.s.length) {
            args.push(this.expr());
            this.eat(',');
          }
          v = callMethod(v, prop, args);
        } else {
          const methods = (v as { __methods?: Record<string, unknown> } | null)?.__methods;
          v = v !== null && typeof v === 'object' && !methods?.[prop] ? (v as Record<string, Value>)[prop] : callMethod(v, `get${prop[0].toUpperCase()}${prop.slice(1)}`, []);
        }
      } else if (this.s[this.pos] === '[') {
        this.pos++;
        const key = this.expr();
        this.eat(']');
        v = v !== null && typeof v === 'object' ? (v as Record<string, Value>)[String(key)] : undefined;
      } else break;
    }
    if (braced) this.eat('}');
    return v;
  }
}

const truthy = (v: Value): boolean => v !== undefined && v !== null && v !== false && v !== '';

// ---- templates ----

type Node =
  | { t: 'text'; s: string }
  | { t: 'ref'; src: string }
  | { t: 'set'; name: string; expr: string }
  | { t: 'if'; branches: { cond?: string; body: Node[] }[] }
  | { t: 'foreach'; name: string; list: string; body: Node[] };

/** The argument of a directive, from after its `(` to the matching `)`. */
function balanced(s: string, start: number): [string, number] {
  let depth = 1;
  let i = start;
  let quote: string | undefined;
  for (; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) break;
  }
  return [s.slice(start, i), i + 1];
}

/** The end of a reference that starts at `i` (`$a.b(…)[0]`, `${…}`). */
function referenceEnd(s: string, i: number): number {
  let j = i + 1;
  if (s[j] === '!') j++;
  if (s[j] === '{') {
    const close = s.indexOf('}', j);
    return close < 0 ? s.length : close + 1;
  }
  const name = /^[A-Za-z_][\w-]*/.exec(s.slice(j));
  if (!name) return i;
  j += name[0].length;
  for (;;) {
    if (s[j] === '.' && /[A-Za-z_]/.test(s[j + 1] ?? '')) {
      j += 1 + /^[A-Za-z_]\w*/.exec(s.slice(j + 1))![0].length;
      if (s[j] === '(') j = balanced(s, j + 1)[1];
    } else if (s[j] === '[') {
      const close = s.indexOf(']', j);
      j = close < 0 ? s.length : close + 1;
    } else return j;
  }
}

function parse(s: string): Node[] {
  const root: Node[] = [];
  const stack: { nodes: Node[]; owner?: Extract<Node, { t: 'if' } | { t: 'foreach' }> }[] = [{ nodes: root }];
  let text = '';
  const flush = () => {
    if (text) stack[stack.length - 1].nodes.push({ t: 'text', s: text });
    text = '';
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '#' && s[i + 1] === '#') {
      const nl = s.indexOf('\n', i);
      i = nl < 0 ? s.length : nl + 1;
      continue;
    }
    if (c === '#' && s[i + 1] === '*') {
      const end = s.indexOf('*#', i + 2);
      i = end < 0 ? s.length : end + 2;
      continue;
    }
    const directive = c === '#' ? /^#(?:\{(set|if|elseif|else|end|foreach)\}|(set|if|elseif|else|end|foreach)(?![A-Za-z]))/.exec(s.slice(i)) : null;
    if (directive) {
      flush();
      const name = directive[1] ?? directive[2];
      let j = i + directive[0].length;
      const top = stack[stack.length - 1];
      if (name === 'else' || name === 'end') {
        if (name === 'else' && top.owner?.t === 'if') {
          const body: Node[] = [];
          top.owner.branches.push({ body });
          top.nodes = body;
        } else if (name === 'end' && stack.length > 1) stack.pop();
        // A directive alone on its line leaves no blank line behind.
        if (s[j] === '\n') j++;
        i = j;
        continue;
      }
      while (s[j] === ' ') j++;
      if (s[j] !== '(') {
        text += directive[0];
        i += directive[0].length;
        continue;
      }
      const [arg, after] = balanced(s, j + 1);
      i = s[after] === '\n' ? after + 1 : after;
      if (name === 'set') {
        const m = /^\s*\$!?\{?([A-Za-z_][\w-]*)\}?\s*=\s*([\s\S]*)$/.exec(arg);
        if (m) top.nodes.push({ t: 'set', name: m[1], expr: m[2] });
      } else if (name === 'if') {
        const body: Node[] = [];
        const node: Extract<Node, { t: 'if' }> = { t: 'if', branches: [{ cond: arg, body }] };
        top.nodes.push(node);
        stack.push({ nodes: body, owner: node });
      } else if (name === 'elseif' && top.owner?.t === 'if') {
        const body: Node[] = [];
        top.owner.branches.push({ cond: arg, body });
        top.nodes = body;
      } else if (name === 'foreach') {
        const m = /^\s*\$\{?([A-Za-z_]\w*)\}?\s+in\s+([\s\S]+)$/.exec(arg);
        if (m) {
          const body: Node[] = [];
          const node: Extract<Node, { t: 'foreach' }> = { t: 'foreach', name: m[1], list: m[2], body };
          top.nodes.push(node);
          stack.push({ nodes: body, owner: node });
        }
      }
      continue;
    }
    if (c === '$' && /[A-Za-z_{!]/.test(s[i + 1] ?? '')) {
      const end = referenceEnd(s, i);
      if (end > i) {
        flush();
        stack[stack.length - 1].nodes.push({ t: 'ref', src: s.slice(i, end) });
        i = end;
        continue;
      }
    }
    text += c;
    i++;
  }
  flush();
  return root;
}

function run(nodes: Node[], scope: Scope, out: string[]): void {
  for (const n of nodes) {
    if (n.t === 'text') out.push(n.s);
    else if (n.t === 'ref') {
      const v = new Parser(n.src, scope).reference();
      out.push(v === undefined ? (n.src.startsWith('$!') ? '' : n.src) : render(v));
    } else if (n.t === 'set') scope.set(n.name, new Parser(n.expr, scope).expr());
    else if (n.t === 'if') {
      const branch = n.branches.find((b) => b.cond === undefined || truthy(new Parser(b.cond, scope).expr()));
      if (branch) run(branch.body, scope, out);
    } else {
      const list = new Parser(n.list, scope).expr();
      const items = Array.isArray(list) ? list : list && typeof list === 'object' ? Object.values(list) : [];
      items.forEach((item, index) => {
        scope.set(n.name, item);
        scope.set('foreach', { index, count: index + 1, hasNext: index < items.length - 1, first: index === 0, last: index === items.length - 1 });
        scope.set('velocityCount', index + 1);
        run(n.body, scope, out);
      });
    }
  }
}

function renderTemplate(template: string, scope: Scope): string {
  const out: string[] = [];
  run(parse(template), scope, out);
  return out.join('');
}

/** Renders a mapping template. Errors in the template become an exception the caller answers with a 500. */
export function renderMappingTemplate(template: string, input: TemplateInput): string {
  const scope: Scope = new Map(Object.entries(builtins(input)));
  return renderTemplate(template, scope);
}
