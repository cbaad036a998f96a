import type {
  ApiKey,
  Authorizer,
  Deployment,
  Model,
  PatchOperation,
  RequestValidator,
  Resource,
  RestApi,
  Stage,
  UsagePlan,
  UsagePlanKey,
} from '@aws-sdk/client-api-gateway';
import { isAwsError } from '../../../core/errors.js';
import { changed, physicalName, tagMap, type ProviderContext, type ResourceProvider } from './types.js';

/* API Gateway REST APIs (AWS::ApiGateway::*): the resources a REST API template uses. */

async function ignoreMissing(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(isAwsError(e) && e.code === 'NotFoundException')) throw e;
  }
}

const num = (v: unknown) => (v === undefined || v === null || v === '' ? undefined : Number(v));
const bool = (v: unknown) => (v === undefined ? undefined : v === true || v === 'true');
const text = (v: unknown) => (v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v));
const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const replace = (path: string, value: unknown): PatchOperation => ({ op: 'replace', path, value: value === undefined ? undefined : String(value) });

/** Patch operations for the members of a string map that changed (stage variables, templates). */
function mapPatches(prefix: string, next: Record<string, unknown> | undefined, prev: Record<string, unknown> | undefined): PatchOperation[] {
  const ops: PatchOperation[] = [];
  for (const [k, v] of Object.entries(next ?? {})) if (prev?.[k] !== v) ops.push({ op: 'replace', path: `${prefix}/${esc(k)}`, value: String(v) });
  for (const k of Object.keys(prev ?? {})) if (!(k in (next ?? {}))) ops.push({ op: 'remove', path: `${prefix}/${esc(k)}` });
  return ops;
}

export const restApi: ResourceProvider = {
  type: 'AWS::ApiGateway::RestApi',
  service: 'apigateway',
  replaceOn: [],
  async create(ctx, p) {
    let api: RestApi;
    if (p.Body !== undefined || p.BodyS3Location !== undefined) {
      if (p.Body === undefined) throw new Error('awslings: AWS::ApiGateway::RestApi BodyS3Location is not supported in the sandbox; put the OpenAPI document in Body.');
      api = await ctx.call<RestApi>('apigateway', 'ImportRestApi', {
        body: new TextEncoder().encode(text(p.Body)),
        failOnWarnings: bool(p.FailOnWarnings),
        parameters: p.EndpointConfiguration?.Types?.[0] ? { endpointConfigurationTypes: p.EndpointConfiguration.Types[0] } : undefined,
      });
      const ops: PatchOperation[] = [];
      if (p.Name) ops.push(replace('/name', p.Name));
      if (p.Description) ops.push(replace('/description', p.Description));
      if (ops.length) api = await ctx.call<RestApi>('apigateway', 'UpdateRestApi', { restApiId: api.id, patchOperations: ops });
    } else {
      api = await ctx.call<RestApi>('apigateway', 'CreateRestApi', {
        name: p.Name ?? physicalName(ctx),
        description: p.Description,
        binaryMediaTypes: p.BinaryMediaTypes,
        minimumCompressionSize: num(p.MinimumCompressionSize),
        apiKeySource: p.ApiKeySourceType,
        endpointConfiguration: p.EndpointConfiguration ? { types: p.EndpointConfiguration.Types } : undefined,
        policy: text(p.Policy),
        disableExecuteApiEndpoint: bool(p.DisableExecuteApiEndpoint),
        tags: tagMap(p.Tags),
      });
    }
    return { physicalId: api.id!, attributes: { RestApiId: api.id, RootResourceId: api.rootResourceId } };
  },
  async update(ctx, id, p, old) {
    if (p.Body !== undefined && changed(p.Body, old.Body)) {
      await ctx.call('apigateway', 'PutRestApi', { restApiId: id, mode: p.Mode ?? 'overwrite', body: new TextEncoder().encode(text(p.Body)) });
    }
    const ops: PatchOperation[] = [];
    if (p.Name !== undefined && changed(p.Name, old.Name)) ops.push(replace('/name', p.Name));
    if (changed(p.Description, old.Description)) ops.push(replace('/description', p.Description ?? ''));
    if (changed(p.ApiKeySourceType, old.ApiKeySourceType)) ops.push(replace('/apiKeySource', p.ApiKeySourceType ?? 'HEADER'));
    if (changed(p.DisableExecuteApiEndpoint, old.DisableExecuteApiEndpoint)) ops.push(replace('/disableExecuteApiEndpoint', bool(p.DisableExecuteApiEndpoint) ?? false));
    if (changed(p.BinaryMediaTypes, old.BinaryMediaTypes)) {
      for (const t of old.BinaryMediaTypes ?? []) if (!(p.BinaryMediaTypes ?? []).includes(t)) ops.push({ op: 'remove', path: `/binaryMediaTypes/${esc(t)}` });
      for (const t of p.BinaryMediaTypes ?? []) if (!(old.BinaryMediaTypes ?? []).includes(t)) ops.push({ op: 'add', path: `/binaryMediaTypes/${esc(t)}` });
    }
    if (ops.length) await ctx.call('apigateway', 'UpdateRestApi', { restApiId: id, patchOperations: ops });
    const api = await ctx.call<RestApi>('apigateway', 'GetRestApi', { restApiId: id });
    return { attributes: { RestApiId: id, RootResourceId: api.rootResourceId } };
  },
  async delete(ctx, id) {
    await ignoreMissing(ctx.call('apigateway', 'DeleteRestApi', { restApiId: id }));
  },
};

