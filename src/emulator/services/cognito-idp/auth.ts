import type {
  AdminInitiateAuthRequest,
  AdminInitiateAuthResponse,
  AdminRespondToAuthChallengeRequest,
  AdminRespondToAuthChallengeResponse,
  InitiateAuthRequest,
  InitiateAuthResponse,
  RespondToAuthChallengeRequest,
  RespondToAuthChallengeResponse,
} from '@aws-sdk/client-cognito-identity-provider';
import { randomBytes } from 'node:crypto';
import { cognitoError } from './errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import type { Emulator } from '../../emulator.js';
import {
  allowsFlow,
  checkAttributes,
  checkPasswordPolicy,
  checkSecretHash,
  incorrectPassword,
  invalidParameter,
  lookupUser,
  notAuthorized,
  poolName,
  userKey,
  userNotFound,
} from './common.js';
import { clientNotFound, clientOf, poolOf, type PoolClient, type PoolRef, type PoolUser } from './state.js';
import { passwordMatches, poolIdOfSealed, seal, unseal } from './secrets.js';
import { claimSignature, makeVerifier, passwordAuthenticationKey, serverEphemeral, signatureMatches, TIMESTAMP } from './srp.js';
import { familyRevoked, issueTokens, openRefreshToken, userBySub } from './tokens.js';
import { newSession, openSession } from './sessions.js';
import { runTrigger, triggerAttributes } from './triggers.js';
import { applyAttributes, setPassword } from './adminUsers.js';
import { checkTotp } from './mfa.js';
import { hidesUsers } from './signUp.js';

type AuthResponse = InitiateAuthResponse;

/** One sign-in attempt: where, through which client, and whether it came through the Admin* operations. */
export interface Attempt {
  ctx: RequestContext;
  ref: PoolRef;
  client: PoolClient;
  clientMetadata?: Record<string, string>;
}

const API_SCOPE = ['aws.cognito.signin.user.admin'];

// Consecutive wrong passwords per user: after five, Cognito refuses for a while.
const failures = new WeakMap<Emulator, Map<string, { count: number; until: number }>>();

function failureLog(emulator: Emulator) {
  let m = failures.get(emulator);
  if (!m) failures.set(emulator, (m = new Map()));
  return m;
}

function checkLockout(a: Attempt, user: PoolUser): void {
  const f = failureLog(a.ctx.emulator).get(`${a.ref.pool.Id}/${user.sub}`);
  if (f && f.count >= 5 && f.until > a.ctx.emulator.clock.now()) throw notAuthorized('Password attempts exceeded');
}

function recordFailure(a: Attempt, user: PoolUser): never {
  const log = failureLog(a.ctx.emulator);
  const key = `${a.ref.pool.Id}/${user.sub}`;
  const f = log.get(key) ?? { count: 0, until: 0 };
  f.count++;
  // Cognito's lockout grows with each failure past five; one second doubling is close enough.
  if (f.count >= 5) f.until = a.ctx.emulator.clock.now() + 1000 * 2 ** Math.min(f.count - 5, 10);
  log.set(key, f);
  throw incorrectPassword();
}

const clearFailures = (a: Attempt, user: PoolUser) => failureLog(a.ctx.emulator).delete(`${a.ref.pool.Id}/${user.sub}`);

function required(params: Record<string, string> | undefined, name: string): string {
  const v = params?.[name];
  if (v === undefined || v === '') throw invalidParameter(`Missing required parameter ${name}`);
  return v;
}

/** The user a sign-in names, or the error Cognito gives (hidden behind "incorrect password" when the client asks). */
function signInUser(a: Attempt, typed: string): PoolUser {
  const user = lookupUser(a.ref.pool, typed);
  if (!user) throw hidesUsers(a.client) ? incorrectPassword() : userNotFound();
  return user;
}

async function preAuthentication(a: Attempt, user: PoolUser): Promise<void> {
  await runTrigger(a.ctx.emulator, a.ref, 'PreAuthentication', 'PreAuthentication_Authentication', user.Username, a.client.ClientId, {
    userAttributes: triggerAttributes(user),
    validationData: {},
    ...(a.clientMetadata ? { clientMetadata: a.clientMetadata } : {}),
  }, {});
}

