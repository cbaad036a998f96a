import { AwsError } from '../../core/errors.js';

/**
 * Cognito answers every client error with HTTP 400, whatever status its API model gives the error
 * shape (the SDK's schema says 403 for NotAuthorizedException and 404 for ResourceNotFoundException).
 */
export const cognitoError = (code: string, message: string): AwsError => new AwsError(code, message, 400);
