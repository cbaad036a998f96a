import { AwsError } from '../../core/errors.js';
import type { HttpRequest } from '../../core/http.js';

/**
 * Errors SQS returns that the SDK's model does not declare. On the JSON protocol AWS names them
 * `InvalidParameterValueException` and `MissingRequiredParameterException`, and their query codes
 * (`InvalidParameterValue`, `MissingParameter`) travel in the x-amzn-query-error header. Declared
 * here in the SDK's own schema form, they let the shared codecs write both wire shapes.
 */
const n0 = 'com.amazonaws.sqs';
export const extraErrorSchemas = {
  InvalidParameterValueException$: [-3, n0, 'InvalidParameterValueException', { awsQueryError: ['InvalidParameterValue', 400], error: 'client', httpError: 400 }, ['message'], [0]],
  MissingRequiredParameterException$: [-3, n0, 'MissingRequiredParameterException', { awsQueryError: ['MissingParameter', 400], error: 'client', httpError: 400 }, ['message'], [0]],
};

export const invalidParameterValue = (message: string) => new AwsError('InvalidParameterValue', message, 400);
export const missingParameter = (name: string) => new AwsError('MissingParameter', `The request must contain the parameter ${name}.`, 400);
export const invalidValue = (value: unknown, parameter: string, reason: string) =>
  invalidParameterValue(`Value ${String(value)} for parameter ${parameter} is invalid. Reason: ${reason}`);

/** AWS words this one differently on its older query protocol (requests with no X-Amz-Target). */
export const queueDoesNotExist = (ctx?: { http?: HttpRequest }) =>
  new AwsError(
    'QueueDoesNotExist',
    `The specified queue does not exist${ctx?.http && !ctx.http.headers['x-amz-target'] ? ' for this wsdl version' : ''}.`,
    400,
  );
export const unknownAttribute = (name: string) => new AwsError('InvalidAttributeName', `Unknown Attribute ${name}.`, 400);
export const invalidAttributeValue = (name: string, reason?: string) =>
  new AwsError('InvalidAttributeValue', `Invalid value for the parameter ${name}.${reason ? ` Reason: ${reason}` : ''}`, 400);
export const invalidReceiptHandle = (handle: string) =>
  new AwsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`, 404);
