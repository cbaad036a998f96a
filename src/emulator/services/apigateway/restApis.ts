import type {
  CreateRestApiRequest,
  EndpointType,
  DeleteRestApiRequest,
  GetRestApiRequest,
  GetRestApisRequest,
  RestApi,
  RestApis,
  UpdateRestApiRequest,
} from '@aws-sdk/client-api-gateway';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import { apigatewayState, type RestApiRecord } from './state.js';
import {
  applyPatches,
  badRequest,
  date,
  invalidPatchPath,
  newApiId,
  newId,
  nowIso,
  page,
  patchBool,
  restApiOf,
  unsupportedPatchOp,
  type Ctx,
} from './common.js';

const ENDPOINT_TYPES = ['PRIVATE', 'EDGE', 'REGIONAL'];

export function toRestApi(a: RestApiRecord): RestApi {
  return {
    id: a.id,
    name: a.name,
    description: a.description,
    createdDate: date(a.createdDate),
    version: a.version,
    warnings: a.warnings?.length ? a.warnings : undefined,
    binaryMediaTypes: a.binaryMediaTypes?.length ? a.binaryMediaTypes : undefined,
    minimumCompressionSize: a.minimumCompressionSize,
    apiKeySource: a.apiKeySource as RestApi['apiKeySource'],
    endpointConfiguration: a.endpointConfiguration,
    policy: a.policy,
    tags: a.tags,
    disableExecuteApiEndpoint: a.disableExecuteApiEndpoint,
    rootResourceId: a.rootResourceId,
  };
}

function checkCompression(size: number | undefined): void {
  if (size !== undefined && (!Number.isInteger(size) || size < 0 || size > 10485760)) {
    throw badRequest('Invalid minimum compression size, must be between 0 and 10485760');
  }
}