function checkUsable(user: PoolUser): void {
  if (!user.enabled) throw notAuthorized('User is disabled.');
  if (user.status === 'RESET_REQUIRED') throw cognitoError('PasswordResetRequiredException', 'Password reset required for the user');
  if (!user.password) throw incorrectPassword();
}

/** Checks a typed username and password as every password sign-in does, and returns the user. */
export async function checkPassword(a: Attempt, typed: string, password: string, secretHash?: string): Promise<PoolUser> {
  const user = signInUser(a, typed);
  checkSecretHash(a.client, secretHash, [typed, user.Username]);
  checkUsable(user);
  await preAuthentication(a, user);
  checkLockout(a, user);
  if (!passwordMatches(user.password!, password)) recordFailure(a, user);
  clearFailures(a, user);
  return user;
}

/** USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH: the password itself travels. */
async function passwordAuth(a: Attempt, params: Record<string, string> | undefined): Promise<AuthResponse> {
  const user = await checkPassword(a, required(params, 'USERNAME'), required(params, 'PASSWORD'), params?.SECRET_HASH);
  return afterPassword(a, user, Math.floor(a.ctx.emulator.clock.now() / 1000));
}

/** What the SRP secret block carries from InitiateAuth to the PASSWORD_VERIFIER answer. */
interface SrpState {
  c: string;
  u: string;
  b: string;
  B: string;
  A: string;
  exp: number;
  /** Set when the user does not exist and the client hides that: the answer always fails. */
  fake?: boolean;
}

/** USER_SRP_AUTH: the first half of SRP; the password never travels. */
async function srpAuth(a: Attempt, params: Record<string, string> | undefined): Promise<AuthResponse> {
  const typed = required(params, 'USERNAME');
  const srpA = required(params, 'SRP_A');
  if (!/^[0-9a-fA-F]+$/.test(srpA)) throw invalidParameter('SRP_A must be a hexadecimal number');
  const user = lookupUser(a.ref.pool, typed);
  if (!user && !hidesUsers(a.client)) throw userNotFound();
  checkSecretHash(a.client, params?.SECRET_HASH, [typed, user?.Username]);
  let salt: string;
  let verifier: string;
  let userId: string;
  if (user) {
    checkUsable(user);
    await preAuthentication(a, user);
    checkLockout(a, user);
    ({ srpSalt: salt, verifier } = user.password!);
    userId = user.Username;
  } else {
    // A user that does not exist gets a challenge like any other, which no password answers.
    userId = typed;
    ({ salt, verifier } = makeVerifier(poolName(a.ref.pool), typed, randomBytes(16).toString('hex')));
  }
  const { b, B } = serverEphemeral(verifier);
  const state: SrpState = { c: a.client.ClientId, u: userId, b: b.toString(16), B: B.toString(16), A: srpA, exp: Math.floor(a.ctx.emulator.clock.now() / 1000) + 300 };
  if (!user) state.fake = true;
  const block = Buffer.from(await seal(a.ref.pool, state)).toString('base64');
  return {
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeParameters: { SALT: salt, SECRET_BLOCK: block, SRP_B: B.toString(16), USERNAME: userId, USER_ID_FOR_SRP: userId },
  };
}

async function passwordVerifier(a: Attempt, r: Record<string, string> | undefined): Promise<AuthResponse> {
  const block = required(r, 'PASSWORD_CLAIM_SECRET_BLOCK');
  const signature = required(r, 'PASSWORD_CLAIM_SIGNATURE');
  const timestamp = required(r, 'TIMESTAMP');
  const username = required(r, 'USERNAME');
  if (!TIMESTAMP.test(timestamp)) throw invalidParameter('TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.');
  const blockBytes = Buffer.from(block, 'base64');
  const state = await unseal<SrpState>(a.ref.pool, blockBytes.toString('utf8'));
  if (!state || state.c !== a.client.ClientId) throw incorrectPassword();
  if (state.exp < a.ctx.emulator.clock.now() / 1000) throw notAuthorized('Invalid session for the user, session is expired.');
  const user = state.fake ? undefined : a.ref.pool.users[userKey(a.ref.pool, state.u)];
  if (!state.fake && !user) throw userNotFound();
  checkSecretHash(a.client, r?.SECRET_HASH, [username, user?.Username, state.u]);
  if (!user) throw incorrectPassword();
  checkUsable(user);
  checkLockout(a, user);
  const key = passwordAuthenticationKey(BigInt('0x' + state.A), BigInt('0x' + state.B), BigInt('0x' + state.b), user.password!.verifier);
  const expected = key && claimSignature(key, poolName(a.ref.pool), state.u, blockBytes, timestamp);
  if (!expected || !signatureMatches(expected, signature)) recordFailure(a, user);
  clearFailures(a, user);
  return afterPassword(a, user, Math.floor(a.ctx.emulator.clock.now() / 1000));
}

