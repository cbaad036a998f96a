import type {
  CreateIdentityProviderRequest,
  CreateIdentityProviderResponse,
  DeleteIdentityProviderRequest,
  DescribeIdentityProviderRequest,
  DescribeIdentityProviderResponse,
  GetIdentityProviderByIdentifierRequest,
  GetIdentityProviderByIdentifierResponse,
  IdentityProviderType,
  ListIdentityProvidersRequest,
  ListIdentityProvidersResponse,
  UpdateIdentityProviderRequest,
  UpdateIdentityProviderResponse,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognitoError } from './errors.js';
import { operation } from '../../core/service.js';
import { date, invalidParameter, nowIso, page } from './common.js';
import { poolOf, type PoolProvider, type StoredPool } from './state.js';

/** What AWS fills in for the social providers, whose endpoints it knows. */
const SOCIAL: Record<string, { required: string[]; details: Record<string, string>; username: string }> = {
  Google: {
    required: ['client_id', 'client_secret', 'authorize_scopes'],
    details: {
      attributes_url: 'https://people.googleapis.com/v1/people/me?personFields=',
      attributes_url_add_attributes: 'true',
      authorize_url: 'https://accounts.google.com/o/oauth2/v2/auth',
      oidc_issuer: 'https://accounts.google.com',
      token_request_method: 'POST',
      token_url: 'https://www.googleapis.com/oauth2/v4/token',
    },
    username: 'sub',
  },
  Facebook: {
    required: ['client_id', 'client_secret', 'authorize_scopes'],
    details: {
      api_version: 'v17.0',
      attributes_url: 'https://graph.facebook.com/v17.0/me?fields=',
      attributes_url_add_attributes: 'true',
      authorize_url: 'https://www.facebook.com/v17.0/dialog/oauth',
      token_request_method: 'GET',
      token_url: 'https://graph.facebook.com/v17.0/oauth/access_token',
    },
    username: 'id',
  },
  LoginWithAmazon: { required: ['client_id', 'client_secret', 'authorize_scopes'], details: {}, username: 'user_id' },
  SignInWithApple: { required: ['client_id', 'team_id', 'key_id', 'private_key', 'authorize_scopes'], details: {}, username: 'sub' },
};

export const toProvider = (pool: StoredPool, p: PoolProvider): IdentityProviderType => ({
  UserPoolId: pool.Id,
  ProviderName: p.ProviderName,
  ProviderType: p.ProviderType as IdentityProviderType['ProviderType'],
  ProviderDetails: p.ProviderDetails,
  AttributeMapping: p.AttributeMapping,
  IdpIdentifiers: p.IdpIdentifiers,
  LastModifiedDate: date(p.modified),
  CreationDate: date(p.created),
});

function providerIn(pool: StoredPool, name: string | undefined): PoolProvider {
  const p = name !== undefined ? pool.providers[name] : undefined;
  if (!p) throw cognitoError('ResourceNotFoundException', `Identity provider ${name} does not exist.`);
  return p;
}

/** OIDC providers: the endpoints come from the issuer's discovery document unless given, as AWS reads it. */
async function oidcDetails(details: Record<string, string>): Promise<Record<string, string>> {
  for (const k of ['client_id', 'attributes_request_method', 'oidc_issuer', 'authorize_scopes']) {
    if (!details[k]) throw invalidParameter(`${k} is required for OIDC identity providers.`);
  }
  if (!details.authorize_scopes.split(/\s+/).includes('openid')) throw invalidParameter('authorize_scopes must include openid for OIDC identity providers.');
  if (details.authorize_url && details.token_url && details.attributes_url && details.jwks_uri) return details;
  const issuer = details.oidc_issuer.replace(/\/$/, '');
  let doc: Record<string, string>;
  try {
    const res = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    doc = (await res.json()) as Record<string, string>;
  } catch (e) {
    throw invalidParameter(`Unable to contact well-known endpoint (${issuer}/.well-known/openid-configuration: ${(e as Error).message})`);
  }
  return {
    ...details,
    authorize_url: details.authorize_url ?? doc.authorization_endpoint,
    token_url: details.token_url ?? doc.token_endpoint,
    attributes_url: details.attributes_url ?? doc.userinfo_endpoint,
    jwks_uri: details.jwks_uri ?? doc.jwks_uri,
  };
}

