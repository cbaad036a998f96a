import * as ses from '@aws-sdk/client-ses';
import { defineService } from '../../core/service.js';
import { pickOperations } from '../../core/operations.js';
import { initialSesState, type SesState } from './state.js';
import * as identities from './identities.js';
import * as sendEmail from './sendEmail.js';
import * as quota from './quota.js';
import { sentMailRoute } from './sentMail.js';

/**
 * SES v1 (awsQuery). The account is in the sandbox, as a new AWS account is: mail must come from a
 * verified identity, and identities are verified the moment they are added (there is no inbox or
 * DNS to confirm them). Sent mail is kept, readable at `GET /_aws/ses` (LocalStack's shape) and in
 * the emulator's outbox. SES v2 (`sesv2`) shares this state.
 */
export default defineService<SesState>({
  id: 'ses',
  signingName: 'ses',
  protocol: 'awsQuery',
  sdk: ses,
  xmlNamespace: 'http://ses.amazonaws.com/doc/2010-12-01/',
  state: initialSesState,
  routes: [sentMailRoute],
  operations: pickOperations(identities, sendEmail, quota),
});
