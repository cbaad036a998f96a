import type { AttributeType, CodeDeliveryDetailsType, SchemaAttributeType, UserType } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoError } from './errors.js';
import type { RequestContext } from '../../core/service.js';
import { attributeList, type PoolClient, type PoolUser, type StoredPool } from './state.js';
import { historyEntry, inHistory, secretHash } from './secrets.js';

export const nowIso = (ctx: Pick<RequestContext, 'emulator'>): string => new Date(ctx.emulator.clock.now()).toISOString();
export const date = (iso: string | undefined): Date | undefined => (iso ? new Date(iso) : undefined);

export const invalidParameter = (message: string) => cognitoError('InvalidParameterException', message);
export const notAuthorized = (message: string) => cognitoError('NotAuthorizedException', message);
export const userNotFound = () => cognitoError('UserNotFoundException', 'User does not exist.');
export const incorrectPassword = () => notAuthorized('Incorrect username or password.');

/** The name pieces of the pool id SRP hashes with: `us-east-1_AbC` → `AbC`. */
export const poolName = (pool: StoredPool): string => pool.Id.split('_')[1];

const caseInsensitive = (pool: StoredPool) => pool.config.UsernameConfiguration?.CaseSensitive === false;

/** The key a user is stored under. */
export const userKey = (pool: StoredPool, username: string): string => (caseInsensitive(pool) ? username.toLowerCase() : username);

/**
 * A user by what they typed to sign in: the username, or an alias (a verified email, phone number or
 * preferred username in pools with AliasAttributes; the email or phone itself in pools with UsernameAttributes).
 */
export function lookupUser(pool: StoredPool, typed: string): PoolUser | undefined {
  const direct = pool.users[userKey(pool, typed)];
  if (direct) return direct;
  const usernameAttrs = pool.config.UsernameAttributes ?? [];
  const aliasAttrs = pool.config.AliasAttributes ?? [];
  if (!usernameAttrs.length && !aliasAttrs.length) return undefined;
  const norm = (s: string) => (caseInsensitive(pool) ? s.toLowerCase() : s);
  const want = norm(typed);
  for (const user of Object.values(pool.users)) {
    for (const attr of usernameAttrs) if (user.attributes[attr] !== undefined && norm(user.attributes[attr]) === want) return user;
    for (const attr of aliasAttrs) {
      const value = user.attributes[attr];
      if (value === undefined || norm(value) !== want) continue;
      if (attr === 'preferred_username' || user.attributes[`${attr}_verified`] === 'true') return user;
    }
  }
  return undefined;
}

export function getUser(pool: StoredPool, username: string | undefined): PoolUser {
  const user = username !== undefined ? lookupUser(pool, username) : undefined;
  if (!user) throw userNotFound();
  return user;
}

