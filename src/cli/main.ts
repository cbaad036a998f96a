import { Command } from 'commander';
import { emulatorCommand } from './emulator.js';

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program.name('awslings').description('An offline, hands-on course in AWS serverless.').showHelpAfterError();

  program
    .command('emulator')
    .description('run only the AWS emulator (a LocalStack-style drop-in on one port)')
    .option('--port <port>', 'port to listen on', process.env.AWSLINGS_PORT ?? '4566')
    .option('--host <host>', 'address to bind (loopback unless you ask otherwise)', '127.0.0.1')
    .option('--state-dir <dir>', 'where state is kept', '.awslings/state')
    .option('--no-persist', 'keep state in memory only')
    .option('--quiet', 'do not print a line per request')
    .action((opts) => emulatorCommand(opts));

  await program.parseAsync(argv, { from: 'user' });
}
