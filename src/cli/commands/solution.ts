import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadLab } from '../../labkit/discover.js';
import { markSolutionViewed, readProgress } from '../../labkit/progress.js';
import { solutionFiles, workspaceOf } from '../../labkit/workspace.js';
import { colors } from '../format.js';
import { EXIT, confirm } from './shared.js';

/** The reference solution, once the learner has tried (or with --force). --apply copies it into the workspace. */
export async function solutionCommand(labId: string, flags: { force?: boolean; apply?: boolean; yes?: boolean }): Promise<number> {
  const entry = await loadLab(labId);
  const attempts = readProgress().labs[labId]?.attempts ?? 0;
  if (!attempts && !flags.force) {
    console.log(
      `Try ${labId} first: the solution opens after your first check (npx awslings check ${labId}).\n` +
        `Stuck already? npx awslings hint ${labId}. To see it anyway: npx awslings solution ${labId} --force`,
    );
    return EXIT.usage;
  }
  const files = solutionFiles(entry);
  for (const f of files) {
    console.log(colors.bold(`\n── ${f.path} ──`));
    console.log(f.content.trimEnd());
  }
  markSolutionViewed(labId);
  if (flags.apply) {
    const dir = workspaceOf(labId);
    if (!flags.yes && !(await confirm(`Copy the solution over your files in ${dir}?`))) {
      console.log('Nothing was copied.');
      return EXIT.ok;
    }
    for (const f of files) {
      const to = join(dir, f.path);
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, f.content);
    }
    console.log(colors.green(`\nCopied the solution into ${dir}.`));
  }
  return EXIT.ok;
}
