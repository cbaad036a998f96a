import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { GRADING_DIR } from '../common/paths.js';
import { copyTree } from '../common/fs.js';
import { labIds, loadLab, type LabEntry } from '../labkit/discover.js';
import { resolveTarget, rootCredentials } from '../labkit/target.js';
import { round, runLab } from '../labkit/run.js';
import type { LabResult, TargetInfo } from '../labkit/types.js';

export interface GradeOptions {
  /** A folder whose subfolders are submissions (each holding workspace/<lab>/..., or a clone of the course). */
  dir: string;
  labs?: string[];
  jobs?: number;
  /** Time limit of each deploy step, overriding the labs' own (default 90 s). */
  deployTimeoutMs?: number;
  /** Port for the grading sandbox; 0 (default) picks a free one. */
  port?: number;
  onProgress?: (p: { done: number; total: number; current?: string }) => void;
}

export interface SubmissionResult {
  name: string;
  accountId: string;
  total: number;
  maxTotal: number;
  labs: Record<string, LabResult>;
}

export interface GradeReport {
  schema: 'awslings/grade@1';
  gradedAt: string;
  durationMs: number;
  labs: { id: string; title: string; maxScore: number }[];
  submissions: SubmissionResult[];
}

/** The workspace root of a submission: its workspace/ folder, or the folder itself if it holds lab folders directly. */
export function workspaceRoot(submissionDir: string): string {
  const ws = join(submissionDir, 'workspace');
  return existsSync(ws) && statSync(ws).isDirectory() ? ws : submissionDir;
}

export function listSubmissions(dir: string): { name: string; dir: string }[] {
  if (!existsSync(dir)) throw new Error(`No such folder: ${dir}`);
  return readdirSync(dir)
    .filter((n) => !n.startsWith('.') && statSync(join(dir, n)).isDirectory())
    .sort()
    .map((name) => ({ name, dir: join(dir, name) }));
}

/** A stable account per submission (its place in the sorted list), so grading twice gives the same accounts. */
export const accountFor = (index: number): string => String(100000000001 + index).padStart(12, '0');

/** Runs `fn` over items with at most `jobs` at once, in order of start. */
async function pool<T>(items: T[], jobs: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

function missingResult(entry: LabEntry, accountId: string, message: string): LabResult {
  return {
    schema: 'awslings/lab-result@1',
    lab: entry.id,
    title: entry.lab.title,
    target: 'embedded',
    accountId,
    score: 0,
    maxScore: round(entry.lab.checks.reduce((s, c) => s + c.points, 0)),
    passed: false,
    deploy: { status: 'skipped', output: message, durationMs: 0 },
    checks: entry.lab.checks.map((c) => ({ id: c.id, title: c.title, status: 'fail', points: 0, maxPoints: c.points, message, durationMs: 0 })),
    startedAt: new Date().toISOString(),
    durationMs: 0,
  };
}

/**
 * Grades every submission of a folder: one sandbox, one account per submission, and for each lab
 * a deploy of a temporary copy of the learner's files, then the checks, with time limits. A
 * submission that hangs, crashes, exits, floods its output or eats memory loses only its own points.
 */
export async function grade(opts: GradeOptions): Promise<GradeReport> {
  const t0 = performance.now();
  const submissions = listSubmissions(resolve(opts.dir));
  const wanted = opts.labs?.length
    ? opts.labs
    : labIds().filter((id) => submissions.some((s) => existsSync(join(workspaceRoot(s.dir), id))));
  const entries = await Promise.all(wanted.map((id) => loadLab(id)));
  const run = join(GRADING_DIR, `${Date.now()}-${randomBytes(3).toString('hex')}`);
  // Port 0: nothing can answer there, so the grading sandbox always starts fresh in this process.
  const sandbox = await resolveTarget({ target: 'embedded', port: opts.port ?? 0, stateDir: join(run, 'state') });
  const base = sandbox.info;
  const results: SubmissionResult[] = submissions.map((s, i) => ({ name: s.name, accountId: accountFor(i), total: 0, maxTotal: 0, labs: {} }));
  const tasks = submissions.flatMap((s, i) => entries.map((entry) => ({ s, i, entry })));
  let done = 0;
  opts.onProgress?.({ done, total: tasks.length });
  try {
    // Jobs run submissions side by side; a submission's labs run one after another in its account.
    const bySubmission = submissions.map((s, i) => ({ s, i, tasks: tasks.filter((t) => t.i === i) }));
    await pool(bySubmission, opts.jobs ?? 2, async ({ s, i, tasks: mine }) => {
      const target: TargetInfo = { ...base, accountId: accountFor(i), credentials: rootCredentials(accountFor(i)) };
      for (const { entry } of mine) {
        opts.onProgress?.({ done, total: tasks.length, current: `${s.name}/${entry.id}` });
        const source = join(workspaceRoot(s.dir), entry.id);
        let result: LabResult;
        if (!existsSync(source)) {
          result = missingResult(entry, target.accountId, `The submission has no workspace/${entry.id} folder.`);
        } else {
          const copy = join(run, 'work', s.name.replace(/[^\w.-]/g, '_'), entry.id);
          copyTree(source, copy);
          try {
            const lab = opts.deployTimeoutMs ? { ...entry.lab, deployTimeoutMs: opts.deployTimeoutMs } : entry.lab;
            result = await runLab(lab, target, copy, { deploy: true });
          } finally {
            rmSync(copy, { recursive: true, force: true });
          }
        }
        results[i].labs[entry.id] = result;
        done++;
        opts.onProgress?.({ done, total: tasks.length, current: `${s.name}/${entry.id}` });
      }
      results[i].total = round(Object.values(results[i].labs).reduce((sum, r) => sum + r.score, 0));
      results[i].maxTotal = round(entries.reduce((sum, e) => sum + e.lab.checks.reduce((x, c) => x + c.points, 0), 0));
    });
  } finally {
    await sandbox.close();
    rmSync(run, { recursive: true, force: true });
  }
  return {
    schema: 'awslings/grade@1',
    gradedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - t0),
    labs: entries.map((e) => ({ id: e.id, title: e.lab.title, maxScore: round(e.lab.checks.reduce((s, c) => s + c.points, 0)) })),
    submissions: results,
  };
}

