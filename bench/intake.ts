/**
 * Intake: a burst of Celery events as workers' dispatchers publish them, and
 * the results as the backend stores them, absorbed by one celery-lens:
 *
 *   npm run bench:intake                            10,000 tasks (40,000 events)
 *   npm run bench:intake -- --tasks 2000            fewer
 *   npm run bench:intake -- --store                 celery-lens' keys on a Redis of their own (--store)
 *   npm run bench:intake -- --profile DIR           the server under node --cpu-prof, its profile written to DIR
 *
 * Each task's life is four events and its result, all in one pipeline: a
 * burst (bench/lib/burst.ts). It
 * measures from the first publish until taskStats counts every task
 * SUCCEEDED in the index (so none is lost), and the slowest /healthz answer
 * meanwhile; and whether Redis dropped a pub/sub connection
 * (client-output-buffer-limit pubsub: celery_lens_subscriber_disconnects_total).
 */
import { parseArgs } from 'node:util';
import { startRedis } from '../test/helpers/redis-server.ts';
import { whileProbingHealth } from '../test/helpers/stall-probe.ts';
import { startLens } from './lib/processes.ts';
import { queueBurst, succeeded } from './lib/burst.ts';
import { addRow, check, count, fmt, printTable } from './lib/report.ts';
import { sleep } from './lib/stats.ts';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '10000' },
    store: { type: 'boolean', default: false },
    profile: { type: 'string' },
  },
});
const TASKS = Number(values.tasks);

const backend = await startRedis();
const store = values.store ? await startRedis() : null;
const lens = await startLens(
  backend.url(),
  ['--rate-limit', '0', ...(store ? ['--store', store.url()] : [])],
  values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [],
);
const stats = () => succeeded(lens.url, 'bench.intake');
const disconnects = async () => {
  const text = await (await fetch(new URL('/metrics', lens.url))).text();
  return [...text.matchAll(/^celery_lens_subscriber_disconnects_total\{[^}]*\} (\d+)/gm)].reduce(
    (sum, [, n]) => sum + Number(n),
    0,
  );
};
try {
  const client = backend.client();
  const pipeline = client.pipeline();
  await queueBurst(pipeline, TASKS, 'bench.intake');
  const cpuBefore = lens.cpuSeconds();
  const probed = await whileProbingHealth(lens.url, async () => {
    await pipeline.exec();
    const deadline = Date.now() + 120_000 + TASKS * 10;
    for (;;) {
      const done = await stats();
      if (done >= TASKS) return done;
      check(Date.now() < deadline, `only ${done} of ${TASKS} tasks indexed SUCCEEDED`);
      await sleep(100);
    }
  });
  const seconds = probed.ms / 1000;
  const dropped = await disconnects();
  addRow({
    case: `intake, ${count(TASKS)} tasks (${count(4 * TASKS)} events + ${count(TASKS)} results)${store ? ', --store' : ''}`,
    lens: `${count(Math.round((4 * TASKS) / seconds))} events/s`,
    baseline: `${fmt(seconds, 1)} s, ${fmt(lens.cpuSeconds() - cpuBefore, 1)} s CPU`,
    ratio: `slowest /healthz ${fmt(probed.slowestHealthMs, 0)} ms (${probed.probes} probes)`,
    target: `≥ 20,000 events/s; pub/sub drops: ${dropped}`,
  });
} finally {
  await lens.stop();
  await Promise.all([backend.stop(), store?.stop()]);
}
printTable(`celery-lens intake (node ${process.version}, ${new Date().toISOString().slice(0, 10)})`);
process.exit(0);
