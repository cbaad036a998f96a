import type {ReactNode} from 'react';
import Link from '@docusaurus/Link';
import {useLatestVersion} from '@docusaurus/plugin-content-docs/client';
import {useProgress} from '@site/src/components/sandbox/client';
import type {LabProgress, Progress} from '@site/src/components/sandbox/types';
import {courseModules, type CourseModule} from './modules';
import styles from './styles.module.css';

export {courseModules, type CourseModule};

/** The URL of a doc, from the docs plugin's data; throws if the id is unknown. */
export function useDocPath(docId: string): string {
  const version = useLatestVersion(undefined);
  const doc = version.docs.find((d) => d.id === docId);
  if (!doc) {
    throw new Error(
      `LearningPath: no doc with id "${docId}". Check src/components/LearningPath/modules.ts against docs/.`,
    );
  }
  return doc.path;
}

function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

type ModuleCardProps = {
  module: CourseModule;
  number: number;
  /** The learner's progress, when the sandbox served this page. */
  progress?: Progress;
};

function labState(p: LabProgress | undefined): {label: string; state: string} {
  if (!p) return {label: 'not started', state: 'todo'};
  if (p.passed) return {label: `done, ${p.bestScore}/${p.maxScore}`, state: 'done'};
  return {label: `${p.bestScore}/${p.maxScore}`, state: 'started'};
}

/** One module in the path, with the learner's status for each of its labs. */
export function ModuleCard({module, number, progress}: ModuleCardProps): ReactNode {
  const path = useDocPath(module.docId);
  return (
    <li className={styles.module}>
      <span className={styles.number} aria-hidden="true">
        {String(number).padStart(2, '0')}
      </span>
      <div className={styles.body}>
        <h3 className={styles.title}>
          <Link to={path}>{module.title}</Link>
        </h3>
        <p className={styles.summary}>{module.summary}</p>
        <p className={styles.meta}>
          <span>About {formatMinutes(module.minutes)}</span>
          {module.labs.length > 0 && (
            <span>
              {module.labs.length === 1 ? 'Lab: ' : 'Labs: '}
              {module.labs.map((lab, i) => {
                const st = progress ? labState(progress.labs[lab]) : undefined;
                return (
                  <span key={lab}>
                    {i > 0 && ', '}
                    <code>{lab}</code>
                    {st && (
                      <span className={styles.status} data-state={st.state} data-lab-status={lab}>
                        {' '}
                        {st.state === 'done' && <span aria-hidden="true">✔ </span>}
                        {st.label}
                      </span>
                    )}
                  </span>
                );
              })}
            </span>
          )}
        </p>
      </div>
    </li>
  );
}

/** The course modules in order, with a summary and a time estimate each. */
export default function LearningPath(): ReactNode {
  const total = courseModules.reduce((sum, m) => sum + m.minutes, 0);
  const {progress} = useProgress();
  const labs = courseModules.flatMap((m) => m.labs);
  const done = progress ? labs.filter((l) => progress.labs[l]?.passed).length : 0;
  const started = progress ? labs.filter((l) => progress.labs[l] && !progress.labs[l].passed).length : 0;
  return (
    <section className={styles.section} aria-labelledby="learning-path">
      <div className="container">
        <h2 id="learning-path">Learning path</h2>
        <p>
          {courseModules.length} modules, about {Math.round(total / 60)} hours
          in all. Each builds on the ones before it, so take them in order.
        </p>
        {progress && (
          <p className={styles.yours} data-path-progress>
            Your progress: <strong>{done}</strong> of {labs.length} labs done
            {started > 0 ? `, ${started} started` : ''}.{' '}
            <Link to="/progress">Details</Link>
          </p>
        )}
        <ol className={styles.list}>
          {courseModules.map((module, index) => (
            <ModuleCard
              key={module.docId}
              module={module}
              number={index}
              progress={progress}
            />
          ))}
        </ol>
      </div>
    </section>
  );
}
