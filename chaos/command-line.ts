/**
 * What a suite's command line asks for: `--help` (or `-h`) prints the usage and exits 0; a bad option
 * prints one line and the usage and exits 2, instead of a stack trace.
 */
export type CommandLine<T> =
  | { kind: 'run'; settings: T }
  | { kind: 'help'; text: string }
  | { kind: 'usage-error'; text: string };

export function readCommandLine<T>(
  argv: readonly string[],
  parse: (argv: readonly string[]) => T,
  usage: string,
): CommandLine<T> {
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help', text: usage };
  try {
    return { kind: 'run', settings: parse(argv) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { kind: 'usage-error', text: `${reason}\n\n${usage}` };
  }
}

/** The settings to run with; otherwise prints what was asked for and exits. */
export function settingsOrExit<T>(
  argv: readonly string[],
  parse: (argv: readonly string[]) => T,
  usage: string,
): T {
  const line = readCommandLine(argv, parse, usage);
  if (line.kind === 'run') return line.settings;
  if (line.kind === 'help') {
    console.log(line.text);
    process.exit(0);
  }
  console.error(line.text);
  process.exit(2);
}
