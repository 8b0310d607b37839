/**
 * The command line's words as option values, for loadConfig: Node's parseArgs,
 * with its errors said the way a user can act on them ("unknown option --foo
 * (see celery-lens --help)") instead of Node's advice about positionals.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../errors/config-error.ts';

const HELP = '(see celery-lens --help)';

/** `--name value` / `--name=value` for each name (all take a value); `serve` as the only positional. */
export function parseFlags<Name extends string>(
  argv: readonly string[],
  names: readonly Name[],
): Partial<Record<Name, string>> {
  const options = Object.fromEntries(names.map((name) => [name, { type: 'string' as const }]));
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new ConfigError(explain(error as Error & { code?: string }, argv, options));
  }
  // `serve` is the only command (and the default).
  const extra = parsed.positionals.filter((word, index) => !(index === 0 && word === 'serve'));
  if (extra.length > 0) throw new ConfigError(`unknown command or argument "${extra[0]}" ${HELP}`);
  return parsed.values as Partial<Record<Name, string>>;
}

function explain(
  error: Error & { code?: string },
  argv: readonly string[],
  options: Record<string, { type: 'string' }>,
): string {
  // The same words read leniently: the tokens say which one was at fault.
  const { tokens } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: false, tokens: true });
  const flags = tokens.filter((token) => token.kind === 'option');
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const unknown = flags.find((token) => !(token.name in options));
    if (unknown) return `unknown option ${unknown.rawName} ${HELP}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const bare = flags.find((token) => token.name in options && token.value === undefined);
    if (bare) return `${bare.rawName} needs a value ${HELP}`;
  }
  return `${error.message} ${HELP}`;
}
