import { existsSync, readFileSync } from 'node:fs';
import { PROGRESS_FILE } from '../common/paths.js';
import { writeFileAtomic } from '../common/fs.js';
import type { CheckStatus, LabResult } from './types.js';

export interface LabProgress {
  attempts: number;
  bestScore: number;
  maxScore: number;
  lastScore: number;
  passed: boolean;
  firstAttemptAt: string;
  lastAttemptAt: string;
  completedAt?: string;
  /** Time between the first and the last attempt, a rough measure of the time spent. */
  timeSpentMs: number;
  /** The status of each check at the last attempt, for `awslings hint` and the page. */
  lastChecks: { id: string; status: CheckStatus }[];
  solutionViewed?: boolean;
}

export interface Progress {
  version: 1;
  labs: Record<string, LabProgress>;
  /** Quiz answers by quiz id, written by the course pages. */
  quizzes?: Record<string, { answers: Record<string, number>; correct: number; total: number; at: string }>;
}

const empty = (): Progress => ({ version: 1, labs: {} });

/** Reads `.awslings/progress.json`; a missing or unreadable file is an empty progress (the file is written atomically, so only a hand edit breaks it). */
export function readProgress(file = PROGRESS_FILE): Progress {
  if (!existsSync(file)) return empty();
  try {
    const p = JSON.parse(readFileSync(file, 'utf8')) as Progress;
    return p && p.version === 1 && p.labs ? p : empty();
  } catch {
    return empty();
  }
}

export function writeProgress(p: Progress, file = PROGRESS_FILE): void {
  writeFileAtomic(file, JSON.stringify(p, null, 2) + '\n');
}

/** Records a check run: attempts, best and last score, time, and whether every check passed. */
export function recordAttempt(result: LabResult, file = PROGRESS_FILE): LabProgress {
  const p = readProgress(file);
  const now = new Date().toISOString();
  const prev = p.labs[result.lab];
  const firstAttemptAt = prev?.firstAttemptAt ?? now;
  const entry: LabProgress = {
    attempts: (prev?.attempts ?? 0) + 1,
    bestScore: Math.max(prev?.bestScore ?? 0, result.score),
    maxScore: result.maxScore,
    lastScore: result.score,
    passed: (prev?.passed ?? false) || result.passed,
    firstAttemptAt,
    lastAttemptAt: now,
    completedAt: prev?.completedAt ?? (result.passed ? now : undefined),
    timeSpentMs: Date.parse(now) - Date.parse(firstAttemptAt),
    lastChecks: result.checks.map((c) => ({ id: c.id, status: c.status })),
    solutionViewed: prev?.solutionViewed,
  };
  p.labs[result.lab] = entry;
  writeProgress(p, file);
  return entry;
}

export function markSolutionViewed(lab: string, file = PROGRESS_FILE): void {
  const p = readProgress(file);
  if (p.labs[lab]) {
    p.labs[lab].solutionViewed = true;
    writeProgress(p, file);
  }
}

export function forgetLab(lab: string, file = PROGRESS_FILE): void {
  const p = readProgress(file);
  delete p.labs[lab];
  writeProgress(p, file);
}
