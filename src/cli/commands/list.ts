import { discoverLabs } from '../../labkit/discover.js';
import { readProgress } from '../../labkit/progress.js';
import { colors, table } from '../format.js';

export async function listCommand(opts: { json?: boolean }): Promise<number> {
  const labs = await discoverLabs();
  const progress = readProgress();
  if (opts.json) {
    console.log(
      JSON.stringify(
        {
          schema: 'awslings/list@1',
          labs: labs.map((e) => ({
            id: e.id,
            title: e.lab.title,
            module: e.lab.module,
            minutes: e.lab.minutes,
            services: e.lab.services,
            maxScore: e.lab.checks.reduce((s, c) => s + c.points, 0),
            progress: progress.labs[e.id] ?? null,
          })),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  const rows = labs.map((e) => {
    const p = progress.labs[e.id];
    const max = e.lab.checks.reduce((s, c) => s + c.points, 0);
    const status = !p ? colors.dim('not started') : p.passed ? colors.green('passed') : colors.yellow('in progress');
    return [e.id, e.lab.title, `${e.lab.minutes} min`, status, p ? `${p.bestScore}/${max}` : `–/${max}`, String(p?.attempts ?? 0)];
  });
  console.log(table(rows, ['lab', 'title', 'time', 'status', 'best', 'attempts']));
  const done = labs.filter((e) => progress.labs[e.id]?.passed).length;
  console.log(`\n${done} of ${labs.length} labs passed. Start one with: npx awslings check <lab>   (or open the course: npm start)`);
  return 0;
}
