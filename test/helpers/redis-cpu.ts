/**
 * How long a command holds a private redis-server, measured as the CPU time
 * of its main thread (/proc schedstat, in ns). SLOWLOG and INFO commandstats
 * measure wall time, which the machine's load inflates: on a loaded 2-core
 * machine a descheduled server logs a single HGET at 40 ms. CPU time is what
 * the command costs every other client of that Redis, whatever the load.
 * Turn the server's active rehashing off while measuring (`CONFIG SET
 * activerehashing no`): its 1 ms steps would count in whichever command
 * they follow.
 */
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

export interface SentCommand {
  readonly name: string;
  readonly args: readonly (string | Buffer | number)[];
}

export interface CommandCost extends SentCommand {
  /** The server's CPU time for it, ms. */
  readonly ms: number;
}

type Send = Redis['sendCommand'];
interface Sendable {
  name: string;
  args: (string | Buffer | number)[];
  promise: Promise<unknown>;
}

/** Reads the server's main-thread CPU time (ns) of the Redis `client` talks to (on this machine). */
export async function serverCpu(client: Redis): Promise<() => number> {
  const pid = /process_id:(\d+)/.exec(await client.info('server'))?.[1];
  if (!pid) throw new Error('INFO server named no process_id');
  return () => Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]);
}

/** Calls `each` for every command `client` sends while `work` runs, pipelined ones included. */
async function watchSends<T>(client: Redis, each: (command: Sendable) => void, work: () => Promise<T>): Promise<T> {
  const original = client.sendCommand;
  client.sendCommand = function (this: Redis, command: Sendable, ...rest: unknown[]) {
    each(command);
    return (original as (...args: unknown[]) => unknown).call(this, command, ...rest);
  } as unknown as Send;
  try {
    return await work();
  } finally {
    client.sendCommand = original;
  }
}

/** The commands `client` sent while `work` ran, in order. */
export async function commandsSent(client: Redis, work: () => Promise<unknown>): Promise<SentCommand[]> {
  const sent: SentCommand[] = [];
  await watchSends(client, (command) => sent.push({ name: command.name, args: [...command.args] }), work);
  return sent;
}

/**
 * Runs each (read-only) command again, alone, from `client`: its server CPU
 * time. One over `retryOverMs` is run twice more and keeps its least: the
 * server's own chores (a client cron, a timer) can fall in one run, never
 * in every run.
 */
export async function replayCosts(
  client: Redis,
  cpu: () => number,
  commands: readonly SentCommand[],
  retryOverMs = 1,
): Promise<CommandCost[]> {
  const costs: CommandCost[] = [];
  for (const command of commands) {
    let ms = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 3 && ms > retryOverMs; run += 1) {
      const before = cpu();
      await client.call(command.name, ...command.args);
      ms = Math.min(ms, (cpu() - before) / 1e6);
    }
    costs.push({ ...command, ms });
  }
  return costs;
}

/** The server CPU time of each command `client` sends while `work` runs; `work` must send one at a time. */
export async function liveCosts(
  client: Redis,
  cpu: () => number,
  work: () => Promise<unknown>,
): Promise<CommandCost[]> {
  const costs: CommandCost[] = [];
  await watchSends(
    client,
    (command) => {
      const before = cpu();
      const entry = { name: command.name, args: [...command.args], ms: 0 };
      costs.push(entry);
      command.promise.then(
        () => (entry.ms = (cpu() - before) / 1e6),
        () => (entry.ms = (cpu() - before) / 1e6),
      );
    },
    work,
  );
  return costs;
}
