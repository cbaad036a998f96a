import type {
  Api,
  CreateApiRequest,
  CreateApiResponse,
  DeleteApiRequest,
  DeleteCorsConfigurationRequest,
  GetApiRequest,
  GetApiResponse,
  GetApisRequest,
  GetApisResponse,
  UpdateApiRequest,
  UpdateApiResponse,
} from '@aws-sdk/client-apigatewayv2';
import { operation, type RequestContext } from '../../core/service.js';
import { newApiId, newId } from '../apigateway/common.js';
import { apigatewayv2State, type HttpApiRecord } from './state.js';
import { apiEndpoint, apiOf, autoDeploy, badRequest, date, nowIso, page } from './common.js';
import { checkRouteKey } from './routes.js';

export function toApi(a: HttpApiRecord, endpoint: string): Api {
  return {
    ApiEndpoint: apiEndpoint(endpoint, a.ApiId),
    ApiId: a.ApiId,
    ApiKeySelectionExpression: a.ApiKeySelectionExpression,
    CorsConfiguration: a.CorsConfiguration,
    CreatedDate: date(a.CreatedDate),
    Description: a.Description,
    DisableExecuteApiEndpoint: a.DisableExecuteApiEndpoint,
    DisableSchemaValidation: a.DisableSchemaValidation,
    IpAddressType: a.IpAddressType as Api['IpAddressType'],
    Name: a.Name,
    ProtocolType: a.ProtocolType as Api['ProtocolType'],
    RouteSelectionExpression: a.RouteSelectionExpression,
    Tags: a.Tags,
    Version: a.Version,
  };
}

