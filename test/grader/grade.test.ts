import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { grade, writeReports, type GradeReport } from '../../src/grader/index.js';

const LAB = 'lambda-hello-sync';
const SOLUTION = join(ROOT, 'labs', LAB, 'solution');
const STARTER = join(ROOT, 'labs', LAB, 'starter');

/** A synthetic class: each submission is the solution with one thing changed, and its expected score. */
const CLASS: { name: string; expected: number; make: (dir: string) => void }[] = [
  { name: 'ada-correct', expected: 7, make: () => undefined },
  {
    name: 'ben-wrong-greeting',
    expected: 4,
    make: (d) => writeFileSync(join(d, 'handler.ts'), 'export const handler = async (e: { name?: string }) => ({ message: `Hi ${e?.name ?? "world"}` });'),
  },
  {
    name: 'cleo-no-default-name',
    expected: 6,
    make: (d) => writeFileSync(join(d, 'handler.ts'), 'export const handler = async (e: { name?: string }) => ({ message: `Hello, ${e.name}!` });'),
  },
  { name: 'dan-empty', expected: 0, make: (d) => rmSync(d, { recursive: true, force: true }) },
  { name: 'eve-starter', expected: 0, make: (d) => cpSync(STARTER, d, { recursive: true }) },
  {
    name: 'finn-infinite-loop',
    expected: 3,
    make: (d) => writeFileSync(join(d, 'handler.ts'), 'export const handler = async () => { for (;;) {} };'),
  },
  {
    name: 'gus-process-exit',
    expected: 3,
    make: (d) => writeFileSync(join(d, 'handler.ts'), 'export const handler = async () => { process.exit(1); };'),
  },
  {
    name: 'hana-flood',
    expected: 7,
    make: (d) => {
      const deploy = readFileSync(join(d, 'deploy.ts'), 'utf8');
      writeFileSync(join(d, 'deploy.ts'), `for (let i = 0; i < 20000; i++) console.log('noise '.repeat(100));\n${deploy}`);
    },
  },
  {
    name: 'ivo-syntax-error',
    expected: 2,
    make: (d) => writeFileSync(join(d, 'handler.ts'), 'export const handler = async (event => { return { message: "Hello" ; };'),
  },
  {
    name: 'jo-memory-eater',
    expected: 0,
    make: (d) => writeFileSync(join(d, 'deploy.ts'), 'const hog: number[][] = []; for (;;) hog.push(new Array(1e6).fill(7));'),
  },
  {
    name: 'kai-hangs',
    expected: 0,
    make: (d) => writeFileSync(join(d, 'deploy.ts'), 'await new Promise(() => setInterval(() => undefined, 1000));'),
  },
];

let dir: string;
let out: string;
let first: GradeReport;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'awslings-class-'));
  out = mkdtempSync(join(tmpdir(), 'awslings-grades-'));
  for (const s of CLASS) {
    const ws = join(dir, s.name, 'workspace', LAB);
    mkdirSync(ws, { recursive: true });
    cpSync(SOLUTION, ws, { recursive: true });
    s.make(ws);
  }
  first = await grade({ dir, labs: [LAB], jobs: 3, deployTimeoutMs: 15_000 });
  writeReports(first, out);
}, 300_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

describe('awslings grade on a synthetic class', () => {
  it('gives each submission its expected score, one account each', () => {
    const scores = Object.fromEntries(first.submissions.map((s) => [s.name, s.total]));
    expect(scores).toEqual(Object.fromEntries(CLASS.map((s) => [s.name, s.expected])));
    expect(new Set(first.submissions.map((s) => s.accountId)).size).toBe(CLASS.length);
    const kai = first.submissions.find((s) => s.name === 'kai-hangs')!.labs[LAB];
    expect(kai.deploy?.status).toBe('timeout');
    const hana = first.submissions.find((s) => s.name === 'hana-flood')!.labs[LAB];
    expect(hana.deploy!.output.length).toBeLessThan(40_000);
    const finn = first.submissions.find((s) => s.name === 'finn-infinite-loop')!.labs[LAB];
    expect(finn.checks.find((c) => c.id === 'greets-by-name')!.message).toMatch(/Task timed out after 3\.00 seconds|failed/);
  });

  it('writes the gradebook CSV, results JSON, JUnit XML and an HTML report that agree', () => {
    const csv = readFileSync(join(out, 'gradebook.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe(`submission,account,${LAB},total,max`);
    for (const s of CLASS) expect(csv).toContainEqual(expect.stringMatching(new RegExp(`^${s.name},\\d{12},${s.expected},${s.expected},7$`)));
    const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as GradeReport;
    expect(json.schema).toBe('awslings/grade@1');
    expect(json.submissions.map((s) => s.total)).toEqual(first.submissions.map((s) => s.total));
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(junit.match(/<testsuite /g)).toHaveLength(CLASS.length);
    const ada = /<testsuite name="ada-correct" tests="(\d+)" failures="(\d+)" errors="(\d+)"/.exec(junit)!;
    expect([ada[1], ada[2], ada[3]]).toEqual(['6', '0', '0']);
    expect(/<testsuite name="dan-empty" tests="6" failures="6"/.test(junit)).toBe(true);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<svg class="hist"');
    for (const s of CLASS) expect(html).toContain(s.name);
    expect(html).not.toMatch(/<script|<link|src="http/);
  });

  it('grading the same folder again gives identical scores', async () => {
    const again = await grade({ dir, labs: [LAB], jobs: 4, deployTimeoutMs: 15_000 });
    expect(again.submissions.map((s) => [s.name, s.total, s.labs[LAB].checks.map((c) => c.status)])).toEqual(
      first.submissions.map((s) => [s.name, s.total, s.labs[LAB].checks.map((c) => c.status)]),
    );
  }, 300_000);
});
