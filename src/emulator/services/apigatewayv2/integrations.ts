import type {
  CreateIntegrationRequest,
  CreateIntegrationResult,
  DeleteIntegrationRequest,
  GetIntegrationRequest,
  GetIntegrationResult,
  GetIntegrationsRequest,
  GetIntegrationsResponse,
  Integration,
  UpdateIntegrationRequest,
  UpdateIntegrationResult,
} from '@aws-sdk/client-apigatewayv2';
import { operation } from '../../core/service.js';
import { newId } from '../apigateway/common.js';
import { lambdaOfUri } from '../apigateway/integrations.js';
import type { HttpApiRecord, IntegrationRecord } from './state.js';
import { apiOf, autoDeploy, badRequest, conflict, notFound, page } from './common.js';

export const toIntegration = (i: IntegrationRecord): Integration => ({ ...i }) as Integration;

export function integrationOf(api: HttpApiRecord, id: string | undefined): IntegrationRecord {
  const i = id ? api.integrations[id] : undefined;
  if (!i) throw notFound(`Invalid Integration identifier specified ${id}`, 'Integration');
  return i;
}

/** The Lambda function of an AWS_PROXY integration: its URI is a function ARN or API Gateway's invocation URI. */
export const functionOfIntegration = (uri: string | undefined): string | undefined =>
  /^arn:aws[a-z-]*:lambda:/.test(uri ?? '') ? uri : lambdaOfUri(uri);

function check(i: IntegrationRecord): void {
  if (i.IntegrationType === 'AWS_PROXY') {
    if (!functionOfIntegration(i.IntegrationUri) && !i.IntegrationSubtype) {
      throw badRequest('Invalid integration URI specified: an AWS_PROXY integration of an HTTP API needs a Lambda function ARN');
    }
    if (i.PayloadFormatVersion !== '1.0' && i.PayloadFormatVersion !== '2.0') throw badRequest('Payload format version must be 1.0 or 2.0 for AWS_PROXY integrations');
  } else if (i.IntegrationType === 'HTTP_PROXY') {
    if (!/^https?:\/\/[^/]/.test(i.IntegrationUri ?? '')) throw badRequest('Invalid HTTP endpoint specified for URI');
    if (!i.IntegrationMethod) throw badRequest('IntegrationMethod is required for HTTP_PROXY integrations');
    if (i.PayloadFormatVersion !== '1.0') throw badRequest('Payload format version must be 1.0 for HTTP_PROXY integrations');
  } else {
    throw badRequest(`Integration type ${i.IntegrationType} is not supported for HTTP APIs. Valid options are AWS_PROXY,HTTP_PROXY`);
  }
  if (i.TimeoutInMillis < 50 || i.TimeoutInMillis > 30000) throw badRequest('Timeout must be between 50 and 30000 milliseconds');
}

export const CreateIntegration = operation<CreateIntegrationRequest, CreateIntegrationResult>({
  handler(input, ctx) {
    const api = apiOf(ctx, input.ApiId);
    const type = input.IntegrationType ?? '';
    const i: IntegrationRecord = {
      IntegrationId: newId(7),
      IntegrationType: type,
      IntegrationUri: input.IntegrationUri,
      IntegrationMethod: input.IntegrationMethod ?? (type === 'AWS_PROXY' ? 'POST' : undefined),
      IntegrationSubtype: input.IntegrationSubtype,
      PayloadFormatVersion: input.PayloadFormatVersion ?? (type === 'HTTP_PROXY' ? '1.0' : ''),
      TimeoutInMillis: input.TimeoutInMillis ?? 30000,
      ConnectionType: input.ConnectionType ?? 'INTERNET',
      ConnectionId: input.ConnectionId,
      CredentialsArn: input.CredentialsArn,
      Description: input.Description,
      RequestParameters: input.RequestParameters,
      ResponseParameters: input.ResponseParameters,
    };
    check(i);
    api.integrations[i.IntegrationId] = i;
    autoDeploy(ctx, api);
    return toIntegration(i);
  },
});

export const GetIntegration = operation<GetIntegrationRequest, GetIntegrationResult>({
  handler: (input, ctx) => toIntegration(integrationOf(apiOf(ctx, input.ApiId), input.IntegrationId)),
});

export const GetIntegrations = operation<GetIntegrationsRequest, GetIntegrationsResponse>({
  handler(input, ctx) {
    const p = page(Object.values(apiOf(ctx, input.ApiId).integrations), input.NextToken, input.MaxResults);
    return { Items: p.Items.map(toIntegration), NextToken: p.NextToken };
  },
});

export const UpdateIntegration = operation<UpdateIntegrationRequest, UpdateIntegrationResult>({
  handler(input, ctx) {
    const api = apiOf(ctx, input.ApiId);
    const i = integrationOf(api, input.IntegrationId);
    const next: IntegrationRecord = { ...i };
    if (input.IntegrationType !== undefined) next.IntegrationType = input.IntegrationType;
    if (input.IntegrationUri !== undefined) next.IntegrationUri = input.IntegrationUri;
    if (input.IntegrationMethod !== undefined) next.IntegrationMethod = input.IntegrationMethod;
    if (input.PayloadFormatVersion !== undefined) next.PayloadFormatVersion = input.PayloadFormatVersion;
    if (input.TimeoutInMillis !== undefined) next.TimeoutInMillis = input.TimeoutInMillis;
    if (input.CredentialsArn !== undefined) next.CredentialsArn = input.CredentialsArn || undefined;
    if (input.Description !== undefined) next.Description = input.Description || undefined;
    if (input.RequestParameters !== undefined) next.RequestParameters = input.RequestParameters;
    if (input.ResponseParameters !== undefined) next.ResponseParameters = input.ResponseParameters;
    check(next);
    Object.assign(i, next);
    autoDeploy(ctx, api);
    return toIntegration(i);
  },
});

export const DeleteIntegration = operation<DeleteIntegrationRequest, Record<string, never>>({
  handler(input, ctx) {
    const api = apiOf(ctx, input.ApiId);
    const i = integrationOf(api, input.IntegrationId);
    const user = Object.values(api.routes).find((r) => r.Target === `integrations/${i.IntegrationId}`);
    if (user) throw conflict(`Cannot delete integration ${i.IntegrationId}: route ${user.RouteKey} (${user.RouteId}) targets it`);
    delete api.integrations[i.IntegrationId];
    autoDeploy(ctx, api);
    return {};
  },
});