/** Attributes the schema requires that the user lacks: NEW_PASSWORD_REQUIRED asks for them. */
function missingRequired(a: Attempt, user: PoolUser): string[] {
  return (a.ref.pool.config.SchemaAttributes ?? [])
    .filter((s) => s.Required && s.Name !== 'sub' && user.attributes[s.Name!] === undefined)
    .map((s) => s.Name!);
}

function mfaRequired(a: Attempt, user: PoolUser): Challenge | undefined {
  const mode = a.ref.pool.config.MfaConfiguration ?? 'OFF';
  if (mode === 'OFF') return undefined;
  const hasTotp = user.mfa.enabled.includes('SOFTWARE_TOKEN_MFA') && user.totp?.verified && a.ref.pool.mfa.SoftwareTokenMfaEnabled;
  if (hasTotp) return 'SOFTWARE_TOKEN_MFA';
  if (mode === 'ON' && a.ref.pool.mfa.SoftwareTokenMfaEnabled) return 'MFA_SETUP';
  return undefined;
}

export type Challenge = 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA' | 'MFA_SETUP';

/** What a user whose password was right must still do before tokens: nothing, or one challenge. */
export function nextChallenge(a: Attempt, user: PoolUser): Challenge | undefined {
  if (user.status === 'UNCONFIRMED') throw cognitoError('UserNotConfirmedException', 'User is not confirmed.');
  if (user.status === 'FORCE_CHANGE_PASSWORD') {
    const days = a.ref.pool.config.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays ?? 7;
    if (Date.parse(user.password!.setAt) + days * 86400_000 < a.ctx.emulator.clock.now()) {
      throw notAuthorized('Temporary password has expired and must be reset by an administrator.');
    }
    return 'NEW_PASSWORD_REQUIRED';
  }
  return mfaRequired(a, user);
}

/** After the password: a new password, an MFA code, or tokens. */
async function afterPassword(a: Attempt, user: PoolUser, authTime: number, source = 'TokenGeneration_Authentication'): Promise<AuthResponse> {
  const challenge = nextChallenge(a, user);
  if (challenge === 'NEW_PASSWORD_REQUIRED') {
    const { email_verified: _e, phone_number_verified: _p, ...shown } = user.attributes;
    return {
      ChallengeName: challenge,
      Session: await newSession(a.ctx.emulator, a.ref, a.client, user.Username, challenge, authTime),
      ChallengeParameters: {
        USER_ID_FOR_SRP: user.Username,
        requiredAttributes: JSON.stringify(missingRequired(a, user).map((n) => `userAttributes.${n}`)),
        userAttributes: JSON.stringify(shown),
      },
    };
  }
  if (challenge === 'SOFTWARE_TOKEN_MFA') {
    return {
      ChallengeName: challenge,
      Session: await newSession(a.ctx.emulator, a.ref, a.client, user.Username, challenge, authTime, { src: source }),
      ChallengeParameters: {},
    };
  }
  if (challenge === 'MFA_SETUP') {
    return {
      ChallengeName: challenge,
      Session: await newSession(a.ctx.emulator, a.ref, a.client, user.Username, challenge, authTime, { src: source }),
      ChallengeParameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' },
    };
  }
  return signedIn(a, user, authTime, source);
}

/** NEW_PASSWORD_REQUIRED: the new password and any required attributes the user lacked. */
export function answerNewPassword(a: Attempt, user: PoolUser, password: string, attributes: { Name: string; Value: string }[]): void {
  const checked = checkAttributes(a.ref.pool, attributes, { existing: user, client: a.client });
  const missing = missingRequired(a, { ...user, attributes: { ...user.attributes, ...checked } });
  if (missing.length) throw invalidParameter(`Attributes did not conform to the schema: ${missing[0]}: The attribute is required`);
  checkPasswordPolicy(a.ref.pool, password, user);
  applyAttributes(user, checked);
  setPassword(a.ctx, a.ref, user, password, false);
  user.status = 'CONFIRMED';
}

