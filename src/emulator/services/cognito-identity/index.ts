import * as identity from '@aws-sdk/client-cognito-identity';
import { defineService } from '../../core/service.js';
import { pickOperations } from '../../core/operations.js';
import type { Operation } from '../../core/service.js';
import { initialCognitoIdentityState, type CognitoIdentityState } from './state.js';
import * as identityPools from './identityPools.js';
import * as identities from './identities.js';
import { registerWithSts } from './openIdToken.js';

/** IAM authorizes the administrative operations on the identity pool they name (`identitypool/<id>`). */
function onIdentityPools(ops: Record<string, Operation>): Record<string, Operation> {
  for (const [name, op] of Object.entries(ops)) {
    op.authorize ??= (input: { IdentityPoolId?: string; ResourceArn?: string }, ctx) => ({
      action: `cognito-identity:${name}`,
      resource: input.IdentityPoolId ? `arn:aws:cognito-identity:${ctx.region}:${ctx.accountId}:identitypool/${input.IdentityPoolId}` : (input.ResourceArn ?? '*'),
    });
  }
  return ops;
}

/**
 * Cognito identity pools: identities for signed-in users (user pool ID tokens, OpenID Connect
 * providers, developer-authenticated users) and guests, and AWS credentials for them, through the
 * pool's roles, their trust policies and role mappings, enforced on every later call.
 */
export default defineService<CognitoIdentityState>({
  id: 'cognito-identity',
  signingName: 'cognito-identity',
  protocol: 'awsJson1_1',
  sdk: identity,
  targetPrefix: 'AWSCognitoIdentityService',
  state: initialCognitoIdentityState,
  // An app without AWS credentials gets them here: these calls go unsigned, the logins are the proof.
  anonymousOperations: ['GetId', 'GetCredentialsForIdentity', 'GetOpenIdToken', 'UnlinkIdentity'],
  operations: onIdentityPools(pickOperations(identityPools, identities)),
  start: (emulator) => registerWithSts(emulator),
});
