/**
 * S2: a burst of tasks through intake, as `npm run bench:intake` sends it
 * (each task's four events in `task.multi` messages of 24, its result's
 * SETEX + PUBLISH, all in one pipeline), to celery-lens (the bin, defaults).
 * It waits until taskStats counts every task SUCCEEDED in the index, or
 * until the count stops moving: a task missing then is lost, and that fails
 * the run; how long it took is printed, never checked.
 */
import { randomUUID } from 'node:crypto';
import { publishEvents } from '../../test/helpers/celery-meta.ts';
import { startRedis } from '../../test/helpers/redis-server.ts';
import { startLens } from '../lib/processes.ts';
import { addRow, celeryMeta, count, fmt } from '../lib/report.ts';
import { sleep } from '../lib/stats.ts';

const EVENTS_PER_MESSAGE = 24;
/** How long the count may stay still before the missing tasks count as lost (a stall, not a time limit). */
const STILL_MS = 30_000;

/** Tasks of `name` that taskStats counts SUCCEEDED. */
async function succeeded(url: string, name: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ taskStats(by: NAME) { groups { key byStatus { status count } } } }' }),
  });
  const body = (await response.json()) as {
    data?: { taskStats: { groups: { key: string; byStatus: { status: string; count: number }[] }[] } };
  };
  const group = body.data?.taskStats.groups.find(({ key }) => key === name);
  return group?.byStatus.find(({ status }) => status === 'SUCCEEDED')?.count ?? 0;
}

/** Sends `tasks` tasks' lives at once; returns how many were indexed SUCCEEDED (all, unless some were lost). */
export async function s2(tasks: number): Promise<{ indexed: number; seconds: number }> {
  const backend = await startRedis();
  const lens = await startLens(backend.url(), ['--rate-limit', '0']);
  const client = backend.client();
  try {
    const pipeline = client.pipeline();
    const at = Date.now() / 1000;
    let events: Record<string, unknown>[] = [];
    for (let task = 0; task < tasks; task += 1) {
      const uuid = randomUUID();
      const t = at + task / 1000;
      const common = { uuid, hostname: 'celery@bench' };
      events.push(
        { type: 'task-sent', ...common, timestamp: t, name: 'bench.burst', queue: 'celery' },
        { type: 'task-received', ...common, timestamp: t + 0.001, name: 'bench.burst' },
        { type: 'task-started', ...common, timestamp: t + 0.002 },
        { type: 'task-succeeded', ...common, timestamp: t + 0.003, result: '2', runtime: 0.001 },
      );
      const key = `celery-task-meta-${uuid}`;
      const meta = celeryMeta(uuid, 'SUCCESS', 2);
      pipeline.setex(key, 3600, meta).publish(key, meta);
      if (events.length >= EVENTS_PER_MESSAGE) {
        await publishEvents(pipeline, 0, events);
        events = [];
      }
    }
    if (events.length > 0) await publishEvents(pipeline, 0, events);
    const started = performance.now();
    await pipeline.exec();
    let indexed = 0;
    for (let movedAt = Date.now(); indexed < tasks && Date.now() - movedAt < STILL_MS; await sleep(100)) {
      const now = await succeeded(lens.url, 'bench.burst');
      if (now !== indexed) [indexed, movedAt] = [now, Date.now()];
    }
    const seconds = (performance.now() - started) / 1000;
    addRow({
      case: `S2 intake burst, ${count(tasks)} tasks (${count(4 * tasks)} events + ${count(tasks)} results)`,
      lens: `${count(indexed)} indexed SUCCEEDED`,
      baseline: `${fmt(seconds, 1)} s`,
      ratio: indexed === tasks ? 'none lost' : `${count(tasks - indexed)} lost`,
      target: 'every task indexed',
    });
    return { indexed, seconds };
  } finally {
    client.disconnect();
    await lens.stop();
    await backend.stop();
  }
}
