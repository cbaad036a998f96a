import * as ssm from '@aws-sdk/client-ssm';
import { defineService } from '../../core/service.js';
import { pickOperations } from '../../core/operations.js';
import { initialSsmState, type SsmState } from './state.js';
import * as parameters from './parameters.js';

/** SSM Parameter Store: String, StringList and SecureString parameters with versions (and CloudFormation's SSM parameter types). */
export default defineService<SsmState>({
  id: 'ssm',
  signingName: 'ssm',
  protocol: 'awsJson1_1',
  sdk: ssm,
  targetPrefix: 'AmazonSSM',
  state: initialSsmState,
  operations: pickOperations(parameters),
});
