/**
 * S1: Redis bytes celery-lens keeps per task, by kind of key. A real Celery
 * worker (prefork, events and result_extended on, as the README recommends)
 * runs `tasks` lens.add calls (each must succeed); celery-lens (the bin, defaults) consumes its
 * events and published states into a store of its own (--store), so the
 * store holds celery-lens' keys only. Once every task has its tombstone (its
 * final state recorded), MEMORY USAGE … SAMPLES 0 of every key, summed by
 * kind, over the tasks; Celery's own result keys on the backend alongside.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { celery, ensureCelery, startWorker } from '../../test/helpers/celery.ts';
import { startRedis } from '../../test/helpers/redis-server.ts';
import { decodeTombstone } from '../../src/store/tombstones.ts';
import { startLens } from '../lib/processes.ts';
import { sleep } from '../lib/stats.ts';
import { addRow, check, count, fmt } from '../lib/report.ts';

/** The kind of a celery-lens key: `t`, `tomb`, `{ix}:rec`, `{ix}:c:…` as `{ix}:c`, `{states}:l`, … */
export function kindOf(key: string, prefix: string): string {
  const rest = key.slice(prefix.length);
  const tagged = /^(\{[^}]*\}:[^:]*)/.exec(rest);
  // Per-bucket keys (`{st}:m<minute>`) as one kind.
  return (tagged ? (tagged[1] as string) : (rest.split(':')[0] as string)).replace(/\d+$/, '');
}

/** Bytes and keys by kind, of every key matching `pattern` (exact: SAMPLES 0). */
export async function bytesByKind(redis: Redis, pattern: string, kind: (key: string) => string) {
  const kinds = new Map<string, { bytes: number; keys: number }>();
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    const pipeline = redis.pipeline();
    for (const key of batch) pipeline.memory('USAGE', key, 'SAMPLES', 0);
    const sizes = (await pipeline.exec()) ?? [];
    batch.forEach((key, i) => {
      const entry = kinds.get(kind(key)) ?? { bytes: 0, keys: 0 };
      entry.bytes += Number(sizes[i]?.[1] ?? 0);
      entry.keys += 1;
      kinds.set(kind(key), entry);
    });
  } while (cursor !== '0');
  return [...kinds.entries()].sort(([, a], [, b]) => b.bytes - a.bytes);
}

export async function s1(tasks: number): Promise<{ perTask: number; celeryPerTask: number }> {
  await ensureCelery();
  const [backend, store] = await Promise.all([startRedis(), startRedis()]);
  const env = { brokerUrl: backend.url(), backendUrl: backend.url(), resultExtended: true, events: true };
  const lens = await startLens(backend.url(), ['--store', store.url()]);
  const worker = await startWorker({ ...env, pool: 'prefork', concurrency: 2 });
  try {
    // `add`: lens_cli.py names it lens.add (as `lens.add`, the worker refused it: NotRegistered, a failure without STARTED).
    const specs = Array.from({ length: tasks }, (_, i) => ({ task: 'add', args: [i, 1], task_id: randomUUID() }));
    const sent = await celery<{ id: string }[]>('send', specs, env);
    const ids = sent.map(({ id }) => id);
    const lensRedis = store.client();
    const deadline = Date.now() + 60_000 + tasks * 50;
    // Every task's final state recorded (its tombstone), then a moment for its last events.
    for (;;) {
      const pipeline = lensRedis.pipeline();
      for (const id of ids) pipeline.exists(`celery-lens:tomb:${id}`);
      const done = ((await pipeline.exec()) ?? []).filter(([, n]) => n === 1).length;
      if (done === tasks) break;
      check(Date.now() < deadline, `only ${done} of ${tasks} tasks recorded their final state`);
      await sleep(200);
    }
    await sleep(1000);
    // Tasks that ran: each a SUCCESS, told by a STARTED first (the resume log keeps that one's bytes).
    const tombs = await lensRedis.mget(ids.map((id) => `celery-lens:tomb:${id}`));
    const succeeded = tombs.filter((tomb) => tomb !== null && decodeTombstone(tomb)?.state === 'SUCCESS').length;
    check(succeeded === tasks, `only ${succeeded} of ${tasks} tasks succeeded`);
    const kinds = await bytesByKind(lensRedis, 'celery-lens:*', (key) => kindOf(key, 'celery-lens:'));
    const total = kinds.reduce((sum, [, { bytes }]) => sum + bytes, 0);
    const celeryBytes = await bytesByKind(backend.client(), 'celery-task-meta-*', () => 'meta');
    const celeryPerTask = (celeryBytes[0]?.[1].bytes ?? 0) / tasks;
    for (const [kind, { bytes, keys }] of kinds)
      addRow({
        case: `S1 ${kind}`,
        lens: `${fmt(bytes / tasks, 0)} B/task`,
        baseline: `${count(keys)} keys`,
        ratio: `${fmt((100 * bytes) / total, 1)} %`,
        target: '',
      });
    addRow({
      case: `S1 all celery-lens keys, ${count(tasks)} tasks`,
      lens: `${fmt(total / tasks, 0)} B/task`,
      baseline: `Celery's result: ${fmt(celeryPerTask, 0)} B/task`,
      ratio: `${fmt(total / tasks / celeryPerTask, 2)}×`,
      target: '≤ 1,024 B/task',
    });
    return { perTask: total / tasks, celeryPerTask };
  } finally {
    await worker.stop();
    await lens.stop();
    await Promise.all([backend.stop(), store.stop()]);
  }
}
