import { discoverLabs, loadLab } from '../../labkit/discover.js';
import { runCleanup } from '../../labkit/run.js';
import { sweepTagged, type SweptResource } from '../../labkit/sweep.js';
import { LAB_TAG_KEY } from '../../labkit/tags.js';
import { workspaceOf } from '../../labkit/workspace.js';
import { colors } from '../format.js';
import { EXIT, confirm, withTarget, type TargetFlags } from './shared.js';

const describe = (r: SweptResource) => `${r.kind} ${r.id} (${LAB_TAG_KEY}=${r.lab})`;
const onUnlisted = (kind: string, reason: string) => console.log(colors.dim(`– ${kind}s could not be listed, so none were swept: ${reason}`));

/**
 * `awslings cleanup`: leaves a target (a real account above all) as it was. First every lab's own
 * cleanup, which knows the names it uses; then a sweep of whatever still carries the tag
 * `awslings:lab` (on a real account, everything the labs create is tagged so). Files stay.
 */
export async function cleanupCommand(flags: TargetFlags & { labs?: string; yes?: boolean; dryRun?: boolean }): Promise<number> {
  const entries = flags.labs ? await Promise.all(flags.labs.split(',').map((id) => loadLab(id.trim()))) : await discoverLabs();
  const labs = flags.labs ? entries.map((e) => e.id) : undefined;
  const where = `the ${flags.target ?? 'embedded'} target`;

  if (flags.dryRun) {
    return withTarget(flags, async ({ info }) => {
      const found = await sweepTagged(info, { labs, dryRun: true, onUnlisted });
      for (const r of found) console.log(describe(r));
      console.log(found.length ? `${found.length} tagged resource${found.length === 1 ? '' : 's'} on ${where}. Nothing was deleted.` : `Nothing tagged ${LAB_TAG_KEY} on ${where}.`);
      return EXIT.ok;
    });
  }

  const names = entries.map((e) => e.id).join(', ');
  if (!flags.yes && !(await confirm(`Delete the resources of ${names}, and whatever is tagged ${LAB_TAG_KEY}, on ${where}?`))) {
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
    const swept = await sweepTagged(info, {
      labs,
      onUnlisted,
      onResult: (r) => {
        if (r.outcome === 'failed') console.log(`${colors.red('✘')} ${describe(r)}: ${r.reason}`);
        else console.log(`${colors.green('✔')} ${describe(r)}: ${r.outcome === 'deleting' ? 'deletion started' : 'deleted'}`);
      },
    });
    const stuck = swept.filter((r) => r.outcome === 'failed').length;
    if (stuck) console.log(`${stuck} tagged resource${stuck === 1 ? '' : 's'} could not be deleted yet (often one still in use while another shuts down): run awslings cleanup again in a minute.`);
    return failed || stuck ? EXIT.failed : EXIT.ok;
  });
}
