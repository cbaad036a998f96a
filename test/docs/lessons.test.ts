import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkMdx from 'remark-mdx';
import type { Node as EsNode } from 'estree';
import { ROOT } from '../helpers/cli.js';
import { ensureTestSite, SITE_DIR } from '../sandbox/helpers.js';

/*
 * Every lesson is complete: for each module folder docs/NN-*\/ (Getting started aside) its MDX has a
 * Mermaid diagram, a "Common misconceptions" section, at least one <Lab id="…"/>, quizzes of 3 to 5
 * questions whose every answer is explained, and "Further reading" that links AWS's documentation.
 * Every Lab id used in docs/ is a lab in labs/, and every lab is embedded in the lesson of its
 * module. And the site builds, which fails on any broken link or anchor (onBrokenLinks: 'throw').
 *
 * The MDX is parsed as Docusaurus parses it (remark-parse with remark-mdx), and quiz questions are
 * read from the expression's syntax tree, never evaluated.
 */

const DOCS = join(ROOT, 'docs');
const LABS = join(ROOT, 'labs');

interface MdNode {
  type: string;
  name?: string;
  depth?: number;
  lang?: string;
  url?: string;
  value?: string;
  children?: MdNode[];
  attributes?: { type: string; name?: string; value?: string | { value: string; data?: { estree?: EsNode } } | null }[];
  position?: { start: { line: number } };
}

const parser = unified().use(remarkParse).use(remarkMdx);

function mdxFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? mdxFiles(p) : /\.mdx?$/.test(n) ? [p] : [];
    })
    .sort();
}

/** The nodes of a tree, depth first, in document order. */
function* walk(node: MdNode): Generator<MdNode> {
  yield node;
  for (const c of node.children ?? []) yield* walk(c);
}

const textOf = (n: MdNode): string => (n.value ?? '') + (n.children ?? []).map(textOf).join('');

const jsx = (tree: MdNode, name: string) => [...walk(tree)].filter((n) => (n.type === 'mdxJsxFlowElement' || n.type === 'mdxJsxTextElement') && n.name === name);

const attribute = (el: MdNode, name: string) => el.attributes?.find((a) => a.type === 'mdxJsxAttribute' && a.name === name)?.value;

/** A literal value from an estree expression: strings, numbers, booleans, arrays and objects. JSX and anything computed become `undefined`. */
function literal(node: EsNode | null | undefined): unknown {
  if (!node) return undefined;
  switch (node.type) {
    case 'Program':
      return node.body[0]?.type === 'ExpressionStatement' ? literal(node.body[0].expression) : undefined;
    case 'Literal':
      return node.value;
    case 'TemplateLiteral':
      return node.expressions.length ? undefined : node.quasis.map((q) => q.value.cooked).join('');
    case 'ArrayExpression':
      return node.elements.map((e) => (e && e.type !== 'SpreadElement' ? literal(e) : undefined));
    case 'ObjectExpression': {
      const out: Record<string, unknown> = {};
      for (const p of node.properties) {
        if (p.type !== 'Property') continue;
        const key = p.key.type === 'Identifier' ? p.key.name : p.key.type === 'Literal' ? String(p.key.value) : undefined;
        if (key !== undefined) out[key] = literal(p.value as EsNode);
      }
      return out;
    }
    default:
      // JSX in an answer is a ReactNode: present, though not a plain string.
      return (node.type as string).startsWith('JSX') ? '<jsx>' : undefined;
  }
}

interface Quiz {
  file: string;
  line?: number;
  id?: string;
  questions?: unknown;
}

interface Lesson {
  module: string;
  files: string[];
  trees: { file: string; tree: MdNode }[];
}

/** Parse errors are kept, not thrown: a lesson that does not parse fails its own tests, not the whole file. */
const parseErrors = new Map<string, string>();
function parse(file: string): MdNode {
  try {
    // Front matter is Docusaurus's, not Markdown: blank it out, keeping the line numbers.
    const text = readFileSync(file, 'utf8').replace(/^---\n[\s\S]*?\n---\n/, (m) => m.replace(/[^\n]/g, ''));
    return parser.parse(text) as unknown as MdNode;
  } catch (e) {
    parseErrors.set(file, (e as Error).message);
    return { type: 'root', children: [] };
  }
}

