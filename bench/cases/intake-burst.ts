/**
 * S2: a burst of tasks through intake, as `npm run bench:intake` sends it
 * (each task's four events in `task.multi` messages of 24, its result's
 * SETEX + PUBLISH, all in one pipeline), to celery-lens (the bin, defaults).
 * It waits until taskStats counts every task SUCCEEDED in the index, or
 * until the count stops moving: a task missing then is lost, and that fails
 * the run; how long it took is printed, never checked.
 */
import { startRedis } from '../../test/helpers/redis-server.ts';
import { startLens } from '../lib/processes.ts';
import { queueBurst, succeeded } from '../lib/burst.ts';
import { addRow, count, fmt } from '../lib/report.ts';
import { sleep } from '../lib/stats.ts';

/** How long the count may stay still before the missing tasks count as lost (a stall, not a time limit). */
const STILL_MS = 30_000;

/** Sends `tasks` tasks' lives at once; returns how many were indexed SUCCEEDED (all, unless some were lost). */
export async function s2(tasks: number): Promise<{ indexed: number; seconds: number }> {
  const backend = await startRedis();
  const lens = await startLens(backend.url(), ['--rate-limit', '0']);
  const client = backend.client();
  try {
    const pipeline = client.pipeline();
    await queueBurst(pipeline, tasks, 'bench.burst');
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
