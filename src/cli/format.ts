import pc from 'picocolors';
import type { CheckResult, LabResult } from '../labkit/types.js';

/** Colour only when writing to a terminal (and NO_COLOR is not set). */
export const colors = pc.createColors(!!process.stdout.isTTY && !process.env.NO_COLOR && process.env.TERM !== 'dumb');

const ICON: Record<CheckResult['status'], string> = { pass: '✔', fail: '✘', error: '!', timeout: '⏱', skipped: '–' };
const LABEL: Record<CheckResult['status'], string> = { pass: 'pass', fail: 'FAIL', error: 'ERROR', timeout: 'TIMEOUT', skipped: 'skipped' };

export function statusColor(s: CheckResult['status']): (t: string) => string {
  return s === 'pass' ? colors.green : s === 'fail' ? colors.red : s === 'error' ? colors.magenta : s === 'timeout' ? colors.yellow : colors.dim;
}

const indent = (text: string, pad = '      ') => text.replace(/\n$/, '').split('\n').map((l) => pad + l).join('\n');

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v, null, 2));

export function formatCheck(c: CheckResult): string {
  const color = statusColor(c.status);
  const lines = [`  ${color(`${ICON[c.status]} ${LABEL[c.status]}`)}  ${c.title} ${colors.dim(`(${c.points}/${c.maxPoints})`)}`];
  if (c.status !== 'pass' && c.message) lines.push(indent(c.message));
  if (c.expected !== undefined) lines.push(indent(`expected: ${show(c.expected)}`));
  if (c.found !== undefined) lines.push(indent(`found:    ${show(c.found)}`));
  if (c.status !== 'pass' && c.output) lines.push(indent(colors.dim('output:')) + '\n' + indent(colors.dim(c.output.trimEnd()), '        '));
  if (c.hint) lines.push(indent(`${colors.cyan('hint:')} ${c.hint}`));
  return lines.join('\n');
}

export function formatResult(r: LabResult): string {
  const lines: string[] = [];
  if (r.deploy && r.deploy.status !== 'ok') {
    lines.push(colors.red(`  Deploy ${r.deploy.status === 'timeout' ? 'timed out' : 'failed'}:`));
    lines.push(indent(r.deploy.output.trimEnd() || '(no output)'));
  }
  const score = `${r.score}/${r.maxScore}`;
  lines.push(`\n  ${r.passed ? colors.green(`All checks pass: ${score} points.`) : `Score: ${colors.bold(score)} points.`}`);
  return lines.join('\n');
}

export function table(rows: string[][], header: string[]): string {
  // eslint-disable-next-line no-control-regex -- strips the terminal's colour codes to measure width
  const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
  const widths = header.map((h, i) => Math.max(plain(h).length, ...rows.map((r) => plain(r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c + ' '.repeat(widths[i] - plain(c).length)).join('  ').trimEnd();
  return [colors.bold(line(header)), ...rows.map(line)].join('\n');
}
