import type { CreateApiResponse, CreateAuthorizerResponse, CreateDeploymentResponse, CreateIntegrationResult, CreateRouteResult } from '@aws-sdk/client-apigatewayv2';
import { isAwsError } from '../../../core/errors.js';
import { changed, physicalName, type ResourceProvider } from './types.js';

/* API Gateway HTTP APIs (AWS::ApiGatewayV2::*). Their properties are the API's, in the same case. */

async function ignoreMissing(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(isAwsError(e) && e.code === 'NotFoundException')) throw e;
  }
}

const pick = (p: Record<string, any>, keys: string[]) => Object.fromEntries(keys.filter((k) => p[k] !== undefined).map((k) => [k, p[k]]));
const numbers = (o: Record<string, unknown>, keys: string[]) => {
  for (const k of keys) if (o[k] !== undefined) o[k] = Number(o[k]);
  return o;
};

const API_KEYS = ['Description', 'CorsConfiguration', 'DisableExecuteApiEndpoint', 'DisableSchemaValidation', 'RouteSelectionExpression', 'ApiKeySelectionExpression', 'Version', 'IpAddressType'];

export const api: ResourceProvider = {
  type: 'AWS::ApiGatewayV2::Api',
  service: 'apigatewayv2',
  replaceOn: ['ProtocolType'],
  async create(ctx, p) {
    if (p.Body !== undefined || p.BodyS3Location !== undefined) {
      throw new Error('awslings: AWS::ApiGatewayV2::Api Body (OpenAPI import of HTTP APIs) is not supported in the sandbox; declare Routes, Integrations and Stages as resources.');
    }
    const out = await ctx.call<CreateApiResponse>('apigatewayv2', 'CreateApi', {
      Name: p.Name ?? physicalName(ctx, { max: 128 }),
      ProtocolType: p.ProtocolType,
      Target: p.Target,
      RouteKey: p.RouteKey,
      CredentialsArn: p.CredentialsArn,
      Tags: p.Tags,
      ...pick(p, API_KEYS),
    });
    return { physicalId: out.ApiId!, attributes: { ApiId: out.ApiId, ApiEndpoint: out.ApiEndpoint } };
  },
  async update(ctx, id, p, old) {
    const input: Record<string, unknown> = { ApiId: id, ...pick(p, API_KEYS) };
    if (changed(p.Name, old.Name) && p.Name) input.Name = p.Name;
    if (changed(p.Target, old.Target) && p.Target) input.Target = p.Target;
    if (old.CorsConfiguration && !p.CorsConfiguration) await ctx.call('apigatewayv2', 'DeleteCorsConfiguration', { ApiId: id });
    const out = await ctx.call<CreateApiResponse>('apigatewayv2', 'UpdateApi', input);
    return { attributes: { ApiId: id, ApiEndpoint: out.ApiEndpoint } };
  },
  async delete(ctx, id) {
    await ignoreMissing(ctx.call('apigatewayv2', 'DeleteApi', { ApiId: id }));
  },
};

const ROUTE_KEYS = ['RouteKey', 'Target', 'AuthorizationType', 'AuthorizerId', 'AuthorizationScopes', 'ApiKeyRequired', 'OperationName', 'RequestParameters', 'RequestModels'];

export const route: ResourceProvider = {
  type: 'AWS::ApiGatewayV2::Route',
  service: 'apigatewayv2',
  replaceOn: ['ApiId'],
  required: ['ApiId', 'RouteKey'],
  async create(ctx, p) {
    const out = await ctx.call<CreateRouteResult>('apigatewayv2', 'CreateRoute', { ApiId: p.ApiId, ...pick(p, ROUTE_KEYS) });
    return { physicalId: out.RouteId!, attributes: { RouteId: out.RouteId } };
  },
  async update(ctx, id, p, old) {
    const input: Record<string, unknown> = { ApiId: p.ApiId, RouteId: id, ...pick(p, ROUTE_KEYS) };
    if (old.AuthorizationType && !p.AuthorizationType) input.AuthorizationType = 'NONE';
    if (old.Target && !p.Target) input.Target = '';
    await ctx.call('apigatewayv2', 'UpdateRoute', input);
  },
  async delete(ctx, id, p) {
    await ignoreMissing(ctx.call('apigatewayv2', 'DeleteRoute', { ApiId: p.ApiId, RouteId: id }));
  },
};

const INTEGRATION_KEYS = [
  'IntegrationType', 'IntegrationUri', 'IntegrationMethod', 'IntegrationSubtype', 'PayloadFormatVersion', 'TimeoutInMillis', 'CredentialsArn', 'Description',
  'ConnectionType', 'ConnectionId', 'RequestParameters', 'ResponseParameters', 'PassthroughBehavior', 'TemplateSelectionExpression', 'RequestTemplates',
];

