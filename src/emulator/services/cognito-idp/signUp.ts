import type {
  ConfirmSignUpRequest,
  ConfirmSignUpResponse,
  ResendConfirmationCodeRequest,
  ResendConfirmationCodeResponse,
  SignUpRequest,
  SignUpResponse,
} from '@aws-sdk/client-cognito-identity-provider';
import { randomUUID } from 'node:crypto';
import { cognitoError } from './errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import {
  checkAttributes,
  checkPasswordPolicy,
  checkPasswordShape,
  checkSecretHash,
  checkUsernameShape,
  invalidParameter,
  lookupUser,
  notAuthorized,
  nowIso,
  poolName,
  userKey,
  userNotFound,
} from './common.js';
import { clientOf, type CodeRecord, type PoolClient, type PoolRef, type PoolUser, type StoredPool } from './state.js';
import { codeMatches, newCode, passwordRecord } from './secrets.js';
import { deliver, destinationFor } from './messages.js';
import { runTrigger, triggerAttributes } from './triggers.js';

export const SIGN_UP_CODE_MS = 24 * 3600_000;

/**
 * The username a new user gets. In pools with UsernameAttributes, what the caller calls a username
 * is an email or phone number: it becomes that attribute, and the real username is a UUID (the sub).
 */
export function signUpName(pool: StoredPool, typed: string): { username: string; sub: string; attributes: Record<string, string> } {
  const sub = randomUUID();
  const ua = pool.config.UsernameAttributes ?? [];
  if (!ua.length) return { username: typed, sub, attributes: {} };
  const isEmail = /^[^@\s]+@[^@\s]+$/.test(typed);
  const isPhone = /^\+[0-9]{4,15}$/.test(typed);
  if (ua.includes('email') && isEmail) return { username: sub, sub, attributes: { email: typed } };
  if (ua.includes('phone_number') && isPhone) return { username: sub, sub, attributes: { phone_number: typed } };
  throw invalidParameter(ua.length > 1 ? 'Username should be either an email or a phone number.' : ua[0] === 'email' ? 'Username should be an email.' : 'Username should be a phone number.');
}

/** Refuses a username, or an email or phone number used as one, that another user already has. */
export function checkNewUsername(pool: StoredPool, typed: string, attrs: Record<string, string>, admin: boolean): void {
  const ua = pool.config.UsernameAttributes ?? [];
  if (!ua.length) {
    if (pool.users[userKey(pool, typed)]) throw cognitoError('UsernameExistsException', admin ? 'User account already exists' : 'User already exists');
    return;
  }
  for (const attr of ua) {
    const value = attrs[attr];
    if (value === undefined) continue;
    const other = lookupUser(pool, value);
    if (other) throw cognitoError('UsernameExistsException', `An account with the given ${attr} already exists.`);
  }
}

export function newUser(ctx: Pick<RequestContext, 'emulator'>, name: { username: string; sub: string }, attributes: Record<string, string>, status: PoolUser['status']): PoolUser {
  const now = nowIso(ctx);
  return { Username: name.username, sub: name.sub, attributes, status, enabled: true, created: now, modified: now, history: [], mfa: { enabled: [] }, groups: [] };
}

/** Where sign-up codes go: the pool's auto-verified attributes, phone before email, as Cognito picks. */
export function signUpDestination(pool: StoredPool, user: PoolUser) {
  const auto = pool.config.AutoVerifiedAttributes ?? [];
  return destinationFor(user, (['phone_number', 'email'] as const).filter((a) => auto.includes(a)));
}

/** Checks a code the user typed against the one they were sent. */
export function checkCode(pool: StoredPool, record: CodeRecord | undefined, code: string | undefined, now: number): void {
  if (!record || record.expires < now) throw cognitoError('ExpiredCodeException', 'Invalid code provided, please request a code again.');
  if (record.attempts >= 5) throw cognitoError('LimitExceededException', 'Attempt limit exceeded, please try after some time.');
  if (!code || !codeMatches(pool, record, code)) {
    record.attempts++;
    throw cognitoError('CodeMismatchException', 'Invalid verification code provided, please try again.');
  }
}

/** Whether the client hides which users exist (PreventUserExistenceErrors = ENABLED). */
export const hidesUsers = (client: PoolClient): boolean => client.PreventUserExistenceErrors === 'ENABLED';

/**
 * A verified email or phone number that is an alias belongs to one user only: confirming it for
 * another fails, unless the caller forces the alias over (the old holder's copy is unverified).
 */
export function claimAlias(pool: StoredPool, user: PoolUser, attribute: string, force: boolean): void {
  if (!(pool.config.AliasAttributes ?? []).includes(attribute as never)) return;
  const value = user.attributes[attribute];
  for (const other of Object.values(pool.users)) {
    if (other === user || other.attributes[attribute] !== value || other.attributes[`${attribute}_verified`] !== 'true') continue;
    if (!force) throw cognitoError('AliasExistsException', `An account with the given ${attribute} already exists.`);
    other.attributes[`${attribute}_verified`] = 'false';
  }
}

export async function postConfirmation(ctx: RequestContext, ref: PoolRef, user: PoolUser, source: string, clientId: string | undefined, clientMetadata?: Record<string, string>): Promise<void> {
  await runTrigger(ctx.emulator, ref, 'PostConfirmation', source, user.Username, clientId, { userAttributes: triggerAttributes(user), ...(clientMetadata ? { clientMetadata } : {}) }, {});
}

