import type {ReactNode} from 'react';
import type {ResourcesFeed} from './types';
import styles from './styles.module.css';

export default function Resources({feed}: {feed: ResourcesFeed}): ReactNode {
  const total = feed.services.reduce((n, s) => n + s.resources.length, 0);
  return (
    <>
      <p className={styles.summary}>
        Account <code>{feed.accountId}</code>, {feed.region}: {total} {total === 1 ? 'resource' : 'resources'} in{' '}
        {feed.services.map((s) => s.service).join(', ') || 'no service'}.
      </p>
      <div className={styles.services}>
        {feed.services.map((s) => (
          <section key={s.service} className={styles.service} aria-label={`${s.service} resources`}>
            <p className={styles.serviceName}>
              <strong>{s.service}</strong> <span className={styles.count}>{s.resources.length}</span>
            </p>
            {s.error ? (
              <p className={styles.muted}>Could not list: {s.error}</p>
            ) : s.resources.length === 0 ? (
              <p className={styles.muted}>none</p>
            ) : (
              <ul>
                {s.resources.map((r) => (
                  <li key={`${r.type}:${r.arn ?? r.name}`} title={r.arn}>
                    <span className={styles.muted}>{r.type}</span> <code>{r.name}</code>
                    {r.detail ? <span className={styles.muted}> · {r.detail}</span> : null}
                  </li>
                ))}
              </ul>
            )}
          </section>
        ))}
      </div>
    </>
  );
}