export const resource: ResourceProvider = {
  type: 'AWS::ApiGateway::Resource',
  service: 'apigateway',
  replaceOn: ['RestApiId'],
  required: ['RestApiId', 'ParentId', 'PathPart'],
  async create(ctx, p) {
    const r = await ctx.call<Resource>('apigateway', 'CreateResource', { restApiId: p.RestApiId, parentId: p.ParentId, pathPart: p.PathPart });
    return { physicalId: r.id!, attributes: { ResourceId: r.id } };
  },
  async update(ctx, id, p, old) {
    const ops: PatchOperation[] = [];
    if (changed(p.ParentId, old.ParentId)) ops.push(replace('/parentId', p.ParentId));
    if (changed(p.PathPart, old.PathPart)) ops.push(replace('/pathPart', p.PathPart));
    if (ops.length) await ctx.call('apigateway', 'UpdateResource', { restApiId: p.RestApiId, resourceId: id, patchOperations: ops });
  },
  async delete(ctx, id, p) {
    await ignoreMissing(ctx.call('apigateway', 'DeleteResource', { restApiId: p.RestApiId, resourceId: id }));
  },
};

async function putMethod(ctx: ProviderContext, p: Record<string, any>): Promise<void> {
  const base = { restApiId: p.RestApiId, resourceId: p.ResourceId, httpMethod: p.HttpMethod };
  await ctx.call('apigateway', 'PutMethod', {
    ...base,
    authorizationType: p.AuthorizationType ?? 'NONE',
    authorizerId: p.AuthorizerId,
    apiKeyRequired: bool(p.ApiKeyRequired),
    authorizationScopes: p.AuthorizationScopes,
    operationName: p.OperationName,
    requestParameters: p.RequestParameters ? Object.fromEntries(Object.entries(p.RequestParameters).map(([k, v]) => [k, bool(v)])) : undefined,
    requestModels: p.RequestModels,
    requestValidatorId: p.RequestValidatorId,
  });
  for (const r of p.MethodResponses ?? []) {
    await ctx.call('apigateway', 'PutMethodResponse', {
      ...base,
      statusCode: String(r.StatusCode),
      responseParameters: r.ResponseParameters ? Object.fromEntries(Object.entries(r.ResponseParameters).map(([k, v]) => [k, bool(v)])) : undefined,
      responseModels: r.ResponseModels,
    });
  }
  const i = p.Integration;
  if (!i) return;
  await ctx.call('apigateway', 'PutIntegration', {
    ...base,
    type: i.Type,
    integrationHttpMethod: i.IntegrationHttpMethod,
    uri: i.Uri,
    credentials: i.Credentials,
    requestParameters: i.RequestParameters,
    requestTemplates: i.RequestTemplates,
    passthroughBehavior: i.PassthroughBehavior,
    contentHandling: i.ContentHandling,
    timeoutInMillis: num(i.TimeoutInMillis),
    cacheKeyParameters: i.CacheKeyParameters,
    cacheNamespace: i.CacheNamespace,
    connectionType: i.ConnectionType,
    connectionId: i.ConnectionId,
  });
  for (const r of i.IntegrationResponses ?? []) {
    await ctx.call('apigateway', 'PutIntegrationResponse', {
      ...base,
      statusCode: String(r.StatusCode),
      selectionPattern: r.SelectionPattern,
      responseParameters: r.ResponseParameters,
      responseTemplates: r.ResponseTemplates,
      contentHandling: r.ContentHandling,
    });
  }
}

