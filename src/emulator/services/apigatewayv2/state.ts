import type { AccessLogSettings, Cors, JWTConfiguration, ParameterConstraints, RouteSettings } from '@aws-sdk/client-apigatewayv2';
import type { RequestContext } from '../../core/service.js';

/** API Gateway v2 (HTTP APIs) state of one account and region. Dates are ISO strings. */
export interface RouteRecord {
  RouteId: string;
  RouteKey: string;
  ApiKeyRequired: boolean;
  AuthorizationType: string;
  AuthorizerId?: string;
  AuthorizationScopes?: string[];
  OperationName?: string;
  RequestModels?: Record<string, string>;
  RequestParameters?: Record<string, ParameterConstraints>;
  Target?: string;
  ApiGatewayManaged?: boolean;
}

export interface IntegrationRecord {
  IntegrationId: string;
  IntegrationType: string;
  IntegrationUri?: string;
  IntegrationMethod?: string;
  IntegrationSubtype?: string;
  PayloadFormatVersion: string;
  TimeoutInMillis: number;
  ConnectionType: string;
  ConnectionId?: string;
  CredentialsArn?: string;
  Description?: string;
  RequestParameters?: Record<string, string>;
  ResponseParameters?: Record<string, Record<string, string>>;
  ApiGatewayManaged?: boolean;
}

export interface AuthorizerRecord {
  AuthorizerId: string;
  Name: string;
  AuthorizerType: 'JWT' | 'REQUEST';
  IdentitySource?: string[];
  JwtConfiguration?: JWTConfiguration;
  AuthorizerUri?: string;
  AuthorizerPayloadFormatVersion?: string;
  AuthorizerResultTtlInSeconds?: number;
  EnableSimpleResponses?: boolean;
  AuthorizerCredentialsArn?: string;
  IdentityValidationExpression?: string;
}

/** What a stage serves: the routes, integrations and authorizers as they were when deployed. */
export interface DeploymentRecord {
  DeploymentId: string;
  Description?: string;
  CreatedDate: string;
  AutoDeployed: boolean;
  routes: Record<string, RouteRecord>;
  integrations: Record<string, IntegrationRecord>;
  authorizers: Record<string, AuthorizerRecord>;
}

export interface StageRecord {
  StageName: string;
  AutoDeploy: boolean;
  DeploymentId?: string;
  Description?: string;
  DefaultRouteSettings: RouteSettings;
  RouteSettings: Record<string, RouteSettings>;
  StageVariables: Record<string, string>;
  AccessLogSettings?: AccessLogSettings;
  Tags: Record<string, string>;
  CreatedDate: string;
  LastUpdatedDate: string;
  LastDeploymentStatusMessage?: string;
  ApiGatewayManaged?: boolean;
}

export interface HttpApiRecord {
  ApiId: string;
  Name: string;
  ProtocolType: string;
  RouteSelectionExpression: string;
  ApiKeySelectionExpression: string;
  CorsConfiguration?: Cors;
  CreatedDate: string;
  Description?: string;
  DisableExecuteApiEndpoint: boolean;
  DisableSchemaValidation?: boolean;
  IpAddressType: string;
  Tags: Record<string, string>;
  Version?: string;
  routes: Record<string, RouteRecord>;
  integrations: Record<string, IntegrationRecord>;
  authorizers: Record<string, AuthorizerRecord>;
  stages: Record<string, StageRecord>;
  deployments: Record<string, DeploymentRecord>;
}

export interface ApiGatewayV2State {
  apis: Record<string, HttpApiRecord>;
}

export const initialApiGatewayV2State = (): ApiGatewayV2State => ({ apis: {} });

export const apigatewayv2State = (ctx: Pick<RequestContext, 'emulator' | 'accountId' | 'region'>): ApiGatewayV2State =>
  ctx.emulator.stateFor<ApiGatewayV2State>('apigatewayv2', ctx.accountId, ctx.region);
