/**
 * A pipeline over a Redis Cluster whose commands may live on several nodes.
 * ioredis refuses to run a Cluster pipeline whose keys are served by more
 * than one node ("All keys in the pipeline should belong to the same slots
 * allocation group"), and does not split MGET-like batches itself. The
 * stores build one pipeline per batch (a batch of events touches the keys of
 * many tasks): this one records the commands, and on exec() runs one real
 * pipeline per node (by the slot of each command's first key, key-slot.ts),
 * all at once, and answers the replies in the order the commands were queued,
 * as a pipeline does. A command with no key goes with the first group.
 * MULTI is not split: a transaction's keys must share a slot (hash tags).
 */
import { type ChainableCommander, type Cluster, Command } from 'ioredis';
import { keySlot } from './key-slot.ts';

type Reply = [Error | null, unknown];
interface Queued {
  readonly name: string;
  readonly args: unknown[];
}

/** The keys a command names: Redis' own table, or a script's KEYS (numkeys first, lua-scripts.ts). */
function keysOf({ name, args }: Queued): (string | Buffer)[] {
  const keys = new Command(name, args as string[]).getKeys();
  if (keys.length > 0) return keys;
  const [count, ...rest] = args;
  return typeof count === 'number' ? (rest.slice(0, count) as (string | Buffer)[]) : [];
}

function groupOf(cluster: Cluster, command: Queued): string | null {
  const [first] = keysOf(command);
  if (first === undefined) return null;
  const slot = keySlot(first);
  // The node serving the slot as the client last learnt it; the slot itself before it knows.
  return cluster.slots[slot]?.join(';') ?? `slot ${slot}`;
}

function replay(pipeline: ChainableCommander, commands: readonly Queued[]): ChainableCommander {
  const methods = pipeline as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const { name, args } of commands) (methods[name] as (...args: unknown[]) => unknown).apply(pipeline, args);
  return pipeline;
}

async function execSplit(cluster: Cluster, real: () => ChainableCommander, queued: readonly Queued[]) {
  const groups = new Map<string | null, number[]>();
  queued.forEach((command, position) => {
    const group = groupOf(cluster, command);
    groups.set(group, [...(groups.get(group) ?? []), position]);
  });
  const keyless = groups.get(null) ?? [];
  groups.delete(null);
  const batches = [...groups.values()];
  if (batches.length === 0) batches.push([]);
  (batches[0] as number[]).push(...keyless);
  if (batches.length === 1) return replay(real(), queued).exec();
  const replies: Reply[] = new Array(queued.length);
  await Promise.all(
    batches.map(async (positions) => {
      const answered = await replay(
        real(),
        positions.map((position) => queued[position] as Queued),
      ).exec();
      if (!answered) throw new Error('Redis discarded the pipeline');
      positions.forEach((position, index) => {
        replies[position] = answered[index] as Reply;
      });
    }),
  );
  return replies;
}

/** A pipeline that runs on as many nodes as its keys need; `real` makes the Cluster's own pipelines. */
export function nodeBatch(cluster: Cluster, real: () => ChainableCommander): ChainableCommander {
  const queued: Queued[] = [];
  const batch: ChainableCommander = new Proxy(Object.create(null) as ChainableCommander, {
    get(_target, property) {
      if (property === 'exec') return () => execSplit(cluster, real, queued);
      if (property === 'length') return queued.length;
      // Not a thenable, nothing else of an object: only commands are recorded.
      if (typeof property !== 'string' || property === 'then') return undefined;
      return (...args: unknown[]) => {
        queued.push({ name: property, args });
        return batch;
      };
    },
  });
  return batch;
}
