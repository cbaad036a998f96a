import { resolveTarget, TargetError, type ResolvedTarget } from '../../labkit/target.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROJECT_ROOT as ROOT } from '../../common/paths.js';
import { ensureSiteBuild, readStamp, runDocusaurus, SITE_DIR } from '../../sandbox/site.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/server.js';
import { colors } from '../format.js';
import { EXIT, UsageError } from './shared.js';

export const DEFAULT_SITE_PORT = 4580;

export interface StartFlags {
  /** The course site's port (the page, its lab API and terminals). */
  port?: string;
  /** The emulator's port (AWSLINGS_PORT, default 4566). */
  emulatorPort?: string;
  target?: string;
  realAws?: boolean;
  /** Serve the site from `docusaurus start` (live reload, for lesson authors) instead of the cached build. */
  dev?: boolean;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

/** Polls a URL until it answers (the dev server compiles for a while first). */
async function answers(url: string, signal: AbortSignal, timeoutMs = 180_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!signal.aborted && Date.now() < end) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(5000) })).ok) return true;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  if (!signal.aborted) throw new UsageError(`The Docusaurus dev server did not answer within ${timeoutMs / 1000} s.`);
  return false;
}

const portOf = (value: string | undefined, name: string, fallback: number): number => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${name} must be a port number (0 to 65535), got ${value}`);
  return n;
};

/**
 * `npm start`: the emulator (or joins one already running), the sandbox server and the course
 * site, then the URL to open. The site is a production build cached in .awslings/cache/site,
 * rebuilt only when its sources change. Ctrl-C stops everything.
 */
export async function startCommand(flags: StartFlags): Promise<number> {
  const t0 = performance.now();
  const sitePort = portOf(flags.port ?? process.env.AWSLINGS_SITE_PORT, 'The site port (--port, AWSLINGS_SITE_PORT)', DEFAULT_SITE_PORT);
  const emulatorPort = portOf(flags.emulatorPort ?? process.env.AWSLINGS_PORT, 'The emulator port (--emulator-port, AWSLINGS_PORT)', 4566);
  const targetName = flags.target ?? process.env.AWSLINGS_TARGET ?? 'embedded';
  console.log(colors.bold('awslings: starting the sandbox and the course site'));

  // Ctrl-C at any moment stops what has started: the site build, the server, the emulator.
  const abort = new AbortController();
  let target: ResolvedTarget | undefined;
  let sandbox: RunningSandbox | undefined;
  let devServer: Promise<void> | undefined;
  let stopped: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (stopped = resolve));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.log('awslings: stopping now');
      process.exit(EXIT.ok);
    }
    stopping = true;
    console.log(colors.dim(`\nawslings: ${signal}, stopping the terminals, the site and the emulator…`));
    abort.abort();
    void (async () => {
      await sandbox?.close().catch(() => undefined);
      await target?.close().catch(() => undefined);
      await devServer?.catch(() => undefined);
      stopped();
    })();
  };
  const onInt = () => stop('Ctrl-C');
  const onTerm = () => stop('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    try {
      target = await resolveTarget({ target: targetName, port: emulatorPort, realAws: flags.realAws, startEmbedded: true });
    } catch (e) {
      if (e instanceof TargetError && targetName === 'embedded' && /not the awslings sandbox|in use/.test(e.message)) {
        console.error(
          colors.red(`awslings: port ${emulatorPort} is taken${/LocalStack/.test(e.message) ? ', by LocalStack or another AWS emulator' : ''}.`) +
            `\n  To do the labs against it:            npm start -- --target localstack` +
            `\n  To run awslings' own on another port: AWSLINGS_PORT=${emulatorPort === 4566 ? 4567 : emulatorPort + 1} npm start`,
        );
        return EXIT.usage;
      }
      throw e;
    }
    if (abort.signal.aborted) {
      await target.close();
      return EXIT.ok;
    }
    // Listen before building, so a port that is taken is said at once.
    try {
      sandbox = await startSandbox({ port: sitePort, target: target.info });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new UsageError(`Port ${sitePort} is in use (another npm start?). Choose another: AWSLINGS_SITE_PORT=${sitePort + 1} npm start`);
      }
      throw e;
    }
    if (flags.dev) {
      const port = await freePort();
      console.log(colors.dim(`  starting the Docusaurus dev server (live reload) on 127.0.0.1:${port}…`));
      devServer = runDocusaurus(ROOT, ['start', '--port', String(port), '--host', '127.0.0.1', '--no-open'], (line) => /error|warn/i.test(line) && console.log(colors.dim(`  docusaurus: ${line}`)), {}, abort.signal);
      devServer.catch((e) => {
        if (!abort.signal.aborted) console.error(colors.red(`awslings: the Docusaurus dev server stopped: ${(e as Error).message}`));
      });
      if (!(await answers(`http://127.0.0.1:${port}/`, abort.signal))) {
        await done;
        return EXIT.ok;
      }
      sandbox.serveDev(port);
    }
    let building = false;
    const built = flags.dev ? { dir: '', ms: 0 } : await ensureSiteBuild({
      signal: abort.signal,
      onBuildStart: () => {
        building = true;
        const last = readStamp(SITE_DIR);
        console.log(colors.dim(`  building the course site (${last ? `its sources changed; last build took ${Math.round(last.buildMs / 1000)} s` : 'first start: well under a minute'})…`));
      },
    }).catch((e) => {
      if (abort.signal.aborted) return undefined;
      throw e;
    });
    if (!built || abort.signal.aborted) {
      await done;
      await sandbox.close();
      await target.close();
      return EXIT.ok;
    }
    if (building) console.log(colors.dim(`  site built in ${(built.ms / 1000).toFixed(1)} s (kept for the next start)`));
    if (!flags.dev) sandbox.serveSite(built.dir);
  } catch (e) {
    await sandbox?.close();
    await target?.close();
    throw e;
  } finally {
    if (!sandbox || abort.signal.aborted) {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    }
  }

  const info = target.info;
  const where = target.embedded ? `the embedded emulator on ${info.endpoint}` : `${info.name}${info.endpoint ? ` (${info.endpoint})` : ''}`;
  console.log(
    `\n${colors.green('awslings is ready')} in ${((performance.now() - t0) / 1000).toFixed(1)} s. Open ${colors.bold(sandbox.url)}\n` +
      colors.dim(`  AWS calls go to ${where}; account ${info.accountId}, ${info.region}. Ctrl-C stops everything.`),
  );
  await done;
  process.off('SIGINT', onInt);
  process.off('SIGTERM', onTerm);
  console.log('awslings: stopped');
  return EXIT.ok;
}
