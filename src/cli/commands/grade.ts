import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { grade, writeReports } from '../../grader/index.js';
import { colors, table } from '../format.js';
import { EXIT, UsageError } from './shared.js';

export async function gradeCommand(dir: string, flags: { labs?: string; out?: string; jobs?: string; port?: string; timeout?: string }): Promise<number> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`No such folder: ${dir}. Name the folder that holds one folder per submission.`);
  const jobs = Number(flags.jobs ?? 2);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError('--jobs must be a whole number of at least 1');
  if (flags.timeout !== undefined && !(Number(flags.timeout) > 0)) throw new UsageError('--timeout must be a number of seconds above 0');
  const tty = !!process.stderr.isTTY;
  let lastLine = '';
  const report = await grade({
    dir,
    labs: flags.labs?.split(',').map((s) => s.trim()).filter(Boolean),
    jobs,
    deployTimeoutMs: flags.timeout ? Number(flags.timeout) * 1000 : undefined,
    port: flags.port ? Number(flags.port) : 0,
    onProgress: ({ done, total, current }) => {
      if (!tty) return;
      const width = 24;
      const filled = total ? Math.round((done / total) * width) : 0;
      const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${current ?? ''}`;
      process.stderr.write(`\r${line.padEnd(lastLine.length)}`);
      lastLine = line;
    },
  });
  if (tty) process.stderr.write('\n');
  const out = resolve(flags.out ?? 'grades');
  const files = writeReports(report, out);
  const rows = report.submissions.map((s) => [s.name, ...report.labs.map((l) => String(s.labs[l.id]?.score ?? 0)), `${s.total}/${s.maxTotal}`]);
  console.log(table(rows, ['submission', ...report.labs.map((l) => l.id), 'total']));
  console.log(`\nGraded ${report.submissions.length} submissions in ${(report.durationMs / 1000).toFixed(1)} s. Reports:`);
  for (const f of files) console.log(`  ${colors.cyan(f)}`);
  return EXIT.ok;
}
