import type {
  Authorizer,
  CreateAuthorizerRequest,
  CreateAuthorizerResponse,
  DeleteAuthorizerRequest,
  GetAuthorizerRequest,
  GetAuthorizerResponse,
  GetAuthorizersRequest,
  GetAuthorizersResponse,
  UpdateAuthorizerRequest,
  UpdateAuthorizerResponse,
} from '@aws-sdk/client-apigatewayv2';
import { operation } from '../../core/service.js';
import { newId } from '../apigateway/common.js';
import { lambdaOfUri } from '../apigateway/integrations.js';
import type { AuthorizerRecord, HttpApiRecord } from './state.js';
import { apiOf, autoDeploy, badRequest, conflict, notFound, page } from './common.js';

export const toAuthorizer = (a: AuthorizerRecord): Authorizer => ({ ...a }) as Authorizer;

export function authorizerOf(api: HttpApiRecord, id: string | undefined): AuthorizerRecord {
  const a = id ? api.authorizers[id] : undefined;
  if (!a) throw notFound(`Invalid Authorizer identifier specified ${id}`, 'Authorizer');
  return a;
}

function check(a: AuthorizerRecord): void {
  if (!a.Name) throw badRequest('Authorizer name must be specified');
  if (a.AuthorizerType === 'JWT') {
    if (!a.JwtConfiguration?.Issuer) throw badRequest('JwtConfiguration.Issuer must be specified for a JWT authorizer');
    if (!/^https?:\/\//.test(a.JwtConfiguration.Issuer)) throw badRequest('JwtConfiguration.Issuer must be a URL');
    if (!a.IdentitySource?.length) throw badRequest('IdentitySource must be specified for a JWT authorizer');
  } else if (a.AuthorizerType === 'REQUEST') {
    if (!lambdaOfUri(a.AuthorizerUri)) throw badRequest('Invalid Authorizer URI specified: it must be arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations');
    if (!['1.0', '2.0'].includes(a.AuthorizerPayloadFormatVersion ?? '')) throw badRequest('AuthorizerPayloadFormatVersion must be 1.0 or 2.0 for a REQUEST authorizer');
    if (a.EnableSimpleResponses && a.AuthorizerPayloadFormatVersion !== '2.0') throw badRequest('Simple responses require the authorizer payload format version 2.0');
    const ttl = a.AuthorizerResultTtlInSeconds ?? 0;
    if (ttl < 0 || ttl > 3600) throw badRequest('AuthorizerResultTtlInSeconds must be between 0 and 3600');
    if (ttl > 0 && !a.IdentitySource?.length) throw badRequest('IdentitySource must be specified when caching is enabled (a TTL above 0)');
  } else throw badRequest(`Invalid authorizer type specified: ${a.AuthorizerType}. Valid options are JWT,REQUEST`);
}

export const CreateAuthorizer = operation<CreateAuthorizerRequest, CreateAuthorizerResponse>({
  handler(input, ctx) {
    const api = apiOf(ctx, input.ApiId);
    const a: AuthorizerRecord = {
      AuthorizerId: newId(6),
      Name: input.Name ?? '',
      AuthorizerType: input.AuthorizerType as AuthorizerRecord['AuthorizerType'],
      IdentitySource: input.IdentitySource,
      JwtConfiguration: input.JwtConfiguration,
      AuthorizerUri: input.AuthorizerUri,
      AuthorizerPayloadFormatVersion: input.AuthorizerPayloadFormatVersion,
      AuthorizerResultTtlInSeconds: input.AuthorizerType === 'REQUEST' ? (input.AuthorizerResultTtlInSeconds ?? 0) : undefined,
      EnableSimpleResponses: input.AuthorizerType === 'REQUEST' ? (input.EnableSimpleResponses ?? false) : undefined,
      AuthorizerCredentialsArn: input.AuthorizerCredentialsArn,
      IdentityValidationExpression: input.IdentityValidationExpression,
    };
    check(a);
    api.authorizers[a.AuthorizerId] = a;
    autoDeploy(ctx, api);
    return toAuthorizer(a);
  },
});

export const GetAuthorizer = operation<GetAuthorizerRequest, GetAuthorizerResponse>({
  handler: (input, ctx) => toAuthorizer(authorizerOf(apiOf(ctx, input.ApiId), input.AuthorizerId)),
});

export const GetAuthorizers = operation<GetAuthorizersRequest, GetAuthorizersResponse>({
  handler(input, ctx) {
    const p = page(Object.values(apiOf(ctx, input.ApiId).authorizers), input.NextToken, input.MaxResults);
    return { Items: p.Items.map(toAuthorizer), NextToken: p.NextToken };
  },
});

export const UpdateAuthorizer = operation<UpdateAuthorizerRequest, UpdateAuthorizerResponse>({
  handler(input, ctx) {
    const api = apiOf(ctx, input.ApiId);
    const a = authorizerOf(api, input.AuthorizerId);
    const next: AuthorizerRecord = { ...a };
    if (input.Name !== undefined) next.Name = input.Name;
    if (input.AuthorizerType !== undefined) next.AuthorizerType = input.AuthorizerType as AuthorizerRecord['AuthorizerType'];
    if (input.IdentitySource !== undefined) next.IdentitySource = input.IdentitySource;
    if (input.JwtConfiguration !== undefined) next.JwtConfiguration = { ...next.JwtConfiguration, ...input.JwtConfiguration };
    if (input.AuthorizerUri !== undefined) next.AuthorizerUri = input.AuthorizerUri;
    if (input.AuthorizerPayloadFormatVersion !== undefined) next.AuthorizerPayloadFormatVersion = input.AuthorizerPayloadFormatVersion;
    if (input.AuthorizerResultTtlInSeconds !== undefined) next.AuthorizerResultTtlInSeconds = input.AuthorizerResultTtlInSeconds;
    if (input.EnableSimpleResponses !== undefined) next.EnableSimpleResponses = input.EnableSimpleResponses;
    if (input.AuthorizerCredentialsArn !== undefined) next.AuthorizerCredentialsArn = input.AuthorizerCredentialsArn || undefined;
    check(next);
    Object.assign(a, next);
    autoDeploy(ctx, api);
    return toAuthorizer(a);
  },
});

export const DeleteAuthorizer = operation<DeleteAuthorizerRequest, Record<string, never>>({
  handler(input, ctx) {
    const api = apiOf(ctx, input.ApiId);
    const a = authorizerOf(api, input.AuthorizerId);
    const user = Object.values(api.routes).find((r) => r.AuthorizerId === a.AuthorizerId);
    if (user) throw conflict(`Cannot delete authorizer ${a.AuthorizerId}: route ${user.RouteKey} uses it`);
    delete api.authorizers[a.AuthorizerId];
    autoDeploy(ctx, api);
    return {};
  },
});
