import {Fragment, type ReactNode} from 'react';

/**
 * A small Markdown renderer for a lab's README (served by the lab API at run
 * time, so MDX cannot compile it): headings, paragraphs, lists, fenced code,
 * inline code, bold, italics and links. It builds React elements, never HTML
 * strings. Headings start at `headingLevel` so they fit the lesson's outline.
 */

function inline(text: string, key = 'i'): ReactNode[] {
  const out: ReactNode[] = [];
  const re = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*\s][^*]*\*|_[^_\s][^_]*_)|(\[[^\]]+\]\([^)\s]+\))/g;
  let last = 0;
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = re.exec(text))) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const tok = m[0];
    const k = `${key}-${n++}`;
    if (m[1]) out.push(<code key={k}>{tok.slice(1, -1)}</code>);
    else if (m[2]) out.push(<strong key={k}>{inline(tok.slice(2, -2), k)}</strong>);
    else if (m[3]) out.push(<em key={k}>{inline(tok.slice(1, -1), k)}</em>);
    else {
      const [, label, href] = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(tok)!;
      const safe = /^(https?:|\/|#|\.)/.test(href) ? href : undefined;
      out.push(
        safe ? (
          <a key={k} href={safe}>
            {inline(label, k)}
          </a>
        ) : (
          <Fragment key={k}>{label}</Fragment>
        ),
      );
    }
    last = m.index + tok.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

type Block =
  | {kind: 'h'; level: number; text: string}
  | {kind: 'p'; text: string}
  | {kind: 'code'; lang: string; text: string}
  | {kind: 'list'; ordered: boolean; items: string[]};

function blocks(md: string): Block[] {
  const lines = md.replace(/\r\n/g, '\n').split('\n');
  const out: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) {
      i++;
      continue;
    }
    const fence = /^```(\w*)/.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !/^```/.test(lines[i])) body.push(lines[i++]);
      i++;
      out.push({kind: 'code', lang: fence[1], text: body.join('\n')});
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      out.push({kind: 'h', level: h[1].length, text: h[2]});
      i++;
      continue;
    }
    const li = /^(\s*)([-*]|\d+\.)\s+(.*)$/.exec(line);
    if (li) {
      const ordered = /\d/.test(li[2]);
      const items: string[] = [];
      while (i < lines.length) {
        const m = /^(\s*)([-*]|\d+\.)\s+(.*)$/.exec(lines[i]);
        if (m) items.push(m[3]);
        else if (lines[i].trim() && /^\s{2,}/.test(lines[i]) && items.length) items[items.length - 1] += ` ${lines[i].trim()}`;
        else break;
        i++;
      }
      out.push({kind: 'list', ordered, items});
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i].trim() && !/^(#{1,6}\s|```|\s*([-*]|\d+\.)\s)/.test(lines[i])) para.push(lines[i++].trim());
    out.push({kind: 'p', text: para.join(' ')});
  }
  return out;
}

export default function Markdown({source, headingLevel = 3, skipTitle}: {source: string; headingLevel?: number; skipTitle?: boolean}): ReactNode {
  let list = blocks(source);
  if (skipTitle && list[0]?.kind === 'h' && list[0].level === 1) list = list.slice(1);
  const top = Math.min(...list.filter((b) => b.kind === 'h').map((b) => (b as {level: number}).level), 6);
  return (
    <>
      {list.map((b, i) => {
        const k = `b${i}`;
        switch (b.kind) {
          case 'h': {
            const level = Math.min(6, headingLevel + b.level - top);
            const H = `h${level}` as 'h3';
            return <H key={k}>{inline(b.text, k)}</H>;
          }
          case 'p':
            return <p key={k}>{inline(b.text, k)}</p>;
          case 'code':
            return (
              <pre key={k} tabIndex={0}>
                <code>{b.text}</code>
              </pre>
            );
          case 'list': {
            const L = b.ordered ? 'ol' : 'ul';
            return (
              <L key={k}>
                {b.items.map((item, j) => (
                  <li key={j}>{inline(item, `${k}-${j}`)}</li>
                ))}
              </L>
            );
          }
        }
      })}
    </>
  );
}