/** Quick create: CreateApi with a Target makes the integration, the route, and an auto-deployed `$default` stage. */
function quickCreate(ctx: RequestContext, api: HttpApiRecord, target: string, routeKey: string | undefined, credentialsArn: string | undefined): void {
  const isLambda = /^arn:aws[a-z-]*:lambda:/.test(target);
  if (!isLambda && !/^https?:\/\//.test(target)) throw badRequest('Target must be a Lambda function ARN or an HTTP URL');
  const integrationId = newId(7);
  api.integrations[integrationId] = {
    IntegrationId: integrationId,
    IntegrationType: isLambda ? 'AWS_PROXY' : 'HTTP_PROXY',
    IntegrationUri: target,
    IntegrationMethod: isLambda ? 'POST' : 'ANY',
    PayloadFormatVersion: isLambda ? '2.0' : '1.0',
    TimeoutInMillis: 30000,
    ConnectionType: 'INTERNET',
    CredentialsArn: credentialsArn,
    ApiGatewayManaged: true,
  };
  const key = routeKey ?? '$default';
  checkRouteKey(key);
  const routeId = newId(7);
  api.routes[routeId] = {
    RouteId: routeId,
    RouteKey: key,
    ApiKeyRequired: false,
    AuthorizationType: 'NONE',
    Target: `integrations/${integrationId}`,
    ApiGatewayManaged: true,
  };
  const now = nowIso(ctx);
  api.stages.$default = {
    StageName: '$default',
    AutoDeploy: true,
    DefaultRouteSettings: { DetailedMetricsEnabled: false },
    RouteSettings: {},
    StageVariables: {},
    Tags: {},
    CreatedDate: now,
    LastUpdatedDate: now,
    ApiGatewayManaged: true,
  };
  autoDeploy(ctx, api);
}

export const CreateApi = operation<CreateApiRequest, CreateApiResponse>({
  handler(input, ctx) {
    if (!input.Name) throw badRequest('Name is required');
    const protocol = input.ProtocolType ?? '';
    if (protocol !== 'HTTP' && protocol !== 'WEBSOCKET') throw badRequest(`Invalid protocol type specified: ${protocol}. Valid options are HTTP,WEBSOCKET`);
    if (protocol === 'WEBSOCKET') {
      throw badRequest('awslings: WebSocket APIs are not available in the sandbox; HTTP APIs (ProtocolType HTTP) are.');
    }
    if (input.Target === undefined && (input.RouteKey !== undefined || input.CredentialsArn !== undefined)) {
      throw badRequest('RouteKey and CredentialsArn can only be set with a Target (quick create)');
    }
    const api: HttpApiRecord = {
      ApiId: newApiId(ctx.accountId),
      Name: input.Name,
      ProtocolType: protocol,
      RouteSelectionExpression: input.RouteSelectionExpression ?? '$request.method $request.path',
      ApiKeySelectionExpression: input.ApiKeySelectionExpression ?? '$request.header.x-api-key',
      CorsConfiguration: input.CorsConfiguration,
      CreatedDate: nowIso(ctx),
      Description: input.Description,
      DisableExecuteApiEndpoint: input.DisableExecuteApiEndpoint ?? false,
      DisableSchemaValidation: input.DisableSchemaValidation,
      IpAddressType: input.IpAddressType ?? 'ipv4',
      Tags: { ...(input.Tags ?? {}) },
      Version: input.Version,
      routes: {},
      integrations: {},
      authorizers: {},
      stages: {},
      deployments: {},
    };
    if (input.Target) quickCreate(ctx, api, input.Target, input.RouteKey, input.CredentialsArn);
    apigatewayv2State(ctx).apis[api.ApiId] = api;
    return toApi(api, ctx.endpoint);
  },
});

export const GetApi = operation<GetApiRequest, GetApiResponse>({
  handler: (input, ctx) => toApi(apiOf(ctx, input.ApiId), ctx.endpoint),
});

export const GetApis = operation<GetApisRequest, GetApisResponse>({
  handler(input, ctx) {
    const all = Object.values(apigatewayv2State(ctx).apis);
    const p = page(all, input.NextToken, input.MaxResults);
    return { Items: p.Items.map((a) => toApi(a, ctx.endpoint)), NextToken: p.NextToken };
  },
});

export const UpdateApi = operation<UpdateApiRequest, UpdateApiResponse>({
  handler(input, ctx) {
    const api = apiOf(ctx, input.ApiId);
    if (input.Name !== undefined) {
      if (!input.Name) throw badRequest('Name must not be empty');
      api.Name = input.Name;
    }
    if (input.Description !== undefined) api.Description = input.Description || undefined;
    if (input.Version !== undefined) api.Version = input.Version || undefined;
    if (input.CorsConfiguration !== undefined) api.CorsConfiguration = input.CorsConfiguration;
    if (input.DisableExecuteApiEndpoint !== undefined) api.DisableExecuteApiEndpoint = input.DisableExecuteApiEndpoint;
    if (input.RouteSelectionExpression !== undefined) api.RouteSelectionExpression = input.RouteSelectionExpression;
    if (input.ApiKeySelectionExpression !== undefined) api.ApiKeySelectionExpression = input.ApiKeySelectionExpression;
    if (input.IpAddressType !== undefined) api.IpAddressType = input.IpAddressType;
    if (input.Target !== undefined) {
      // Quick update: point the managed integration at the new target.
      const managed = Object.values(api.integrations).find((i) => i.ApiGatewayManaged);
      if (!managed) throw badRequest('Target can only be updated on an API made by quick create');
      managed.IntegrationUri = input.Target;
      autoDeploy(ctx, api);
    }
    return toApi(api, ctx.endpoint);
  },
});

export const DeleteApi = operation<DeleteApiRequest, Record<string, never>>({
  handler(input, ctx) {
    apiOf(ctx, input.ApiId);
    delete apigatewayv2State(ctx).apis[input.ApiId!];
    return {};
  },
});

export const DeleteCorsConfiguration = operation<DeleteCorsConfigurationRequest, Record<string, never>>({
  handler(input, ctx) {
    const api = apiOf(ctx, input.ApiId);
    delete api.CorsConfiguration;
    return {};
  },
});