export const integration: ResourceProvider = {
  type: 'AWS::ApiGatewayV2::Integration',
  service: 'apigatewayv2',
  replaceOn: ['ApiId'],
  required: ['ApiId', 'IntegrationType'],
  async create(ctx, p) {
    const out = await ctx.call<CreateIntegrationResult>('apigatewayv2', 'CreateIntegration', numbers({ ApiId: p.ApiId, ...pick(p, INTEGRATION_KEYS) }, ['TimeoutInMillis']));
    return { physicalId: out.IntegrationId!, attributes: { IntegrationId: out.IntegrationId } };
  },
  async update(ctx, id, p) {
    await ctx.call('apigatewayv2', 'UpdateIntegration', numbers({ ApiId: p.ApiId, IntegrationId: id, ...pick(p, INTEGRATION_KEYS) }, ['TimeoutInMillis']));
  },
  async delete(ctx, id, p) {
    await ignoreMissing(ctx.call('apigatewayv2', 'DeleteIntegration', { ApiId: p.ApiId, IntegrationId: id }));
  },
};

const STAGE_KEYS = ['AutoDeploy', 'DeploymentId', 'Description', 'DefaultRouteSettings', 'RouteSettings', 'StageVariables', 'AccessLogSettings'];
const routeSettings = (o: Record<string, unknown>) => {
  for (const k of ['ThrottlingBurstLimit', 'ThrottlingRateLimit']) if (o[k] !== undefined) o[k] = Number(o[k]);
  return o;
};
function stageInput(p: Record<string, any>): Record<string, unknown> {
  const input = pick(p, STAGE_KEYS);
  if (input.DefaultRouteSettings) input.DefaultRouteSettings = routeSettings({ ...(input.DefaultRouteSettings as object) });
  if (input.RouteSettings) input.RouteSettings = Object.fromEntries(Object.entries(input.RouteSettings as Record<string, object>).map(([k, v]) => [k, routeSettings({ ...v })]));
  if (input.AutoDeploy !== undefined) input.AutoDeploy = input.AutoDeploy === true || input.AutoDeploy === 'true';
  return input;
}

export const stage: ResourceProvider = {
  type: 'AWS::ApiGatewayV2::Stage',
  service: 'apigatewayv2',
  replaceOn: ['ApiId', 'StageName'],
  required: ['ApiId', 'StageName'],
  async create(ctx, p) {
    await ctx.call('apigatewayv2', 'CreateStage', { ApiId: p.ApiId, StageName: p.StageName, Tags: p.Tags, ...stageInput(p) });
    return { physicalId: p.StageName };
  },
  async update(ctx, name, p) {
    await ctx.call('apigatewayv2', 'UpdateStage', { ApiId: p.ApiId, StageName: name, ...stageInput(p) });
  },
  async delete(ctx, name, p) {
    await ignoreMissing(ctx.call('apigatewayv2', 'DeleteStage', { ApiId: p.ApiId, StageName: name }));
  },
};

export const deployment: ResourceProvider = {
  type: 'AWS::ApiGatewayV2::Deployment',
  service: 'apigatewayv2',
  replaceOn: ['ApiId', 'StageName', 'Description'],
  required: ['ApiId'],
  async create(ctx, p) {
    const out = await ctx.call<CreateDeploymentResponse>('apigatewayv2', 'CreateDeployment', { ApiId: p.ApiId, Description: p.Description, StageName: p.StageName });
    return { physicalId: out.DeploymentId!, attributes: { DeploymentId: out.DeploymentId } };
  },
  async delete(ctx, id, p) {
    try {
      await ignoreMissing(ctx.call('apigatewayv2', 'DeleteDeployment', { ApiId: p.ApiId, DeploymentId: id }));
    } catch (e) {
      // A stage still serves it: it goes with the API.
      if (!(isAwsError(e) && e.code === 'BadRequestException')) throw e;
    }
  },
};

const AUTHORIZER_KEYS = [
  'Name', 'AuthorizerType', 'IdentitySource', 'JwtConfiguration', 'AuthorizerUri', 'AuthorizerPayloadFormatVersion', 'EnableSimpleResponses',
  'AuthorizerResultTtlInSeconds', 'AuthorizerCredentialsArn', 'IdentityValidationExpression',
];

export const authorizer: ResourceProvider = {
  type: 'AWS::ApiGatewayV2::Authorizer',
  service: 'apigatewayv2',
  replaceOn: ['ApiId'],
  required: ['ApiId', 'AuthorizerType', 'Name'],
  async create(ctx, p) {
    const out = await ctx.call<CreateAuthorizerResponse>('apigatewayv2', 'CreateAuthorizer', numbers({ ApiId: p.ApiId, ...pick(p, AUTHORIZER_KEYS) }, ['AuthorizerResultTtlInSeconds']));
    return { physicalId: out.AuthorizerId!, attributes: { AuthorizerId: out.AuthorizerId } };
  },
  async update(ctx, id, p) {
    await ctx.call('apigatewayv2', 'UpdateAuthorizer', numbers({ ApiId: p.ApiId, AuthorizerId: id, ...pick(p, AUTHORIZER_KEYS) }, ['AuthorizerResultTtlInSeconds']));
  },
  async delete(ctx, id, p) {
    await ignoreMissing(ctx.call('apigatewayv2', 'DeleteAuthorizer', { ApiId: p.ApiId, AuthorizerId: id }));
  },
};