export function toUserType(user: PoolUser): UserType {
  return {
    Username: user.Username,
    Attributes: attributeList(user),
    UserCreateDate: date(user.created),
    UserLastModifiedDate: date(user.modified),
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}

// Cognito's symbols: the printable ASCII punctuation, and a space that is not at either end.
const SYMBOL = /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/;

/**
 * Checks a password against the pool's policy. `admin` selects the wording Cognito uses for
 * AdminCreateUser and AdminSetUserPassword.
 */
export function checkPasswordPolicy(pool: StoredPool, password: string, user?: PoolUser, admin = false): void {
  const p = pool.config.Policies?.PasswordPolicy ?? {};
  const fail = (why: string) => cognitoError('InvalidPasswordException', `Password did not conform with ${admin ? 'password ' : ''}policy: ${why}`);
  if (password.length < (p.MinimumLength ?? 8)) throw fail('Password not long enough');
  if (p.RequireLowercase && !/[a-z]/.test(password)) throw fail('Password must have lowercase characters');
  if (p.RequireUppercase && !/[A-Z]/.test(password)) throw fail('Password must have uppercase characters');
  if (p.RequireNumbers && !/[0-9]/.test(password)) throw fail('Password must have numeric characters');
  if (p.RequireSymbols && !SYMBOL.test(password.trim())) throw fail('Password must have symbol characters');
  const size = p.PasswordHistorySize ?? 0;
  if (user && size > 0) {
    const recent = [...(user.password ? [historyEntry(user.password)] : []), ...user.history].slice(0, size);
    if (inHistory(recent, password)) throw fail('Password has previously been used');
  }
}

/** The length and pattern AWS checks on every password it receives (SignUp, ChangePassword...). */
export function checkPasswordShape(password: string | undefined, member: string): void {
  if (password === undefined) return;
  if (password.length < 6) {
    throw invalidParameter(`1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length greater than or equal to 6`);
  }
  if (password.length > 256) {
    throw invalidParameter(`1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to 256`);
  }
  if (!/^\S(.*\S)?$/s.test(password)) {
    throw invalidParameter(`1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$`);
  }
}

export function checkUsernameShape(username: string | undefined, member = 'username'): string {
  const u = username ?? '';
  if (!/^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u.test(u) || u.length > 128) {
    throw invalidParameter(`1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+`);
  }
  return u;
}

/**
 * SECRET_HASH for clients with a secret: required, and equal to HMAC(secret, username + clientId).
 * `usernames` are the names the client may have hashed (what it typed, or the user's real username).
 */
export function checkSecretHash(client: PoolClient, given: string | undefined, usernames: (string | undefined)[]): void {
  if (!client.ClientSecret) return;
  if (!given) throw notAuthorized(`Client ${client.ClientId} is configured for secret but secret was not received`);
  const ok = usernames.some((u) => u !== undefined && secretHash(client.ClientSecret!, u, client.ClientId) === given);
  if (!ok) throw notAuthorized(`Unable to verify secret hash for client ${client.ClientId}`);
}

export function maskDestination(medium: 'EMAIL' | 'SMS', value: string): string {
  if (medium === 'SMS') return `+*******${value.slice(-4)}`;
  const [local, domain = ''] = value.split('@');
  return `${local.slice(0, 1)}***@${domain.slice(0, 1)}***`;
}

export const delivery = (medium: 'EMAIL' | 'SMS', attribute: string, value: string): CodeDeliveryDetailsType => ({
  Destination: maskDestination(medium, value),
  DeliveryMedium: medium,
  AttributeName: attribute,
});

export const schemaOf = (pool: StoredPool, name: string): SchemaAttributeType | undefined =>
  pool.config.SchemaAttributes?.find((a) => a.Name === name);

const EMAIL = /^[^@\s]+@[^@\s]+$/;
const PHONE = /^\+[0-9]{4,15}$/;

/**
 * Checks attributes a caller wants to set against the pool's schema: known names, types, lengths,
 * formats, and (for `creating`) the required ones. Returns them as a map.
 */
export function checkAttributes(
  pool: StoredPool,
  attrs: AttributeType[] | undefined,
  opts: { creating?: PoolUser['attributes']; existing?: PoolUser; client?: PoolClient; admin?: boolean } = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { Name, Value } of attrs ?? []) {
    const name = Name ?? '';
    const value = Value ?? '';
    const schema = schemaOf(pool, name);
    if (!schema) throw invalidParameter(`Attributes did not conform to the schema: Type for attribute {${name}} could not be determined`);
    if (name === 'sub') throw invalidParameter('Cannot modify the non-mutable attribute sub');
    if (opts.client?.WriteAttributes?.length && !opts.client.WriteAttributes.includes(name) && !opts.admin) {
      throw notAuthorized('A client attempted to write unauthorized attribute');
    }
    // Only administrators mark an email or phone number verified; users prove it with a code.
    const adminOnly = schema.DeveloperOnlyAttribute || name === 'email_verified' || name === 'phone_number_verified';
    if (adminOnly && !opts.admin) throw notAuthorized('A client attempted to write unauthorized attribute');
    if (opts.existing && schema.Mutable === false && opts.existing.attributes[name] !== undefined) {
      throw invalidParameter(`Cannot modify the non-mutable attribute ${name}`);
    }
    if (schema.AttributeDataType === 'Boolean' && value !== 'true' && value !== 'false') {
      throw invalidParameter(`Attributes did not conform to the schema: ${name}: Attribute value must be a boolean`);
    }
    if (schema.AttributeDataType === 'Number' && (value === '' || !Number.isFinite(Number(value)))) {
      throw invalidParameter(`Attributes did not conform to the schema: ${name}: Number must be a valid number`);
    }
    const max = Number(schema.StringAttributeConstraints?.MaxLength ?? 2048);
    const min = Number(schema.StringAttributeConstraints?.MinLength ?? 0);
    if (schema.AttributeDataType === 'String' && value.length > max) {
      throw invalidParameter(`Attributes did not conform to the schema: ${name}: String must be no longer than ${max} characters`);
    }
    if (schema.AttributeDataType === 'String' && value.length < min) {
      throw invalidParameter(`Attributes did not conform to the schema: ${name}: String must be no shorter than ${min} characters`);
    }
    if (name === 'email' && value && !EMAIL.test(value)) throw invalidParameter('Invalid email address format.');
    if (name === 'phone_number' && value && !PHONE.test(value)) throw invalidParameter('Invalid phone number format.');
    out[name] = value;
  }
  if (opts.creating) {
    const merged = { ...opts.creating, ...out };
    for (const s of pool.config.SchemaAttributes ?? []) {
      if (s.Required && s.Name !== 'sub' && (merged[s.Name!] === undefined || merged[s.Name!] === '')) {
        throw invalidParameter(`Attributes did not conform to the schema: ${s.Name}: The attribute is required`);
      }
    }
  }
  return out;
}

/** Pagination by an opaque offset, as Cognito's NextToken / PaginationToken. */
export function page<T>(items: T[], token: string | undefined, limit: number | undefined, max = 60): { items: T[]; next?: string } {
  const n = limit ?? max;
  if (n < 0 || n > max) {
    throw invalidParameter(`1 validation error detected: Value '${n}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
  }
  let start = 0;
  if (token) {
    const parsed = Number.parseInt(Buffer.from(token, 'base64').toString('utf8'), 10);
    if (!Number.isFinite(parsed) || parsed < 0) throw invalidParameter('Invalid pagination token');
    start = parsed;
  }
  const size = n === 0 ? max : n;
  const slice = items.slice(start, start + size);
  return { items: slice, next: start + size < items.length ? Buffer.from(String(start + size)).toString('base64') : undefined };
}

/** Which explicit auth flows a client allows (AWS's defaults when it names none). */
export function allowsFlow(client: PoolClient, flow: string): boolean {
  const flows = client.ExplicitAuthFlows?.length ? client.ExplicitAuthFlows : ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH'];
  const legacy: Record<string, string> = {
    ALLOW_ADMIN_USER_PASSWORD_AUTH: 'ADMIN_NO_SRP_AUTH',
    ALLOW_USER_PASSWORD_AUTH: 'USER_PASSWORD_AUTH',
    ALLOW_CUSTOM_AUTH: 'CUSTOM_AUTH_FLOW_ONLY',
  };
  return flows.includes(flow as never) || (legacy[flow] !== undefined && flows.includes(legacy[flow] as never)) || (flow === 'ALLOW_REFRESH_TOKEN_AUTH' && flows.some((f) => !f.startsWith('ALLOW_')));
}
