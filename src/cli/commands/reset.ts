import { loadLab } from '../../labkit/discover.js';
import { resetWorkspace, workspaceOf } from '../../labkit/workspace.js';
import { runCleanup } from '../../labkit/run.js';
import { colors } from '../format.js';
import { EXIT, confirm, withTarget, type TargetFlags } from './shared.js';

export async function resetCommand(labId: string, flags: TargetFlags & { yes?: boolean }): Promise<number> {
  const entry = await loadLab(labId);
  const dir = workspaceOf(entry.id);
  if (!flags.yes) {
    const ok = await confirm(
      `Reset ${labId}? This puts back the starting files in ${dir} (your changes are lost) and deletes the lab's resources from the sandbox.`,
    );
    if (!ok) {
      console.log(process.stdin.isTTY ? 'Nothing was changed.' : 'Not a terminal: add --yes to reset without a question. Nothing was changed.');
      return EXIT.usage;
    }
  }
  if (entry.lab.cleanup) {
    await withTarget(flags, async ({ info }) => {
      await runCleanup(entry.lab, info, dir);
      console.log(colors.dim(`Deleted ${labId}'s resources on ${info.name}.`));
    });
  }
  resetWorkspace(entry);
  console.log(colors.green(`${labId} is back to its starting files in ${dir}.`));
  return EXIT.ok;
}
