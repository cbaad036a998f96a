import type {
  ChangePasswordRequest,
  ChangePasswordResponse,
  ConfirmForgotPasswordRequest,
  ConfirmForgotPasswordResponse,
  DeleteUserAttributesRequest,
  DeleteUserAttributesResponse,
  DeleteUserRequest,
  ForgotPasswordRequest,
  ForgotPasswordResponse,
  GetUserAttributeVerificationCodeRequest,
  GetUserAttributeVerificationCodeResponse,
  GetUserRequest,
  GetUserResponse,
  GlobalSignOutRequest,
  GlobalSignOutResponse,
  RevokeTokenRequest,
  RevokeTokenResponse,
  UpdateUserAttributesRequest,
  UpdateUserAttributesResponse,
  VerifyUserAttributeRequest,
  VerifyUserAttributeResponse,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognitoError } from './errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import type { Emulator } from '../../emulator.js';
import {
  checkPasswordPolicy,
  checkPasswordShape,
  checkSecretHash,
  incorrectPassword,
  invalidParameter,
  lookupUser,
  notAuthorized,
  nowIso,
  userKey,
  userNotFound,
} from './common.js';
import { attributeList, clientOf } from './state.js';
import { newCode, passwordMatches, poolIdOfSealed, unseal } from './secrets.js';
import { verifyPoolToken, type RefreshClaims } from './tokens.js';
import { deleteAttributes, setPassword, updateAttributes } from './adminUsers.js';
import { checkCode, claimAlias, hidesUsers, postConfirmation } from './signUp.js';
import { deliver, destinationFor, recoveryDestination } from './messages.js';
import { mfaSettings } from './mfa.js';

const unsigned = () => [] as [];

/** The user an access token belongs to; the token must carry the scope that lets it manage the user. */
async function tokenUser(ctx: RequestContext, token: string | undefined) {
  const v = await verifyPoolToken(ctx.emulator, token ?? '', 'access');
  const scopes = String(v.claims.scope ?? '').split(' ');
  if (!scopes.includes('aws.cognito.signin.user.admin')) throw notAuthorized('Access Token does not have required scopes');
  return v;
}

export const GetUser = operation<GetUserRequest, GetUserResponse>({
  authorize: unsigned,
  async handler(input, ctx) {
    const { user } = await tokenUser(ctx, input.AccessToken);
    return { Username: user.Username, UserAttributes: attributeList(user), ...mfaSettings(user) };
  },
});

export const UpdateUserAttributes = operation<UpdateUserAttributesRequest, UpdateUserAttributesResponse>({
  authorize: unsigned,
  async handler(input, ctx) {
    const { ref, user, claims } = await tokenUser(ctx, input.AccessToken);
    const details = await updateAttributes(ctx, ref, user, input.UserAttributes, { admin: false, clientId: String(claims.client_id), clientMetadata: input.ClientMetadata });
    return { CodeDeliveryDetailsList: details };
  },
});

export const DeleteUserAttributes = operation<DeleteUserAttributesRequest, DeleteUserAttributesResponse>({
  authorize: unsigned,
  async handler(input, ctx) {
    const { ref, user } = await tokenUser(ctx, input.AccessToken);
    deleteAttributes(ref, user, input.UserAttributeNames);
    user.modified = nowIso(ctx);
    return {};
  },
});

export const DeleteUser = operation<DeleteUserRequest, object>({
  authorize: unsigned,
  async handler(input, ctx) {
    const { ref, user } = await tokenUser(ctx, input.AccessToken);
    delete ref.pool.users[userKey(ref.pool, user.Username)];
    return {};
  },
});

export const ChangePassword = operation<ChangePasswordRequest, ChangePasswordResponse>({
  authorize: unsigned,
  async handler(input, ctx) {
    const { ref, user } = await tokenUser(ctx, input.AccessToken);
    checkPasswordShape(input.ProposedPassword, 'proposedPassword');
    if (!user.password || !passwordMatches(user.password, input.PreviousPassword ?? '')) throw incorrectPassword();
    checkPasswordPolicy(ref.pool, input.ProposedPassword!, user);
    setPassword(ctx, ref, user, input.ProposedPassword!, false);
    return {};
  },
});

export const GlobalSignOut = operation<GlobalSignOutRequest, GlobalSignOutResponse>({
  authorize: unsigned,
  async handler(input, ctx) {
    const { user } = await tokenUser(ctx, input.AccessToken);
    user.signedOutAt = ctx.emulator.clock.now();
    return {};
  },
});

/** Ends a refresh token's family: the refresh token, and the access and ID tokens it produced. */
export const RevokeToken = operation<RevokeTokenRequest, RevokeTokenResponse>({
  authorize: unsigned,
  async handler(input, ctx) {
    const { ref, client } = await clientOf(ctx.emulator, input.ClientId);
    if (client.EnableTokenRevocation === false) throw cognitoError('UnsupportedOperationException', 'Token revocation is not enabled for this client');
    if (client.ClientSecret && input.ClientSecret !== client.ClientSecret) throw notAuthorized(`Unable to verify secret hash for client ${client.ClientId}`);
    const token = input.Token ?? '';
    const r = poolIdOfSealed(token) === ref.pool.Id ? await unseal<RefreshClaims>(ref.pool, token) : undefined;
    if (!r) throw cognitoError('UnsupportedTokenTypeException', 'Unsupported token type');
    if (r.c !== client.ClientId) throw cognitoError('UnauthorizedException', 'Token was not issued to this client');
    ref.pool.revoked[r.o] = r.exp;
    const now = ctx.emulator.clock.now() / 1000;
    for (const [jti, exp] of Object.entries(ref.pool.revoked)) if (exp < now) delete ref.pool.revoked[jti];
    return {};
  },
});