async function signedIn(a: Attempt, user: PoolUser, authTime: number, source: string): Promise<AuthResponse> {
  const result = await issueTokens(a.ctx.emulator, {
    ref: a.ref,
    client: a.client,
    user,
    endpoint: a.ctx.endpoint,
    authTime,
    triggerSource: source,
    scopes: API_SCOPE,
    refresh: true,
    clientMetadata: a.clientMetadata,
  });
  await postAuthentication(a, user);
  return { ChallengeParameters: {}, AuthenticationResult: result };
}

export async function postAuthentication(a: Attempt, user: PoolUser): Promise<void> {
  await runTrigger(a.ctx.emulator, a.ref, 'PostAuthentication', 'PostAuthentication_Authentication', user.Username, a.client.ClientId, {
    userAttributes: triggerAttributes(user),
    newDeviceUsed: false,
    ...(a.clientMetadata ? { clientMetadata: a.clientMetadata } : {}),
  }, {});
}

async function refreshAuth(a: Attempt, params: Record<string, string> | undefined): Promise<AuthResponse> {
  const token = required(params, 'REFRESH_TOKEN');
  if (poolIdOfSealed(token) !== a.ref.pool.Id) throw notAuthorized('Invalid Refresh Token');
  const r = await openRefreshToken(a.ctx.emulator, a.ref, token);
  if (r.c !== a.client.ClientId) throw notAuthorized('Invalid Refresh Token');
  const user = userBySub(a.ref.pool, r.s);
  if (!user) throw userNotFound();
  checkSecretHash(a.client, params?.SECRET_HASH, [params?.USERNAME, user.Username, user.sub]);
  if (!user.enabled) throw notAuthorized('User is disabled.');
  if (familyRevoked(a.ref.pool, user, r.o)) throw notAuthorized('Refresh Token has been revoked');
  const result = await issueTokens(a.ctx.emulator, {
    ref: a.ref,
    client: a.client,
    user,
    endpoint: a.ctx.endpoint,
    authTime: r.t,
    originJti: r.o,
    triggerSource: 'TokenGeneration_RefreshTokens',
    scopes: r.sc,
    oauth: r.oa === 1,
    refresh: a.client.RefreshTokenRotation?.Feature === 'ENABLED',
    clientMetadata: a.clientMetadata,
  });
  return { ChallengeParameters: {}, AuthenticationResult: result };
}

function customAuth(a: Attempt): never {
  const lc = a.ref.pool.config.LambdaConfig ?? {};
  if (!lc.DefineAuthChallenge) throw invalidParameter('Custom auth lambda trigger is not configured for the user pool.');
  throw invalidParameter('awslings: CUSTOM_AUTH (the Define/Create/VerifyAuthChallenge triggers) is not available in the sandbox.');
}

async function initiate(a: Attempt, flow: string | undefined, params: Record<string, string> | undefined, admin: boolean): Promise<AuthResponse> {
  switch (flow) {
    case 'USER_PASSWORD_AUTH':
      if (admin) throw invalidParameter('Initiate Auth method not supported.');
      if (!allowsFlow(a.client, 'ALLOW_USER_PASSWORD_AUTH')) throw invalidParameter('USER_PASSWORD_AUTH flow not enabled for this client');
      return passwordAuth(a, params);
    case 'ADMIN_USER_PASSWORD_AUTH':
    case 'ADMIN_NO_SRP_AUTH':
      if (!admin) throw invalidParameter('Initiate Auth method not supported.');
      if (!allowsFlow(a.client, 'ALLOW_ADMIN_USER_PASSWORD_AUTH')) throw invalidParameter('Auth flow not enabled for this client');
      return passwordAuth(a, params);
    case 'USER_SRP_AUTH':
      if (!allowsFlow(a.client, 'ALLOW_USER_SRP_AUTH')) throw invalidParameter('USER_SRP_AUTH is not enabled for the client.');
      return srpAuth(a, params);
    case 'REFRESH_TOKEN_AUTH':
    case 'REFRESH_TOKEN':
      if (!allowsFlow(a.client, 'ALLOW_REFRESH_TOKEN_AUTH')) throw invalidParameter('Refresh Token auth flow not enabled for this client');
      return refreshAuth(a, params);
    case 'CUSTOM_AUTH':
      return customAuth(a);
    default:
      throw invalidParameter(`awslings: the auth flow ${flow} is not available in the sandbox (USER_PASSWORD_AUTH, USER_SRP_AUTH, REFRESH_TOKEN_AUTH and ADMIN_USER_PASSWORD_AUTH are).`);
  }
}

