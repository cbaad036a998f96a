/**
 * The labkit: what labs, checkers, deploy scripts and the awslings commands import.
 * A lab is `labs/<id>/lab.ts` exporting `defineLab({...})`; see labs/README.md.
 */
import type { LabDefinition } from './types.js';

/** Declares a lab. The identity function, there for the types. */
export function defineLab(lab: LabDefinition): LabDefinition {
  return lab;
}

export type * from './types.js';
export { bundleHandler, zipHandler, zipFiles, BundleError } from './bundle.js';
export { waitForFunctionActive, decodePayload, encodePayload, eventually, deleteRoleCompletely, deleteUserCompletely, deleteGroupCompletely } from './helpers.js';
export { assert, CheckFailure, classify, runChecks, runCleanup, runDeploy, runLab, round } from './run.js';
export { discoverLabs, loadLab, labIds, LabError, type LabEntry } from './discover.js';
export { ensureWorkspace, resetWorkspace, workspaceOf, listFiles, solutionFiles } from './workspace.js';
export { readProgress, writeProgress, recordAttempt, markSolutionViewed, type Progress, type LabProgress } from './progress.js';
export { resolveTarget, clientConfig, targetEnv, missingServices, rootCredentials, localEndpoint, TargetError, DEFAULT_PORT, type ResolvedTarget, type TargetOptions } from './target.js';
export { runScript, OutputBuffer } from './script.js';
