import { startEmulator, type RunningEmulator, type ServerOptions } from '../../src/emulator/index.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const ROOT: Credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

export interface TestEmulator extends RunningEmulator {
  /** Client config for an AWS SDK v3 client pointed at this emulator. */
  config(credentials?: Credentials, region?: string): {
    endpoint: string;
    region: string;
    credentials: Credentials;
    maxAttempts: number;
  };
}

/** Starts a real emulator on a free port (in memory unless a state dir is given). */
export async function startTestEmulator(options: ServerOptions = {}): Promise<TestEmulator> {
  const running = await startEmulator({ port: 0, ...options });
  return Object.assign(running, {
    config: (credentials: Credentials = ROOT, region = 'us-east-1') => ({
      endpoint: running.url,
      region,
      credentials,
      maxAttempts: 1,
    }),
  });
}
