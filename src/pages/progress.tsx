import {useEffect, useState, type ReactNode} from 'react';
import Link from '@docusaurus/Link';
import Layout from '@theme/Layout';
import NotRunning from '@site/src/components/sandbox/NotRunning';
import {apiGet, localQuizzes, useSandboxPresence, type SandboxError} from '@site/src/components/sandbox/client';
import type {LabSummary, Progress as ProgressData, QuizRecord} from '@site/src/components/sandbox/types';
import styles from './progress.module.css';

interface LabsAnswer {
  labs: LabSummary[];
  quizzes: Record<string, QuizRecord>;
}

const when = (iso?: string) => (iso ? new Date(iso).toLocaleString() : '–');

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

function download(progress: ProgressData) {
  const blob = new Blob([JSON.stringify(progress, null, 2) + '\n'], {type: 'application/json'});
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `awslings-progress-${new Date().toISOString().slice(0, 10)}.json`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function Labs(): ReactNode {
  const [data, setData] = useState<LabsAnswer>();
  const [progress, setProgress] = useState<ProgressData>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    Promise.all([apiGet<LabsAnswer>('/api/labs'), apiGet<ProgressData>('/api/progress')]).then(
      ([l, p]) => {
        setData(l);
        setProgress(p);
      },
      (e: SandboxError) => setError(e.message),
    );
  }, []);
  if (error) return <p role="alert">{error}</p>;
  if (!data || !progress) return <p>Loading your progress…</p>;
  const done = data.labs.filter((l) => l.progress?.passed).length;
  const score = data.labs.reduce((s, l) => s + (l.progress?.bestScore ?? 0), 0);
  const max = data.labs.reduce((s, l) => s + l.maxScore, 0);
  const quizzes = Object.entries(data.quizzes);
  return (
    <>
      <p className={styles.summary} data-progress-summary>
        <strong>{done}</strong> of {data.labs.length} labs done; {Math.round(score * 1000) / 1000} of {max} points.
      </p>
      <p>
        <button type="button" className="button button--primary" onClick={() => download(progress)}>
          Export progress as JSON
        </button>{' '}
        <span className={styles.muted}>The same data as .awslings/progress.json in the course folder.</span>
      </p>
      <h2>Labs</h2>
      <div className={styles.tableWrap}>
        <table className={styles.table}>
          <thead>
            <tr>
              <th scope="col">Lab</th>
              <th scope="col">Module</th>
              <th scope="col">Status</th>
              <th scope="col">Best score</th>
              <th scope="col">Last score</th>
              <th scope="col">Attempts</th>
              <th scope="col">Time spent</th>
              <th scope="col">Last attempt</th>
            </tr>
          </thead>
          <tbody>
            {data.labs.map((l) => {
              const p = l.progress;
              const status = !p ? 'Not started' : p.passed ? 'Done' : 'Started';
              return (
                <tr key={l.id} data-lab-row={l.id} data-status={status}>
                  <th scope="row">
                    {l.title}
                    <br />
                    <code>{l.id}</code>
                  </th>
                  <td>{l.module}</td>
                  <td className={styles.status} data-state={status}>
                    {p?.passed && <span aria-hidden="true">✔ </span>}
                    {status}
                    {p?.solutionViewed ? ' (solution viewed)' : ''}
                  </td>
                  <td>{p ? `${p.bestScore}/${p.maxScore}` : `–/${l.maxScore}`}</td>
                  <td>{p ? `${p.lastScore}/${p.maxScore}` : '–'}</td>
                  <td>{p?.attempts ?? 0}</td>
                  <td>{p ? minutes(p.timeSpentMs) : '–'}</td>
                  <td>{when(p?.lastAttemptAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <h2>Quizzes</h2>
      {quizzes.length ? (
        <ul>
          {quizzes.map(([id, q]) => (
            <li key={id}>
              <code>{id}</code>: {q.correct} of {q.total} correct ({when(q.at)})
            </li>
          ))}
        </ul>
      ) : (
        <p>No quiz answered yet.</p>
      )}
    </>
  );
}

function LocalOnly(): ReactNode {
  const [quizzes, setQuizzes] = useState<Record<string, QuizRecord>>({});
  useEffect(() => setQuizzes(localQuizzes()), []);
  const list = Object.entries(quizzes);
  return (
    <>
      <NotRunning what="Lab progress" />
      {list.length > 0 && (
        <>
          <h2>Quizzes answered in this browser</h2>
          <ul>
            {list.map(([id, q]) => (
              <li key={id}>
                <code>{id}</code>: {q.correct} of {q.total} correct
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

export default function Progress(): ReactNode {
  const presence = useSandboxPresence();
  return (
    <Layout title="Progress" description="Your lab results in awslings.">
      <main className={`container margin-vert--xl ${styles.page}`}>
        <h1>Progress</h1>
        {presence === 'present' ? <Labs /> : presence === 'static' ? <LocalOnly /> : <p>Loading your progress…</p>}
        <p>
          In any terminal, <code>npx awslings list</code> shows the same. <Link to="/docs">Go to the course</Link>
        </p>
      </main>
    </Layout>
  );
}
