import { loadLab } from '../../labkit/discover.js';
import { ensureWorkspace } from '../../labkit/workspace.js';
import { runDeploy } from '../../labkit/run.js';
import { colors } from '../format.js';
import { EXIT, withTarget, type TargetFlags } from './shared.js';

export async function deployCommand(labId: string, flags: TargetFlags): Promise<number> {
  const entry = await loadLab(labId);
  const { dir, created } = ensureWorkspace(entry);
  if (created) console.log(colors.dim(`Made your copy of the lab in ${dir}`));
  return withTarget(flags, async ({ info }) => {
    console.log(colors.bold(`Deploying ${entry.id} to ${info.name}${info.endpoint ? ` (${info.endpoint})` : ''}`));
    const r = await runDeploy(entry.lab, info, dir, (c) => process.stdout.write(c));
    if (r.status === 'ok') {
      console.log(colors.green(`Deployed in ${(r.durationMs / 1000).toFixed(1)} s. Now: npx awslings check ${labId}`));
      return EXIT.ok;
    }
    if (r.status === 'failed' && r.exitCode === null) console.log(r.output);
    console.log(colors.red(r.status === 'timeout' ? 'The deploy step timed out.' : `The deploy step failed${r.exitCode !== null ? ` (exit code ${r.exitCode})` : ''}.`));
    return EXIT.failed;
  });
}
