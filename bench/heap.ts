/**
 * What one idle subscription keeps on the heap: celery-lens as `npm start`
 * runs it, V8 heap snapshots (--heapsnapshot-signal, which collects garbage
 * first) before and after opening N `task(id)` subscriptions, the difference
 * per subscription grouped by what V8 calls each object (its constructor,
 * closures, arrays, strings, …).
 *
 *   npm run bench:heap                        5,000 subscriptions, a WebSocket each
 *   npm run bench:heap -- --count 10000 --per-socket 100
 *   npm run bench:heap -- --owners     arrays, strings, V8 internals grouped by what holds them
 *   npm run bench:heap -- --kind taskCompleted   `taskCompleted(id) { id state }` instead (tasks never finish)
 *
 * It also prints RSS after minus before per subscription (what P3 counts).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startRedis } from '../test/helpers/redis-server.ts';
import { startLens } from './lib/processes.ts';
import { sleep } from './lib/stats.ts';
import { openSubscribers } from './lib/subscribers.ts';

const QUERIES: Record<string, string> = {
  task: 'subscription Watch($id: ID!) { task(id: $id, untilReady: false) { meta } }',
  taskCompleted: 'subscription Await($id: ID!) { taskCompleted(id: $id) { id state } }',
};

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '5000' },
    'per-socket': { type: 'string', default: '1' },
    top: { type: 'string', default: '25' },
    kind: { type: 'string', default: 'task' },
    // Arrays, strings and V8-internal nodes by what holds them (slower: reads every edge).
    owners: { type: 'boolean', default: false },
  },
});
const count = Number(values.count);
const perSocket = Number(values['per-socket']);
const kind = values.kind ?? 'task';
const query = QUERIES[kind];
if (query === undefined) throw new Error(`--kind is one of ${Object.keys(QUERIES).join(', ')}`);

async function watchersOf(url: string): Promise<number> {
  const metrics = await (await fetch(url.replace(/\/graphql$/, '/metrics'))).text();
  return Number(/^celery_lens_task_watchers (\d+)/m.exec(metrics)?.[1]);
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/**
 * What holds each node: the kind of its first retainer that is not an
 * internal array, and the edge's name ("Member.#listener", "Map table" …).
 * With --owners, arrays, strings and hidden nodes are grouped by it instead.
 */
function owners(heap: Snapshot, kindOf: (at: number) => string): Map<number, string> {
  const {
    node_fields: fields,
    edge_fields: edgeFields,
    edge_types: [edgeTypes],
  } = heap.snapshot.meta;
  const [edgeCountAt] = [fields.indexOf('edge_count')];
  const [edgeTypeAt, edgeNameAt, toAt] = ['type', 'name_or_index', 'to_node'].map((field) =>
    edgeFields.indexOf(field),
  ) as [number, number, number];
  const owner = new Map<number, string>();
  let edge = 0;
  for (let at = 0; at < heap.nodes.length; at += fields.length) {
    const edges = heap.nodes[at + (edgeCountAt as number)] as number;
    for (let index = 0; index < edges; index += 1, edge += edgeFields.length) {
      const to = heap.edges[edge + toAt] as number;
      const type = edgeTypes[heap.edges[edge + edgeTypeAt] as number] as string;
      if (type === 'weak' || owner.has(to)) continue;
      const name =
        type === 'element' || type === 'hidden'
          ? `[${type}]`
          : String(heap.strings[heap.edges[edge + edgeNameAt] as number]);
      owner.set(to, `${kindOf(at)} .${name}`);
    }
  }
  return owner;
}

