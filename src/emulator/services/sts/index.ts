import * as sts from '@aws-sdk/client-sts';
import { defineService } from '../../core/service.js';
import { pickOperations } from '../../core/operations.js';
import { initialStsState, type StsState } from './state.js';
import * as identity from './getCallerIdentity.js';
import * as assumeRole from './assumeRole.js';
import * as webIdentity from './assumeRoleWithWebIdentity.js';
import * as sessionToken from './getSessionToken.js';

/** STS: who am I, and temporary credentials (role sessions, session tokens, web identity). */
export default defineService<StsState>({
  id: 'sts',
  signingName: 'sts',
  protocol: 'awsQuery',
  sdk: sts,
  xmlNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
  global: true,
  state: initialStsState,
  anonymousOperations: ['AssumeRoleWithWebIdentity'],
  operations: pickOperations(identity, assumeRole, webIdentity, sessionToken),
});
