/**
 * What one idle subscription keeps on the heap: celery-lens as `npm start`
 * runs it, V8 heap snapshots (--heapsnapshot-signal, which collects garbage
 * first) before and after opening N `task(id)` subscriptions, the difference
 * per subscription grouped by what V8 calls each object (its constructor,
 * closures, arrays, strings, …).
 *
 *   npm run bench:heap                        5,000 subscriptions, a WebSocket each
 *   npm run bench:heap -- --count 10000 --per-socket 100
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

const WATCH = 'subscription Watch($id: ID!) { task(id: $id, untilReady: false) { meta } }';

const { values } = parseArgs({
  options: { count: { type: 'string', default: '5000' }, 'per-socket': { type: 'string', default: '1' }, top: { type: 'string', default: '25' } },
});
const count = Number(values.count);
const perSocket = Number(values['per-socket']);

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Bytes and objects by kind: an object's constructor name, else V8's node type. */
function census(file: string): Map<string, { bytes: number; count: number }> {
  const heap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field)) as [number, number, number];
  const kinds = new Map<string, { bytes: number; count: number }>();
  for (let at = 0; at < heap.nodes.length; at += fields.length) {
    const type = types[heap.nodes[at + typeAt] as number] as string;
    const name = heap.strings[heap.nodes[at + nameAt] as number] as string;
    const kind = type === 'object' ? name : type === 'closure' ? `closure ${name || '(anonymous)'}` : `(${type})`;
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
const lens = await startLens(redis.url(), [], ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`]);
try {
  await sleep(500);
  const before = census(await snapshot(dir, lens.pid, 0));
  const subscribers = await openSubscribers(lens.url, Array.from({ length: count }, () => randomUUID()), WATCH, { perClient: perSocket });
  await sleep(1500);
  const after = census(await snapshot(dir, lens.pid, 1));
  const rows = [...after].map(([kind, { bytes, count: objects }]) => {
    const was = before.get(kind) ?? { bytes: 0, count: 0 };
    return { kind, bytes: (bytes - was.bytes) / count, objects: (objects - was.count) / count };
  });
  rows.sort((a, b) => b.bytes - a.bytes);
  const total = rows.reduce((sum, row) => sum + row.bytes, 0);
  console.log(`${count} idle task(id) subscriptions, ${perSocket} per WebSocket: ${total.toFixed(0)} bytes of heap each (${(total / 1024).toFixed(2)} KiB)`);
  for (const row of rows.slice(0, Number(values.top))) console.log(`${row.bytes.toFixed(0).padStart(7)} B  ${row.objects.toFixed(2).padStart(6)} objects  ${row.kind}`);
  await subscribers.close();
} finally {
  await lens.stop();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
