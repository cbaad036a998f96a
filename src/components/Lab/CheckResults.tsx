import type {ReactNode} from 'react';
import type {CheckResult, CheckStatus, LabResult} from '@site/src/components/sandbox/types';
import styles from './styles.module.css';

const ICON: Record<CheckStatus, string> = {pass: '✔', fail: '✘', error: '!', timeout: '⏱', skipped: '–'};
const WORD: Record<CheckStatus, string> = {
  pass: 'Pass',
  fail: 'Fail',
  error: 'Error',
  timeout: 'Timed out',
  skipped: 'Skipped',
};

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v, null, 2));

export function StatusBadge({status}: {status: CheckStatus}): ReactNode {
  return (
    <span className={styles.badge} data-status={status}>
      <span aria-hidden="true">{ICON[status]}</span> {WORD[status]}
    </span>
  );
}

function Check({c}: {c: CheckResult}): ReactNode {
  return (
    <li className={styles.check} data-check={c.id} data-status={c.status}>
      <div className={styles.checkHead}>
        <StatusBadge status={c.status} />
        <span className={styles.checkTitle} data-check-title>
          {c.title}
        </span>
        <span className={styles.points}>
          {c.points}/{c.maxPoints} {c.maxPoints === 1 ? 'point' : 'points'}
        </span>
      </div>
      {c.status !== 'pass' && c.message && <p className={styles.message}>{c.message}</p>}
      {(c.expected !== undefined || c.found !== undefined) && (
        <dl className={styles.compare}>
          {c.expected !== undefined && (
            <>
              <dt>Expected</dt>
              <dd>
                <pre tabIndex={0}>{show(c.expected)}</pre>
              </dd>
            </>
          )}
          {c.found !== undefined && (
            <>
              <dt>Found</dt>
              <dd>
                <pre tabIndex={0}>{show(c.found)}</pre>
              </dd>
            </>
          )}
        </dl>
      )}
      {c.output && (
        <details className={styles.output}>
          <summary>Output</summary>
          <pre tabIndex={0}>{c.output}</pre>
        </details>
      )}
      {c.hint && (
        <p className={styles.hint}>
          <strong>Hint:</strong> {c.hint}
        </p>
      )}
    </li>
  );
}

/** Every check of a run, as it finishes, and the score once all have. */
export default function CheckResults({checks, result, running}: {checks: CheckResult[]; result?: LabResult; running: boolean}): ReactNode {
  const counts = checks.reduce<Record<string, number>>((acc, c) => ({...acc, [c.status]: (acc[c.status] ?? 0) + 1}), {});
  return (
    <section className={styles.results} aria-label="Check results">
      {result && (
        <p className={styles.score} data-passed={result.passed}>
          Score <strong>{result.score}</strong> of {result.maxScore}
          {result.passed
            ? ': every check passes. Well done!'
            : `: ${counts.pass ?? 0} of ${checks.length} checks pass.`}
        </p>
      )}
      <ol className={styles.checks}>
        {checks.map((c) => (
          <Check key={c.id} c={c} />
        ))}
      </ol>
      {running && <p className={styles.muted}>Running the next check…</p>}
    </section>
  );
}
