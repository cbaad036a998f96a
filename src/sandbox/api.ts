import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join, relative } from 'node:path';
import { discoverLabs, loadLab, LabError, type LabEntry } from '../labkit/discover.js';
import { ensureWorkspace, resetWorkspace, solutionFiles, workspaceOf } from '../labkit/workspace.js';
import { round, runCleanup, runDeploy, runLab } from '../labkit/run.js';
import { markSolutionViewed, readProgress, recordAttempt, writeProgress, type LabProgress } from '../labkit/progress.js';
import { missingServices } from '../labkit/target.js';
import type { TargetInfo } from '../labkit/types.js';
import { PROJECT_ROOT, WORKSPACE_DIR } from '../common/paths.js';
import type { Inspector } from './inspector.js';

/**
 * The lab API the page calls (same origin, after the checks in security.ts). It does what the CLI
 * does, with the CLI's rules: Reset needs an explicit confirmation, the solution opens after a
 * first attempt or with an explicit "show anyway", and progress goes to the same
 * .awslings/progress.json. Long runs (deploy, check) stream NDJSON events, one per line.
 */

export interface ApiContext {
  target: TargetInfo;
  inspector: Inspector;
  awsCli: { version?: string; wrapped: boolean; found: boolean };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const MAX_BODY = 256 * 1024;

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = String(req.headers['content-type'] ?? '');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'The request body is too large.');
    chunks.push(c as Buffer);
  }
  if (!size) return {};
  // Only JSON: a cross-site form cannot send it without a CORS preflight, which is never granted.
  if (!/^application\/json\b/i.test(type)) throw new HttpError(415, 'Send JSON (content-type: application/json).');
  try {
    const v = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'The body is not a JSON object.');
  }
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

/** Starts an NDJSON stream; `send` writes one event. */
function stream(res: ServerResponse) {
  res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  return {
    send: (event: Record<string, unknown>) => {
      if (!res.writableEnded) res.write(JSON.stringify(event) + '\n');
    },
    end: () => res.end(),
  };
}

const labSummary = (e: LabEntry, target: TargetInfo, progress: LabProgress | undefined) => ({
  id: e.id,
  title: e.lab.title,
  module: e.lab.module,
  objectives: e.lab.objectives,
  minutes: e.lab.minutes,
  services: e.lab.services,
  missingServices: missingServices(target, e.lab.services),
  checks: e.lab.checks.map((c) => ({ id: c.id, title: c.title, points: c.points })),
  maxScore: round(e.lab.checks.reduce((s, c) => s + c.points, 0)),
  progress: progress ?? null,
});

export class LabApi {
  /** Labs with a deploy or a check running: a second click waits for the first. */
  private readonly busy = new Map<string, string>();

  constructor(private readonly ctx: ApiContext) {}

  async handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    try {
      await this.route(req, res, path, query);
    } catch (e) {
      if (res.headersSent) {
        if (!res.writableEnded) res.end(JSON.stringify({ type: 'error', message: (e as Error).message }) + '\n');
        return;
      }
      if (e instanceof HttpError) json(res, e.status, { error: e.message, ...e.extra });
      else if (e instanceof LabError) json(res, 404, { error: e.message });
      else json(res, 500, { error: `The sandbox server failed: ${(e as Error).message}. This is not your fault; please report it.` });
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    const m = req.method ?? 'GET';
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent); // ['api', ...]
    const [, a, b, c, d] = parts;