async function respond(a: Attempt, name: string | undefined, session: string | undefined, r: Record<string, string> | undefined): Promise<AuthResponse> {
  if (name === 'PASSWORD_VERIFIER') return passwordVerifier(a, r);
  const s = await openSession(a.ctx.emulator, a.ref, session, a.client);
  if (s.ch !== name) throw invalidParameter(`Invalid challenge name ${name}; the session is for ${s.ch}.`);
  const user = a.ref.pool.users[userKey(a.ref.pool, s.u)];
  if (!user) throw userNotFound();
  checkSecretHash(a.client, r?.SECRET_HASH, [r?.USERNAME, user.Username]);
  if (!user.enabled) throw notAuthorized('User is disabled.');
  switch (name) {
    case 'NEW_PASSWORD_REQUIRED': {
      const attrs = Object.entries(r ?? {})
        .filter(([k]) => k.startsWith('userAttributes.'))
        .map(([k, v]) => ({ Name: k.slice('userAttributes.'.length), Value: v }));
      answerNewPassword(a, user, required(r, 'NEW_PASSWORD'), attrs);
      return afterPassword(a, user, s.at, 'TokenGeneration_NewPasswordChallenge');
    }
    case 'SOFTWARE_TOKEN_MFA':
      checkTotp(a.ctx, user, required(r, 'SOFTWARE_TOKEN_MFA_CODE'));
      return signedIn(a, user, s.at, s.src ?? 'TokenGeneration_Authentication');
    case 'MFA_SETUP':
      if (!s.ok) throw invalidParameter('Software token MFA must be verified (VerifySoftwareToken) before answering MFA_SETUP.');
      return signedIn(a, user, s.at, s.src ?? 'TokenGeneration_Authentication');
    default:
      throw invalidParameter(`awslings: the challenge ${name} is not available in the sandbox.`);
  }
}

const unsigned = () => [] as [];

export const InitiateAuth = operation<InitiateAuthRequest, InitiateAuthResponse>({
  authorize: unsigned,
  async handler(input, ctx) {
    const { ref, client } = await clientOf(ctx.emulator, input.ClientId);
    return initiate({ ctx, ref, client, clientMetadata: input.ClientMetadata }, input.AuthFlow, input.AuthParameters, false);
  },
});

export const RespondToAuthChallenge = operation<RespondToAuthChallengeRequest, RespondToAuthChallengeResponse>({
  authorize: unsigned,
  async handler(input, ctx) {
    const { ref, client } = await clientOf(ctx.emulator, input.ClientId);
    return respond({ ctx, ref, client, clientMetadata: input.ClientMetadata }, input.ChallengeName, input.Session, input.ChallengeResponses);
  },
});

function adminAttempt(ctx: RequestContext, poolId: string | undefined, clientId: string | undefined, clientMetadata?: Record<string, string>): Attempt {
  const ref = poolOf(ctx, poolId);
  const client = clientId ? ref.pool.clients[clientId] : undefined;
  if (!client) throw clientNotFound(clientId ?? '');
  return { ctx, ref, client, clientMetadata };
}

export const AdminInitiateAuth = operation<AdminInitiateAuthRequest, AdminInitiateAuthResponse>({
  handler: (input, ctx) => initiate(adminAttempt(ctx, input.UserPoolId, input.ClientId, input.ClientMetadata), input.AuthFlow, input.AuthParameters, true),
});

export const AdminRespondToAuthChallenge = operation<AdminRespondToAuthChallengeRequest, AdminRespondToAuthChallengeResponse>({
  handler: (input, ctx) =>
    respond(adminAttempt(ctx, input.UserPoolId, input.ClientId, input.ClientMetadata), input.ChallengeName, input.Session, input.ChallengeResponses),
});
