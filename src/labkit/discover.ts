import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { CACHE_DIR, LABS_DIR } from '../common/paths.js';
import type { LabDefinition } from './types.js';

export interface LabEntry {
  id: string;
  dir: string;
  lab: LabDefinition;
  starterDir: string;
  solutionDir: string;
  /** The task statement (README.md of the lab), if any. */
  readme?: string;
}

export class LabError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabError';
  }
}

/** Lab folders: every folder of labs/ with a lab.ts. Adding a lab is adding its folder. */
export function labIds(labsDir = LABS_DIR): string[] {
  if (!existsSync(labsDir)) return [];
  return readdirSync(labsDir)
    .filter((d) => existsSync(join(labsDir, d, 'lab.ts')))
    .sort();
}

/** The lab module's own files (not the learner's starter or solution), for the cache key. */
function labSources(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.(ts|mts|js|mjs|json)$/.test(f))
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

const loaded = new Map<string, Promise<LabEntry>>();

/**
 * Loads labs/<id>/lab.ts: bundled with esbuild into .awslings/cache (keyed by its content) and
 * imported. Packages stay external, so `awslings/labkit` resolves to the course's own labkit.
 */
export function loadLab(id: string, labsDir = LABS_DIR): Promise<LabEntry> {
  const key = `${labsDir}\n${id}`;
  let p = loaded.get(key);
  if (!p) {
    p = doLoad(id, labsDir);
    loaded.set(key, p);
    p.catch(() => loaded.delete(key));
  }
  return p;
}

async function doLoad(id: string, labsDir: string): Promise<LabEntry> {
  const dir = join(labsDir, id);
  const file = join(dir, 'lab.ts');
  if (!existsSync(file)) {
    const known = labIds(labsDir);
    throw new LabError(`There is no lab "${id}". Labs: ${known.join(', ') || '(none)'}`);
  }
  const hash = createHash('sha256');
  for (const f of labSources(dir)) hash.update(f).update(readFileSync(f));
  const out = join(CACHE_DIR, 'labs', `${id}-${hash.digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(out)) {
    mkdirSync(join(CACHE_DIR, 'labs'), { recursive: true });
    try {
      await build({ entryPoints: [file], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'silent', sourcemap: 'inline' });
    } catch (e) {
      throw new LabError(`labs/${id}/lab.ts does not compile: ${(e as Error).message}`);
    }
  }
  const mod = (await import(pathToFileURL(out).href)) as { default?: LabDefinition };
  const lab = mod.default;
  validateLab(lab, id);
  const readme = join(dir, 'README.md');
  return {
    id,
    dir,
    lab: lab!,
    starterDir: join(dir, 'starter'),
    solutionDir: join(dir, 'solution'),
    readme: existsSync(readme) ? readFileSync(readme, 'utf8') : undefined,
  };
}

export function validateLab(lab: LabDefinition | undefined, id: string): asserts lab is LabDefinition {
  const where = `labs/${id}/lab.ts`;
  if (!lab || typeof lab !== 'object') throw new LabError(`${where} must export default defineLab({...})`);
  if (lab.id !== id) throw new LabError(`${where} declares id "${lab.id}", but its folder is "${id}"`);
  if (!lab.title || !lab.module || !Array.isArray(lab.objectives) || !lab.objectives.length) {
    throw new LabError(`${where} needs a title, a module and objectives`);
  }
  if (!Array.isArray(lab.checks) || lab.checks.length === 0) throw new LabError(`${where} has no checks`);
  const seen = new Set<string>();
  for (const c of lab.checks) {
    if (!c.id || seen.has(c.id)) throw new LabError(`${where}: check ids must be present and unique (${c.id})`);
    seen.add(c.id);
    if (!(c.points >= 0) || !c.hint || typeof c.run !== 'function') throw new LabError(`${where}: check ${c.id} needs points, a hint and run()`);
  }
}

export async function discoverLabs(labsDir = LABS_DIR): Promise<LabEntry[]> {
  const labs = await Promise.all(labIds(labsDir).map((id) => loadLab(id, labsDir)));
  return labs.sort((a, b) => a.lab.module.localeCompare(b.lab.module) || a.id.localeCompare(b.id));
}
