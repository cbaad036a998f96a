import type {
  AdminConfirmSignUpRequest,
  AdminConfirmSignUpResponse,
  AdminCreateUserRequest,
  AdminCreateUserResponse,
  AdminDeleteUserAttributesRequest,
  AdminDeleteUserAttributesResponse,
  AdminDeleteUserRequest,
  AdminDisableUserRequest,
  AdminDisableUserResponse,
  AdminEnableUserRequest,
  AdminEnableUserResponse,
  AdminGetUserRequest,
  AdminGetUserResponse,
  AdminResetUserPasswordRequest,
  AdminResetUserPasswordResponse,
  AdminSetUserPasswordRequest,
  AdminSetUserPasswordResponse,
  AdminUpdateUserAttributesRequest,
  AdminUpdateUserAttributesResponse,
  AdminUserGlobalSignOutRequest,
  AdminUserGlobalSignOutResponse,
  AttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { randomInt } from 'node:crypto';
import { cognitoError } from './errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import {
  checkAttributes,
  checkPasswordPolicy,
  checkPasswordShape,
  checkUsernameShape,
  date,
  getUser,
  invalidParameter,
  notAuthorized,
  nowIso,
  poolName,
  schemaOf,
  toUserType,
  userKey,
} from './common.js';
import { attributeList, poolOf, type PoolRef, type PoolUser } from './state.js';
import { historyEntry, newCode, passwordRecord } from './secrets.js';
import { deliver, destinationFor, recoveryDestination } from './messages.js';
import { checkNewUsername, claimAlias, newUser, postConfirmation, signUpName } from './signUp.js';
import { runTrigger } from './triggers.js';
import { mfaSettings } from './mfa.js';

/** A temporary password that satisfies the pool's policy, as Cognito generates when none is given. */
function temporaryPassword(ref: PoolRef): string {
  const p = ref.pool.config.Policies?.PasswordPolicy ?? {};
  const sets = ['abcdefghijkmnpqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '^$*.[]{}()?!@#%&/,><:;|_~=+-'];
  const pick = (s: string) => s[randomInt(s.length)];
  const chars = sets.map(pick);
  while (chars.length < Math.max(p.MinimumLength ?? 8, 12)) chars.push(pick(sets[chars.length % 3]));
  return chars.sort(() => randomInt(3) - 1).join('');
}

/** Sets a password, keeping the old one in the history the policy may check. */
export function setPassword(ctx: Pick<RequestContext, 'emulator'>, ref: PoolRef, user: PoolUser, password: string, temporary: boolean): void {
  if (user.password) user.history = [historyEntry(user.password), ...user.history].slice(0, 24);
  user.password = passwordRecord(poolName(ref.pool), user.Username, password, temporary, nowIso(ctx));
  user.modified = user.password.setAt;
}

/** Applies attribute changes; changing an email or phone number unverifies it unless the change says otherwise. */
export function applyAttributes(user: PoolUser, attrs: Record<string, string>): string[] {
  const changed: string[] = [];
  for (const [name, value] of Object.entries(attrs)) {
    if (user.attributes[name] === value) continue;
    user.attributes[name] = value;
    changed.push(name);
  }
  for (const a of ['email', 'phone_number']) {
    if (changed.includes(a) && attrs[`${a}_verified`] === undefined) user.attributes[`${a}_verified`] = 'false';
  }
  return changed;
}

export const AdminCreateUser = operation<AdminCreateUserRequest, AdminCreateUserResponse>({
  async handler(input, ctx) {
    const ref = poolOf(ctx, input.UserPoolId);
    const { pool } = ref;
    const typed = checkUsernameShape(input.Username);
    if (input.MessageAction === 'RESEND') {
      const user = getUser(pool, typed);
      if (user.status !== 'FORCE_CHANGE_PASSWORD') throw cognitoError('UnsupportedUserStateException', 'Resend not possible. ' + user.Username + ' status is not FORCE_CHANGE_PASSWORD.');
      const password = input.TemporaryPassword ?? temporaryPassword(ref);
      setPassword(ctx, ref, user, password, true);
      await sendInvitation(ctx, ref, user, password, input);
      return { User: toUserType(user) };
    }
    checkPasswordShape(input.TemporaryPassword, 'temporaryPassword');
    const name = signUpName(pool, typed);
    const attrs = { ...checkAttributes(pool, input.UserAttributes, { creating: name.attributes, admin: true }), ...name.attributes };
    checkNewUsername(pool, typed, attrs, true);
    const password = input.TemporaryPassword ?? temporaryPassword(ref);
    if (input.TemporaryPassword !== undefined) checkPasswordPolicy(pool, password, undefined, true);
    await runTrigger(
      ctx.emulator,
      ref,
      'PreSignUp',
      'PreSignUp_AdminCreateUser',
      name.username,
      undefined,
      {
        userAttributes: { ...attrs },
        validationData: Object.fromEntries((input.ValidationData ?? []).map((a) => [a.Name!, a.Value ?? ''])),
        ...(input.ClientMetadata ? { clientMetadata: input.ClientMetadata } : {}),
      },
      { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
    );
    const user = newUser(ctx, name, attrs, 'FORCE_CHANGE_PASSWORD');
    for (const a of ['email', 'phone_number'] as const) {
      if (user.attributes[`${a}_verified`] === 'true') claimAlias(pool, user, a, !!input.ForceAliasCreation);
    }
    setPassword(ctx, ref, user, password, true);
    pool.users[userKey(pool, user.Username)] = user;
    if (input.MessageAction !== 'SUPPRESS') await sendInvitation(ctx, ref, user, password, input);
    return { User: toUserType(user) };
  },
});

async function sendInvitation(ctx: RequestContext, ref: PoolRef, user: PoolUser, password: string, input: AdminCreateUserRequest): Promise<void> {
  const mediums = input.DesiredDeliveryMediums?.length ? input.DesiredDeliveryMediums : ['SMS'];
  for (const medium of mediums) {
    const to = destinationFor(user, medium === 'EMAIL' ? ['email'] : ['phone_number']);
    if (to) await deliver(ctx.emulator, ref, user, 'AdminCreateUser', to, password, { clientMetadata: input.ClientMetadata, endpoint: ctx.endpoint });
  }
}

export const AdminGetUser = operation<AdminGetUserRequest, AdminGetUserResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    const user = getUser(pool, input.Username);
    return {
      Username: user.Username,
      UserAttributes: attributeList(user),
      UserCreateDate: date(user.created),
      UserLastModifiedDate: date(user.modified),
      Enabled: user.enabled,
      UserStatus: user.status,
      ...mfaSettings(user),
    };
  },
});

