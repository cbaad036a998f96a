import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The course's root folder: where package.json, labs/ and workspace/ live. */
export const PROJECT_ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'docusaurus.config.ts'))) return dir;
    dir = dirname(dir);
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
})();

const fromEnv = (name: string, fallback: string) => (process.env[name] ? resolve(process.env[name]!) : fallback);

/** Where labs are discovered (AWSLINGS_LABS_DIR overrides it, for tests and lab authors). */
export const LABS_DIR = fromEnv('AWSLINGS_LABS_DIR', join(PROJECT_ROOT, 'labs'));
/** The learner's copies of the labs. Deploy scripts run here, so it must be inside the course folder. */
export const WORKSPACE_DIR = fromEnv('AWSLINGS_WORKSPACE_DIR', join(PROJECT_ROOT, 'workspace'));
/** Progress, emulator state and caches (AWSLINGS_STATE_DIR overrides the first two). */
export const STATE_DIR = fromEnv('AWSLINGS_STATE_DIR', join(PROJECT_ROOT, '.awslings'));
export const PROGRESS_FILE = join(STATE_DIR, 'progress.json');
export const EMULATOR_STATE_DIR = join(STATE_DIR, 'state');
/** Bundled labs live under the course folder, so that `awslings/labkit` resolves from them. */
export const CACHE_DIR = join(PROJECT_ROOT, '.awslings', 'cache');
/** Temporary copies of submissions being graded: inside the course folder, for the same reason. */
export const GRADING_DIR = join(PROJECT_ROOT, '.awslings', 'grading');
