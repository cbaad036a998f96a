/**
 * The JSON the sandbox server's lab API answers with, as the page sees it. The page talks HTTP
 * to the server and shares no code with it; these shapes are the contract (LabResult is
 * awslings/lab-result@1, docs/reference/json-output.md).
 */

export type CheckStatus = 'pass' | 'fail' | 'error' | 'timeout' | 'skipped';

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  points: number;
  maxPoints: number;
  message?: string;
  expected?: unknown;
  found?: unknown;
  hint?: string;
  output?: string;
  durationMs: number;
}

export interface LabResult {
  schema: 'awslings/lab-result@1';
  lab: string;
  title: string;
  target: string;
  accountId: string;
  score: number;
  maxScore: number;
  passed: boolean;
  deploy?: {status: string; output: string; durationMs: number};
  checks: CheckResult[];
  startedAt: string;
  durationMs: number;
}

export interface LabProgress {
  attempts: number;
  bestScore: number;
  maxScore: number;
  lastScore: number;
  passed: boolean;
  firstAttemptAt: string;
  lastAttemptAt: string;
  completedAt?: string;
  timeSpentMs: number;
  lastChecks: {id: string; status: CheckStatus}[];
  solutionViewed?: boolean;
}

export interface QuizRecord {
  answers: Record<string, number>;
  correct: number;
  total: number;
  at: string;
}

export interface Progress {
  version: 1;
  labs: Record<string, LabProgress>;
  quizzes?: Record<string, QuizRecord>;
}

export interface LabSummary {
  id: string;
  title: string;
  module: string;
  objectives: string[];
  minutes: number;
  services: string[];
  missingServices: string[];
  checks: {id: string; title: string; points: number}[];
  maxScore: number;
  progress: LabProgress | null;
}

export interface LabDetail extends LabSummary {
  readme: string | null;
  workspace: {dir: string; display: string};
  files: {path: string; display: string; abs: string; exists: boolean}[];
  busy: string | null;
}

export interface Session {
  version: number;
  target: {
    name: string;
    endpoint?: string;
    region: string;
    accountId: string;
    isAwslings: boolean;
    services: string[] | null;
  };
  awsCli: {version?: string; wrapped: boolean; found: boolean};
  workspaceDir: string;
}

export type HintAnswer =
  | {kind: 'hint'; check: string; title: string; hint: string}
  | {kind: 'error'; check: string; message: string}
  | {kind: 'passed'; message: string};