/** Module folders: docs/NN-name/, in order. */
const moduleDirs = readdirSync(DOCS)
  .filter((n) => /^\d\d-/.test(n) && statSync(join(DOCS, n)).isDirectory())
  .sort();
const lessonModules = moduleDirs.filter((m) => m !== '00-getting-started');

function lesson(module: string): Lesson {
  const files = mdxFiles(join(DOCS, module));
  return { module, files, trees: files.map((file) => ({ file, tree: parse(file) })) };
}

const labIds = readdirSync(LABS).filter((n) => existsSync(join(LABS, n, 'lab.ts'))).sort();

/** The `module` a lab's definition declares. */
const moduleOfLab = (id: string) => /\bmodule:\s*['"]([^'"]+)['"]/.exec(readFileSync(join(LABS, id, 'lab.ts'), 'utf8'))?.[1];

/** Problems with one quiz: its size and every answer's explanation. */
function quizProblems(q: Quiz): string[] {
  const where = `${relative(ROOT, q.file)}:${q.line ?? '?'}`;
  if (!q.id) return [`${where}: the Quiz has no id (progress is kept by quiz id)`];
  if (!Array.isArray(q.questions)) return [`${where}: quiz ${q.id} has no readable questions={[...]}`];
  const problems: string[] = [];
  if (q.questions.length < 3 || q.questions.length > 5) problems.push(`${where}: quiz ${q.id} has ${q.questions.length} questions (3 to 5)`);
  q.questions.forEach((question, i) => {
    const qq = question as { question?: unknown; answers?: unknown };
    const label = `${where}: quiz ${q.id}, question ${i + 1}`;
    if (!qq?.question) problems.push(`${label} has no question text`);
    if (!Array.isArray(qq?.answers) || qq.answers.length < 2) {
      problems.push(`${label} has fewer than two answers`);
      return;
    }
    const answers = qq.answers as { text?: unknown; correct?: unknown; explanation?: unknown }[];
    if (!answers.some((a) => a?.correct === true)) problems.push(`${label} has no answer marked correct: true`);
    answers.forEach((a, j) => {
      if (!a?.text) problems.push(`${label}, answer ${j + 1} has no text`);
      if (typeof a?.explanation === 'string' ? !a.explanation.trim() : !a?.explanation) problems.push(`${label}, answer ${j + 1} has no explanation`);
    });
  });
  return problems;
}

function quizzesOf(trees: Lesson['trees']): Quiz[] {
  return trees.flatMap(({ file, tree }) =>
    jsx(tree, 'Quiz').map((el) => {
      const id = attribute(el, 'id');
      const questions = attribute(el, 'questions');
      return {
        file,
        line: el.position?.start.line,
        id: typeof id === 'string' ? id : undefined,
        questions: questions && typeof questions === 'object' ? literal(questions.data?.estree) : undefined,
      };
    }),
  );
}

/** The links of each "Further reading" section: from its heading to the next heading as high or higher. */
function furtherReadingLinks(tree: MdNode): string[][] {
  const top = tree.children ?? [];
  const sections: string[][] = [];
  top.forEach((n, i) => {
    if (n.type !== 'heading' || !/^further reading$/i.test(textOf(n).trim())) return;
    const links: string[] = [];
    for (const next of top.slice(i + 1)) {
      if (next.type === 'heading' && (next.depth ?? 6) <= (n.depth ?? 2)) break;
      for (const l of walk(next)) if (l.type === 'link' && l.url) links.push(l.url);
    }
    sections.push(links);
  });
  return sections;
}

const AWS_DOCS = /^https:\/\/docs\.aws\.amazon\.com\/\S+/;

