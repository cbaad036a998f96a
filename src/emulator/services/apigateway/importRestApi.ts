import type { ImportRestApiRequest, PutRestApiRequest, RestApi } from '@aws-sdk/client-api-gateway';
import { parse as parseYaml } from 'yaml';
import { operation } from '../../core/service.js';
import { apigatewayState, type ResourceRecord, type RestApiRecord } from './state.js';
import { badRequest, restApiOf, type Ctx } from './common.js';
import { newRestApi, toRestApi } from './restApis.js';
import { addResource } from './resources.js';
import { putMethod, HTTP_METHODS } from './methods.js';
import { putIntegration, putIntegrationResponse } from './integrations.js';
import { addAuthorizer } from './authorizers.js';
import { addModel } from './models.js';

/* OpenAPI 2.0 and 3.0 documents with API Gateway's extensions (x-amazon-apigateway-*). */
type Doc = Record<string, any>;

function readDocument(body: Uint8Array | undefined): Doc {
  const text = Buffer.from(body ?? new Uint8Array()).toString('utf8').trim();
  if (!text) throw badRequest('Invalid OpenAPI input.');
  let doc: unknown;
  try {
    doc = text.startsWith('{') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw badRequest(`Invalid OpenAPI input: ${(e as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || (!(doc as Doc).openapi && !(doc as Doc).swagger)) {
    throw badRequest('Invalid OpenAPI input: the document must be OpenAPI 3 or Swagger 2 (an "openapi" or "swagger" field).');
  }
  return doc as Doc;
}

const schemesOf = (doc: Doc): Record<string, Doc> => doc.components?.securitySchemes ?? doc.securityDefinitions ?? {};

/** Resolves `{$ref: '#/...'}` within the document (one level is all API Gateway's extensions use). */
function deref(doc: Doc, v: any): any {
  if (v && typeof v === 'object' && typeof v.$ref === 'string' && v.$ref.startsWith('#/')) {
    return v.$ref
      .slice(2)
      .split('/')
      .reduce((o: any, k: string) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  }
  return v;
}

const asStringMap = (m: unknown): Record<string, string> | undefined =>
  m && typeof m === 'object' ? Object.fromEntries(Object.entries(m as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])) : undefined;

/** Fills an API from the document: authorizers, models, resources, methods and integrations. */
function importInto(api: RestApiRecord, doc: Doc, warnings: string[]): void {
  if (Array.isArray(doc['x-amazon-apigateway-binary-media-types'])) api.binaryMediaTypes = [...doc['x-amazon-apigateway-binary-media-types']];
  if (doc['x-amazon-apigateway-api-key-source']) api.apiKeySource = String(doc['x-amazon-apigateway-api-key-source']);
  if (doc['x-amazon-apigateway-policy']) api.policy = JSON.stringify(doc['x-amazon-apigateway-policy']);

  const authorizerIds: Record<string, string> = {};
  const apiKeySchemes = new Set<string>();
  for (const [name, raw] of Object.entries(schemesOf(doc))) {
    const scheme = deref(doc, raw) as Doc;
    const ext = scheme['x-amazon-apigateway-authorizer'] as Doc | undefined;
    if (!ext) {
      if (scheme.type === 'apiKey') apiKeySchemes.add(name);
      continue;
    }
    const type = String(ext.type ?? 'token').toUpperCase();
    const header = scheme.in === 'header' && scheme.name ? `method.request.header.${scheme.name}` : undefined;
    const a = addAuthorizer(api, {
      name,
      type: type as 'TOKEN',
      authorizerUri: ext.authorizerUri,
      authorizerCredentials: ext.authorizerCredentials,
      identitySource: ext.identitySource ?? header,
      identityValidationExpression: ext.identityValidationExpression,
      authorizerResultTtlInSeconds: ext.authorizerResultTtlInSeconds,
      providerARNs: ext.providerARNs,
      authType: scheme['x-amazon-apigateway-authtype'],
    });
    authorizerIds[name] = a.id;
  }

  for (const [name, schema] of Object.entries((doc.components?.schemas ?? doc.definitions ?? {}) as Record<string, unknown>)) {
    if (/^[a-zA-Z0-9]+$/.test(name) && !api.models[name]) addModel(api, { name, contentType: 'application/json', schema: JSON.stringify(schema) });
    else warnings.push(`Model ${name} was not imported: model names must be alphanumeric and unique`);
  }

  const root = api.resources[api.rootResourceId];
  const globalSecurity = doc.security as Doc[] | undefined;
  for (const [path, rawItem] of Object.entries((doc.paths ?? {}) as Record<string, Doc>)) {
    const item = deref(doc, rawItem) as Doc;
    let resource: ResourceRecord = root;
    for (const part of path.split('/').filter(Boolean)) {
      const existing = Object.values(api.resources).find((r) => r.parentId === resource.id && r.pathPart === part);
      resource = existing ?? addResource(api, resource, part);
    }
    const shared = (item.parameters ?? []) as Doc[];
    for (const [key, rawOp] of Object.entries(item)) {
      const httpMethod = key === 'x-amazon-apigateway-any-method' ? 'ANY' : key.toUpperCase();
      if (!HTTP_METHODS.includes(httpMethod)) continue;
      const op = rawOp as Doc;
      const requestParameters: Record<string, boolean> = {};
      for (const rp of [...shared, ...((op.parameters ?? []) as Doc[])].map((x) => deref(doc, x) as Doc)) {
        const where = rp.in === 'query' ? 'querystring' : rp.in;
        if (where === 'path' || where === 'querystring' || where === 'header') requestParameters[`method.request.${where}.${rp.name}`] = !!rp.required;
      }
      const security = (op.security ?? globalSecurity ?? []) as Doc[];
      let authorizerId: string | undefined;
      let authorizationType = 'NONE';
      let apiKeyRequired = false;
      let authorizationScopes: string[] | undefined;
      for (const req of security) {
        for (const [schemeName, scopes] of Object.entries(req)) {
          if (apiKeySchemes.has(schemeName)) apiKeyRequired = true;
          else if (authorizerIds[schemeName]) {
            authorizerId = authorizerIds[schemeName];
            authorizationType = api.authorizers[authorizerId].type === 'COGNITO_USER_POOLS' ? 'COGNITO_USER_POOLS' : 'CUSTOM';
            if (Array.isArray(scopes) && scopes.length) authorizationScopes = scopes as string[];
          } else if (schemesOf(doc)[schemeName]?.['x-amazon-apigateway-authtype'] === 'awsSigv4') authorizationType = 'AWS_IAM';
        }
      }
      const method = putMethod(api, resource, {
        httpMethod,
        authorizationType,
        authorizerId,
        apiKeyRequired,
        operationName: op.operationId,
        requestParameters: Object.keys(requestParameters).length ? requestParameters : undefined,
        authorizationScopes,
      });
      for (const [code, raw] of Object.entries((op.responses ?? {}) as Record<string, Doc>)) {
        if (!/^[1-5]\d\d$/.test(code)) continue;
        const r = deref(doc, raw) as Doc;
        const headers = Object.keys(r?.headers ?? {});
        method.methodResponses = {
          ...(method.methodResponses ?? {}),
          [code]: { statusCode: code, responseParameters: headers.length ? Object.fromEntries(headers.map((h) => [`method.response.header.${h}`, false])) : undefined },
        };
      }
      const integration = op['x-amazon-apigateway-integration'] as Doc | undefined;
      if (!integration) {
        warnings.push(`${httpMethod} ${path} has no x-amazon-apigateway-integration: it needs one before the API can be deployed`);
        continue;
      }
      putIntegration(resource, method, {
        type: String(integration.type ?? '').toUpperCase() as 'MOCK',
        integrationHttpMethod: integration.httpMethod,
        uri: integration.uri,
        credentials: integration.credentials,
        requestParameters: asStringMap(integration.requestParameters),
        requestTemplates: asStringMap(integration.requestTemplates),
        passthroughBehavior: integration.passthroughBehavior ? String(integration.passthroughBehavior).toUpperCase() : undefined,
        contentHandling: integration.contentHandling,
        timeoutInMillis: integration.timeoutInMillis,
        cacheKeyParameters: integration.cacheKeyParameters,
        connectionType: integration.connectionType,
      });
      for (const [pattern, raw] of Object.entries((integration.responses ?? {}) as Record<string, Doc>)) {
        putIntegrationResponse(method, {
          statusCode: String(raw.statusCode ?? '200'),
          selectionPattern: pattern === 'default' ? undefined : pattern,
          responseTemplates: asStringMap(raw.responseTemplates),
          responseParameters: asStringMap(raw.responseParameters),
          contentHandling: raw.contentHandling,
        });
      }
    }
  }
}

export const ImportRestApi = operation<ImportRestApiRequest, RestApi>({
  handler(input, ctx) {
    const doc = readDocument(input.body);
    const title = doc.info?.title;
    if (!title) throw badRequest('Invalid OpenAPI input: info.title is required (it names the API).');
    const endpointType = input.parameters?.endpointConfigurationTypes;
    const api = newRestApi(ctx, {
      name: String(title),
      description: doc.info?.description || undefined,
      version: doc.info?.version !== undefined ? String(doc.info.version) : undefined,
      endpointConfiguration: endpointType ? { types: [endpointType as 'EDGE'] } : undefined,
    });
    const warnings: string[] = [];
    try {
      importInto(api, doc, warnings);
    } catch (e) {
      delete apigatewayState(ctx).restApis[api.id];
      throw e;
    }
    if (warnings.length && input.failOnWarnings) {
      delete apigatewayState(ctx).restApis[api.id];
      throw badRequest(`Warnings found during import:\n\t${warnings.join('\n\t')}`);
    }
    api.warnings = warnings.length ? warnings : undefined;
    return toRestApi(api);
  },
});

export const PutRestApi = operation<PutRestApiRequest, RestApi>({
  handler(input, ctx: Ctx) {
    const api = restApiOf(ctx, input.restApiId);
    const doc = readDocument(input.body);
    const backup = JSON.stringify(api);
    if ((input.mode ?? 'merge') === 'overwrite') {
      const root = api.resources[api.rootResourceId];
      root.methods = {};
      api.resources = { [root.id]: root };
      api.authorizers = {};
      api.models = {};
      if (doc.info?.title) api.name = String(doc.info.title);
      api.description = doc.info?.description || undefined;
    }
    const warnings: string[] = [];
    try {
      importInto(api, doc, warnings);
      if (warnings.length && input.failOnWarnings) throw badRequest(`Warnings found during import:\n\t${warnings.join('\n\t')}`);
    } catch (e) {
      Object.assign(api, JSON.parse(backup));
      throw e;
    }
    api.warnings = warnings.length ? warnings : undefined;
    return toRestApi(api);
  },
});
