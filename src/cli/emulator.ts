import { resolve } from 'node:path';
import { startEmulator } from '../emulator/index.js';
import { EMULATOR_STATE_DIR } from '../common/paths.js';

export interface EmulatorCommandOptions {
  port: string;
  host: string;
  stateDir?: string;
  persist: boolean;
  quiet?: boolean;
}

/** `awslings emulator`: only the emulator, as a LocalStack-style drop-in on one port. */
export async function emulatorCommand(opts: EmulatorCommandOptions): Promise<void> {
  const t0 = performance.now();
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`awslings: --port must be a number from 0 to 65535, got ${opts.port}`);
    process.exitCode = 2;
    return;
  }
  const stateDir = opts.persist ? (opts.stateDir ? resolve(opts.stateDir) : EMULATOR_STATE_DIR) : undefined;
  let running;
  try {
    running = await startEmulator({
      port,
      host: opts.host,
      stateDir,
      log: opts.quiet ? undefined : (line) => console.log(line),
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') {
      console.error(
        `awslings: port ${port} is already in use (LocalStack, or another awslings?).\n` +
          `  Use that one with --target localstack, or start the sandbox on another port: npx awslings emulator --port 4567`,
      );
      process.exitCode = 1;
      return;
    }
    throw e;
  }
  // Keep serving whatever a request does: an unexpected error is logged, never fatal.
  process.on('uncaughtException', (e) => console.error('awslings: unexpected error (still running):', e));
  process.on('unhandledRejection', (e) => console.error('awslings: unexpected rejection (still running):', e));
  const ms = Math.round(performance.now() - t0);
  console.log(
    `awslings emulator ready on ${running.url} (state: ${stateDir ?? 'in memory only'}; ${ms} ms)\n` +
      `  export AWS_ENDPOINT_URL=${running.url} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1`,
  );
  const stop = async (signal: string) => {
    console.log(`awslings: ${signal}, stopping`);
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