export const method: ResourceProvider = {
  type: 'AWS::ApiGateway::Method',
  service: 'apigateway',
  replaceOn: ['RestApiId', 'ResourceId', 'HttpMethod'],
  required: ['RestApiId', 'ResourceId', 'HttpMethod'],
  async create(ctx, p) {
    await putMethod(ctx, p);
    return { physicalId: `${p.RestApiId}/${p.ResourceId}/${String(p.HttpMethod).toUpperCase()}` };
  },
  async update(ctx, _id, p) {
    // PutMethod replaces the method with its integration and responses, as the template has them now.
    await ignoreMissing(ctx.call('apigateway', 'DeleteMethod', { restApiId: p.RestApiId, resourceId: p.ResourceId, httpMethod: p.HttpMethod }));
    await putMethod(ctx, p);
  },
  async delete(ctx, _id, p) {
    await ignoreMissing(ctx.call('apigateway', 'DeleteMethod', { restApiId: p.RestApiId, resourceId: p.ResourceId, httpMethod: p.HttpMethod }));
  },
};

function stageInput(s: Record<string, any>): Record<string, unknown> {
  return { description: s.Description, variables: s.Variables, tracingEnabled: bool(s.TracingEnabled), cacheClusterEnabled: bool(s.CacheClusterEnabled), cacheClusterSize: s.CacheClusterSize };
}

/** MethodSettings of a template as UpdateStage patches (`/~1pets/GET/throttling/rateLimit`). */
function methodSettingPatches(settings: Record<string, any>[] | undefined): PatchOperation[] {
  const ops: PatchOperation[] = [];
  for (const m of settings ?? []) {
    const path = m.ResourcePath === undefined || m.ResourcePath === '/*' ? '*' : esc(m.ResourcePath);
    const prefix = `/${path}/${m.HttpMethod ?? '*'}`;
    const map: [string, string][] = [
      ['ThrottlingRateLimit', 'throttling/rateLimit'],
      ['ThrottlingBurstLimit', 'throttling/burstLimit'],
      ['MetricsEnabled', 'metrics/enabled'],
      ['LoggingLevel', 'logging/loglevel'],
      ['DataTraceEnabled', 'logging/dataTrace'],
      ['CachingEnabled', 'caching/enabled'],
      ['CacheTtlInSeconds', 'caching/ttlInSeconds'],
    ];
    for (const [k, p] of map) if (m[k] !== undefined) ops.push(replace(`${prefix}/${p}`, m[k]));
  }
  return ops;
}

export const deployment: ResourceProvider = {
  type: 'AWS::ApiGateway::Deployment',
  service: 'apigateway',
  replaceOn: ['RestApiId', 'DeploymentCanarySettings'],
  required: ['RestApiId'],
  async create(ctx, p) {
    const d = await ctx.call<Deployment>('apigateway', 'CreateDeployment', {
      restApiId: p.RestApiId,
      description: p.Description,
      stageName: p.StageName,
      stageDescription: p.StageDescription?.Description,
      variables: p.StageDescription?.Variables,
    });
    if (p.StageName && p.StageDescription?.MethodSettings) {
      await ctx.call('apigateway', 'UpdateStage', { restApiId: p.RestApiId, stageName: p.StageName, patchOperations: methodSettingPatches(p.StageDescription.MethodSettings) });
    }
    return { physicalId: d.id!, attributes: { DeploymentId: d.id } };
  },
  async update(ctx, id, p) {
    // CloudFormation does not redeploy on an update: the stage is moved to this deployment only if named.
    if (p.StageName) await ctx.call('apigateway', 'UpdateStage', { restApiId: p.RestApiId, stageName: p.StageName, patchOperations: [replace('/deploymentId', id)] }).catch(() => undefined);
  },
  async delete(ctx, id, p) {
    if (p.StageName) await ignoreMissing(ctx.call('apigateway', 'DeleteStage', { restApiId: p.RestApiId, stageName: p.StageName }));
    try {
      await ignoreMissing(ctx.call('apigateway', 'DeleteDeployment', { restApiId: p.RestApiId, deploymentId: id }));
    } catch (e) {
      // A stage of another resource still serves it: it goes with the API.
      if (!(isAwsError(e) && e.code === 'BadRequestException')) throw e;
    }
  },
};

