import type {
  DeleteIdentitiesInput,
  DeleteIdentitiesResponse,
  DescribeIdentityInput,
  GetCredentialsForIdentityInput,
  GetCredentialsForIdentityResponse,
  GetIdInput,
  GetIdResponse,
  GetOpenIdTokenForDeveloperIdentityInput,
  GetOpenIdTokenForDeveloperIdentityResponse,
  GetOpenIdTokenInput,
  GetOpenIdTokenResponse,
  IdentityDescription,
  ListIdentitiesInput,
  ListIdentitiesResponse,
  MappingRule,
  UnlinkIdentityInput,
} from '@aws-sdk/client-cognito-identity';
import { AwsError } from '../../core/errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { checkTrust, roleFromArn } from '../sts/trust.js';
import { startRoleSession } from '../sts/session.js';
import {
  checkPoolId,
  findIdentity,
  findIdentityPool,
  identityNotFound,
  newRegionalId,
  poolNotFound,
  poolOf,
  type IdentityPoolRef,
  type StoredIdentity,
} from './state.js';
import { verifyLogins, type Login } from './logins.js';
import { openIdToken, PRINCIPAL } from './openIdToken.js';

const unsigned = () => [] as [];
const notAuthorized = (message: string) => new AwsError('NotAuthorizedException', message, 400);
const badConfig = () => new AwsError('InvalidIdentityPoolConfigurationException', 'Invalid identity pool configuration. Check assigned IAM roles for this pool.', 400);

const nowIso = (ctx: Pick<RequestContext, 'emulator'>) => new Date(ctx.emulator.clock.now()).toISOString();

function newIdentity(ctx: RequestContext, ref: IdentityPoolRef, logins: Record<string, string>): StoredIdentity {
  let id = newRegionalId(ref.accountId, ref.region);
  while (ref.state.identities[id]) id = newRegionalId(ref.accountId, ref.region);
  const now = nowIso(ctx);
  const identity: StoredIdentity = { IdentityId: id, poolId: ref.pool.IdentityPoolId, logins, created: now, modified: now };
  ref.state.identities[id] = identity;
  return identity;
}

/** The identity the verified logins belong to, if any: a login names one identity for good. */
function identityFor(ref: IdentityPoolRef, logins: Login[]): StoredIdentity | undefined {
  return Object.values(ref.state.identities).find(
    (i) => i.poolId === ref.pool.IdentityPoolId && logins.some((l) => (l.key === PRINCIPAL ? l.subject === i.IdentityId : i.logins[l.key] === l.subject)),
  );
}

/**
 * The identity a call is about, with its logins checked: an authenticated identity needs a login
 * that vouches for it; an unauthenticated one needs a pool that allows guests.
 */
async function checkedIdentity(ctx: RequestContext, identityId: string | undefined, logins: Record<string, string> | undefined) {
  const found = await findIdentity(ctx.emulator, identityId ?? '');
  if (!found) throw identityNotFound(identityId ?? '');
  const { ref, identity } = found;
  const verified = await verifyLogins(ctx.emulator, ref, logins);
  const authenticated = Object.keys(identity.logins).length > 0;
  if (!verified.length) {
    if (authenticated) throw notAuthorized(`Access to Identity '${identity.IdentityId}' is forbidden.`);
    if (!ref.pool.AllowUnauthenticatedIdentities) throw notAuthorized('Unauthenticated access is not supported for this identity pool.');
    return { ref, identity, verified, amr: ['unauthenticated'] };
  }
  const owner = identityFor(ref, verified);
  if (owner && owner !== identity) throw notAuthorized("Logins don't match. Please include at least one valid login for this identity or identity pool.");
  if (!owner && authenticated) throw notAuthorized("Logins don't match. Please include at least one valid login for this identity or identity pool.");
  // A guest who signs in keeps the identity, now linked to the login, as in AWS.
  for (const l of verified) if (l.key !== PRINCIPAL) identity.logins[l.key] = l.subject;
  identity.modified = nowIso(ctx);
  return { ref, identity, verified, amr: ['authenticated', ...verified.flatMap((l) => l.amr)] };
}

export const GetId = operation<GetIdInput, GetIdResponse>({
  authorize: unsigned,
  readonly: false,
  async handler(input, ctx) {
    const ref = await findIdentityPool(ctx.emulator, checkPoolId(input.IdentityPoolId));
    if (!ref) throw poolNotFound(input.IdentityPoolId!);
    if (input.AccountId && input.AccountId !== ref.accountId) throw poolNotFound(input.IdentityPoolId!);
    const verified = await verifyLogins(ctx.emulator, ref, input.Logins);
    if (!verified.length) {
      if (!ref.pool.AllowUnauthenticatedIdentities) throw notAuthorized('Unauthenticated access is not supported for this identity pool.');
      return { IdentityId: newIdentity(ctx, ref, {}).IdentityId };
    }
    const existing = identityFor(ref, verified);
    if (existing) return { IdentityId: existing.IdentityId };
    return { IdentityId: newIdentity(ctx, ref, Object.fromEntries(verified.filter((l) => l.key !== PRINCIPAL).map((l) => [l.key, l.subject]))).IdentityId };
  },
});

