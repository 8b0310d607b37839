/**
 * A burst of Celery task lives as workers and the backend publish them, for
 * `npm run bench:intake` and `bench --ci`'s S2: each task's four events
 * (task-sent, task-received, task-started, task-succeeded) in `task.multi`
 * messages of 24 (a worker's EventDispatcher groups them so), interleaved
 * with its result's SETEX + PUBLISH (Celery's backend), all queued on one
 * pipeline the caller runs.
 */
import { randomUUID } from 'node:crypto';
import type { ChainableCommander } from 'ioredis';
import { publishEvents } from '../../test/helpers/celery-meta.ts';
import { celeryMeta } from './report.ts';

const EVENTS_PER_MESSAGE = 24;

export async function queueBurst(pipeline: ChainableCommander, tasks: number, name: string): Promise<void> {
  const at = Date.now() / 1000;
  let events: Record<string, unknown>[] = [];
  for (let task = 0; task < tasks; task += 1) {
    const uuid = randomUUID();
    // Times in the past, 1 ms apart, the last just before the burst: a backlog's events. Not ahead of the
    // clock: taskStats (until: now) counts a task once its time has come, which would pace the count
    // at 1,000 tasks a second whatever the intake does.
    const t = at - (tasks - task) / 1000 - 0.004;
    const common = { uuid, hostname: 'celery@bench' };
    events.push(
      { type: 'task-sent', ...common, timestamp: t, name, queue: 'celery' },
      { type: 'task-received', ...common, timestamp: t + 0.001, name },
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
}

/** Tasks of `name` that taskStats counts SUCCEEDED, asked of celery-lens at `url`. */
export async function succeeded(url: string, name: string): Promise<number> {
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