export const stage: ResourceProvider = {
  type: 'AWS::ApiGateway::Stage',
  service: 'apigateway',
  replaceOn: ['RestApiId', 'StageName'],
  required: ['RestApiId'],
  async create(ctx, p) {
    const name = p.StageName ?? physicalName(ctx, { max: 128, separator: '_' }).replace(/[^a-zA-Z0-9_-]/g, '_');
    await ctx.call<Stage>('apigateway', 'CreateStage', { restApiId: p.RestApiId, stageName: name, deploymentId: p.DeploymentId, tags: tagMap(p.Tags), ...stageInput(p) });
    const ops = methodSettingPatches(p.MethodSettings);
    if (ops.length) await ctx.call('apigateway', 'UpdateStage', { restApiId: p.RestApiId, stageName: name, patchOperations: ops });
    return { physicalId: name };
  },
  async update(ctx, name, p, old) {
    const ops: PatchOperation[] = [];
    if (changed(p.DeploymentId, old.DeploymentId)) ops.push(replace('/deploymentId', p.DeploymentId));
    if (changed(p.Description, old.Description)) ops.push(replace('/description', p.Description ?? ''));
    if (changed(p.TracingEnabled, old.TracingEnabled)) ops.push(replace('/tracingEnabled', bool(p.TracingEnabled) ?? false));
    ops.push(...mapPatches('/variables', p.Variables, old.Variables));
    if (changed(p.MethodSettings, old.MethodSettings)) ops.push(...methodSettingPatches(p.MethodSettings));
    if (ops.length) await ctx.call('apigateway', 'UpdateStage', { restApiId: p.RestApiId, stageName: name, patchOperations: ops });
  },
  async delete(ctx, name, p) {
    await ignoreMissing(ctx.call('apigateway', 'DeleteStage', { restApiId: p.RestApiId, stageName: name }));
  },
};

function authorizerInput(p: Record<string, any>): Record<string, unknown> {
  return {
    name: p.Name,
    type: p.Type,
    authorizerUri: p.AuthorizerUri,
    authorizerCredentials: p.AuthorizerCredentials,
    identitySource: p.IdentitySource,
    identityValidationExpression: p.IdentityValidationExpression,
    authorizerResultTtlInSeconds: num(p.AuthorizerResultTtlInSeconds),
    providerARNs: p.ProviderARNs,
    authType: p.AuthType,
  };
}

export const authorizer: ResourceProvider = {
  type: 'AWS::ApiGateway::Authorizer',
  service: 'apigateway',
  replaceOn: ['RestApiId'],
  required: ['RestApiId', 'Type', 'Name'],
  async create(ctx, p) {
    const a = await ctx.call<Authorizer>('apigateway', 'CreateAuthorizer', { restApiId: p.RestApiId, ...authorizerInput(p) });
    return { physicalId: a.id!, attributes: { AuthorizerId: a.id } };
  },
  async update(ctx, id, p, old) {
    const fields: [string, string][] = [
      ['Name', '/name'],
      ['Type', '/type'],
      ['AuthorizerUri', '/authorizerUri'],
      ['AuthorizerCredentials', '/authorizerCredentials'],
      ['IdentitySource', '/identitySource'],
      ['IdentityValidationExpression', '/identityValidationExpression'],
      ['AuthorizerResultTtlInSeconds', '/authorizerResultTtlInSeconds'],
    ];
    const ops = fields.filter(([k]) => changed(p[k], old[k])).map(([k, path]) => replace(path, p[k] ?? ''));
    if (changed(p.ProviderARNs, old.ProviderARNs)) {
      for (const arn of old.ProviderARNs ?? []) if (!(p.ProviderARNs ?? []).includes(arn)) ops.push({ op: 'remove', path: '/providerARNs', value: arn });
      for (const arn of p.ProviderARNs ?? []) if (!(old.ProviderARNs ?? []).includes(arn)) ops.push({ op: 'add', path: '/providerARNs', value: arn });
    }
    if (ops.length) await ctx.call('apigateway', 'UpdateAuthorizer', { restApiId: p.RestApiId, authorizerId: id, patchOperations: ops });
  },
  async delete(ctx, id, p) {
    await ignoreMissing(ctx.call('apigateway', 'DeleteAuthorizer', { restApiId: p.RestApiId, authorizerId: id }));
  },
};

