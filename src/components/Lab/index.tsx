import {lazy, Suspense, useCallback, useEffect, useRef, useState, type ReactNode} from 'react';
import NotRunning from '@site/src/components/sandbox/NotRunning';
import {apiGet, apiSend, apiStream, SandboxError, useSandboxPresence} from '@site/src/components/sandbox/client';
import type {CheckResult, HintAnswer, LabDetail, LabProgress, LabResult} from '@site/src/components/sandbox/types';
import Terminal from '@site/src/components/Terminal';
import CheckResults from './CheckResults';
import Markdown from './Markdown';
import styles from './styles.module.css';

// The inspector's charts load when it is opened, not with the lesson.
const Inspector = lazy(() => import('@site/src/components/Inspector'));

type Busy = 'deploy' | 'check' | 'deploy+check' | 'hint' | 'reset' | 'solution' | null;

const vscodeLink = (abs: string) => `vscode://file${abs.startsWith('/') ? '' : '/'}${abs.replace(/\\/g, '/')}`;

function formatMinutes(m: number): string {
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

function progressText(p: LabProgress | null, maxScore: number): string {
  if (!p) return 'Not tried yet';
  const tries = `${p.attempts} ${p.attempts === 1 ? 'attempt' : 'attempts'}`;
  return p.passed ? `Completed (best score ${p.bestScore}/${p.maxScore}, ${tries})` : `Best score ${p.bestScore}/${p.maxScore || maxScore} after ${tries}`;
}

/** The lab of a lesson: its task, the files to edit, Deploy / Check / Hint / Reset / Solution, a terminal and the sandbox inspector. */
export default function Lab({id}: {id: string}): ReactNode {
  const presence = useSandboxPresence();
  if (presence === 'present') return <LabPanel id={id} />;
  return (
    <section className={styles.lab} aria-labelledby={`lab-${id}`}>
      <h2 id={`lab-${id}`} className={styles.title}>
        Lab: <code>{id}</code>
      </h2>
      {presence === 'static' ? <NotRunning what="This lab" /> : <p className={styles.muted}>Loading the lab…</p>}
    </section>
  );
}

function LabPanel({id}: {id: string}): ReactNode {
  const [lab, setLab] = useState<LabDetail>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<Busy>(null);
  const [announce, setAnnounce] = useState('');
  const [output, setOutput] = useState('');
  const [checks, setChecks] = useState<CheckResult[]>([]);
  const [result, setResult] = useState<LabResult>();
  const [hint, setHint] = useState<HintAnswer>();
  const [confirmReset, setConfirmReset] = useState(false);
  const [solution, setSolution] = useState<{files: {path: string; content: string}[]} | {needsAttempt: string}>();
  const [confirmApply, setConfirmApply] = useState(false);
  const [forced, setForced] = useState(false);
  const [inspector, setInspector] = useState(false);
  const [refresh, setRefresh] = useState(0);
  const headingId = `lab-${id}`;
  // The task starts open until the first attempt; afterwards the results matter more. Decided once, so it never snaps shut.
  const taskOpen = useRef<boolean | undefined>(undefined);
  if (lab && taskOpen.current === undefined) taskOpen.current = !lab.progress;

  const load = useCallback(() => {
    apiGet<LabDetail>(`/api/labs/${encodeURIComponent(id)}`).then(
      (l) => {
        setLab(l);
        setError(undefined);
      },
      (e: SandboxError) => setError(e.message),
    );
  }, [id]);
  useEffect(load, [load]);

  const fail = (e: unknown) => {
    const message = (e as Error).message;
    setError(message);
    setAnnounce(message);
  };

  const run = async (what: Busy, fn: () => Promise<void>) => {
    setBusy(what);
    setError(undefined);
    try {
      await fn();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(null);
      setRefresh((n) => n + 1);
    }
  };

  const deploy = () =>
    run('deploy', async () => {
      setOutput('');
      setAnnounce('Deploying…');
      await apiStream(`/api/labs/${id}/deploy`, {}, (ev) => {
        if (ev.type === 'output') setOutput((o) => (o + String(ev.text)).slice(-60_000));
        else if (ev.type === 'deployed') {
          const ok = ev.status === 'ok';
          const secs = (Number(ev.durationMs) / 1000).toFixed(1);
          setAnnounce(ok ? `Deployed in ${secs} s. Now run Check.` : ev.status === 'timeout' ? 'The deploy step timed out.' : `The deploy step failed${ev.exitCode != null ? ` (exit code ${ev.exitCode})` : ''}. Its output is below.`);
        } else if (ev.type === 'error') throw new Error(String(ev.message));
      });
    });

  const check = (withDeploy: boolean) =>
    run(withDeploy ? 'deploy+check' : 'check', async () => {
      setChecks([]);
      setResult(undefined);
      setHint(undefined);
      if (withDeploy) setOutput('');
      setAnnounce(withDeploy ? 'Deploying, then checking…' : 'Checking…');
      await apiStream(`/api/labs/${id}/check`, {deploy: withDeploy}, (ev) => {
        if (ev.type === 'output') setOutput((o) => (o + String(ev.text)).slice(-60_000));
        else if (ev.type === 'check') setChecks((c) => [...c, ev.result as CheckResult]);
        else if (ev.type === 'result') {
          const r = ev.result as LabResult;
          setResult(r);
          setChecks(r.checks);
          setLab((l) => (l ? {...l, progress: ev.progress as LabProgress} : l));
          const passing = r.checks.filter((c) => c.status === 'pass').length;
          setAnnounce(`Check finished: score ${r.score} of ${r.maxScore}, ${passing} of ${r.checks.length} checks pass.`);
        } else if (ev.type === 'error') throw new Error(String(ev.message));
      });
    });

  const askHint = () =>
    run('hint', async () => {
      const h = await apiSend<HintAnswer>(`/api/labs/${id}/hint`);
      setHint(h);
      setAnnounce(h.kind === 'hint' ? `Hint for "${h.title}": ${h.hint}` : h.message);
      load();
    });

  const reset = () =>
    run('reset', async () => {
      setConfirmReset(false);
      const r = await apiSend<{message: string; cleanup?: string}>(`/api/labs/${id}/reset`, {confirm: true});
      setChecks([]);
      setResult(undefined);
      setOutput('');
      setHint(undefined);
      setSolution(undefined);
      setAnnounce([r.message, r.cleanup].filter(Boolean).join(' '));
      load();
    });

  const showSolution = (force: boolean) =>
    run('solution', async () => {
      try {
        const s = await apiSend<{files: {path: string; content: string}[]}>(`/api/labs/${id}/solution`, {force});
        setSolution(s);
        setForced(force);
        setAnnounce('The reference solution is shown below.');
      } catch (e) {
        if (e instanceof SandboxError && e.body?.needsAttempt) {
          setSolution({needsAttempt: e.message});
          setAnnounce(e.message);
        } else throw e;
      }
    });

  const applySolution = () =>
    run('solution', async () => {
      setConfirmApply(false);
      const r = await apiSend<{applied: string[]; dir: string}>(`/api/labs/${id}/solution/apply`, {confirm: true, force: forced});
      setAnnounce(`Copied the solution (${r.applied.join(', ')}) into ${r.dir}.`);
    });

  if (!lab) {
    return (
      <section className={styles.lab} aria-labelledby={headingId}>
        <h2 id={headingId} className={styles.title}>
          Lab: <code>{id}</code>
        </h2>
        {error ? (
          <p className={styles.error} role="alert">
            {error}
          </p>
        ) : (
          <p className={styles.muted}>Loading the lab…</p>
        )}
      </section>
    );
  }

  const disabled = busy !== null;
  return (
    <section className={styles.lab} aria-labelledby={headingId} data-lab={id}>
      <h2 id={headingId} className={styles.title}>
        Lab: {lab.title}
      </h2>
      <p className={styles.meta}>
        <span>About {formatMinutes(lab.minutes)}</span>
        <span>
          {lab.checks.length} checks, {lab.maxScore} points
        </span>
        <span data-progress>{progressText(lab.progress, lab.maxScore)}</span>
      </p>
      {lab.missingServices.length > 0 && (
        <p className={styles.warning}>
          This sandbox does not offer {lab.missingServices.join(', ')} yet, so the checks that need{' '}
          {lab.missingServices.length === 1 ? 'it' : 'them'} are skipped.
        </p>
      )}

      <h3 className={styles.sub}>Objectives</h3>
      <ul>
        {lab.objectives.map((o) => (
          <li key={o}>{o}</li>
        ))}
      </ul>

      {lab.readme && (
        <details className={styles.task} open={taskOpen.current}>
          <summary>
            <span className={styles.taskSummary}>The task</span>
          </summary>
          <Markdown source={lab.readme} headingLevel={4} skipTitle />
        </details>
      )}

      <h3 className={styles.sub}>Files to edit</h3>
      <ul className={styles.files}>
        {lab.files.map((f) => (
          <li key={f.path}>
            <code>{f.display}</code>{' '}
            <a href={vscodeLink(f.abs)} className={styles.vscode}>
              Open in VS Code<span className={styles.srOnly}>: {f.path}</span>
            </a>
          </li>
        ))}
      </ul>

      <div className={styles.actions} role="group" aria-label="Lab actions">
        <button type="button" className="button button--primary" disabled={disabled} onClick={() => check(false)}>
          {busy === 'check' ? 'Checking…' : 'Check'}
        </button>
        <button type="button" className="button button--secondary" disabled={disabled} onClick={deploy}>
          {busy === 'deploy' ? 'Deploying…' : 'Deploy'}
        </button>
        <button type="button" className="button button--secondary" disabled={disabled} onClick={() => check(true)}>
          {busy === 'deploy+check' ? 'Deploying and checking…' : 'Deploy and check'}
        </button>
        <button type="button" className="button button--secondary" disabled={disabled} onClick={askHint}>
          Hint
        </button>
        <button type="button" className="button button--secondary" disabled={disabled} aria-expanded={confirmReset} onClick={() => setConfirmReset(true)}>
          Reset…
        </button>
        <button type="button" className="button button--secondary" disabled={disabled} onClick={() => showSolution(false)}>
          Solution
        </button>
      </div>

      <p className={styles.announce} role="status" aria-live="polite" data-announce>
        {announce}
      </p>
      {error && (
        <p className={styles.error} role="alert">
          {error}
        </p>
      )}

      {confirmReset && (
        <div className={styles.confirm} role="group" aria-label="Confirm reset">
          <p>
            Reset <code>{lab.id}</code>? This puts back the starting files in <code>{lab.workspace.display}</code> (your changes
            are lost) and deletes the lab&apos;s resources from the sandbox.
          </p>
          <button type="button" className="button button--danger" onClick={reset} autoFocus>
            Yes, reset
          </button>{' '}
          <button type="button" className="button button--secondary" onClick={() => setConfirmReset(false)}>
            Cancel
          </button>
        </div>
      )}

      {hint && (
        <div className={styles.hintBox} data-hint>
          {hint.kind === 'hint' ? (
            <p>
              <strong>Hint for “{hint.title}”:</strong> {hint.hint}
            </p>
          ) : (
            <p>{hint.message}</p>
          )}
        </div>
      )}

      {output && (
        <details className={styles.output} open={busy === 'deploy' || busy === 'deploy+check' || undefined}>
          <summary>Deploy output</summary>
          <pre tabIndex={0} data-deploy-output>
            {output}
          </pre>
        </details>
      )}

      {(checks.length > 0 || result) && <CheckResults checks={checks} result={result} running={busy === 'check' || busy === 'deploy+check'} />}

      {solution && 'needsAttempt' in solution && (
        <div className={styles.confirm}>
          <p>{solution.needsAttempt}</p>
          <button type="button" className="button button--secondary" onClick={() => showSolution(true)}>
            Show it anyway
          </button>
        </div>
      )}
      {solution && 'files' in solution && (
        <div className={styles.solution}>
          <h3 className={styles.sub}>Reference solution</h3>
          {solution.files.map((f) => (
            <div key={f.path}>
              <p>
                <code>{f.path}</code>
              </p>
              <pre tabIndex={0}>{f.content}</pre>
            </div>
          ))}
          {confirmApply ? (
            <p>
              Copy it over your files in <code>{lab.workspace.display}</code>?{' '}
              <button type="button" className="button button--danger button--sm" onClick={applySolution}>
                Yes, copy
              </button>{' '}
              <button type="button" className="button button--secondary button--sm" onClick={() => setConfirmApply(false)}>
                Cancel
              </button>
            </p>
          ) : (
            <button type="button" className="button button--secondary button--sm" onClick={() => setConfirmApply(true)}>
              Copy into my workspace…
            </button>
          )}
        </div>
      )}


      <h3 className={styles.sub}>Terminal</h3>
      <Terminal lab={lab.id} name="lab" />

      <h3 className={styles.sub}>Sandbox inspector</h3>
      {inspector ? (
        <Suspense fallback={<p className={styles.muted}>Loading the inspector…</p>}>
          <Inspector lab={lab.id} services={lab.services} refresh={refresh} />
        </Suspense>
      ) : (
        <p>
          <button type="button" className="button button--secondary" onClick={() => setInspector(true)}>
            Open the inspector
          </button>{' '}
          <span className={styles.muted}>What is in the sandbox: resources, Lambda invocations, IAM decisions, stacks, mail.</span>
        </p>
      )}
    </section>
  );
}
