import * as apigateway from '@aws-sdk/client-api-gateway';
import { defineService } from '../../core/service.js';
import { pickOperations } from '../../core/operations.js';
import { initialApiGatewayState, type ApiGatewayState } from './state.js';
import * as restApis from './restApis.js';
import * as importRestApi from './importRestApi.js';
import * as resources from './resources.js';
import * as methods from './methods.js';
import * as integrations from './integrations.js';
import * as deployments from './deployments.js';
import * as stages from './stages.js';
import * as authorizers from './authorizers.js';
import * as models from './models.js';
import * as apiKeys from './apiKeys.js';
import * as usagePlans from './usagePlans.js';
import * as tags from './tags.js';
import { executeApiRoute } from './common/executeApi.js';
import { forgetBuckets } from './common/throttle.js';
import { forgetAuthorizerCache } from './common/authorizers.js';

/**
 * API Gateway REST APIs (v1): the control plane here, and the data plane (`<apiId>.execute-api.localhost`,
 * `/restapis/<apiId>/<stage>/_user_request_/…`, `/_aws/execute-api/<apiId>/<stage>/…`) in dataPlane.ts.
 */
export default defineService<ApiGatewayState>({
  id: 'apigateway',
  signingName: 'apigateway',
  protocol: 'restJson1',
  sdk: apigateway,
  state: initialApiGatewayState,
  operations: pickOperations(restApis, importRestApi, resources, methods, integrations, deployments, stages, authorizers, models, apiKeys, usagePlans, tags),
  // The execute-api data plane, shared with HTTP APIs (it finds which kind of API an id names).
  routes: [executeApiRoute],
  reset(emulator) {
    forgetBuckets(emulator);
    forgetAuthorizerCache(emulator);
  },
});