export const apiKey: ResourceProvider = {
  type: 'AWS::ApiGateway::ApiKey',
  service: 'apigateway',
  replaceOn: ['Name', 'Value', 'GenerateDistinctId'],
  async create(ctx, p) {
    const k = await ctx.call<ApiKey>('apigateway', 'CreateApiKey', {
      name: p.Name ?? physicalName(ctx),
      description: p.Description,
      enabled: bool(p.Enabled) ?? false,
      value: p.Value,
      customerId: p.CustomerId,
      stageKeys: (p.StageKeys ?? []).map((s: Record<string, string>) => ({ restApiId: s.RestApiId, stageName: s.StageName })),
      tags: tagMap(p.Tags),
    });
    return { physicalId: k.id!, attributes: { APIKeyId: k.id } };
  },
  async update(ctx, id, p, old) {
    const ops: PatchOperation[] = [];
    if (changed(p.Description, old.Description)) ops.push(replace('/description', p.Description ?? ''));
    if (changed(p.Enabled, old.Enabled)) ops.push(replace('/enabled', bool(p.Enabled) ?? false));
    if (changed(p.CustomerId, old.CustomerId)) ops.push(replace('/customerId', p.CustomerId ?? ''));
    if (ops.length) await ctx.call('apigateway', 'UpdateApiKey', { apiKey: id, patchOperations: ops });
  },
  async delete(ctx, id) {
    await ignoreMissing(ctx.call('apigateway', 'DeleteApiKey', { apiKey: id }));
  },
};

const throttleOf = (t: Record<string, unknown> | undefined) => (t ? { burstLimit: num(t.BurstLimit), rateLimit: num(t.RateLimit) } : undefined);

export const usagePlan: ResourceProvider = {
  type: 'AWS::ApiGateway::UsagePlan',
  service: 'apigateway',
  replaceOn: [],
  async create(ctx, p) {
    const u = await ctx.call<UsagePlan>('apigateway', 'CreateUsagePlan', {
      name: p.UsagePlanName ?? physicalName(ctx),
      description: p.Description,
      apiStages: (p.ApiStages ?? []).map((s: Record<string, any>) => ({ apiId: s.ApiId, stage: s.Stage })),
      throttle: throttleOf(p.Throttle),
      quota: p.Quota ? { limit: num(p.Quota.Limit), period: p.Quota.Period, offset: num(p.Quota.Offset) } : undefined,
      tags: tagMap(p.Tags),
    });
    return { physicalId: u.id!, attributes: { Id: u.id } };
  },
  async update(ctx, id, p, old) {
    const ops: PatchOperation[] = [];
    if (changed(p.UsagePlanName, old.UsagePlanName) && p.UsagePlanName) ops.push(replace('/name', p.UsagePlanName));
    if (changed(p.Description, old.Description)) ops.push(replace('/description', p.Description ?? ''));
    if (changed(p.Throttle, old.Throttle)) {
      if (!p.Throttle) ops.push({ op: 'remove', path: '/throttle' });
      else {
        if (p.Throttle.RateLimit !== undefined) ops.push(replace('/throttle/rateLimit', p.Throttle.RateLimit));
        if (p.Throttle.BurstLimit !== undefined) ops.push(replace('/throttle/burstLimit', p.Throttle.BurstLimit));
      }
    }
    if (changed(p.Quota, old.Quota)) {
      if (!p.Quota) ops.push({ op: 'remove', path: '/quota' });
      else {
        ops.push(replace('/quota/limit', p.Quota.Limit));
        ops.push(replace('/quota/period', p.Quota.Period));
      }
    }
    const key = (s: Record<string, string>) => `${s.ApiId}:${s.Stage}`;
    const before = new Set<string>((old.ApiStages ?? []).map(key));
    const after = new Set<string>((p.ApiStages ?? []).map(key));
    for (const s of before) if (!after.has(s)) ops.push({ op: 'remove', path: '/apiStages', value: s });
    for (const s of after) if (!before.has(s)) ops.push({ op: 'add', path: '/apiStages', value: s });
    if (ops.length) await ctx.call('apigateway', 'UpdateUsagePlan', { usagePlanId: id, patchOperations: ops });
  },
  async delete(ctx, id) {
    await ignoreMissing(ctx.call('apigateway', 'DeleteUsagePlan', { usagePlanId: id }));
  },
};

