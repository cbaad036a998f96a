import { discoverLabs, loadLab } from '../../labkit/discover.js';
import { runCleanup } from '../../labkit/run.js';
import { workspaceOf } from '../../labkit/workspace.js';
import { colors } from '../format.js';
import { EXIT, confirm, withTarget, type TargetFlags } from './shared.js';

/**
 * `awslings cleanup`: every lab's cleanup on a target, so a real account (or LocalStack) is left as
 * it was. Each lab knows what it creates; this runs all of them (or the ones named), leaving files alone.
 */
export async function cleanupCommand(flags: TargetFlags & { labs?: string; yes?: boolean }): Promise<number> {
  const entries = flags.labs ? await Promise.all(flags.labs.split(',').map((id) => loadLab(id.trim()))) : await discoverLabs();
  const names = entries.map((e) => e.id).join(', ');
  if (!flags.yes && !(await confirm(`Delete the resources of ${names} on the ${flags.target ?? 'embedded'} target?`))) {
    console.log(process.stdin.isTTY ? 'Nothing was deleted.' : 'Not a terminal: add --yes to clean up without a question. Nothing was deleted.');
    return EXIT.usage;
  }
  return withTarget(flags, async ({ info }) => {
    let failed = 0;
    for (const e of entries) {
      try {
        await runCleanup(e.lab, info, workspaceOf(e.id));
        console.log(`${colors.green('✔')} ${e.id}`);
      } catch (err) {
        failed++;
        console.log(`${colors.red('✘')} ${e.id}: ${(err as Error).message}`);
      }
    }
    return failed ? EXIT.failed : EXIT.ok;
  });
}