/** A new, empty REST API with its root resource `/` (shared by CreateRestApi and ImportRestApi). */
export function newRestApi(ctx: Ctx, input: Omit<CreateRestApiRequest, 'name'> & { name: string }): RestApiRecord {
  if (input.description === '') throw badRequest('Description cannot be an empty string');
  checkCompression(input.minimumCompressionSize);
  const types = input.endpointConfiguration?.types?.length ? input.endpointConfiguration.types : ['EDGE'];
  const bad = types.filter((t) => !ENDPOINT_TYPES.includes(t));
  if (bad.length) {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value '[${bad.join(', ')}]' at 'createRestApiInput.endpointConfiguration.types' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [PRIVATE, EDGE, REGIONAL]]`,
      400,
    );
  }
  const rootId = newId(10);
  const now = nowIso(ctx);
  const api: RestApiRecord = {
    id: newApiId(ctx.accountId),
    name: input.name,
    description: input.description,
    createdDate: now,
    version: input.version,
    binaryMediaTypes: input.binaryMediaTypes?.length ? [...input.binaryMediaTypes] : undefined,
    minimumCompressionSize: input.minimumCompressionSize,
    apiKeySource: input.apiKeySource ?? 'HEADER',
    endpointConfiguration: {
      ipAddressType: input.endpointConfiguration?.ipAddressType ?? (types.includes('PRIVATE') ? 'dualstack' : 'ipv4'),
      types: [...types] as EndpointType[],
      ...(input.endpointConfiguration?.vpcEndpointIds ? { vpcEndpointIds: input.endpointConfiguration.vpcEndpointIds } : {}),
    },
    policy: input.policy,
    tags: input.tags && Object.keys(input.tags).length ? { ...input.tags } : undefined,
    disableExecuteApiEndpoint: input.disableExecuteApiEndpoint ?? false,
    rootResourceId: rootId,
    resources: { [rootId]: { id: rootId, path: '/', methods: {} } },
    deployments: {},
    stages: {},
    authorizers: {},
    models: {},
    requestValidators: {},
  };
  apigatewayState(ctx).restApis[api.id] = api;
  return api;
}

export const CreateRestApi = operation<CreateRestApiRequest, RestApi>({
  handler(input, ctx) {
    if (!input.name) throw badRequest('Invalid API name specified');
    return toRestApi(newRestApi(ctx, { ...input, name: input.name }));
  },
});

export const GetRestApi = operation<GetRestApiRequest, RestApi>({
  handler: (input, ctx) => toRestApi(restApiOf(ctx, input.restApiId)),
});

export const GetRestApis = operation<GetRestApisRequest, RestApis>({
  handler(input, ctx) {
    const all = Object.values(apigatewayState(ctx).restApis).sort((a, b) => a.createdDate.localeCompare(b.createdDate));
    const p = page(all, input.position, input.limit);
    return { items: p.items.map(toRestApi), position: p.position };
  },
});

export const UpdateRestApi = operation<UpdateRestApiRequest, RestApi>({
  handler(input, ctx) {
    const api = restApiOf(ctx, input.restApiId);
    const next: RestApiRecord = JSON.parse(JSON.stringify(api)) as RestApiRecord;
    applyPatches(input.patchOperations, (p) => {
      const [field, ...rest] = p.segs;
      switch (field) {
        case 'name':
        case 'description':
        case 'version':
        case 'policy':
        case 'apiKeySource':
          if (p.op !== 'replace') throw unsupportedPatchOp(p.path, p.op);
          if (field === 'name') {
            if (!p.value) throw badRequest('Invalid API name specified');
            next.name = p.value;
          } else if (field === 'apiKeySource') {
            if (p.value !== 'HEADER' && p.value !== 'AUTHORIZER') throw badRequest(`Invalid apiKeySource ${p.value}`);
            next.apiKeySource = p.value;
          } else next[field] = p.value || undefined;
          break;
        case 'binaryMediaTypes': {
          if (!rest.length) throw invalidPatchPath(p.path);
          const type = rest.join('/');
          const list = next.binaryMediaTypes ?? [];
          if (p.op === 'add') {
            if (!list.includes(type)) list.push(type);
          } else if (p.op === 'remove') {
            const i = list.indexOf(type);
            if (i >= 0) list.splice(i, 1);
          } else if (p.op === 'replace') {
            const i = list.indexOf(type);
            if (i < 0) throw badRequest(`Invalid patch path ${p.path}`);
            list[i] = p.value ?? '';
          } else throw unsupportedPatchOp(p.path, p.op);
          next.binaryMediaTypes = list;
          break;
        }
        case 'minimumCompressionSize': {
          if (p.op !== 'replace') throw unsupportedPatchOp(p.path, p.op);
          if (p.value === undefined || p.value === '') next.minimumCompressionSize = undefined;
          else {
            const n = Number(p.value);
            if (!/^-?\d+$/.test(p.value)) throw badRequest(`Invalid minimum compression size, must be between 0 and 10485760`);
            checkCompression(n);
            next.minimumCompressionSize = n;
          }
          break;
        }
        case 'disableExecuteApiEndpoint':
          if (p.op !== 'replace') throw unsupportedPatchOp(p.path, p.op);
          next.disableExecuteApiEndpoint = patchBool(p);
          break;
        case 'endpointConfiguration':
          if (rest[0] === 'types' && p.op === 'replace') {
            if (!p.value || !ENDPOINT_TYPES.includes(p.value)) throw badRequest(`Invalid EndpointTypes specified. Valid options are REGIONAL,EDGE,PRIVATE`);
            next.endpointConfiguration = { ...next.endpointConfiguration, types: [p.value as EndpointType] };
          } else if (rest[0] === 'ipAddressType' && p.op === 'replace') {
            if (p.value !== 'ipv4' && p.value !== 'dualstack') throw badRequest(`Invalid IpAddressType specified. Valid options are ipv4,dualstack`);
            next.endpointConfiguration = { ...next.endpointConfiguration, ipAddressType: p.value };
          } else throw invalidPatchPath(p.path);
          break;
        default:
          throw invalidPatchPath(p.path);
      }
    });
    next.tags ??= {};
    Object.assign(api, next);
    return toRestApi(api);
  },
});

export const DeleteRestApi = operation<DeleteRestApiRequest, Record<string, never>>({
  handler(input, ctx) {
    restApiOf(ctx, input.restApiId);
    const state = apigatewayState(ctx);
    delete state.restApis[input.restApiId!];
    for (const plan of Object.values(state.usagePlans)) plan.apiStages = plan.apiStages.filter((s) => s.apiId !== input.restApiId);
    return {};
  },
});
