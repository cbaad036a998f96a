import { AwsError, isAwsError } from '../../core/errors.js';

// SES v2 names the v1 errors its own way.
const V2_CODES: Record<string, string> = {
  InvalidParameterValue: 'BadRequestException',
  ConfigurationSetDoesNotExist: 'NotFoundException',
  Throttling: 'LimitExceededException',
};

/** Runs shared SES code and gives its errors SES v2's codes. */
export function v2Errors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isAwsError(e) && V2_CODES[e.code]) throw new AwsError(V2_CODES[e.code], e.message, 400);
    throw e;
  }
}

export const badRequest = (message: string) => new AwsError('BadRequestException', message, 400);
export const notFound = (message: string) => new AwsError('NotFoundException', message, 404);