// ForgotPassword requests per user and hour; Cognito refuses the sixth.
const resets = new WeakMap<Emulator, Map<string, number[]>>();

function rateLimit(emulator: Emulator, key: string): void {
  let m = resets.get(emulator);
  if (!m) resets.set(emulator, (m = new Map()));
  const now = emulator.clock.now();
  const recent = (m.get(key) ?? []).filter((t) => t > now - 3600_000);
  if (recent.length >= 5) throw cognitoError('LimitExceededException', 'Attempt limit exceeded, please try after some time.');
  recent.push(now);
  m.set(key, recent);
}

export const ForgotPassword = operation<ForgotPasswordRequest, ForgotPasswordResponse>({
  authorize: unsigned,
  async handler(input, ctx) {
    const { ref, client } = await clientOf(ctx.emulator, input.ClientId);
    const user = lookupUser(ref.pool, input.Username ?? '');
    checkSecretHash(client, input.SecretHash, [input.Username, user?.Username]);
    if (!user) {
      if (hidesUsers(client)) return { CodeDeliveryDetails: { Destination: 'x***@x***', DeliveryMedium: 'EMAIL', AttributeName: 'email' } };
      throw userNotFound();
    }
    if (!user.enabled) throw notAuthorized('User is disabled.');
    if (user.status === 'FORCE_CHANGE_PASSWORD' || user.status === 'EXTERNAL_PROVIDER') throw notAuthorized('User password cannot be reset in the current state.');
    const to = recoveryDestination(ref, user);
    rateLimit(ctx.emulator, `${ref.pool.Id}/${user.sub}`);
    const { code, record } = newCode(ref.pool, 3600_000, ctx.emulator.clock.now());
    user.resetCode = record;
    return { CodeDeliveryDetails: await deliver(ctx.emulator, ref, user, 'ForgotPassword', to, code, { clientId: client.ClientId, clientMetadata: input.ClientMetadata, endpoint: ctx.endpoint }) };
  },
});

export const ConfirmForgotPassword = operation<ConfirmForgotPasswordRequest, ConfirmForgotPasswordResponse>({
  authorize: unsigned,
  async handler(input, ctx) {
    const { ref, client } = await clientOf(ctx.emulator, input.ClientId);
    const user = lookupUser(ref.pool, input.Username ?? '');
    checkSecretHash(client, input.SecretHash, [input.Username, user?.Username]);
    if (!user) {
      if (hidesUsers(client)) throw cognitoError('CodeMismatchException', 'Invalid verification code provided, please try again.');
      throw userNotFound();
    }
    checkPasswordShape(input.Password, 'password');
    checkCode(ref.pool, user.resetCode, input.ConfirmationCode, ctx.emulator.clock.now());
    checkPasswordPolicy(ref.pool, input.Password!, user);
    setPassword(ctx, ref, user, input.Password!, false);
    delete user.resetCode;
    user.status = 'CONFIRMED';
    await postConfirmation(ctx, ref, user, 'PostConfirmation_ConfirmForgotPassword', client.ClientId, input.ClientMetadata);
    return {};
  },
});

export const GetUserAttributeVerificationCode = operation<GetUserAttributeVerificationCodeRequest, GetUserAttributeVerificationCodeResponse>({
  authorize: unsigned,
  // It keeps the code it sends.
  readonly: false,
  async handler(input, ctx) {
    const { ref, user, claims } = await tokenUser(ctx, input.AccessToken);
    const name = input.AttributeName ?? '';
    if (name !== 'email' && name !== 'phone_number') throw invalidParameter(`Invalid attribute name: ${name}`);
    const to = destinationFor(user, [name]);
    if (!to) throw invalidParameter(`User does not have the attribute ${name}`);
    const { code, record } = newCode(ref.pool, 24 * 3600_000, ctx.emulator.clock.now());
    user.attributeCodes = { ...user.attributeCodes, [name]: { ...record, attribute: name } };
    return { CodeDeliveryDetails: await deliver(ctx.emulator, ref, user, 'VerifyUserAttribute', to, code, { clientId: String(claims.client_id), clientMetadata: input.ClientMetadata, endpoint: ctx.endpoint }) };
  },
});

export const VerifyUserAttribute = operation<VerifyUserAttributeRequest, VerifyUserAttributeResponse>({
  authorize: unsigned,
  async handler(input, ctx) {
    const { ref, user } = await tokenUser(ctx, input.AccessToken);
    const name = input.AttributeName ?? '';
    checkCode(ref.pool, user.attributeCodes?.[name], input.Code, ctx.emulator.clock.now());
    claimAlias(ref.pool, user, name, false);
    user.attributes[`${name}_verified`] = 'true';
    delete user.attributeCodes![name];
    user.modified = nowIso(ctx);
    return {};
  },
});
