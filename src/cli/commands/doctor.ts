import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PROJECT_ROOT, STATE_DIR } from '../../common/paths.js';
import { SITE_DIR } from '../../sandbox/site.js';
import { DEFAULT_PORT, localEndpoint } from '../../labkit/target.js';
import { labIds } from '../../labkit/discover.js';
import { colors } from '../format.js';
import { EXIT } from './shared.js';

const run = promisify(execFile);

interface Finding {
  what: string;
  ok: boolean | 'warn';
  detail: string;
  fix?: string;
}

async function portState(port: number): Promise<'free' | 'awslings' | 'localstack' | 'other'> {
  try {
    const res = await fetch(`${localEndpoint(port)}/_localstack/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { awslings?: boolean };
    return body.awslings ? 'awslings' : 'localstack';
  } catch {
    /* nothing HTTP-like there, or not an emulator */
  }
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve('other'));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve('free')));
  });
}

async function version(cmd: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout, stderr } = await run(cmd, args, { timeout: 10_000 });
    return (stdout || stderr).trim().split('\n')[0];
  } catch {
    return undefined;
  }
}

/** `awslings doctor`: what this machine has, what is missing, and how to fix each. */
export async function doctorCommand(opts: { json?: boolean }): Promise<number> {
  const findings: Finding[] = [];
  const major = Number(process.versions.node.split('.')[0]);
  findings.push({ what: 'Node.js', ok: major >= 20, detail: process.version, fix: 'Install Node.js 20 or newer (https://nodejs.org).' });

  const port = DEFAULT_PORT;
  const state = await portState(port);
  findings.push({
    what: `port ${port}`,
    ok: state === 'other' ? false : state === 'localstack' ? 'warn' : true,
    detail:
      state === 'free' ? 'free (the sandbox will start there)' : state === 'awslings' ? 'the awslings sandbox is running' : state === 'localstack' ? 'LocalStack is running there' : 'taken by another program',
    fix:
      state === 'localstack'
        ? 'Use it with --target localstack, or run awslings on another port: AWSLINGS_PORT=4567 npm start'
        : state === 'other'
          ? `Stop the program on port ${port}, or use another port: AWSLINGS_PORT=4567 npm start`
          : undefined,
  });

  const require = createRequire(import.meta.url);
  let pty = true;
  try {
    require('node-pty');
  } catch {
    pty = false;
  }
  findings.push({ what: 'terminal in the page (node-pty)', ok: pty, detail: pty ? 'built' : 'not built', fix: 'Rebuild it: npm rebuild node-pty (needs python3, make and a C++ compiler). The CLI works without it.' });

  const cli = (await version('/usr/bin/aws', ['--version'])) ?? (await version('aws', ['--version']));
  const v2 = !!cli && /aws-cli\/2\./.test(cli);
  findings.push({
    what: 'AWS CLI v2 (optional)',
    ok: v2 ? true : 'warn',
    detail: cli ?? 'not found',
    fix: v2 ? undefined : 'Labs can be done with the SDK alone; for `aws` commands install AWS CLI v2 (Debian/Ubuntu: sudo apt-get install awscli).',
  });
  const docker = await version('docker', ['info', '--format', '{{.ServerVersion}}']);
  findings.push({ what: 'Docker (only for --target localstack)', ok: docker ? true : 'warn', detail: docker ? `engine ${docker}` : 'no engine', fix: docker ? undefined : 'Not needed for the embedded sandbox.' });

  let writable = true;
  try {
    mkdirSync(STATE_DIR, { recursive: true });
    accessSync(STATE_DIR, constants.W_OK);
  } catch {
    writable = false;
  }
  findings.push({ what: 'state folder', ok: writable, detail: STATE_DIR, fix: `Make ${STATE_DIR} writable.` });
  const labs = labIds();
  findings.push({ what: 'labs', ok: labs.length > 0, detail: `${labs.length} found in ${PROJECT_ROOT}/labs`, fix: 'Run awslings from a clone of the course.' });
  // Where `npm start` keeps its build of the site (not Docusaurus's own build/ folder).
  const built = existsSync(join(SITE_DIR, 'index.html'));
  findings.push({ what: 'course site', ok: built ? true : 'warn', detail: built ? 'built' : 'not built yet', fix: built ? undefined : 'npm start builds it on first run (about a minute).' });

  if (opts.json) {
    console.log(JSON.stringify({ schema: 'awslings/doctor@1', findings }, null, 2));
  } else {
    for (const f of findings) {
      const mark = f.ok === true ? colors.green('✔') : f.ok === 'warn' ? colors.yellow('!') : colors.red('✘');
      console.log(`${mark} ${f.what}: ${f.detail}`);
      if (f.ok !== true && f.fix) console.log(`    ${colors.cyan('fix:')} ${f.fix}`);
    }
  }
  return findings.some((f) => f.ok === false) ? EXIT.failed : EXIT.ok;
}