export const usagePlanKey: ResourceProvider = {
  type: 'AWS::ApiGateway::UsagePlanKey',
  service: 'apigateway',
  replaceOn: ['KeyId', 'KeyType', 'UsagePlanId'],
  required: ['KeyId', 'KeyType', 'UsagePlanId'],
  async create(ctx, p) {
    const k = await ctx.call<UsagePlanKey>('apigateway', 'CreateUsagePlanKey', { usagePlanId: p.UsagePlanId, keyId: p.KeyId, keyType: p.KeyType });
    return { physicalId: k.id!, attributes: { Id: k.id } };
  },
  async delete(ctx, id, p) {
    await ignoreMissing(ctx.call('apigateway', 'DeleteUsagePlanKey', { usagePlanId: p.UsagePlanId, keyId: id }));
  },
};

export const model: ResourceProvider = {
  type: 'AWS::ApiGateway::Model',
  service: 'apigateway',
  replaceOn: ['RestApiId', 'Name', 'ContentType'],
  required: ['RestApiId'],
  async create(ctx, p) {
    const name = p.Name ?? physicalName(ctx, { max: 60, separator: '' }).replace(/[^a-zA-Z0-9]/g, '');
    const m = await ctx.call<Model>('apigateway', 'CreateModel', { restApiId: p.RestApiId, name, contentType: p.ContentType ?? 'application/json', schema: text(p.Schema), description: p.Description });
    return { physicalId: m.name! };
  },
  async update(ctx, name, p, old) {
    const ops: PatchOperation[] = [];
    if (changed(p.Schema, old.Schema)) ops.push(replace('/schema', text(p.Schema)));
    if (changed(p.Description, old.Description)) ops.push(replace('/description', p.Description ?? ''));
    if (ops.length) await ctx.call('apigateway', 'UpdateModel', { restApiId: p.RestApiId, modelName: name, patchOperations: ops });
  },
  async delete(ctx, name, p) {
    await ignoreMissing(ctx.call('apigateway', 'DeleteModel', { restApiId: p.RestApiId, modelName: name }));
  },
};

export const requestValidator: ResourceProvider = {
  type: 'AWS::ApiGateway::RequestValidator',
  service: 'apigateway',
  replaceOn: ['RestApiId', 'Name'],
  required: ['RestApiId'],
  async create(ctx, p) {
    const v = await ctx.call<RequestValidator>('apigateway', 'CreateRequestValidator', {
      restApiId: p.RestApiId,
      name: p.Name ?? physicalName(ctx),
      validateRequestBody: bool(p.ValidateRequestBody),
      validateRequestParameters: bool(p.ValidateRequestParameters),
    });
    return { physicalId: v.id!, attributes: { RequestValidatorId: v.id } };
  },
  async update(ctx, id, p) {
    await ctx.call('apigateway', 'UpdateRequestValidator', {
      restApiId: p.RestApiId,
      requestValidatorId: id,
      patchOperations: [replace('/validateRequestBody', bool(p.ValidateRequestBody) ?? false), replace('/validateRequestParameters', bool(p.ValidateRequestParameters) ?? false)],
    });
  },
  async delete(ctx, id, p) {
    await ignoreMissing(ctx.call('apigateway', 'DeleteRequestValidator', { restApiId: p.RestApiId, requestValidatorId: id }));
  },
};
