import * as cloudformation from '@aws-sdk/client-cloudformation';
import { defineService } from '../../core/service.js';
import { pickOperations } from '../../core/operations.js';
import type { Emulator } from '../../emulator.js';
import { cfnState, initialCfnState, type CloudFormationState } from './state.js';
import * as stacks from './stacks.js';
import * as changeSets from './changeSets.js';
import * as exportsOps from './exports.js';
import { recover } from './engine/run.js';

/** Picks up stacks a restart caught mid-operation, so each reaches a final, consistent status. */
function resumeInterrupted(emulator: Emulator): void {
  for (const accountId of emulator.store.accounts()) {
    for (const region of emulator.store.regions('cloudformation', accountId)) {
      const state = cfnState(emulator, accountId, region);
      for (const stack of Object.values(state.stacks)) {
        if (stack.StackStatus.endsWith('_IN_PROGRESS') && stack.StackStatus !== 'REVIEW_IN_PROGRESS') recover({ emulator, accountId, region }, stack);
      }
    }
  }
}

/**
 * CloudFormation: stacks from JSON or YAML templates (and SAM), change sets, exports. Operations
 * run in the background, resource by resource, through the other services' own operations.
 */
export default defineService<CloudFormationState>({
  id: 'cloudformation',
  signingName: 'cloudformation',
  protocol: 'awsQuery',
  sdk: cloudformation,
  xmlNamespace: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
  state: initialCfnState,
  operations: pickOperations(stacks, changeSets, exportsOps),
  // Before the first request is served: only stacks left over from a previous run are resumed.
  start: (emulator) => resumeInterrupted(emulator),
});
