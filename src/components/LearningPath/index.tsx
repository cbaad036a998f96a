import type {ReactNode} from 'react';
import Link from '@docusaurus/Link';
import {useLatestVersion} from '@docusaurus/plugin-content-docs/client';
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

type ModuleCardProps = {module: CourseModule; number: number};

/**
 * One module in the path. Learner progress (per lab, from the sandbox server)
 * belongs here, next to the lab list.
 */
export function ModuleCard({module, number}: ModuleCardProps): ReactNode {
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
              {module.labs.map((lab, i) => (
                <span key={lab}>
                  {i > 0 && ', '}
                  <code>{lab}</code>
                </span>
              ))}
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
  return (
    <section className={styles.section} aria-labelledby="learning-path">
      <div className="container">
        <h2 id="learning-path">Learning path</h2>
        <p>
          {courseModules.length} modules, about {Math.round(total / 60)} hours
          in all. Each builds on the ones before it, so take them in order.
        </p>
        <ol className={styles.list}>
          {courseModules.map((module, index) => (
            <ModuleCard key={module.docId} module={module} number={index} />
          ))}
        </ol>
      </div>
    </section>
  );
}
