import * as logs from '@aws-sdk/client-cloudwatch-logs';
import { defineService } from '../../core/service.js';
import { pickOperations } from '../../core/operations.js';
import { initialLogsState, type LogsState } from './state.js';
import * as logGroups from './logGroups.js';
import * as retention from './retention.js';
import * as logStreams from './logStreams.js';
import * as putLogEvents from './putLogEvents.js';
import * as getLogEvents from './getLogEvents.js';
import * as filterLogEvents from './filterLogEvents.js';
import * as tags from './tags.js';

/**
 * CloudWatch Logs: log groups and streams, events with retention applied, GetLogEvents tokens and
 * FilterLogEvents patterns as AWS has them. Lambda writes its functions' output here in-process.
 */
export default defineService<LogsState>({
  id: 'logs',
  signingName: 'logs',
  protocol: 'awsJson1_1',
  targetPrefix: 'Logs_20140328',
  sdk: logs,
  state: initialLogsState,
  // CloudWatch Logs reports malformed requests as InvalidParameterException.
  validationErrorCode: 'InvalidParameterException',
  operations: pickOperations(logGroups, retention, logStreams, putLogEvents, getLogEvents, filterLogEvents, tags),
});
