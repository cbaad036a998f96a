import type {
  AdminSetUserMFAPreferenceRequest,
  AdminSetUserMFAPreferenceResponse,
  AssociateSoftwareTokenRequest,
  AssociateSoftwareTokenResponse,
  SetUserMFAPreferenceRequest,
  SetUserMFAPreferenceResponse,
  SMSMfaSettingsType,
  SoftwareTokenMfaSettingsType,
  VerifySoftwareTokenRequest,
  VerifySoftwareTokenResponse,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognitoError } from './errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { getUser, invalidParameter, nowIso } from './common.js';
import { findPool, poolOf, type PoolRef, type PoolUser } from './state.js';
import { newTotpSecret, poolIdOfSealed, totpMatch } from './secrets.js';
import { newSession, openSession } from './sessions.js';
import { verifyPoolToken } from './tokens.js';

/** The MFA fields of AdminGetUser and GetUser, present only when the user has MFA. */
export function mfaSettings(user: PoolUser): { PreferredMfaSetting?: string; UserMFASettingList?: string[] } {
  if (!user.mfa.enabled.length) return {};
  return { PreferredMfaSetting: user.mfa.preferred, UserMFASettingList: [...user.mfa.enabled] };
}

/** The user a software-token call is about: from its access token, or from an MFA_SETUP session. */
async function subject(ctx: RequestContext, accessToken: string | undefined, session: string | undefined) {
  if (accessToken) {
    const { ref, user } = await verifyPoolToken(ctx.emulator, accessToken, 'access');
    return { ref, user };
  }
  const ref = session ? await findPool(ctx.emulator, poolIdOfSealed(session) ?? '') : undefined;
  if (!ref) throw cognitoError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
  const s = await openSession(ctx.emulator, ref, session);
  if (s.ch !== 'MFA_SETUP') throw cognitoError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
  return { ref, user: getUser(ref.pool, s.u), session: s };
}

function requireTotp(ref: PoolRef): void {
  if (!ref.pool.mfa.SoftwareTokenMfaEnabled) throw cognitoError('SoftwareTokenMFANotFoundException', 'Software Token MFA has not been enabled by the userPool.');
}

export const AssociateSoftwareToken = operation<AssociateSoftwareTokenRequest, AssociateSoftwareTokenResponse>({
  authorize: () => [],
  async handler(input, ctx) {
    const { ref, user, session } = await subject(ctx, input.AccessToken, input.Session);
    requireTotp(ref);
    user.totp = { secret: newTotpSecret(), verified: false };
    user.modified = nowIso(ctx);
    if (!session) return { SecretCode: user.totp.secret };
    const client = ref.pool.clients[session.c];
    return { SecretCode: user.totp.secret, Session: await newSession(ctx.emulator, ref, client, user.Username, 'MFA_SETUP', session.at, { src: session.src }) };
  },
});

export const VerifySoftwareToken = operation<VerifySoftwareTokenRequest, VerifySoftwareTokenResponse>({
  authorize: () => [],
  async handler(input, ctx) {
    const { ref, user, session } = await subject(ctx, input.AccessToken, input.Session);
    requireTotp(ref);
    if (!user.totp) throw invalidParameter('User has not associated a software token.');
    const step = totpMatch(user.totp.secret, input.UserCode ?? '', ctx.emulator.clock.now());
    if (step === undefined) throw cognitoError('EnableSoftwareTokenMFAException', 'Code mismatch');
    user.totp = { ...user.totp, verified: true, lastStep: step, friendlyName: input.FriendlyDeviceName };
    user.modified = nowIso(ctx);
    if (!session) return { Status: 'SUCCESS' };
    // Set up during sign-in (MFA_SETUP): the token becomes the user's MFA at once.
    enable(user, { Enabled: true, PreferredMfa: true }, undefined);
    const client = ref.pool.clients[session.c];
    return { Status: 'SUCCESS', Session: await newSession(ctx.emulator, ref, client, user.Username, 'MFA_SETUP', session.at, { ok: true, src: session.src }) };
  },
});

function enable(user: PoolUser, totp: SoftwareTokenMfaSettingsType | undefined, sms: SMSMfaSettingsType | undefined): void {
  const set = new Set(user.mfa.enabled);
  const apply = (kind: string, s: { Enabled?: boolean; PreferredMfa?: boolean } | undefined) => {
    if (!s) return;
    if (s.Enabled) set.add(kind);
    else set.delete(kind);
    if (s.PreferredMfa && s.Enabled) user.mfa.preferred = kind;
    else if (user.mfa.preferred === kind && (!s.Enabled || s.PreferredMfa === false)) user.mfa.preferred = undefined;
  };
  if (totp?.Enabled && !user.totp?.verified) throw invalidParameter('User has not verified software token mfa');
  if (sms?.Enabled && !user.attributes.phone_number) throw invalidParameter('User does not have delivery config set to turn on SMS_MFA');
  apply('SOFTWARE_TOKEN_MFA', totp);
  apply('SMS_MFA', sms);
  user.mfa.enabled = [...set];
  if (user.mfa.preferred && !set.has(user.mfa.preferred)) user.mfa.preferred = undefined;
}

export const SetUserMFAPreference = operation<SetUserMFAPreferenceRequest, SetUserMFAPreferenceResponse>({
  authorize: () => [],
  async handler(input, ctx) {
    const { user } = await verifyPoolToken(ctx.emulator, input.AccessToken ?? '', 'access');
    enable(user, input.SoftwareTokenMfaSettings, input.SMSMfaSettings);
    user.modified = nowIso(ctx);
    return {};
  },
});

export const AdminSetUserMFAPreference = operation<AdminSetUserMFAPreferenceRequest, AdminSetUserMFAPreferenceResponse>({
  handler(input, ctx) {
    const user = getUser(poolOf(ctx, input.UserPoolId).pool, input.Username);
    enable(user, input.SoftwareTokenMfaSettings, input.SMSMfaSettings);
    user.modified = nowIso(ctx);
    return {};
  },
});

/** Checks a TOTP code at sign-in: each code works once, as in Cognito. */
export function checkTotp(ctx: RequestContext, user: PoolUser, code: string | undefined): void {
  const t = user.totp;
  const step = t?.verified ? totpMatch(t.secret, code ?? '', ctx.emulator.clock.now()) : undefined;
  if (step === undefined) throw cognitoError('CodeMismatchException', 'Invalid code received for user');
  if (t!.lastStep !== undefined && step <= t!.lastStep) throw cognitoError('ExpiredCodeException', 'Your software token has already been used once.');
  t!.lastStep = step;
}
