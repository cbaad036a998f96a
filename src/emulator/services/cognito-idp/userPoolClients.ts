import type {
  CreateUserPoolClientRequest,
  CreateUserPoolClientResponse,
  DeleteUserPoolClientRequest,
  DescribeUserPoolClientRequest,
  DescribeUserPoolClientResponse,
  ListUserPoolClientsRequest,
  ListUserPoolClientsResponse,
  UpdateUserPoolClientRequest,
  UpdateUserPoolClientResponse,
  UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognitoError } from './errors.js';
import { randomString } from '../../core/ids.js';
import { operation } from '../../core/service.js';
import { date, invalidParameter, nowIso, page } from './common.js';
import { newClientId, poolOf, rememberClient, type PoolClient, type StoredPool } from './state.js';

export const STANDARD_SCOPES = ['phone', 'email', 'openid', 'profile', 'aws.cognito.signin.user.admin'];

const UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

function checkValidity(input: CreateUserPoolClientRequest): void {
  const u = input.TokenValidityUnits ?? {};
  const within = (v: number | undefined, unit: string, lo: number, hi: number, what: string) => {
    if (v === undefined) return;
    const s = v * UNIT_SECONDS[unit];
    if (s < lo || s > hi) throw invalidParameter(`Invalid range for token validity: ${what}`);
  };
  within(input.AccessTokenValidity, u.AccessToken ?? 'hours', 300, 86400, 'access token validity must be between 5 minutes and 1 day.');
  within(input.IdTokenValidity, u.IdToken ?? 'hours', 300, 86400, 'ID token validity must be between 5 minutes and 1 day.');
  within(input.RefreshTokenValidity, u.RefreshToken ?? 'days', 3600, 315360000, 'refresh token validity must be between 60 minutes and 10 years.');
  if (input.AuthSessionValidity !== undefined && (input.AuthSessionValidity < 3 || input.AuthSessionValidity > 15)) {
    throw invalidParameter(`1 validation error detected: Value '${input.AuthSessionValidity}' at 'authSessionValidity' failed to satisfy constraint: Member must have value ${input.AuthSessionValidity < 3 ? 'greater than or equal to 3' : 'less than or equal to 15'}`);
  }
}

function checkUrl(url: string, what: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw invalidParameter(`${what} is not a valid URL: ${url}`);
  }
  if (u.hash) throw invalidParameter(`${what} can not contain a fragment: ${url}`);
  // AWS allows plain http only for localhost; the sandbox counts every loopback name as such.
  const loopback = u.hostname === 'localhost' || u.hostname === '127.0.0.1' || u.hostname === '[::1]' || u.hostname.endsWith('.localhost');
  if (u.protocol === 'http:' && !loopback) throw invalidParameter(`${what} must use HTTPS (plain HTTP is allowed only for localhost): ${url}`);
}

function checkOAuth(pool: StoredPool, input: CreateUserPoolClientRequest, hasSecret: boolean): void {
  const flows = input.AllowedOAuthFlows ?? [];
  if (flows.includes('client_credentials') && (flows.includes('code') || flows.includes('implicit'))) {
    throw invalidParameter('client_credentials flow can not be selected along with code flow or implicit flow.');
  }
  if (flows.includes('client_credentials') && !hasSecret) {
    throw invalidParameter('client_credentials flow can not be selected if client does not have a client secret.');
  }
  if (flows.length && !input.AllowedOAuthFlowsUserPoolClient) {
    throw invalidParameter('AllowedOAuthFlowsUserPoolClient must be true when AllowedOAuthFlows are specified.');
  }
  if (input.AllowedOAuthFlowsUserPoolClient && !flows.length) {
    throw invalidParameter('AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.');
  }
  if ((flows.includes('code') || flows.includes('implicit')) && !input.CallbackURLs?.length) {
    throw invalidParameter('CallbackURLs are required for the code and implicit flows.');
  }
  for (const url of input.CallbackURLs ?? []) checkUrl(url, 'CallbackURL');
  for (const url of input.LogoutURLs ?? []) checkUrl(url, 'LogoutURL');
  if (input.DefaultRedirectURI && !input.CallbackURLs?.includes(input.DefaultRedirectURI)) {
    throw invalidParameter('DefaultRedirectURI must be one of the CallbackURLs.');
  }
  for (const scope of input.AllowedOAuthScopes ?? []) {
    const slash = scope.lastIndexOf('/');
    const ok = STANDARD_SCOPES.includes(scope) || (slash > 0 && pool.resourceServers[scope.slice(0, slash)]?.Scopes.some((s) => s.ScopeName === scope.slice(slash + 1)));
    if (!ok) throw cognitoError('ScopeDoesNotExistException', `Invalid scope requested: ${scope}`);
    if (flows.includes('client_credentials') && STANDARD_SCOPES.includes(scope)) {
      throw invalidParameter(`${scope} scope is not allowed with client_credentials flow.`);
    }
  }
  for (const name of input.SupportedIdentityProviders ?? []) {
    if (name !== 'COGNITO' && !pool.providers[name]) {
      throw invalidParameter(`The provider ${name} does not exist for User Pool ${pool.Id}`);
    }
  }
}

function checkFlows(flows: string[] | undefined): void {
  if (!flows?.length) return;
  const modern = flows.filter((f) => f.startsWith('ALLOW_'));
  if (modern.length && modern.length !== flows.length) {
    throw invalidParameter('ExplicitAuthFlows can not have both ALLOW_ prefixed and legacy values.');
  }
}

function checkName(name: string | undefined): string {
  const n = name ?? '';
  if (!/^[\w\s+=,.@-]+$/.test(n) || n.length > 128) {
    throw invalidParameter(`1 validation error detected: Value '${n}' at 'clientName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+`);
  }
  return n;
}

