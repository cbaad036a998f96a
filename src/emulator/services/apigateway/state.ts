import type {
  AccessLogSettings,
  EndpointConfiguration,
  IntegrationResponse,
  MethodResponse,
  MethodSetting,
  QuotaSettings,
  ThrottleSettings,
} from '@aws-sdk/client-api-gateway';
import type { RequestContext } from '../../core/service.js';

/**
 * API Gateway (REST APIs) state of one account and region. Dates are ISO strings; the operation
 * modules turn records into the SDK's shapes.
 */
export interface IntegrationRecord {
  type: string;
  httpMethod?: string;
  uri?: string;
  connectionType?: string;
  connectionId?: string;
  credentials?: string;
  requestParameters?: Record<string, string>;
  requestTemplates?: Record<string, string>;
  passthroughBehavior?: string;
  contentHandling?: string;
  timeoutInMillis: number;
  cacheNamespace: string;
  cacheKeyParameters: string[];
  integrationResponses?: Record<string, IntegrationResponse>;
}

export interface MethodRecord {
  httpMethod: string;
  authorizationType: string;
  authorizerId?: string;
  apiKeyRequired: boolean;
  requestValidatorId?: string;
  operationName?: string;
  requestParameters?: Record<string, boolean>;
  requestModels?: Record<string, string>;
  authorizationScopes?: string[];
  methodResponses?: Record<string, MethodResponse>;
  methodIntegration?: IntegrationRecord;
}

export interface ResourceRecord {
  id: string;
  parentId?: string;
  pathPart?: string;
  path: string;
  methods: Record<string, MethodRecord>;
}

export interface AuthorizerRecord {
  id: string;
  name: string;
  type: 'TOKEN' | 'REQUEST' | 'COGNITO_USER_POOLS';
  providerARNs?: string[];
  authType?: string;
  authorizerUri?: string;
  authorizerCredentials?: string;
  identitySource?: string;
  identityValidationExpression?: string;
  authorizerResultTtlInSeconds?: number;
}

export interface ModelRecord {
  id: string;
  name: string;
  description?: string;
  schema?: string;
  contentType: string;
}

export interface RequestValidatorRecord {
  id: string;
  name: string;
  validateRequestBody: boolean;
  validateRequestParameters: boolean;
}

export interface DeploymentRecord {
  id: string;
  description?: string;
  createdDate: string;
  /** The API as deployed: stages serve this copy, so later edits need a new deployment, as on AWS. */
  resources: Record<string, ResourceRecord>;
}

export interface StageRecord {
  stageName: string;
  deploymentId: string;
  description?: string;
  cacheClusterEnabled: boolean;
  cacheClusterSize?: string;
  cacheClusterStatus: string;
  methodSettings: Record<string, MethodSetting>;
  variables?: Record<string, string>;
  accessLogSettings?: AccessLogSettings;
  tracingEnabled: boolean;
  tags?: Record<string, string>;
  createdDate: string;
  lastUpdatedDate: string;
}

export interface RestApiRecord {
  id: string;
  name: string;
  description?: string;
  createdDate: string;
  version?: string;
  warnings?: string[];
  binaryMediaTypes?: string[];
  minimumCompressionSize?: number;
  apiKeySource: string;
  endpointConfiguration: EndpointConfiguration;
  policy?: string;
  tags?: Record<string, string>;
  disableExecuteApiEndpoint: boolean;
  rootResourceId: string;
  resources: Record<string, ResourceRecord>;
  deployments: Record<string, DeploymentRecord>;
  stages: Record<string, StageRecord>;
  authorizers: Record<string, AuthorizerRecord>;
  models: Record<string, ModelRecord>;
  requestValidators: Record<string, RequestValidatorRecord>;
}

export interface ApiKeyRecord {
  id: string;
  value: string;
  name?: string;
  customerId?: string;
  description?: string;
  enabled: boolean;
  createdDate: string;
  lastUpdatedDate: string;
  stageKeys: string[];
  tags?: Record<string, string>;
}

export interface UsagePlanRecord {
  id: string;
  name: string;
  description?: string;
  apiStages: { apiId: string; stage: string; throttle?: Record<string, ThrottleSettings> }[];
  throttle?: ThrottleSettings;
  quota?: QuotaSettings;
  tags?: Record<string, string>;
  /** API key ids. */
  keys: string[];
  /** Requests counted against the quota: key id → period start (ISO date) → count. */
  usage: Record<string, Record<string, number>>;
}

export interface ApiGatewayState {
  restApis: Record<string, RestApiRecord>;
  apiKeys: Record<string, ApiKeyRecord>;
  usagePlans: Record<string, UsagePlanRecord>;
}

export const initialApiGatewayState = (): ApiGatewayState => ({ restApis: {}, apiKeys: {}, usagePlans: {} });

export const apigatewayState = (ctx: Pick<RequestContext, 'emulator' | 'accountId' | 'region'>): ApiGatewayState =>
  ctx.emulator.stateFor<ApiGatewayState>('apigateway', ctx.accountId, ctx.region);
