import type { Emulator } from '../../emulator.js';
import { notAuthorized } from './common.js';
import type { PoolClient, PoolRef } from './state.js';
import { seal, unseal } from './secrets.js';

/** What a challenge's Session carries between an InitiateAuth and its RespondToAuthChallenge. */
export interface ChallengeSession {
  /** Client, username, challenge. */
  c: string;
  u: string;
  ch: string;
  /** Expiry and sign-in time, epoch seconds. */
  exp: number;
  at: number;
  /** MFA_SETUP: the new software token was verified. */
  ok?: boolean;
  /** The PreTokenGeneration source once the challenge is answered. */
  src?: string;
}

/** Sessions are sealed with the pool's key, so nothing needs keeping: they last AuthSessionValidity minutes. */
export async function newSession(emulator: Emulator, ref: PoolRef, client: PoolClient, username: string, challenge: string, authTime: number, extra: Partial<ChallengeSession> = {}): Promise<string> {
  const now = Math.floor(emulator.clock.now() / 1000);
  const s: ChallengeSession = { c: client.ClientId, u: username, ch: challenge, exp: now + (client.AuthSessionValidity ?? 3) * 60, at: authTime, ...extra };
  return seal(ref.pool, s);
}

export async function openSession(emulator: Emulator, ref: PoolRef, session: string | undefined, client?: PoolClient): Promise<ChallengeSession> {
  const s = session ? await unseal<ChallengeSession>(ref.pool, session) : undefined;
  if (!s || (client && s.c !== client.ClientId) || s.exp < emulator.clock.now() / 1000) {
    throw notAuthorized('Invalid session for the user, session is expired.');
  }
  return s;
}