export const AdminDeleteUser = operation<AdminDeleteUserRequest, object>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    const user = getUser(pool, input.Username);
    delete pool.users[userKey(pool, user.Username)];
    return {};
  },
});

export const AdminConfirmSignUp = operation<AdminConfirmSignUpRequest, AdminConfirmSignUpResponse>({
  async handler(input, ctx) {
    const ref = poolOf(ctx, input.UserPoolId);
    const user = getUser(ref.pool, input.Username);
    if (user.status !== 'UNCONFIRMED') throw notAuthorized(`User cannot be confirmed. Current status is ${user.status}`);
    user.status = 'CONFIRMED';
    delete user.confirmCode;
    user.modified = nowIso(ctx);
    await postConfirmation(ctx, ref, user, 'PostConfirmation_ConfirmSignUp', undefined, input.ClientMetadata);
    return {};
  },
});

export const AdminSetUserPassword = operation<AdminSetUserPasswordRequest, AdminSetUserPasswordResponse>({
  handler(input, ctx) {
    const ref = poolOf(ctx, input.UserPoolId);
    const user = getUser(ref.pool, input.Username);
    checkPasswordShape(input.Password, 'password');
    checkPasswordPolicy(ref.pool, input.Password!, user, true);
    setPassword(ctx, ref, user, input.Password!, !input.Permanent);
    if (input.Permanent) {
      if (user.status !== 'EXTERNAL_PROVIDER') user.status = 'CONFIRMED';
    } else user.status = 'FORCE_CHANGE_PASSWORD';
    return {};
  },
});