function ruleMatches(rule: MappingRule, claims: Record<string, unknown>): boolean {
  const claim = claims[rule.Claim ?? ''];
  if (claim === undefined) return rule.MatchType === 'NotEqual';
  const values = Array.isArray(claim) ? claim.map(String) : [String(claim)];
  const v = rule.Value ?? '';
  switch (rule.MatchType) {
    case 'Equals':
      return values.length === 1 && values[0] === v;
    case 'Contains':
      return values.some((x) => x.includes(v));
    case 'StartsWith':
      return values.some((x) => x.startsWith(v));
    case 'NotEqual':
      return !(values.length === 1 && values[0] === v);
    default:
      return false;
  }
}

/** Which role an identity gets: the guest role, a role mapping's choice, or the authenticated role. */
function chooseRole(ref: IdentityPoolRef, verified: Login[], customRoleArn: string | undefined): string | undefined {
  const pool = ref.pool;
  if (!verified.length) return pool.roles.unauthenticated;
  for (const login of verified) {
    // AWS keys a user pool's mapping by provider and app client (`<providerName>:<clientId>`); the bare provider name is accepted too.
    const mapping = pool.roleMappings[`${login.key}:${String(login.claims.aud)}`] ?? pool.roleMappings[login.key];
    if (!mapping) continue;
    let role: string | undefined;
    if (mapping.Type === 'Token') {
      const roles = (login.claims['cognito:roles'] as string[] | undefined) ?? [];
      if (customRoleArn) {
        if (!roles.includes(customRoleArn)) throw notAuthorized('The CustomRoleArn is not one of the roles the token carries (cognito:roles).');
        role = customRoleArn;
      } else role = (login.claims['cognito:preferred_role'] as string | undefined) ?? (roles.length === 1 ? roles[0] : undefined);
    } else {
      role = mapping.RulesConfiguration?.Rules?.find((r) => ruleMatches(r, login.claims))?.RoleARN;
    }
    if (role) return role;
    if (mapping.AmbiguousRoleResolution === 'Deny') throw notAuthorized('Unable to determine the role for this identity: no role mapping rule matched and AmbiguousRoleResolution is Deny.');
    return pool.roles.authenticated;
  }
  return customRoleArn && customRoleArn === pool.roles.authenticated ? customRoleArn : pool.roles.authenticated;
}

/**
 * The enhanced flow: Cognito assumes the chosen role on the identity's behalf. Its trust policy is
 * evaluated by the IAM engine with the principal cognito-identity.amazonaws.com and the keys
 * cognito-identity.amazonaws.com:aud, :sub and :amr, and the credentials are enforced as that role.
 */
export const GetCredentialsForIdentity = operation<GetCredentialsForIdentityInput, GetCredentialsForIdentityResponse>({
  authorize: unsigned,
  readonly: false,
  async handler(input, ctx) {
    const { ref, identity, verified, amr } = await checkedIdentity(ctx, input.IdentityId, input.Logins);
    const roleArn = chooseRole(ref, verified, input.CustomRoleArn);
    if (!roleArn) throw badConfig();
    const { role, accountId } = await roleFromArn(ctx, roleArn);
    if (!role) throw badConfig();
    const webIdentity = {
      [`${PRINCIPAL}:aud`]: ref.pool.IdentityPoolId,
      [`${PRINCIPAL}:sub`]: identity.IdentityId,
      [`${PRINCIPAL}:amr`]: amr,
    };
    try {
      await checkTrust(ctx, {
        action: 'sts:AssumeRoleWithWebIdentity',
        role,
        roleArn,
        roleAccount: accountId,
        principal: PRINCIPAL,
        callerLabel: `Cognito identity ${identity.IdentityId}`,
        context: { ...webIdentity, 'sts:RoleSessionName': 'CognitoIdentityCredentials' },
      });
    } catch (e) {
      if (e instanceof AwsError && e.code === 'AccessDenied') throw badConfig();
      throw e;
    }
    const { session } = await startRoleSession(ctx, role, accountId, 'CognitoIdentityCredentials', 3600, { webIdentity });
    return {
      IdentityId: identity.IdentityId,
      Credentials: { AccessKeyId: session.accessKeyId, SecretKey: session.secretAccessKey, SessionToken: session.sessionToken, Expiration: new Date(session.expiration) },
    };
  },
});

