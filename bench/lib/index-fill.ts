/**
 * bench/index.ts' big fill: `count` tasks' index entries written straight in
 * the layout the index' write script makes (store/index/task-index.ts), shard
 * by shard (store/index/index-shards.ts: a task in the shard its id hashes
 * to, each shard numbering its own cells), so that a million tasks take
 * seconds rather than a million events' replay. The caller checks the result
 * readable by the index.
 */
import { randomUUID } from 'node:crypto';
import type { ChainableCommander, Redis } from 'ioredis';
import { shardOf, shardPrefixes } from '../../src/store/index/index-shards.ts';

/** The cells a deployment of 20 task names, 4 workers and 2 queues fills; statuses weighted as a quiet day's. */
export const NAMES = Array.from({ length: 20 }, (_, i) => `proj.tasks.t${String(i).padStart(2, '0')}`);
const STATUSES = [
  'SUCCEEDED',
  'SUCCEEDED',
  'SUCCEEDED',
  'SUCCEEDED',
  'SUCCEEDED',
  'SUCCEEDED',
  'SUCCEEDED',
  'FAILED',
  'RUNNING',
  'QUEUED',
];
/** Commands a pipeline holds before it is sent. */
const FLUSH_AT = 20_000;

/** Where the entries go: a Redis, or a Cluster client (each shard's pipeline touches one slot). */
interface Store {
  pipeline(): ChainableCommander;
}

/** One shard's pipeline and its cells (description → number). */
interface Shard {
  readonly prefix: string;
  readonly cells: Map<string, string>;
  pipeline: ChainableCommander;
}

function cellOf(shard: Shard, desc: string): string {
  let n = shard.cells.get(desc);
  if (!n) {
    n = String(shard.cells.size + 1);
    shard.cells.set(desc, n);
  }
  return n;
}

function celeryMeta(id: string, status: string): string {
  return JSON.stringify({
    status: status === 'SUCCEEDED' ? 'SUCCESS' : status === 'FAILED' ? 'FAILURE' : 'STARTED',
    result: 1,
    traceback: null,
    children: [],
    date_done: null,
    name: 'x',
    task_id: id,
  });
}

/**
 * Writes `count` tasks' index entries over `shards` shards of the index at
 * `prefix` (`<lens-prefix>{ix}:`), and a 1,000-task workflow; Celery metas for
 * the newest 60,000 on `backend`.
 */
export async function fillIndex(store: Store, backend: Redis, prefix: string, count: number, shards: number) {
  const all: Shard[] = shardPrefixes(prefix, shards).map((each) => ({
    prefix: each,
    cells: new Map(),
    pipeline: store.pipeline(),
  }));
  const flush = async (shard: Shard) => {
    await shard.pipeline.exec();
    shard.pipeline = store.pipeline();
  };
  const now = Date.now();
  const span = 6 * 86_400_000;
  const root = randomUUID();
  const workflow: string[] = [];
  let metas = backend.pipeline();
  for (let i = 0; i < count; i += 1) {
    const id = i === 0 ? root : randomUUID();
    const shard = all[shardOf(id, shards)] as Shard;
    const inWorkflow = i < 1000;
    // Oldest first, distinct milliseconds; the workflow among the newest.
    const at = inWorkflow ? now - 60_000 + i : now - span + Math.floor((i * span) / count);
    const pick = (n: number) => Math.floor(Math.random() * n);
    const status = STATUSES[pick(STATUSES.length)] as string;
    const desc = [
      status,
      NAMES[pick(NAMES.length)],
      `celery@worker-${pick(4)}`,
      `q${pick(2)}`,
      status === 'FAILED' ? 'ValueError' : '',
    ].join('\x1f');
    const cell = cellOf(shard, desc);
    const rootOf = inWorkflow && i > 0 ? root : '';
    if (inWorkflow) workflow.push(id);
    const p = shard.prefix;
    shard.pipeline.hset(`${p}rec`, id, [cell, at, rootOf, status === 'SUCCEEDED' ? '0.0123' : '', ''].join('\x1f'));
    shard.pipeline.zadd(`${p}all`, at, id).zadd(`${p}c:${cell}`, at, id);
    if (rootOf) shard.pipeline.zadd(`${p}r:${root}`, at, id);
    if (shard.pipeline.length >= FLUSH_AT / shards) await flush(shard);
    if (count - i <= 60_000 || inWorkflow) metas.setex(`celery-task-meta-${id}`, 86_400, celeryMeta(id, status));
    if (metas.length >= FLUSH_AT) {
      await metas.exec();
      metas = backend.pipeline();
    }
  }
  for (const shard of all) {
    for (const [desc, n] of shard.cells)
      shard.pipeline.hset(`${shard.prefix}cells`, n, desc).hset(`${shard.prefix}cellid`, desc, n);
    shard.pipeline.set(`${shard.prefix}cellseq`, shard.cells.size);
    await flush(shard);
  }
  await metas.exec();
  return { root, workflow, cells: all.reduce((sum, shard) => sum + shard.cells.size, 0) };
}
