import type { HttpResponse } from '../../../core/http.js';

/**
 * The answers API Gateway itself gives (its "gateway responses"), with AWS's status codes, bodies
 * and x-amzn-ErrorType headers. REST APIs and HTTP APIs word some of them differently.
 */
export function gatewayResponse(status: number, body: Record<string, unknown>, errorType?: string, headers: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...(errorType ? { 'x-amzn-errortype': errorType } : {}), ...headers },
    body: JSON.stringify(body),
  };
}

export const rest = {
  missingAuthenticationToken: () => gatewayResponse(403, { message: 'Missing Authentication Token' }, 'MissingAuthenticationTokenException'),
  forbidden: () => gatewayResponse(403, { message: 'Forbidden' }, 'ForbiddenException'),
  unauthorized: () => gatewayResponse(401, { message: 'Unauthorized' }, 'UnauthorizedException'),
  accessDenied: () => gatewayResponse(403, { Message: 'User is not authorized to access this resource' }, 'AccessDeniedException'),
  explicitDeny: () => gatewayResponse(403, { Message: 'User is not authorized to access this resource with an explicit deny' }, 'AccessDeniedException'),
  authorizerFailure: () => gatewayResponse(500, { message: null }, 'AuthorizerConfigurationException'),
  throttled: () => gatewayResponse(429, { message: 'Too Many Requests' }, 'TooManyRequestsException'),
  quotaExceeded: () => gatewayResponse(429, { message: 'Limit Exceeded' }, 'LimitExceededException'),
  internalError: () => gatewayResponse(500, { message: 'Internal server error' }, 'InternalServerErrorException'),
  badGateway: () => gatewayResponse(502, { message: 'Internal server error' }, 'InternalServerErrorException'),
  timeout: () => gatewayResponse(504, { message: 'Endpoint request timed out' }, 'InternalServerErrorException'),
  badRequestParameters: (missing: string[]) => gatewayResponse(400, { message: `Missing required request parameters: [${missing.join(', ')}]` }, 'BadRequestException'),
  badRequestBody: (detail: string) => gatewayResponse(400, { message: `Invalid request body${detail ? `: ${detail}` : ''}` }, 'BadRequestException'),
};

export const http = {
  notFound: () => gatewayResponse(404, { message: 'Not Found' }),
  unauthorized: (description?: string) =>
    gatewayResponse(401, { message: 'Unauthorized' }, undefined, description ? { 'www-authenticate': `Bearer scope="" error="invalid_token" error_description="${description}"` } : {}),
  forbidden: () => gatewayResponse(403, { message: 'Forbidden' }),
  internalError: () => gatewayResponse(500, { message: 'Internal Server Error' }),
  serviceUnavailable: () => gatewayResponse(503, { message: 'Service Unavailable' }),
  throttled: () => gatewayResponse(429, { message: 'Too Many Requests' }),
};
