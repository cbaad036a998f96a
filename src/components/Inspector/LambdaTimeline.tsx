import {useId, type ReactNode} from 'react';
import type {Invocation, LambdaFeed} from './types';
import styles from './styles.module.css';

const W = 720;
const LABEL_W = 170;
const fmt = (ms: number | undefined) => (ms === undefined ? '–' : ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`);
const clock = (iso: string) => new Date(iso).toLocaleTimeString(undefined, {hour12: false});
const short = (id: string) => id.slice(-6);

/**
 * Lambda invocations as a picture: above, each execution environment is a
 * lane on a real time axis, with a marker per invocation (a diamond for a cold
 * start, a dot for a warm one); below, each recent invocation's duration as a
 * bar, the init phase (cold starts only) striped before the run.
 */
export default function LambdaTimeline({feed}: {feed: LambdaFeed}): ReactNode {
  const stripes = `awslings-init-${useId().replace(/[^\w-]/g, '')}`;
  const all = [...(feed.invocations ?? [])].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  const recent = all.slice(-14);
  if (!recent.length) {
    return (
      <p className={styles.empty}>
        No invocations yet. Deploy and check the lab, or invoke a function in the terminal (
        <code>aws lambda invoke --function-name NAME out.json</code>), and they appear here: the first one on a new
        execution environment is a cold start.
      </p>
    );
  }
  const cold = recent.filter((i) => i.cold);
  const lanes = [...new Set(recent.map((i) => i.environmentId))];
  const t0 = Date.parse(recent[0].startedAt);
  const t1 = Math.max(...recent.map((i) => Date.parse(i.endedAt)), t0 + 1);
  const span = t1 - t0;
  const x = (t: number) => LABEL_W + ((t - t0) / span) * (W - LABEL_W - 20);
  const laneH = 26;
  const stripH = lanes.length * laneH + 28;
  const maxTotal = Math.max(...recent.map((i) => (i.initDurationMs ?? 0) + i.durationMs), 1);
  const barScale = (W - LABEL_W - 210) / maxTotal; // room on the right for the label
  const rowH = 22;
  const barsH = recent.length * rowH + 8;
  const summary = `${recent.length} recent invocations on ${lanes.length} execution ${lanes.length === 1 ? 'environment' : 'environments'}: ${cold.length} cold ${cold.length === 1 ? 'start' : 'starts'}${cold.length ? ` (init ${cold.map((c) => fmt(c.initDurationMs)).join(', ')})` : ''}, ${recent.length - cold.length} warm.`;

  return (
    <div className={styles.lambda}>
      <p className={styles.summary} data-lambda-summary>
        {summary}
      </p>
      <ul className={styles.legend} aria-hidden="true">
        <li>
          <svg width="14" height="14">
            <path d="M7 1 L13 7 L7 13 L1 7 Z" className={styles.coldMark} />
          </svg>{' '}
          cold start
        </li>
        <li>
          <svg width="14" height="14">
            <circle cx="7" cy="7" r="5" className={styles.warmMark} />
          </svg>{' '}
          warm start
        </li>
        <li>
          <svg width="22" height="12">
            <rect width="22" height="12" className={styles.initBar} />
          </svg>{' '}
          init
        </li>
        <li>
          <svg width="22" height="12">
            <rect width="22" height="12" className={styles.runBar} />
          </svg>{' '}
          run
        </li>
      </ul>
      <svg viewBox={`0 0 ${W} ${stripH}`} className={styles.chart} role="img" aria-label={`Timeline of execution environments. ${summary}`}>
        <defs>
          <pattern id={stripes} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" className={styles.initFill} />
            <rect width="3" height="6" className={styles.initStripe} />
          </pattern>
        </defs>
        {lanes.map((lane, li) => {
          const y = li * laneH + 4;
          const first = recent.find((i) => i.environmentId === lane)!;
          return (
            <g key={lane}>
              <text x={4} y={y + 15} className={styles.laneLabel}>
                {first.functionName} · env {short(lane)}
              </text>
              <line x1={LABEL_W} x2={W - 10} y1={y + 11} y2={y + 11} className={styles.lane} />
              {recent
                .filter((i) => i.environmentId === lane)
                .map((i) => {
                  const sx = x(Date.parse(i.startedAt));
                  const ex = Math.max(x(Date.parse(i.endedAt)), sx + 2);
                  return (
                    <g key={i.requestId}>
                      <rect x={sx} y={y + 7} width={ex - sx} height={8} className={styles.runBar} />
                      {i.cold ? (
                        <path d={`M${sx} ${y + 3} L${sx + 8} ${y + 11} L${sx} ${y + 19} L${sx - 8} ${y + 11} Z`} className={styles.coldMark} />
                      ) : (
                        <circle cx={sx} cy={y + 11} r={6} className={styles.warmMark} />
                      )}
                    </g>
                  );
                })}
            </g>
          );
        })}
        <text x={LABEL_W} y={stripH - 6} className={styles.axis}>
          {clock(recent[0].startedAt)}
        </text>
        <text x={W - 10} y={stripH - 6} className={styles.axis} textAnchor="end">
          {clock(new Date(t1).toISOString())} ({(span / 1000).toFixed(1)} s)
        </text>
      </svg>

      <svg viewBox={`0 0 ${W} ${barsH}`} className={styles.chart} role="img" aria-label="Duration of each recent invocation: init phase, then run.">
        {recent.map((i, k) => {
          const y = k * rowH + 4;
          const initW = (i.initDurationMs ?? 0) * barScale;
          const runW = Math.max(i.durationMs * barScale, 2);
          return (
            <g key={i.requestId} data-invocation={i.requestId} data-cold={i.cold ? 'true' : 'false'}>
              <text x={4} y={y + 13} className={styles.laneLabel}>
                {clock(i.startedAt)} {i.cold ? 'cold' : 'warm'}
                {i.status && i.status !== 'success' ? ` · ${i.status}` : ''}
              </text>
              {initW > 0 && <rect x={LABEL_W} y={y + 2} width={initW} height={14} fill={`url(#${stripes})`} className={styles.initOutline} />}
              <rect x={LABEL_W + initW} y={y + 2} width={runW} height={14} className={styles.runBar} />
              <text x={LABEL_W + initW + runW + 6} y={y + 13} className={styles.barText}>
                {i.cold ? `init ${fmt(i.initDurationMs)} + ` : ''}run {fmt(i.durationMs)}
              </text>
            </g>
          );
        })}
      </svg>

      <details className={styles.asTable}>
        <summary>Show as a table</summary>
        <InvocationTable rows={[...recent].reverse()} />
      </details>
    </div>
  );
}

function InvocationTable({rows}: {rows: Invocation[]}): ReactNode {
  return (
    <div className={styles.tableWrap}>
      <table>
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Function</th>
            <th scope="col">Environment</th>
            <th scope="col">Start</th>
            <th scope="col">Init</th>
            <th scope="col">Run</th>
            <th scope="col">Billed</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((i) => (
            <tr key={i.requestId}>
              <td>{clock(i.startedAt)}</td>
              <td>
                {i.functionName}
                {i.version && i.version !== '$LATEST' ? `:${i.version}` : ''}
              </td>
              <td>{short(i.environmentId)}</td>
              <td>{i.cold ? 'cold' : 'warm'}</td>
              <td>{i.cold ? fmt(i.initDurationMs) : '–'}</td>
              <td>{fmt(i.durationMs)}</td>
              <td>{i.billedDurationMs !== undefined ? `${i.billedDurationMs} ms` : '–'}</td>
              <td>{i.errorType ? `${i.status} (${i.errorType})` : i.status ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
