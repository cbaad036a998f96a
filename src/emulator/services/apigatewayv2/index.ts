import * as apigatewayv2 from '@aws-sdk/client-apigatewayv2';
import { defineService } from '../../core/service.js';
import { pickOperations } from '../../core/operations.js';
import { initialApiGatewayV2State, type ApiGatewayV2State } from './state.js';
import * as apis from './apis.js';
import * as routes from './routes.js';
import * as integrations from './integrations.js';
import * as stages from './stages.js';
import * as authorizers from './authorizers.js';
import * as tags from './tags.js';

/**
 * API Gateway v2 (HTTP APIs): the control plane. Requests to an API's stages are answered by the
 * execute-api data plane that REST APIs share (../apigateway/common/executeApi.ts).
 */
export default defineService<ApiGatewayV2State>({
  id: 'apigatewayv2',
  signingName: 'apigateway',
  protocol: 'restJson1',
  sdk: apigatewayv2,
  state: initialApiGatewayV2State,
  operations: pickOperations(apis, routes, integrations, stages, authorizers, tags),
});
