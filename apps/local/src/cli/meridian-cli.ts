import { parseArgs } from 'node:util';
import { type LocalConfig, loadLocalConfig } from '../config/local-config';
import { adminAuthorization, printSignInLink } from './cli-auth';
import { type CliContext, CliError, type CliIo, message } from './control-client';
import { link, provider, reconcile, region } from './control-commands';
import { tailEvents } from './event-tail';
import { status } from './status-command';

export const USAGE = `usage: npm run -s meridian -- <command>
  status [--json]          regions, health, which serves, replication lag, outbox and dead-letter depth,
                           event-loop load
  region kill <region>     SIGKILL a region process (a real crash); exits 1 if it was not running
  region start <region>    start a killed region again and wait until it is healthy (nothing to do, exit 0,
                           if it is running); exits 1 if it does not come up
  link cut | link heal     stop / resume replication and traffic between regions; exits 1 if a running
                           region did not take the switch
  events tail              print every region's events as they are committed (Ctrl-C to stop); exits 1 if
                           the stream is lost
  provider kill            SIGKILL the payment provider simulator (orders then retry, and compensations
                           they cannot finish are owed until it is back); exits 1 if it was not running
  provider start           start it again and wait until it is healthy
  reconcile                run every region's payment reconciler now and print what it fixed; exits 1 if
                           a region could not be reached or something could not be fixed
  sign-in-link             print a new one-time link that signs a browser in to the operations console
Commands act as the admin, with a token signed by the key in MERIDIAN_DATA_DIR (the one \`npm start\` uses).
Exit codes: 0 done, 1 failed, 2 usage error.`;

type Command = (context: CliContext) => Promise<void>;

const SUBCOMMANDS: Partial<Record<string, string>> = {
  region: 'kill <region> | start <region>',
  provider: 'kill | start',
  link: 'cut | heal',
  events: 'tail',
};

/** The command the arguments name, or a usage error naming what is wrong. */
function parseCommand(argv: string[]): Command {
  let parsed: { positionals: string[]; values: { json?: boolean | undefined } };
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' } } });
  } catch (error) {
    throw new CliError(message(error), 2);
  }
  const words = parsed.positionals;
  const [command, sub, name] = words;
  const exactly = (count: number, run: Command): Command => {
    if (words.length > count)
      throw new CliError(
        `unexpected argument "${words[count]}" after "${words.slice(0, count).join(' ')}"`,
        2,
      );
    return run;
  };
  if (command === undefined) throw new CliError('no command given', 2);
  if (command === 'status') return exactly(1, (context) => status(context, parsed.values.json ?? false));
  if (command === 'region' && (sub === 'kill' || sub === 'start')) {
    if (!name) throw new CliError(`region ${sub} needs a region name, e.g. region ${sub} us-east-1`, 2);
    return exactly(3, (context) => region(context, sub, name));
  }
  if (command === 'provider' && (sub === 'kill' || sub === 'start'))
    return exactly(2, (context) => provider(context, sub));
  if (command === 'link' && (sub === 'cut' || sub === 'heal'))
    return exactly(2, (context) => link(context, sub));
  if (command === 'reconcile') return exactly(1, reconcile);
  if (command === 'events' && sub === 'tail') return exactly(2, tailEvents);
  if (command === 'sign-in-link') return exactly(1, ({ config, io }) => printSignInLink(config, io));
  const takes = SUBCOMMANDS[command];
  if (takes === undefined) throw new CliError(`unknown command "${command}"`, 2);
  throw new CliError(
    sub === undefined
      ? `${command} needs a subcommand: ${command} ${takes}`
      : `unknown command "${command} ${sub}" (${command} takes ${takes})`,
    2,
  );
}

/**
 * The operator CLI (`npm run -s meridian -- <command>`): runs one command and resolves with the exit code
 * (0 done, 1 failed, 2 usage error). Every failure is reported as one line on `err`, never a stack trace.
 */
export async function runMeridian(argv: string[], io: CliIo): Promise<number> {
  try {
    const command = parseCommand(argv);
    let config: LocalConfig;
    try {
      config = loadLocalConfig(io.env);
    } catch (error) {
      throw new CliError(message(error));
    }
    await command({ config, frontDoor: config.frontDoorUrl, io, admin: adminAuthorization(config) });
    return 0;
  } catch (error) {
    const exitCode = error instanceof CliError ? error.exitCode : 1;
    io.err(message(error));
    if (exitCode === 2) io.err(USAGE);
    return exitCode;
  }
}