/** The basic (classic) flow's first step: a token for STS AssumeRoleWithWebIdentity. */
export const GetOpenIdToken = operation<GetOpenIdTokenInput, GetOpenIdTokenResponse>({
  authorize: unsigned,
  readonly: false,
  async handler(input, ctx) {
    const { ref, identity, amr } = await checkedIdentity(ctx, input.IdentityId, input.Logins);
    if (ref.pool.AllowClassicFlow !== true) throw new AwsError('InvalidParameterException', 'Basic (classic) flow is not enabled, please use enhanced flow.', 400);
    if (Object.keys(ref.pool.roleMappings).length) throw new AwsError('InvalidParameterException', 'Basic (classic) flow is not supported with RoleMappings, please use enhanced flow.', 400);
    const token = await openIdToken(ctx.emulator, ref.state, ref.region, { sub: identity.IdentityId, aud: ref.pool.IdentityPoolId, amr }, 600);
    return { IdentityId: identity.IdentityId, Token: token };
  },
});

/** Developer-authenticated identities: the app's back end vouches for its user, with AWS credentials. */
export const GetOpenIdTokenForDeveloperIdentity = operation<GetOpenIdTokenForDeveloperIdentityInput, GetOpenIdTokenForDeveloperIdentityResponse>({
  readonly: false,
  async handler(input, ctx) {
    const ref = poolOf(ctx, input.IdentityPoolId);
    const name = ref.pool.DeveloperProviderName;
    const entries = Object.entries(input.Logins ?? {});
    const dev = entries.find(([k]) => k === name);
    if (!name || !dev) throw notAuthorized('The developer provider name in Logins is not the one configured for this identity pool.');
    const duration = input.TokenDuration ?? 900;
    if (duration < 1 || duration > 86400) throw new AwsError('InvalidParameterException', 'TokenDuration must be between 1 and 86400 seconds.', 400);
    let identity = input.IdentityId ? ref.state.identities[input.IdentityId] : Object.values(ref.state.identities).find((i) => i.poolId === ref.pool.IdentityPoolId && i.logins[name] === dev[1]);
    if (input.IdentityId && !identity) throw identityNotFound(input.IdentityId);
    identity ??= newIdentity(ctx, ref, {});
    identity.logins[name] = dev[1];
    identity.modified = nowIso(ctx);
    const amr = ['authenticated', PRINCIPAL, `${PRINCIPAL}:${ref.pool.IdentityPoolId}:${name}:${dev[1]}`];
    const token = await openIdToken(ctx.emulator, ref.state, ref.region, { sub: identity.IdentityId, aud: ref.pool.IdentityPoolId, amr }, duration);
    return { IdentityId: identity.IdentityId, Token: token };
  },
});

const describe = (i: StoredIdentity): IdentityDescription => ({
  IdentityId: i.IdentityId,
  ...(Object.keys(i.logins).length ? { Logins: Object.keys(i.logins) } : {}),
  CreationDate: new Date(i.created),
  LastModifiedDate: new Date(i.modified),
});

export const DescribeIdentity = operation<DescribeIdentityInput, IdentityDescription>({
  async handler(input, ctx) {
    const found = await findIdentity(ctx.emulator, input.IdentityId ?? '');
    if (!found || found.ref.accountId !== ctx.accountId) throw identityNotFound(input.IdentityId ?? '');
    return describe(found.identity);
  },
});

export const ListIdentities = operation<ListIdentitiesInput, ListIdentitiesResponse>({
  handler(input, ctx) {
    const ref = poolOf(ctx, input.IdentityPoolId);
    const max = input.MaxResults ?? 0;
    if (max < 1 || max > 60) {
      throw new AwsError('ValidationException', `1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value ${max < 1 ? 'greater than or equal to 1' : 'less than or equal to 60'}`, 400);
    }
    const all = Object.values(ref.state.identities).filter((i) => i.poolId === ref.pool.IdentityPoolId).sort((a, b) => a.created.localeCompare(b.created));
    const start = input.NextToken ? Number(Buffer.from(input.NextToken, 'base64').toString()) || 0 : 0;
    return {
      IdentityPoolId: ref.pool.IdentityPoolId,
      Identities: all.slice(start, start + max).map(describe),
      NextToken: start + max < all.length ? Buffer.from(String(start + max)).toString('base64') : undefined,
    };
  },
});

export const DeleteIdentities = operation<DeleteIdentitiesInput, DeleteIdentitiesResponse>({
  async handler(input, ctx) {
    const unprocessed = [];
    for (const id of input.IdentityIdsToDelete ?? []) {
      const found = await findIdentity(ctx.emulator, id);
      if (found && found.ref.accountId === ctx.accountId) delete found.ref.state.identities[id];
      else unprocessed.push({ IdentityId: id, ErrorCode: 'InternalServerError' as const });
    }
    return { UnprocessedIdentityIds: unprocessed };
  },
});

export const UnlinkIdentity = operation<UnlinkIdentityInput, object>({
  authorize: unsigned,
  async handler(input, ctx) {
    const { identity } = await checkedIdentity(ctx, input.IdentityId, input.Logins);
    for (const key of input.LoginsToRemove ?? []) delete identity.logins[key];
    identity.modified = nowIso(ctx);
    return {};
  },
});
