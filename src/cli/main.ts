import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { EXIT, reportError } from './commands/shared.js';

// Each command's code loads when it runs, so `awslings emulator` starts without the labkit, the
// grader or the sandbox server, and `awslings list` without the emulator.
const lazy =
  <K extends string, A extends unknown[]>(path: string, name: K) =>
  async (...args: A): Promise<number> => {
    const mod = (await import(path)) as Record<K, (...a: A) => Promise<number | void>>;
    return (await mod[name](...args)) ?? EXIT.ok;
  };


process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Runs a command and turns its outcome into the process's exit code. */
const exitWith =
  <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
  async (...args: A) => {
    try {
      process.exitCode = await fn(...args);
    } catch (e) {
      process.exitCode = reportError(e);
    }
  };

const targetOptions = (c: Command) =>
  c
    .option('--target <target>', 'embedded (default), localstack, aws, or an endpoint URL')
    .option('--real-aws', 'with --target aws: yes, use a real AWS account (it may cost money)')
    .option('--port <port>', 'the sandbox port (default 4566, or AWSLINGS_PORT)');

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program
    .name('awslings')
    .description('An offline, hands-on course in AWS serverless: lessons, graded labs, and an AWS sandbox.')
    .version(packageVersion(), '-V, --version', 'the version of awslings')
    .showHelpAfterError()
    .exitOverride((err) => {
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      throw err;
    });

  program
    .command('start')
    .description('the emulator, the sandbox server and the course site (what npm start runs); prints the URL to open')
    .option('--port <port>', 'port of the course site, its lab API and terminals (default 4580, or AWSLINGS_SITE_PORT)')
    .option('--emulator-port <port>', 'port of the embedded emulator (default 4566, or AWSLINGS_PORT)')
    .option('--target <target>', 'where lab AWS calls go: embedded (default), localstack, aws, or an endpoint URL')
    .option('--real-aws', 'with --target aws: yes, use a real AWS account (it may cost money)')
    .option('--dev', 'serve the site from docusaurus start (live reload while writing lessons) instead of the cached build')
    .action(exitWith((o) => lazy('./commands/start.js', 'startCommand')(o)));

  program
    .command('emulator')
    .description('run only the AWS emulator (a LocalStack-style drop-in on one port)')
    .option('--port <port>', 'port to listen on', process.env.AWSLINGS_PORT ?? '4566')
    .option('--host <host>', 'address to bind (loopback unless you ask otherwise)', '127.0.0.1')
    .option('--state-dir <dir>', 'where state is kept (default: .awslings/state in the course folder, or $AWSLINGS_STATE_DIR/state)')
    .option('--no-persist', 'keep state in memory only')
    .option('--quiet', 'do not print a line per request')
    .action(async (opts) => void (await lazy('./emulator.js', 'emulatorCommand')(opts)));

  program.command('list').description('labs, their status and score').option('--json', 'machine-readable output').action(exitWith((o) => lazy('./commands/list.js', 'listCommand')(o)));

  targetOptions(program.command('deploy <lab>').description("run the lab's deploy step on workspace/<lab>")).action(exitWith((lab, o) => lazy('./commands/deploy.js', 'deployCommand')(lab, o)));

  targetOptions(
    program
      .command('check [lab]')
      .description('run the checks; exits 0 only when all pass')
      .option('--deploy', 'deploy first')
      .option('--json', 'print the result as JSON (schema awslings/lab-result@1)')
      .option('--all', 'check every lab (for CI grading)')
      .option('--only <checks>', 'only these check ids, comma-separated'),
  ).action(exitWith((lab, o) => lazy('./commands/check.js', 'checkCommand')(lab, o)));

  targetOptions(program.command('hint <lab>').description('the hint for the first failing check')).action(exitWith((lab, o) => lazy('./commands/hint.js', 'hintCommand')(lab, o)));

  targetOptions(
    program.command('reset <lab>').description("restore the starter files and delete the lab's resources").option('-y, --yes', 'do not ask for confirmation'),
  ).action(exitWith((lab, o) => lazy('./commands/reset.js', 'resetCommand')(lab, o)));

  program
    .command('solution <lab>')
    .description('show the reference solution (after a first attempt)')
    .option('--force', 'show it before any attempt')
    .option('--apply', 'copy it into workspace/<lab>')
    .option('-y, --yes', 'with --apply: do not ask')
    .action(exitWith((lab, o) => lazy('./commands/solution.js', 'solutionCommand')(lab, o)));

  program
    .command('grade <dir>')
    .description('grade every submission folder in <dir>')
    .option('--labs <labs>', 'comma-separated lab ids (default: every lab found)')
    .option('--out <dir>', 'where to write the reports', 'grades')
    .option('--jobs <n>', 'submissions graded at once', '2')
    .option('--timeout <seconds>', "time limit of each submission's deploy step (default: the lab's, 90 s)")
    .option('--port <port>', 'port of the grading sandbox (default: a free one)')
    .action(exitWith((dir, o) => lazy('./commands/grade.js', 'gradeCommand')(dir, o)));

  targetOptions(
    program
      .command('cleanup')
      .description("delete every lab's resources, and whatever is tagged awslings:lab, on a target (a real account: --target aws --real-aws)")
      .option('--labs <labs>', 'only these labs, comma-separated')
      .option('--dry-run', 'list what is tagged awslings:lab, and delete nothing')
      .option('-y, --yes', 'do not ask for confirmation'),
  ).action(exitWith((o) => lazy('./commands/cleanup.js', 'cleanupCommand')(o)));

  program.command('doctor').description('Node version, ports, targets, and what is missing').option('--json', 'machine-readable output').action(exitWith((o) => lazy('./commands/doctor.js', 'doctorCommand')(o)));

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('commander.')) return;
    throw e;
  }
}