/** Bytes and objects by kind: an object's constructor name, else V8's node type. */
function census(file: string, byOwner: boolean): Map<string, { bytes: number; count: number }> {
  const heap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field)) as [
    number,
    number,
    number,
  ];
  const kindOf = (at: number) => {
    const type = types[heap.nodes[at + typeAt] as number] as string;
    const name = heap.strings[heap.nodes[at + nameAt] as number] as string;
    // Arrays and hidden objects carry V8's own name (`(object elements)`, a table's kind).
    return type === 'object'
      ? name
      : type === 'closure'
        ? `closure ${name || '(anonymous)'}`
        : type === 'array' || type === 'hidden'
          ? `(${type}) ${name}`
          : `(${type})`;
  };
  const held = byOwner ? owners(heap, kindOf) : null;
  const kinds = new Map<string, { bytes: number; count: number }>();
  for (let at = 0; at < heap.nodes.length; at += fields.length) {
    const own = kindOf(at);
    const kind =
      held && /^\((array|string|hidden|concatenated string|code)\)/.test(own)
        ? `${own} held by ${held.get(at) ?? '?'}`
        : own;
    const entry = kinds.get(kind) ?? { bytes: 0, count: 0 };
    entry.bytes += heap.nodes[at + sizeAt] as number;
    entry.count += 1;
    kinds.set(kind, entry);
  }
  return kinds;
}

async function snapshot(dir: string, pid: number, taken: number): Promise<string> {
  process.kill(pid, 'SIGUSR2');
  for (;;) {
    const files = readdirSync(dir).filter((name) => name.endsWith('.heapsnapshot'));
    // Written in one go at the end: a file is complete once the next size check agrees.
    if (files.length > taken) {
      const file = join(dir, files.sort().at(-1) as string);
      let size = -1;
      for (;;) {
        await sleep(500);
        const now = readFileSync(file).length;
        if (now === size && now > 0) return file;
        size = now;
      }
    }
    await sleep(200);
  }
}

const redis = await startRedis();
const dir = mkdtempSync(join(tmpdir(), 'lens-heap-'));
// Writing a snapshot stops the process for seconds: no keep-alive may drop a socket meanwhile.
const lens = await startLens(
  redis.url(),
  ['--ws-idle-timeout-ms', '600000'],
  ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`],
);
try {
  await sleep(500);
  const rssBefore = lens.rssKiB();
  const before = census(await snapshot(dir, lens.pid, 0), values.owners ?? false);
  const subscribers = await openSubscribers(
    lens.url,
    Array.from({ length: count }, () => randomUUID()),
    query,
    // taskCompleted sends nothing until its task is ready: its subscriptions are counted by the server instead.
    { perClient: perSocket, ...(kind === 'task' ? {} : { held: () => watchersOf(lens.url) }) },
  );
  await sleep(1500);
  const rssAfter = lens.rssKiB();
  const written = await snapshot(dir, lens.pid, 1);
  // A socket dropped meanwhile (a missed keep-alive on a busy machine) would make each look cheaper.
  const watchers = await watchersOf(lens.url);
  if (watchers !== count) throw new Error(`${watchers} of ${count} subscriptions were live when the heap was written`);
  const after = census(written, values.owners ?? false);
  const rows = [...after].map(([kind, { bytes, count: objects }]) => {
    const was = before.get(kind) ?? { bytes: 0, count: 0 };
    return { kind, bytes: (bytes - was.bytes) / count, objects: (objects - was.count) / count };
  });
  rows.sort((a, b) => b.bytes - a.bytes);
  const total = rows.reduce((sum, row) => sum + row.bytes, 0);
  console.log(
    `${count} idle ${kind}(id) subscriptions, ${perSocket} per WebSocket: ${total.toFixed(0)} bytes of heap each (${(total / 1024).toFixed(2)} KiB)`,
  );
  console.log(
    `RSS ${(rssBefore / 1024).toFixed(0)} → ${(rssAfter / 1024).toFixed(0)} MiB: ${((rssAfter - rssBefore) / count).toFixed(2)} KiB each`,
  );
  for (const row of rows.slice(0, Number(values.top)))
    console.log(`${row.bytes.toFixed(0).padStart(7)} B  ${row.objects.toFixed(2).padStart(6)} objects  ${row.kind}`);
  await subscribers.close();
} finally {
  await lens.stop();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
