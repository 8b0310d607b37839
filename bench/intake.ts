/**
 * Intake: a burst of Celery events as workers' dispatchers publish them, and
 * the results as the backend stores them, absorbed by one celery-lens:
 *
 *   npm run bench:intake                            10,000 tasks (40,000 events)
 *   npm run bench:intake -- --tasks 2000            fewer
 *   npm run bench:intake -- --store                 celery-lens' keys on a Redis of their own (--store)
 *   npm run bench:intake -- --profile DIR           the server under node --cpu-prof, its profile written to DIR
 *
 * Each task's life is four events (task-sent, task-received, task-started,
 * task-succeeded), published as `task.multi` messages of 24 events (a
 * worker's EventDispatcher groups them so), interleaved with the result's
 * SETEX + PUBLISH (Celery's backend), all in one pipeline: a burst. It
 * measures from the first publish until taskStats counts every task
 * SUCCEEDED in the index (so none is lost), and the slowest /healthz answer
 * meanwhile; and whether Redis dropped a pub/sub connection
 * (client-output-buffer-limit pubsub: celery_lens_subscriber_disconnects_total).
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { publishEvents } from '../test/helpers/celery-meta.ts';
import { startRedis } from '../test/helpers/redis-server.ts';
import { whileProbingHealth } from '../test/helpers/stall-probe.ts';
import { startLens } from './lib/processes.ts';
import { addRow, celeryMeta, check, count, fmt, printTable } from './lib/report.ts';
import { sleep } from './lib/stats.ts';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '10000' },
    store: { type: 'boolean', default: false },
    profile: { type: 'string' },
  },
});
const TASKS = Number(values.tasks);
const EVENTS_PER_MESSAGE = 24;

const backend = await startRedis();
const store = values.store ? await startRedis() : null;
const lens = await startLens(
  backend.url(),
  ['--rate-limit', '0', ...(store ? ['--store', store.url()] : [])],
  values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [],
);
const stats = async () => {
  const response = await fetch(lens.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ taskStats(by: NAME) { groups { key byStatus { status count } } } }' }),
  });
  const body = (await response.json()) as {
    data?: { taskStats: { groups: { key: string; byStatus: { status: string; count: number }[] }[] } };
  };
  const group = body.data?.taskStats.groups.find(({ key }) => key === 'bench.intake');
  return group?.byStatus.find(({ status }) => status === 'SUCCEEDED')?.count ?? 0;
};
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
  const at = Date.now() / 1000;
  let events: Record<string, unknown>[] = [];
  for (let task = 0; task < TASKS; task += 1) {
    const uuid = randomUUID();
    // Times in the past, 1 ms apart, the last just before the burst: a backlog's events. Not ahead of the
    // clock: taskStats (until: now) counts a task once its time has come, which would pace the count
    // at 1,000 tasks a second whatever the intake does.
    const t = at - (TASKS - task) / 1000 - 0.004;
    const common = { uuid, hostname: 'celery@bench' };
    events.push(
      { type: 'task-sent', ...common, timestamp: t, name: 'bench.intake', queue: 'celery' },
      { type: 'task-received', ...common, timestamp: t + 0.001, name: 'bench.intake' },
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
