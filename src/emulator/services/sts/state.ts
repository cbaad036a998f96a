import type { Emulator } from '../../emulator.js';
import type { Principal } from '../../auth/principal.js';
import { accessKeyId, secretAccessKey, sessionToken } from '../../core/ids.js';

/** Temporary credentials the emulator issued (AssumeRole*, GetSessionToken, Cognito identity pools). */
export interface StsSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch milliseconds. */
  expiration: number;
  principal: Principal;
}

export interface StsState {
  sessions: Record<string, StsSession>;
}

export const initialStsState = (): StsState => ({ sessions: {} });

export async function stsStateOf(emulator: Emulator, accountId: string): Promise<StsState> {
  await emulator.service('sts');
  return emulator.stateFor<StsState>('sts', accountId, 'global');
}

export async function findSession(emulator: Emulator, accountId: string, keyId: string): Promise<StsSession | undefined> {
  const state = await stsStateOf(emulator, accountId);
  return state.sessions[keyId];
}

/**
 * Issues temporary credentials for a principal. Other services (Cognito identity pools) call this
 * too, so every temporary credential is verified and enforced the same way.
 */
export async function issueSession(
  emulator: Emulator,
  principal: Principal,
  durationSeconds: number,
): Promise<StsSession> {
  const state = await stsStateOf(emulator, principal.accountId);
  const now = emulator.clock.now();
  // Expired sessions are of no further use: drop them as new ones are made.
  for (const [k, s] of Object.entries(state.sessions)) if (s.expiration < now - 3600_000) delete state.sessions[k];
  const session: StsSession = {
    accessKeyId: accessKeyId('ASIA', principal.accountId),
    secretAccessKey: secretAccessKey(),
    sessionToken: sessionToken(),
    expiration: now + durationSeconds * 1000,
    principal: { ...principal, accessKeyId: undefined },
  };
  session.principal.accessKeyId = session.accessKeyId;
  state.sessions[session.accessKeyId] = session;
  emulator.store.markDirty('sts', principal.accountId, 'global');
  emulator.store.scheduleFlush();
  return session;
}
