/**
 * celery-lens' Redis scripts live in `.lua` files beside the code that runs
 * them (as BullMQ keeps its commands), each with a header naming its KEYS
 * and ARGV. A file is read once per process, when the module that names it
 * loads; a line `--- @include "<file>"` is replaced by that file (same
 * folder), so scripts share Lua without TypeScript strings.
 *
 * A script is defined on a connection as an ioredis command: EVALSHA, and
 * EVAL once when Redis answers NOSCRIPT (a restart, SCRIPT FLUSH), so there
 * is no SCRIPT LOAD round trip. Every call passes its keys in KEYS
 * (numkeys first), so that a Cluster client routes the call to the node of
 * its slot and Redis Cluster runs it: the keys of one script share a hash
 * tag (lens-keys.ts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChainableCommander, Cluster, Redis } from 'ioredis';

export interface LuaScript {
  /** The ioredis command it is defined as. */
  readonly name: string;
  /** Its source, includes resolved. */
  readonly lua: string;
}

type Arg = string | number | Buffer;
type Commands = Record<string, ((...args: Arg[]) => unknown) | undefined>;

const INCLUDE = /^--- @include "([^"]+)"[ \t]*$/gm;

/** The file's text with its includes resolved; each file once, even when included twice. */
function resolve(url: URL, seen: Set<string>): string {
  const path = fileURLToPath(url);
  if (seen.has(path)) return '';
  seen.add(path);
  return readFileSync(path, 'utf8').replace(INCLUDE, (_, file: string) => resolve(new URL(file, url), seen));
}

/** Reads a script's file (a URL relative to the caller: `new URL('./lua/x.lua', import.meta.url)`). */
export function luaScript(name: string, file: URL): LuaScript {
  return { name, lua: resolve(file, new Set()) };
}

/** Defines the script's command on a connection (and the pipelines it creates from now on); once per connection. */
export function defineScript(redis: Redis | Cluster, script: LuaScript): void {
  if (!(script.name in redis)) redis.defineCommand(script.name, { lua: script.lua });
}

function commandOf(target: Redis | Cluster | ChainableCommander, script: LuaScript): (...args: Arg[]) => unknown {
  const command = (target as unknown as Commands)[script.name];
  if (!command) throw new Error(`the Lua script ${script.name} is not defined on this connection (defineScript)`);
  return command.bind(target);
}

/** Runs a script now. */
export function runScript<T>(
  redis: Redis | Cluster,
  script: LuaScript,
  keys: readonly string[],
  args: readonly Arg[],
): Promise<T> {
  defineScript(redis, script);
  return commandOf(redis, script)(keys.length, ...keys, ...args) as Promise<T>;
}

/** Appends a script call to a pipeline (of a connection the script was defined on before the pipeline was made). */
export function queueScript(
  pipeline: ChainableCommander,
  script: LuaScript,
  keys: readonly string[],
  args: readonly Arg[],
): void {
  commandOf(pipeline, script)(keys.length, ...keys, ...args);
}
