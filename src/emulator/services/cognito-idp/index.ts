import * as cognito from '@aws-sdk/client-cognito-identity-provider';
import { defineService } from '../../core/service.js';
import { pickOperations } from '../../core/operations.js';
import type { Operation } from '../../core/service.js';
import { initialCognitoIdpState, type CognitoIdpState } from './state.js';
import * as userPools from './userPools.js';
import * as userPoolClients from './userPoolClients.js';
import * as signUp from './signUp.js';
import * as adminUsers from './adminUsers.js';
import * as users from './users.js';
import * as listUsers from './listUsers.js';
import * as auth from './auth.js';
import * as mfa from './mfa.js';
import * as groups from './groups.js';
import * as domains from './domains.js';
import * as resourceServers from './resourceServers.js';
import * as identityProviders from './identityProviders.js';
import { WELL_KNOWN, wellKnown } from './wellKnown.js';
import { HOSTED_UI_PATH, isHostedUiHost, hostedUi } from './hostedUi/index.js';

/** IAM authorizes the administrative operations on the user pool they name, as AWS does (`userpool/<id>`). */
function onUserPools(ops: Record<string, Operation>): Record<string, Operation> {
  for (const [name, op] of Object.entries(ops)) {
    op.authorize ??= (input: { UserPoolId?: string; ResourceArn?: string }, ctx) => ({
      action: `cognito-idp:${name}`,
      resource: input.UserPoolId ? `arn:aws:cognito-idp:${ctx.region}:${ctx.accountId}:userpool/${input.UserPoolId}` : (input.ResourceArn ?? '*'),
    });
  }
  return ops;
}

/**
 * Cognito user pools: pools, app clients, users and groups; sign-up, sign-in (passwords, SRP,
 * TOTP, refresh), RS256 tokens with the pool's JWKS at its issuer URL; and the hosted UI with its
 * OAuth2 endpoints and stand-in Google and Facebook sign-in pages.
 */
export default defineService<CognitoIdpState>({
  id: 'cognito-idp',
  signingName: 'cognito-idp',
  protocol: 'awsJson1_1',
  sdk: cognito,
  targetPrefix: 'AWSCognitoIdentityProviderService',
  state: initialCognitoIdpState,
  validationErrorCode: 'InvalidParameterException',
  // What AWS accepts unsigned: the caller proves itself with a client id, a token or a session.
  anonymousOperations: [
    'SignUp',
    'ConfirmSignUp',
    'ResendConfirmationCode',
    'InitiateAuth',
    'RespondToAuthChallenge',
    'ForgotPassword',
    'ConfirmForgotPassword',
    'GetUser',
    'UpdateUserAttributes',
    'DeleteUser',
    'DeleteUserAttributes',
    'ChangePassword',
    'GlobalSignOut',
    'RevokeToken',
    'GetUserAttributeVerificationCode',
    'VerifyUserAttribute',
    'AssociateSoftwareToken',
    'VerifySoftwareToken',
    'SetUserMFAPreference',
  ],
  operations: onUserPools(pickOperations(userPools, userPoolClients, signUp, adminUsers, users, listUsers, auth, mfa, groups, domains, resourceServers, identityProviders)),
  routes: [
    { match: (req) => WELL_KNOWN.test(req.rawPath), handle: wellKnown },
    { match: (req) => req.rawPath.startsWith(HOSTED_UI_PATH) || isHostedUiHost(req.hostname), handle: hostedUi },
  ],
});
