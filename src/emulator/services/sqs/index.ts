import * as sqs from '@aws-sdk/client-sqs';
import { defineService } from '../../core/service.js';
import { pickOperations } from '../../core/operations.js';
import { extraErrorSchemas } from './errors.js';
import { stopWaiting } from './messages.js';
import { initialSqsState, type SqsState } from './state.js';
import * as queues from './queues.js';
import * as attributes from './attributes.js';
import * as tags from './tags.js';
import * as permissions from './permissions.js';
import * as sendMessage from './sendMessage.js';
import * as receiveMessage from './receiveMessage.js';
import * as deleteMessage from './deleteMessage.js';
import * as changeMessageVisibility from './changeMessageVisibility.js';

/**
 * SQS: standard and FIFO queues, visibility timeouts, delays, long polling, dead-letter queues.
 * Current SDKs speak awsJson1.0 (errors carry the query code in x-amzn-query-error); older
 * clients, AWS CLI 2.9 among them, speak the query protocol, chosen when X-Amz-Target is absent.
 * Visibility and delays follow the emulator's clock; long polls wait in real time.
 */
export default defineService<SqsState>({
  id: 'sqs',
  signingName: 'sqs',
  protocol: 'awsJson1_0',
  targetPrefix: 'AmazonSQS',
  awsQueryCompatible: true,
  alternateProtocol: { protocol: 'awsQuery', when: (req) => !req.headers['x-amz-target'] },
  xmlNamespace: 'http://queue.amazonaws.com/doc/2012-11-05/',
  sdk: { ...sqs, ...extraErrorSchemas },
  state: initialSqsState,
  validationErrorCode: 'MissingParameter',
  // SQS answers both protocols with the query family's codes.
  authErrors: {
    unknownKey: { code: 'InvalidClientTokenId', status: 403 },
    badSignature: { code: 'SignatureDoesNotMatch', status: 403 },
    expiredToken: { code: 'ExpiredToken', status: 403 },
    accessDenied: { code: 'AccessDenied', status: 403 },
  },
  // Pending long polls answer at once when the emulator closes.
  stop: stopWaiting,
  operations: pickOperations(queues, attributes, tags, permissions, sendMessage, receiveMessage, deleteMessage, changeMessageVisibility),
});