export const SignUp = operation<SignUpRequest, SignUpResponse>({
  authorize: () => [],
  async handler(input, ctx) {
    const { ref, client } = await clientOf(ctx.emulator, input.ClientId);
    const { pool } = ref;
    if (pool.config.AdminCreateUserConfig?.AllowAdminCreateUserOnly) throw notAuthorized('SignUp is not permitted for this user pool');
    const typed = checkUsernameShape(input.Username);
    checkSecretHash(client, input.SecretHash, [typed]);
    checkPasswordShape(input.Password, 'password');
    if (input.Password === undefined) throw invalidParameter('Missing required parameter PASSWORD');
    const name = signUpName(pool, typed);
    const attrs = { ...checkAttributes(pool, input.UserAttributes, { creating: name.attributes, client }), ...name.attributes };
    checkNewUsername(pool, typed, attrs, false);
    checkPasswordPolicy(pool, input.Password);

    const pre = await runTrigger(
      ctx.emulator,
      ref,
      'PreSignUp',
      'PreSignUp_SignUp',
      name.username,
      client.ClientId,
      {
        userAttributes: { ...attrs },
        validationData: Object.fromEntries((input.ValidationData ?? []).map((a) => [a.Name!, a.Value ?? ''])),
        ...(input.ClientMetadata ? { clientMetadata: input.ClientMetadata } : {}),
      },
      { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
    );
    const auto = (pre?.response ?? {}) as { autoConfirmUser?: boolean; autoVerifyEmail?: boolean; autoVerifyPhone?: boolean };
    const user = newUser(ctx, name, attrs, auto.autoConfirmUser ? 'CONFIRMED' : 'UNCONFIRMED');
    if (attrs.email !== undefined) user.attributes.email_verified = auto.autoConfirmUser && auto.autoVerifyEmail ? 'true' : (attrs.email_verified ?? 'false');
    if (attrs.phone_number !== undefined && auto.autoConfirmUser && auto.autoVerifyPhone) user.attributes.phone_number_verified = 'true';
    user.password = passwordRecord(poolName(pool), user.Username, input.Password, false, user.created);
    pool.users[userKey(pool, user.Username)] = user;

    let details;
    if (!auto.autoConfirmUser) {
      const to = signUpDestination(pool, user);
      if (to) {
        const { code, record } = newCode(pool, SIGN_UP_CODE_MS, ctx.emulator.clock.now());
        user.confirmCode = { ...record, attribute: to.attribute };
        details = await deliver(ctx.emulator, ref, user, 'SignUp', to, code, { clientId: client.ClientId, clientMetadata: input.ClientMetadata, endpoint: ctx.endpoint });
      }
    }
    return { UserConfirmed: user.status === 'CONFIRMED', CodeDeliveryDetails: details, UserSub: user.sub };
  },
});

export const ConfirmSignUp = operation<ConfirmSignUpRequest, ConfirmSignUpResponse>({
  authorize: () => [],
  async handler(input, ctx) {
    const { ref, client } = await clientOf(ctx.emulator, input.ClientId);
    const { pool } = ref;
    const user = lookupUser(pool, input.Username ?? '');
    checkSecretHash(client, input.SecretHash, [input.Username, user?.Username]);
    if (!user) {
      if (hidesUsers(client)) throw cognitoError('CodeMismatchException', 'Invalid verification code provided, please try again.');
      throw userNotFound();
    }
    if (user.status !== 'UNCONFIRMED') {
      if (!input.ForceAliasCreation) throw notAuthorized(`User cannot be confirmed. Current status is ${user.status}`);
    }
    checkCode(pool, user.confirmCode, input.ConfirmationCode, ctx.emulator.clock.now());
    const attribute = user.confirmCode?.attribute;
    if (attribute) {
      claimAlias(pool, user, attribute, !!input.ForceAliasCreation);
      user.attributes[`${attribute}_verified`] = 'true';
    }
    delete user.confirmCode;
    user.status = 'CONFIRMED';
    user.modified = nowIso(ctx);
    await postConfirmation(ctx, ref, user, 'PostConfirmation_ConfirmSignUp', client.ClientId, input.ClientMetadata);
    return {};
  },
});

export const ResendConfirmationCode = operation<ResendConfirmationCodeRequest, ResendConfirmationCodeResponse>({
  authorize: () => [],
  async handler(input, ctx) {
    const { ref, client } = await clientOf(ctx.emulator, input.ClientId);
    const { pool } = ref;
    const user = lookupUser(pool, input.Username ?? '');
    checkSecretHash(client, input.SecretHash, [input.Username, user?.Username]);
    if (!user) {
      if (hidesUsers(client)) return { CodeDeliveryDetails: { Destination: 'x***@x***', DeliveryMedium: 'EMAIL', AttributeName: 'email' } };
      throw userNotFound();
    }
    if (user.status === 'CONFIRMED') throw invalidParameter('User is already confirmed.');
    const to = signUpDestination(pool, user);
    if (!to) throw invalidParameter('Cannot resend codes. Auto verification not turned on.');
    const { code, record } = newCode(pool, SIGN_UP_CODE_MS, ctx.emulator.clock.now());
    user.confirmCode = { ...record, attribute: to.attribute };
    return { CodeDeliveryDetails: await deliver(ctx.emulator, ref, user, 'ResendCode', to, code, { clientId: client.ClientId, clientMetadata: input.ClientMetadata, endpoint: ctx.endpoint }) };
  },
});
