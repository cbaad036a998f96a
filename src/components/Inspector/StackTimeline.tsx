import type {ReactNode} from 'react';
import type {StackEvent, StacksFeed} from './types';
import styles from './styles.module.css';

const W = 720;
const LABEL_W = 200;

type Tone = 'progress' | 'complete' | 'failed' | 'deleted' | 'rollback';

function tone(status = ''): Tone {
  if (/FAILED/.test(status)) return 'failed';
  if (/ROLLBACK/.test(status)) return 'rollback';
  if (/DELETE_COMPLETE/.test(status)) return 'deleted';
  if (/IN_PROGRESS/.test(status)) return 'progress';
  return 'complete';
}

/**
 * A stack's events as a timeline: one row per resource (the stack itself
 * first), each status change a segment coloured by what it means, so a
 * rollback and the resource that caused it stand out.
 */
function Stack({stack}: {stack: StacksFeed['stacks'][number]}): ReactNode {
  const events = stack.events.filter((e) => e.Timestamp);
  if (!events.length) return <p className={styles.empty}>No events for {stack.name}.</p>;
  const rows: string[] = [];
  for (const e of events) if (e.LogicalResourceId && !rows.includes(e.LogicalResourceId)) rows.push(e.LogicalResourceId);
  const stackRow = rows.indexOf(stack.name);
  if (stackRow > 0) rows.unshift(...rows.splice(stackRow, 1));
  const times = events.map((e) => Date.parse(e.Timestamp!));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times, t0 + 1000);
  const x = (t: number) => LABEL_W + ((t - t0) / (t1 - t0)) * (W - LABEL_W - 30);
  const rowH = 24;
  const h = rows.length * rowH + 26;
  const byRow = new Map<string, StackEvent[]>();
  for (const e of events) byRow.set(e.LogicalResourceId ?? '', [...(byRow.get(e.LogicalResourceId ?? '') ?? []), e]);
  const failures = events.filter((e) => tone(e.ResourceStatus) === 'failed' && e.ResourceStatusReason);
  return (
    <div className={styles.stack}>
      <p className={styles.summary}>
        <strong>{stack.name}</strong>: {stack.status}
        {stack.reason ? ` (${stack.reason})` : ''}
      </p>
      <svg viewBox={`0 0 ${W} ${h}`} className={styles.chart} role="img" aria-label={`Events of stack ${stack.name}: ${rows.length} resources, ${events.length} events, now ${stack.status}.`}>
        {rows.map((row, ri) => {
          const y = ri * rowH + 4;
          const list = byRow.get(row) ?? [];
          return (
            <g key={row}>
              <text x={4} y={y + 14} className={styles.laneLabel}>
                {row.length > 26 ? `${row.slice(0, 25)}…` : row}
              </text>
              <line x1={LABEL_W} x2={W - 20} y1={y + 10} y2={y + 10} className={styles.lane} />
              {list.map((e, k) => {
                const sx = x(Date.parse(e.Timestamp!));
                const next = list[k + 1];
                const ex = next ? x(Date.parse(next.Timestamp!)) : sx + 6;
                return (
                  <g key={e.EventId ?? `${row}-${k}`}>
                    <rect x={sx} y={y + 4} width={Math.max(ex - sx, 6)} height={12} className={styles[`cfn_${tone(e.ResourceStatus)}`]}>
                      <title>{`${e.LogicalResourceId} ${e.ResourceStatus}${e.ResourceStatusReason ? `: ${e.ResourceStatusReason}` : ''}`}</title>
                    </rect>
                  </g>
                );
              })}
            </g>
          );
        })}
        <text x={LABEL_W} y={h - 4} className={styles.axis}>
          0 s
        </text>
        <text x={W - 20} y={h - 4} className={styles.axis} textAnchor="end">
          {((t1 - t0) / 1000).toFixed(1)} s
        </text>
      </svg>
      {failures.length > 0 && (
        <ul className={styles.failures}>
          {failures.map((e) => (
            <li key={e.EventId}>
              <strong>{e.LogicalResourceId}</strong> ({e.ResourceType}) {e.ResourceStatus}: {e.ResourceStatusReason}
            </li>
          ))}
        </ul>
      )}
      <details className={styles.asTable}>
        <summary>All events as a table</summary>
        <div className={styles.tableWrap}>
          <table>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Resource</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e, k) => (
                <tr key={e.EventId ?? k}>
                  <td>{new Date(e.Timestamp!).toLocaleTimeString(undefined, {hour12: false})}</td>
                  <td>{e.LogicalResourceId}</td>
                  <td>{e.ResourceType}</td>
                  <td>{e.ResourceStatus}</td>
                  <td>{e.ResourceStatusReason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}

export default function StackTimeline({feed}: {feed: StacksFeed}): ReactNode {
  if (!feed.stacks.length) return <p className={styles.empty}>No CloudFormation stacks in this account.</p>;
  return (
    <>
      <ul className={styles.legend} aria-hidden="true">
        {(['progress', 'complete', 'failed', 'rollback', 'deleted'] as Tone[]).map((t) => (
          <li key={t}>
            <svg width="22" height="12">
              <rect width="22" height="12" className={styles[`cfn_${t}`]} />
            </svg>{' '}
            {t === 'progress' ? 'in progress' : t}
          </li>
        ))}
      </ul>
      {feed.stacks.map((s) => (
        <Stack key={s.id ?? s.name} stack={s} />
      ))}
    </>
  );
}
