import { discoverLabs, loadLab, type LabEntry } from '../../labkit/discover.js';
import { ensureWorkspace } from '../../labkit/workspace.js';
import { runLab, round } from '../../labkit/run.js';
import { recordAttempt } from '../../labkit/progress.js';
import type { LabResult } from '../../labkit/types.js';
import { colors, formatCheck, formatResult } from '../format.js';
import { EXIT, UsageError, withTarget, type TargetFlags } from './shared.js';

export interface CheckFlags extends TargetFlags {
  deploy?: boolean;
  json?: boolean;
  all?: boolean;
  only?: string;
}

export async function checkCommand(labId: string | undefined, flags: CheckFlags): Promise<number> {
  if (!labId && !flags.all) throw new UsageError('Name a lab (npx awslings check <lab>) or use --all.');
  const entries: LabEntry[] = flags.all ? await discoverLabs() : [await loadLab(labId!)];
  const results = await withTarget(flags, async ({ info }) => {
    const out: LabResult[] = [];
    for (const entry of entries) {
      const { dir } = ensureWorkspace(entry);
      if (!flags.json) console.log(`\n${colors.bold(entry.lab.title)} ${colors.dim(`(${entry.id}, target ${info.name})`)}`);
      const result = await runLab(entry.lab, info, dir, {
        deploy: !!flags.deploy,
        only: flags.only?.split(',').filter(Boolean),
        onDeployOutput: flags.json ? undefined : (c) => process.stdout.write(colors.dim(c)),
        onResult: flags.json ? undefined : (r) => console.log(formatCheck(r)),
      });
      if (!flags.json) console.log(formatResult(result));
      // A partial run (--only) says nothing about the whole lab: progress keeps whole runs only.
      if (!flags.only) recordAttempt(result);
      out.push(result);
    }
    return out;
  });
  const passed = results.every((r) => r.passed);
  if (flags.json) {
    const body = flags.all
      ? {
          schema: 'awslings/check-all@1',
          score: round(results.reduce((s, r) => s + r.score, 0)),
          maxScore: round(results.reduce((s, r) => s + r.maxScore, 0)),
          passed,
          labs: results,
        }
      : results[0];
    console.log(JSON.stringify(body, null, 2));
  } else if (!passed && !flags.all) {
    console.log(colors.dim(`  Fix what failed, then run it again: npx awslings check ${labId}${flags.deploy ? ' --deploy' : ''}`));
  }
  return passed ? EXIT.ok : EXIT.failed;
}