    if (a === 'session' && m === 'GET') return json(res, 200, this.session());
    if (a === 'progress' && !b && m === 'GET') return json(res, 200, readProgress());
    if (a === 'progress' && b === 'quizzes' && c && m === 'PUT') return json(res, 200, await this.saveQuiz(c, await readJson(req)));
    if (a === 'labs' && !b && m === 'GET') return json(res, 200, await this.labs());
    if (a === 'labs' && b) {
      if (!/^[a-z0-9][a-z0-9-]*$/.test(b)) throw new HttpError(404, `There is no lab "${b}".`);
      const entry = await loadLab(b);
      if (!c && m === 'GET') return json(res, 200, this.lab(entry));
      if (c === 'deploy' && m === 'POST') return this.deploy(entry, res);
      if (c === 'check' && m === 'POST') return this.check(entry, await readJson(req), res);
      if (c === 'hint' && m === 'POST') return json(res, 200, await this.hint(entry));
      if (c === 'reset' && m === 'POST') return json(res, 200, await this.reset(entry, await readJson(req)));
      if (c === 'solution' && !d && m === 'POST') return json(res, 200, this.solution(entry, await readJson(req)));
      if (c === 'solution' && d === 'apply' && m === 'POST') return json(res, 200, this.applySolution(entry, await readJson(req)));
    }
    if (a === 'inspector' && m === 'GET') return json(res, 200, await this.inspect(b, query));
    throw new HttpError(404, `No such API: ${m} ${path}`);
  }

  private session() {
    const t = this.ctx.target;
    return {
      version: 1,
      target: { name: t.name, endpoint: t.endpoint, region: t.region, accountId: t.accountId, isAwslings: t.isAwslings, services: t.services ? [...t.services].sort() : null },
      awsCli: this.ctx.awsCli,
      workspaceDir: WORKSPACE_DIR,
    };
  }

  private async labs() {
    const progress = readProgress();
    const labs = await discoverLabs();
    return { labs: labs.map((e) => labSummary(e, this.ctx.target, progress.labs[e.id])), quizzes: progress.quizzes ?? {} };
  }

  private lab(entry: LabEntry) {
    // The learner's copy is made from starter/ the first time the lab's page opens.
    const { dir } = ensureWorkspace(entry);
    const progress = readProgress().labs[entry.id];
    const rel = relative(PROJECT_ROOT, dir).split('\\').join('/');
    return {
      ...labSummary(entry, this.ctx.target, progress),
      readme: entry.readme ?? null,
      workspace: { dir, display: rel.startsWith('..') ? dir : rel },
      files: entry.lab.files.map((f) => ({ path: f, display: `${rel.startsWith('..') ? dir : rel}/${f}`, abs: join(dir, f), exists: existsSync(join(dir, f)) })),
      busy: this.busy.get(entry.id) ?? null,
    };
  }

  private claim(id: string, what: string): () => void {
    const running = this.busy.get(id);
    if (running) throw new HttpError(409, `A ${running} of ${id} is already running; wait for it to finish.`, { busy: running });
    this.busy.set(id, what);
    return () => this.busy.delete(id);
  }

  private async deploy(entry: LabEntry, res: ServerResponse): Promise<void> {
    const release = this.claim(entry.id, 'deploy');
    try {
      const { dir } = ensureWorkspace(entry);
      const out = stream(res);
      const r = await runDeploy(entry.lab, this.ctx.target, dir, (text) => out.send({ type: 'output', text }));
      out.send({ type: 'deployed', status: r.status, exitCode: r.exitCode, durationMs: Math.round(r.durationMs) });
      out.end();
    } finally {
      release();
    }
  }

  private async check(entry: LabEntry, body: Record<string, unknown>, res: ServerResponse): Promise<void> {
    const release = this.claim(entry.id, 'check');
    try {
      const { dir } = ensureWorkspace(entry);
      const out = stream(res);
      const result = await runLab(entry.lab, this.ctx.target, dir, {
        deploy: body.deploy === true,
        onDeployOutput: (text) => out.send({ type: 'output', text }),
        onResult: (r) => out.send({ type: 'check', result: r }),
      });
      const progress = recordAttempt(result);
      out.send({ type: 'result', result, progress });
      out.end();
    } finally {
      release();
    }
  }

  /** As `awslings hint`: the hint of the first check that did not pass at the last attempt (running the checks if there was none). */
  private async hint(entry: LabEntry) {
    let last = readProgress().labs[entry.id]?.lastChecks;
    if (!last) {
      const release = this.claim(entry.id, 'check');
      try {
        const { dir } = ensureWorkspace(entry);
        const result = await runLab(entry.lab, this.ctx.target, dir, { deploy: false });
        recordAttempt(result);
        last = result.checks.map((c) => ({ id: c.id, status: c.status }));
      } finally {
        release();
      }
    }
    const failing = last.find((c) => c.status === 'fail' || c.status === 'timeout');
    if (!failing) {
      const errored = last.find((c) => c.status === 'error');
      if (errored) {
        return { kind: 'error', check: errored.id, message: `The check "${errored.id}" could not run (an error in the checker or the sandbox, not in your work). Run Check again.` };
      }
      return { kind: 'passed', message: 'Every check passed at your last attempt. Nothing to hint at.' };
    }
    const check = entry.lab.checks.find((c) => c.id === failing.id);
    return { kind: 'hint', check: failing.id, title: check?.title ?? failing.id, hint: check?.hint ?? '' };
  }

  private async reset(entry: LabEntry, body: Record<string, unknown>) {
    if (body.confirm !== true) {
      throw new HttpError(400, `Reset needs a confirmation: it puts back the starting files in ${workspaceOf(entry.id)} (your changes are lost) and deletes the lab's resources from the sandbox.`, {
        needsConfirmation: true,
      });
    }
    const release = this.claim(entry.id, 'reset');
    try {
      let cleanup: string | undefined;
      if (entry.lab.cleanup) {
        try {
          await runCleanup(entry.lab, this.ctx.target, workspaceOf(entry.id));
          cleanup = `Deleted ${entry.id}'s resources on ${this.ctx.target.name}.`;
        } catch (e) {
          cleanup = `Could not delete every resource of ${entry.id} (${(e as Error).message}); the files were reset anyway.`;
        }
      }
      const dir = resetWorkspace(entry);
      return { reset: true, dir, cleanup, message: `${entry.id} is back to its starting files in ${dir}.` };
    } finally {
      release();
    }
  }

  private solution(entry: LabEntry, body: Record<string, unknown>) {
    const attempts = readProgress().labs[entry.id]?.attempts ?? 0;
    if (!attempts && body.force !== true) {
      throw new HttpError(409, `Try ${entry.id} first: the solution opens after your first check. Stuck already? Ask for a hint.`, { needsAttempt: true });
    }
    markSolutionViewed(entry.id);
    return { files: solutionFiles(entry) };
  }

  private applySolution(entry: LabEntry, body: Record<string, unknown>) {
    const attempts = readProgress().labs[entry.id]?.attempts ?? 0;
    if (!attempts && body.force !== true) throw new HttpError(409, `Try ${entry.id} first.`, { needsAttempt: true });
    if (body.confirm !== true) throw new HttpError(400, 'Copying the solution over your files needs a confirmation.', { needsConfirmation: true });
    const dir = ensureWorkspace(entry).dir;
    const files = solutionFiles(entry);
    for (const f of files) {
      const to = join(dir, f.path);
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, f.content);
    }
    markSolutionViewed(entry.id);
    return { applied: files.map((f) => f.path), dir };
  }

  private async saveQuiz(id: string, body: Record<string, unknown>) {
    if (!/^[\w.-]{1,100}$/.test(id)) throw new HttpError(400, 'A quiz id is letters, digits, dots, dashes and underscores.');
    const answers = body.answers;
    const correct = Number(body.correct);
    const total = Number(body.total);
    if (!answers || typeof answers !== 'object' || Array.isArray(answers) || !Object.values(answers).every((v) => Number.isInteger(v))) {
      throw new HttpError(400, 'answers must map question ids to answer indexes.');
    }
    if (!Number.isInteger(correct) || !Number.isInteger(total) || correct < 0 || total < 1 || correct > total) {
      throw new HttpError(400, 'correct and total must be whole numbers, 0 ≤ correct ≤ total.');
    }
    const p = readProgress();
    p.quizzes = { ...(p.quizzes ?? {}), [id]: { answers: answers as Record<string, number>, correct, total, at: new Date().toISOString() } };
    writeProgress(p);
    return p.quizzes[id];
  }

  private async inspect(feed: string | undefined, query: URLSearchParams): Promise<unknown> {
    const insp = this.ctx.inspector;
    switch (feed) {
      case 'resources': {
        let services = query.get('services')?.split(',').filter(Boolean);
        const lab = query.get('lab');
        if (!services && lab) services = (await loadLab(lab)).lab.services;
        return insp.resources(services);
      }
      case 'lambda':
        return insp.lambda();
      case 'iam':
        return insp.iamDecisions(query.get('since') ?? undefined);
      case 'outbox':
        return insp.outbox();
      case 'stacks':
        return insp.stacks();
      default:
        throw new HttpError(404, `No inspector feed "${feed}". Feeds: resources, lambda, iam, outbox, stacks.`);
    }
  }
}
