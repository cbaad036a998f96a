import type {ReactNode} from 'react';
import type {Decision} from './types';
import styles from './styles.module.css';

const RESULT: Record<Decision['result'], string> = {
  Allowed: 'Allowed',
  ExplicitlyDenied: 'Denied: an explicit Deny',
  ImplicitlyDenied: 'Denied: no policy allows it',
};

const shortArn = (arn: string) => arn.replace(/^arn:aws:(iam|sts)::\d{12}:/, '');

/** What IAM decided for each request signed by a user or a role, newest first, with the statements that decided. */
export default function IamDecisions({decisions}: {decisions: Decision[]}): ReactNode {
  if (!decisions.length) {
    return (
      <p className={styles.empty}>
        No IAM decisions yet. Requests signed with the sandbox&apos;s root keys are not evaluated, as in AWS; requests
        from IAM users, assumed roles and Lambda functions are, and each decision shows here.
      </p>
    );
  }
  const allowed = decisions.filter((d) => d.result === 'Allowed').length;
  return (
    <>
      <p className={styles.summary}>
        {decisions.length} decisions: {allowed} allowed, {decisions.length - allowed} denied.
      </p>
      <ol className={styles.decisions}>
        {[...decisions].reverse().slice(0, 50).map((d) => (
          <li key={d.id} className={styles.decision} data-result={d.result}>
            <div className={styles.decisionHead}>
              <span className={styles.verdict} data-result={d.result}>
                <span aria-hidden="true">{d.result === 'Allowed' ? '✔' : '✘'}</span> {RESULT[d.result]}
              </span>
              <code>{d.action}</code>
              <span className={styles.muted}>{new Date(d.time).toLocaleTimeString(undefined, {hour12: false})}</span>
            </div>
            <p className={styles.decisionLine}>
              <span className={styles.muted}>who</span> <code>{shortArn(d.principal)}</code> <span className={styles.muted}>on</span>{' '}
              <code>{d.resource}</code>
            </p>
            <p className={styles.decisionLine}>{d.reason}</p>
            {d.error && <p className={styles.decisionLine}>{d.error}</p>}
            {d.statements.length > 0 && (
              <details>
                <summary>
                  {d.statements.length === 1 ? 'The statement that decided' : `The ${d.statements.length} statements that decided`}
                </summary>
                {d.statements.map((s, k) => (
                  <div key={k} className={styles.statement}>
                    <p>
                      <strong>{s.effect}</strong> in <code>{s.policy}</code> ({s.source}){s.sid ? `, Sid ${s.sid}` : ''}
                    </p>
                    <pre tabIndex={0}>{JSON.stringify(s.statement, null, 2)}</pre>
                  </div>
                ))}
              </details>
            )}
          </li>
        ))}
      </ol>
    </>
  );
}
