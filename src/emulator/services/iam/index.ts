import * as iam from '@aws-sdk/client-iam';
import { defineService } from '../../core/service.js';
import { initialIamState, type IamState } from './state.js';
import * as users from './users.js';
import * as groups from './groups.js';
import * as roles from './roles.js';
import * as managedPolicies from './managedPolicies.js';
import * as entityPolicies from './entityPolicies.js';
import * as accessKeys from './accessKeys.js';
import * as instanceProfiles from './instanceProfiles.js';
import * as account from './account.js';
import * as simulate from './simulate.js';
import { pickOperations } from '../../core/operations.js';

/** IAM: users, groups, roles, policies and access keys, one state per account (IAM is global). */
export default defineService<IamState>({
  id: 'iam',
  signingName: 'iam',
  protocol: 'awsQuery',
  sdk: iam,
  xmlNamespace: 'https://iam.amazonaws.com/doc/2010-05-08/',
  global: true,
  state: initialIamState,
  operations: pickOperations(users, groups, roles, managedPolicies, entityPolicies, accessKeys, instanceProfiles, account, simulate),
});
