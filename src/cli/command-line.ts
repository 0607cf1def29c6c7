/** What the CLI commands share about their command line and their output. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * A command's options: `node:util` parseArgs, strict (an unknown option or a missing value
 * throws), over string options (as given: the command checks them), boolean `flags`, and
 * `-h`/`--help`.
 */
export function parseCommandLine<S extends string, F extends string = never>(
  argv: string[],
  strings: readonly S[],
  flags: readonly F[] = [],
): Partial<Record<S, string> & Record<F | 'help', boolean>> {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const name of strings) options[name] = { type: 'string' };
  for (const name of flags) options[name] = { type: 'boolean' };
  return parseArgs({ args: argv, options, strict: true }).values as Partial<Record<S, string> & Record<F | 'help', boolean>>;
}

/** A line of output, prefixed with the time of day (UTC, `HH:MM:SS`). */
export function printStamped(line: string): void {
  console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
}