/** The client's settings from a Create or Update request; what the request leaves out takes its default. */
function settingsOf(input: CreateUserPoolClientRequest): Omit<PoolClient, 'ClientId' | 'created' | 'modified' | 'UserPoolId' | 'ClientSecret'> {
  return {
    ClientName: checkName(input.ClientName),
    RefreshTokenValidity: input.RefreshTokenValidity ?? 30,
    AccessTokenValidity: input.AccessTokenValidity,
    IdTokenValidity: input.IdTokenValidity,
    TokenValidityUnits: { ...input.TokenValidityUnits },
    ReadAttributes: input.ReadAttributes,
    WriteAttributes: input.WriteAttributes,
    ExplicitAuthFlows: input.ExplicitAuthFlows,
    SupportedIdentityProviders: input.SupportedIdentityProviders,
    CallbackURLs: input.CallbackURLs,
    LogoutURLs: input.LogoutURLs,
    DefaultRedirectURI: input.DefaultRedirectURI,
    AllowedOAuthFlows: input.AllowedOAuthFlows,
    AllowedOAuthScopes: input.AllowedOAuthScopes,
    AllowedOAuthFlowsUserPoolClient: input.AllowedOAuthFlowsUserPoolClient ?? false,
    AnalyticsConfiguration: input.AnalyticsConfiguration,
    PreventUserExistenceErrors: input.PreventUserExistenceErrors,
    EnableTokenRevocation: input.EnableTokenRevocation ?? true,
    EnablePropagateAdditionalUserContextData: input.EnablePropagateAdditionalUserContextData ?? false,
    AuthSessionValidity: input.AuthSessionValidity ?? 3,
    RefreshTokenRotation: input.RefreshTokenRotation,
  };
}

export function describeClient(c: PoolClient): UserPoolClientType {
  const { created, modified, ...rest } = c;
  const out = { ...rest, LastModifiedDate: date(modified), CreationDate: date(created) } as UserPoolClientType;
  for (const k of Object.keys(out) as (keyof UserPoolClientType)[]) if (out[k] === undefined) delete out[k];
  return out;
}

export const newClientSecret = (): string => randomString(51, 'abcdefghijklmnopqrstuvwxyz0123456789');

export const CreateUserPoolClient = operation<CreateUserPoolClientRequest, CreateUserPoolClientResponse>({
  handler(input, ctx) {
    const ref = poolOf(ctx, input.UserPoolId);
    const { pool } = ref;
    if (Object.keys(pool.clients).length >= 1000) throw cognitoError('LimitExceededException', 'The number of app clients has reached its limit.');
    checkValidity(input);
    checkFlows(input.ExplicitAuthFlows);
    const hasSecret = !!input.GenerateSecret || !!input.ClientSecret;
    checkOAuth(pool, input, hasSecret);
    if (input.ClientSecret && !/^[\w+]{24,64}$/.test(input.ClientSecret)) {
      throw invalidParameter('The client secret must be 24 to 64 characters of letters, digits, underscores and plus signs.');
    }
    let id = newClientId(ctx.accountId);
    while (pool.clients[id]) id = newClientId(ctx.accountId);
    const now = nowIso(ctx);
    const client: PoolClient = {
      UserPoolId: pool.Id,
      ClientId: id,
      ...(hasSecret ? { ClientSecret: input.ClientSecret ?? newClientSecret() } : {}),
      ...settingsOf(input),
      created: now,
      modified: now,
    };
    pool.clients[id] = client;
    rememberClient(ctx.emulator, id, pool.Id);
    return { UserPoolClient: describeClient(client) };
  },
});

function clientIn(pool: StoredPool, clientId: string | undefined): PoolClient {
  const c = clientId ? pool.clients[clientId] : undefined;
  if (!c) throw cognitoError('ResourceNotFoundException', `User pool client ${clientId} does not exist.`);
  return c;
}

export const DescribeUserPoolClient = operation<DescribeUserPoolClientRequest, DescribeUserPoolClientResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    return { UserPoolClient: describeClient(clientIn(pool, input.ClientId)) };
  },
});

export const UpdateUserPoolClient = operation<UpdateUserPoolClientRequest, UpdateUserPoolClientResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    const old = clientIn(pool, input.ClientId);
    const req = { ...input, ClientName: input.ClientName ?? old.ClientName } as CreateUserPoolClientRequest;
    checkValidity(req);
    checkFlows(req.ExplicitAuthFlows);
    checkOAuth(pool, req, !!old.ClientSecret);
    const client: PoolClient = {
      UserPoolId: pool.Id,
      ClientId: old.ClientId,
      ...(old.ClientSecret ? { ClientSecret: old.ClientSecret } : {}),
      ...settingsOf(req),
      created: old.created,
      modified: nowIso(ctx),
    };
    pool.clients[old.ClientId] = client;
    return { UserPoolClient: describeClient(client) };
  },
});

export const DeleteUserPoolClient = operation<DeleteUserPoolClientRequest, object>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    delete pool.clients[clientIn(pool, input.ClientId).ClientId];
    return {};
  },
});

export const ListUserPoolClients = operation<ListUserPoolClientsRequest, ListUserPoolClientsResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    const clients = Object.values(pool.clients).sort((a, b) => a.created.localeCompare(b.created));
    const { items, next } = page(clients, input.NextToken, input.MaxResults);
    return { UserPoolClients: items.map((c) => ({ ClientId: c.ClientId, UserPoolId: pool.Id, ClientName: c.ClientName })), NextToken: next };
  },
});
