/**
 * Just enough of MIME to read a raw message the way SES does: the From, To, Cc, Bcc and Subject
 * headers (with RFC 2047 encoded words), and the first text/plain and text/html parts, whatever
 * the nesting of multipart bodies and the transfer encoding.
 */
export interface ParsedMail {
  headers: Map<string, string[]>;
  from?: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject?: string;
  text?: string;
  html?: string;
}

function splitHeaders(raw: string): { headers: Map<string, string[]>; body: string } {
  const normalized = raw.replace(/\r\n/g, '\n');
  const blank = normalized.indexOf('\n\n');
  const head = blank < 0 ? normalized : normalized.slice(0, blank);
  const body = blank < 0 ? '' : normalized.slice(blank + 2);
  const headers = new Map<string, string[]>();
  let current: [string, string] | undefined;
  const flush = () => {
    if (!current) return;
    const [k, v] = current;
    headers.set(k, [...(headers.get(k) ?? []), v.trim()]);
  };
  for (const line of head.split('\n')) {
    if (/^[ \t]/.test(line) && current) current[1] += ' ' + line.trim();
    else {
      flush();
      const colon = line.indexOf(':');
      current = colon > 0 ? [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1)] : undefined;
    }
  }
  flush();
  return { headers, body };
}

function charsetOf(contentType: string): BufferEncoding {
  const cs = /charset="?([\w-]+)"?/i.exec(contentType)?.[1]?.toLowerCase();
  return cs === 'iso-8859-1' || cs === 'latin1' || cs === 'us-ascii' ? 'latin1' : 'utf8';
}

function decodeQuotedPrintable(s: string, header = false): Buffer {
  const text = header ? s.replace(/_/g, ' ') : s.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i], 'utf8'));
  }
  return Buffer.from(bytes);
}

/** Decodes `=?UTF-8?B?...?=` and `=?UTF-8?Q?...?=` words in a header value. */
export function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([\w-]+)\?([BbQq])\?([^?]*)\?=/g, (_m, charset: string, enc: string, text: string) => {
      const buf = enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : decodeQuotedPrintable(text, true);
      return buf.toString(charsetOf(`charset=${charset}`));
    });
}

/** The addresses in an address-list header, without display names. */
export function addressList(value: string | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '<') depth++;
    else if (!quoted && ch === '>') depth--;
    if (ch === ',' && !quoted && depth === 0) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out
    .map((a) => {
      const m = /<([^<>]*)>/.exec(a);
      return (m ? m[1] : a).trim();
    })
    .filter((a) => a.includes('@'));
}

function decodeBody(body: string, headers: Map<string, string[]>): string {
  const enc = (headers.get('content-transfer-encoding')?.[0] ?? '').toLowerCase();
  const charset = charsetOf(headers.get('content-type')?.[0] ?? '');
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString(charset);
  if (enc === 'quoted-printable') return decodeQuotedPrintable(body).toString(charset);
  return body;
}

function walk(raw: string, out: ParsedMail, depth: number): void {
  const { headers, body } = splitHeaders(raw);
  const type = headers.get('content-type')?.[0] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary && depth < 10) {
    const parts = body.split(new RegExp(`^--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*$`, 'm'));
    // Before the first boundary is the preamble, after the last the epilogue.
    for (const part of parts.slice(1, -1)) walk(part.replace(/^\n/, ''), out, depth + 1);
    return;
  }
  if (/attachment/i.test(headers.get('content-disposition')?.[0] ?? '')) return;
  if (/^text\/html/i.test(type)) out.html ??= decodeBody(body, headers);
  else if (/^text\/plain/i.test(type)) out.text ??= decodeBody(body, headers).replace(/\n$/, '');
}

export function parseMime(raw: Uint8Array | string): ParsedMail {
  const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
  const { headers } = splitHeaders(text);
  const one = (k: string) => headers.get(k)?.[0];
  const out: ParsedMail = {
    headers,
    from: addressList(one('from'))[0],
    to: addressList(headers.get('to')?.join(', ')),
    cc: addressList(headers.get('cc')?.join(', ')),
    bcc: addressList(headers.get('bcc')?.join(', ')),
    subject: one('subject') !== undefined ? decodeWords(one('subject')!) : undefined,
  };
  walk(text, out, 0);
  return out;
}