/** Changes attributes for an administrator or the user; codes go out for changed emails and phone numbers the pool verifies. */
export async function updateAttributes(
  ctx: RequestContext,
  ref: PoolRef,
  user: PoolUser,
  attributes: AttributeType[] | undefined,
  opts: { admin: boolean; clientId?: string; clientMetadata?: Record<string, string> },
) {
  const client = opts.clientId ? ref.pool.clients[opts.clientId] : undefined;
  const attrs = checkAttributes(ref.pool, attributes, { existing: user, admin: opts.admin, client });
  if (ref.pool.config.UsernameAttributes?.length) {
    for (const a of ref.pool.config.UsernameAttributes) {
      if (attrs[a] !== undefined) {
        const other = Object.values(ref.pool.users).find((u) => u !== user && u.attributes[a] === attrs[a]);
        if (other) throw cognitoError('AliasExistsException', `An account with the given ${a} already exists.`);
      }
    }
  }
  // A verified alias (email, phone) belongs to one user only, as in AWS.
  const preview: PoolUser = { ...user, attributes: { ...user.attributes } };
  applyAttributes(preview, attrs);
  for (const a of ['email', 'phone_number']) if (preview.attributes[`${a}_verified`] === 'true') claimAlias(ref.pool, preview, a, false);
  const changed = applyAttributes(user, attrs);
  user.modified = nowIso(ctx);
  const details = [];
  const auto = ref.pool.config.AutoVerifiedAttributes ?? [];
  for (const a of ['email', 'phone_number'] as const) {
    if (!changed.includes(a) || !auto.includes(a) || user.attributes[`${a}_verified`] === 'true') continue;
    const { code, record } = newCode(ref.pool, 24 * 3600_000, ctx.emulator.clock.now());
    user.attributeCodes = { ...user.attributeCodes, [a]: { ...record, attribute: a } };
    const to = destinationFor(user, [a])!;
    details.push(await deliver(ctx.emulator, ref, user, 'UpdateUserAttribute', to, code, { clientId: opts.clientId, clientMetadata: opts.clientMetadata, endpoint: ctx.endpoint }));
  }
  return details;
}

export const AdminUpdateUserAttributes = operation<AdminUpdateUserAttributesRequest, AdminUpdateUserAttributesResponse>({
  async handler(input, ctx) {
    const ref = poolOf(ctx, input.UserPoolId);
    const user = getUser(ref.pool, input.Username);
    await updateAttributes(ctx, ref, user, input.UserAttributes, { admin: true, clientMetadata: input.ClientMetadata });
    return {};
  },
});

export function deleteAttributes(ref: PoolRef, user: PoolUser, names: string[] | undefined): void {
  for (const name of names ?? []) {
    const schema = schemaOf(ref.pool, name);
    if (!schema) throw invalidParameter(`Invalid attribute name ${name}`);
    if (schema.Required) throw invalidParameter(`Attributes did not conform to the schema: ${name}: The attribute is required`);
    if (name === 'sub') throw invalidParameter('Cannot delete the non-mutable attribute sub');
    delete user.attributes[name];
    if (name === 'email' || name === 'phone_number') delete user.attributes[`${name}_verified`];
  }
}

export const AdminDeleteUserAttributes = operation<AdminDeleteUserAttributesRequest, AdminDeleteUserAttributesResponse>({
  handler(input, ctx) {
    const ref = poolOf(ctx, input.UserPoolId);
    const user = getUser(ref.pool, input.Username);
    deleteAttributes(ref, user, input.UserAttributeNames);
    user.modified = nowIso(ctx);
    return {};
  },
});

export const AdminDisableUser = operation<AdminDisableUserRequest, AdminDisableUserResponse>({
  handler(input, ctx) {
    const user = getUser(poolOf(ctx, input.UserPoolId).pool, input.Username);
    user.enabled = false;
    // Disabling a user ends its sessions, as in AWS.
    user.signedOutAt = ctx.emulator.clock.now();
    user.modified = nowIso(ctx);
    return {};
  },
});

export const AdminEnableUser = operation<AdminEnableUserRequest, AdminEnableUserResponse>({
  handler(input, ctx) {
    const user = getUser(poolOf(ctx, input.UserPoolId).pool, input.Username);
    user.enabled = true;
    user.modified = nowIso(ctx);
    return {};
  },
});

export const AdminResetUserPassword = operation<AdminResetUserPasswordRequest, AdminResetUserPasswordResponse>({
  async handler(input, ctx) {
    const ref = poolOf(ctx, input.UserPoolId);
    const user = getUser(ref.pool, input.Username);
    if (!user.enabled) throw notAuthorized('User is disabled.');
    const to = recoveryDestination(ref, user);
    const { code, record } = newCode(ref.pool, 3600_000, ctx.emulator.clock.now());
    user.resetCode = record;
    user.status = 'RESET_REQUIRED';
    user.modified = nowIso(ctx);
    await deliver(ctx.emulator, ref, user, 'ForgotPassword', to, code, { clientMetadata: input.ClientMetadata, endpoint: ctx.endpoint });
    return {};
  },
});

export const AdminUserGlobalSignOut = operation<AdminUserGlobalSignOutRequest, AdminUserGlobalSignOutResponse>({
  handler(input, ctx) {
    const user = getUser(poolOf(ctx, input.UserPoolId).pool, input.Username);
    user.signedOutAt = ctx.emulator.clock.now();
    return {};
  },
});
