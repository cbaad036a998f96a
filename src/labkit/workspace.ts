import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { WORKSPACE_DIR } from '../common/paths.js';
import { copyTree } from '../common/fs.js';
import type { LabEntry } from './discover.js';

export const workspaceOf = (id: string, root = WORKSPACE_DIR): string => join(root, id);

/** The learner's copy of a lab: made from starter/ on first use, and left alone afterwards. */
export function ensureWorkspace(entry: LabEntry, root = WORKSPACE_DIR): { dir: string; created: boolean } {
  const dir = workspaceOf(entry.id, root);
  if (existsSync(dir)) return { dir, created: false };
  copyTree(entry.starterDir, dir);
  return { dir, created: true };
}

/** Restores the starting files (not a saved copy), dropping whatever the learner changed. */
export function resetWorkspace(entry: LabEntry, root = WORKSPACE_DIR): string {
  const dir = workspaceOf(entry.id, root);
  // Empty the folder rather than remove it: a shell open in it (the page's terminal) stays in it.
  if (existsSync(dir)) for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });
  copyTree(entry.starterDir, dir);
  return dir;
}

/** Files of a folder, relative, skipping build output. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === 'node_modules' || name === '.awslings-build') continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

/** The solution's files with their content, for `awslings solution`. */
export function solutionFiles(entry: LabEntry): { path: string; content: string }[] {
  return listFiles(entry.solutionDir).map((path) => ({ path, content: readFileSync(join(entry.solutionDir, path), 'utf8') }));
}
