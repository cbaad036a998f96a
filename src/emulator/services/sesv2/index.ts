import * as sesv2 from '@aws-sdk/client-sesv2';
import { defineService } from '../../core/service.js';
import { pickOperations } from '../../core/operations.js';
import * as identities from './identities.js';
import * as sendEmail from './sendEmail.js';
import * as templates from './templates.js';
import * as account from './account.js';

/**
 * SES v2 (restJson1, paths under /v2/email/). It signs as `ses`, like v1, and shares v1's state:
 * identities, templates and sent mail are the same whichever API a learner uses.
 */
export default defineService<Record<string, never>>({
  id: 'sesv2',
  signingName: 'ses',
  protocol: 'restJson1',
  sdk: sesv2,
  state: () => ({}),
  // The shared state belongs to the ses service, which must be loaded first.
  start: async (emulator) => {
    await emulator.service('ses');
  },
  operations: pickOperations(identities, sendEmail, templates, account),
});
