import { loadLab } from '../../labkit/discover.js';
import { readProgress, recordAttempt } from '../../labkit/progress.js';
import { ensureWorkspace } from '../../labkit/workspace.js';
import { runLab } from '../../labkit/run.js';
import { colors } from '../format.js';
import { EXIT, withTarget, type TargetFlags } from './shared.js';

/** The hint for the first check that does not pass: from the last attempt, or from a fresh run of the checks. */
export async function hintCommand(labId: string, flags: TargetFlags): Promise<number> {
  const entry = await loadLab(labId);
  let last = readProgress().labs[labId]?.lastChecks;
  if (!last) {
    const { dir } = ensureWorkspace(entry);
    const result = await withTarget(flags, ({ info }) => runLab(entry.lab, info, dir, { deploy: false }));
    recordAttempt(result);
    last = result.checks.map((c) => ({ id: c.id, status: c.status }));
  }
  const failing = last.find((c) => c.status === 'fail' || c.status === 'timeout');
  if (!failing) {
    const errored = last.find((c) => c.status === 'error');
    if (errored) {
      console.log(`The check "${errored.id}" could not run (an error in the checker or the sandbox, not in your work). Run it again: npx awslings check ${labId}`);
      return EXIT.failed;
    }
    console.log(colors.green(`Every check of ${labId} passed at your last attempt. Nothing to hint at.`));
    return EXIT.ok;
  }
  const check = entry.lab.checks.find((c) => c.id === failing.id)!;
  console.log(`${colors.bold(check.title)}\n${colors.cyan('hint:')} ${check.hint}`);
  return EXIT.ok;
}