async function providerSettings(type: string, name: string, details: Record<string, string>, mapping: Record<string, string> | undefined) {
  const social = SOCIAL[type];
  let full: Record<string, string>;
  if (social) {
    if (name !== type) throw invalidParameter(`Provider name for ${type} must be ${type}.`);
    for (const k of social.required) if (!details[k]) throw invalidParameter(`${k} is required for ${type}.`);
    full = { ...social.details, ...details };
  } else if (type === 'OIDC') {
    full = await oidcDetails(details);
  } else if (type === 'SAML') {
    if (!details.MetadataURL && !details.MetadataFile) throw invalidParameter('MetadataURL or MetadataFile is required for SAML identity providers.');
    full = { ...details };
  } else {
    throw invalidParameter(`1 validation error detected: Value '${type}' at 'providerType' failed to satisfy constraint: Member must satisfy enum value set: [SAML, Google, LoginWithAmazon, Facebook, SignInWithApple, OIDC]`);
  }
  const username = social?.username ?? (type === 'OIDC' ? 'sub' : undefined);
  return { details: full, mapping: { ...(username ? { username } : {}), ...mapping } };
}

function checkIdentifiers(pool: StoredPool, name: string, ids: string[] | undefined): string[] {
  for (const id of ids ?? []) {
    const other = Object.values(pool.providers).find((p) => p.ProviderName !== name && p.IdpIdentifiers.includes(id));
    if (other) throw cognitoError('DuplicateProviderException', `An identity provider with the identifier ${id} already exists in this user pool.`);
  }
  return ids ?? [];
}

export const CreateIdentityProvider = operation<CreateIdentityProviderRequest, CreateIdentityProviderResponse>({
  async handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    const name = input.ProviderName ?? '';
    if (!/^[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+$/u.test(name) || name.length > 32) {
      throw invalidParameter(`1 validation error detected: Value '${name}' at 'providerName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^_\\p{Z}][\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}][^_\\p{Z}]+`);
    }
    if (name === 'COGNITO') throw invalidParameter('COGNITO is a reserved provider name.');
    if (pool.providers[name]) throw cognitoError('DuplicateProviderException', `A provider with the name ${name} already exists in this user pool.`);
    const type = input.ProviderType ?? '';
    const s = await providerSettings(type, name, { ...input.ProviderDetails }, input.AttributeMapping);
    const now = nowIso(ctx);
    const p: PoolProvider = {
      ProviderName: name,
      ProviderType: type,
      ProviderDetails: s.details,
      AttributeMapping: s.mapping,
      IdpIdentifiers: checkIdentifiers(pool, name, input.IdpIdentifiers),
      created: now,
      modified: now,
    };
    pool.providers[name] = p;
    return { IdentityProvider: toProvider(pool, p) };
  },
});

export const DescribeIdentityProvider = operation<DescribeIdentityProviderRequest, DescribeIdentityProviderResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    return { IdentityProvider: toProvider(pool, providerIn(pool, input.ProviderName)) };
  },
});

export const GetIdentityProviderByIdentifier = operation<GetIdentityProviderByIdentifierRequest, GetIdentityProviderByIdentifierResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    const p = Object.values(pool.providers).find((x) => x.IdpIdentifiers.includes(input.IdpIdentifier ?? ''));
    if (!p) throw cognitoError('ResourceNotFoundException', `Identity provider with identifier ${input.IdpIdentifier} does not exist.`);
    return { IdentityProvider: toProvider(pool, p) };
  },
});

export const UpdateIdentityProvider = operation<UpdateIdentityProviderRequest, UpdateIdentityProviderResponse>({
  async handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    const p = providerIn(pool, input.ProviderName);
    if (input.ProviderDetails || input.AttributeMapping) {
      const s = await providerSettings(p.ProviderType, p.ProviderName, { ...p.ProviderDetails, ...input.ProviderDetails }, { ...p.AttributeMapping, ...input.AttributeMapping });
      p.ProviderDetails = s.details;
      p.AttributeMapping = s.mapping;
    }
    if (input.IdpIdentifiers) p.IdpIdentifiers = checkIdentifiers(pool, p.ProviderName, input.IdpIdentifiers);
    p.modified = nowIso(ctx);
    return { IdentityProvider: toProvider(pool, p) };
  },
});

export const DeleteIdentityProvider = operation<DeleteIdentityProviderRequest, object>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    const p = providerIn(pool, input.ProviderName);
    delete pool.providers[p.ProviderName];
    return {};
  },
});

export const ListIdentityProviders = operation<ListIdentityProvidersRequest, ListIdentityProvidersResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    const providers = Object.values(pool.providers).sort((a, b) => a.created.localeCompare(b.created));
    const { items, next } = page(providers, input.NextToken, input.MaxResults);
    return {
      Providers: items.map((p) => ({ ProviderName: p.ProviderName, ProviderType: p.ProviderType as IdentityProviderType['ProviderType'], LastModifiedDate: date(p.modified), CreationDate: date(p.created) })),
      NextToken: next,
    };
  },
});