describe.each(lessonModules)('the lesson of %s', (module) => {
  const l = lesson(module);
  const all = l.trees.map((t) => t.tree);
  const nodes = all.flatMap((t) => [...walk(t)]);

  it('parses as MDX', () => {
    expect(l.files.filter((f) => parseErrors.has(f)).map((f) => `${relative(ROOT, f)}: ${parseErrors.get(f)}`)).toEqual([]);
  });

  it('has a Mermaid diagram', () => {
    expect(nodes.filter((n) => n.type === 'code' && n.lang === 'mermaid').length, `no \`\`\`mermaid block in ${module}`).toBeGreaterThan(0);
  });

  it('has a "Common misconceptions" section', () => {
    const headings = nodes.filter((n) => n.type === 'heading').map((n) => textOf(n).trim());
    expect(headings.some((h) => /^common misconceptions$/i.test(h)), `headings: ${headings.join(' | ')}`).toBe(true);
  });

  it('embeds at least one lab, and only labs that exist', () => {
    const ids = all.flatMap((t) => jsx(t, 'Lab').map((el) => attribute(el, 'id')));
    expect(ids.length, `no <Lab id="…"/> in ${module}`).toBeGreaterThan(0);
    expect(ids.filter((id) => typeof id !== 'string' || !labIds.includes(id)), `labs: ${labIds.join(', ')}`).toEqual([]);
  });

  it('has a quiz of 3 to 5 questions, each answer explained', () => {
    const quizzes = quizzesOf(l.trees);
    expect(quizzes.length, `no <Quiz> in ${module}`).toBeGreaterThan(0);
    expect(quizzes.flatMap(quizProblems)).toEqual([]);
  });

  it('ends with "Further reading" that links AWS documentation', () => {
    const sections = all.flatMap(furtherReadingLinks);
    expect(sections.length, `no "Further reading" heading in ${module}`).toBeGreaterThan(0);
    const awsLinks = sections.flat().filter((u) => AWS_DOCS.test(u));
    expect(awsLinks.length, `links found: ${sections.flat().join(', ') || 'none'}`).toBeGreaterThan(0);
  });
});

describe('labs and lessons', () => {
  const everywhere = mdxFiles(DOCS).map((file) => ({ file, tree: parse(file) }));
  const embedded = everywhere.flatMap(({ file, tree }) =>
    jsx(tree, 'Lab').map((el) => ({ file: relative(DOCS, file), module: relative(DOCS, file).split('/')[0], id: attribute(el, 'id') })),
  );

  it('every page of docs/ parses as MDX', () => {
    expect([...parseErrors].map(([f, m]) => `${relative(ROOT, f)}: ${m}`)).toEqual([]);
  });

  it('every <Lab id> in docs/ names a lab of labs/', () => {
    expect(embedded.filter((e) => typeof e.id !== 'string' || !labIds.includes(e.id)).map((e) => `${e.file}: ${String(e.id)}`)).toEqual([]);
  });

  it('every lab is embedded in the lesson of the module it declares', () => {
    const missing = labIds.filter((id) => !embedded.some((e) => e.id === id && e.module === moduleOfLab(id)));
    expect(
      missing.map((id) => `${id} (module ${moduleOfLab(id)}; embedded in ${embedded.filter((e) => e.id === id).map((e) => e.file).join(', ') || 'no page'})`),
    ).toEqual([]);
  });

  it('quiz ids are unique across the course (progress is kept by quiz id)', () => {
    const ids = quizzesOf(everywhere).map((q) => q.id).filter(Boolean);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });
});

describe('the site', () => {
  // One production build, shared with the page tests (test/sandbox/) through the cache that
  // `npm start` uses: rebuilt only when docs/ or the site's code changed. A broken link or anchor
  // fails the build itself.
  it('builds, with no broken links, a page for every module and the reference', async () => {
    const dir = await ensureTestSite();
    expect(dir).toBe(SITE_DIR);
    const slug = (m: string) => m.replace(/^\d\d-/, '');
    for (const m of [...lessonModules.map(slug), 'reference', 'instructor-guide']) {
      expect(existsSync(join(dir, 'docs', m, 'index.html')), `no page docs/${m}/ in the build`).toBe(true);
    }
  }, 600_000);
});
