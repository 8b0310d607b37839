import type { WorkerState } from '../../celery/worker-state.ts';
import { builder } from '../builder.ts';

export const WorkerRef = builder.objectRef<WorkerState>('Worker').implement({
  description: 'A Celery worker, as its events (heartbeats) describe it. Needs worker_send_task_events (`-E`).',
  fields: (t) => ({
    hostname: t.exposeString('hostname'),
    online: t.boolean({
      description:
        "Celery's rule (celery.events.state.Worker.alive, as Flower shows it): a heartbeat received within two heartbeat intervals " +
        '(+ 1 s, or --worker-timeout), and no worker-offline since: the same judgement that makes its tasks LOST.',
      // The judgement of LOST (read/worker-liveness.ts): every worker listed was heard by the consumer that keeps that pulse.
      resolve: (worker, _args, { consumer }) => consumer?.liveness.silence(worker.hostname, null) === null,
    }),
    lastSeen: t.field({
      type: 'DateTime',
      description: "Its latest event's timestamp (the worker's clock).",
      resolve: (worker) => new Date(worker.at),
    }),
    lastHeartbeat: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'When celery-lens received its latest heartbeat or worker-online (its own clock: what `online` is judged by).',
      resolve: (worker) => (worker.heartbeatAt === null ? null : new Date(worker.heartbeatAt)),
    }),
    heartbeatExpires: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'When it turns offline (and the tasks it runs LOST) unless another heartbeat comes; null when it said worker-offline, or while celery-lens hears no events (nothing is judged then).',
      resolve: (worker, _args, { consumer }) => {
        const expires = consumer?.liveness.expiresAt(worker.hostname) ?? null;
        return expires === null ? null : new Date(expires);
      },
    }),
    heartbeatIntervalSeconds: t.exposeFloat('freq', {
      nullable: true,
      description: 'Seconds between its heartbeats (Celery sends `freq`, 2.0 by default).',
    }),
    active: t.exposeInt('active', { nullable: true, description: 'Tasks running on it at its last heartbeat.' }),
    processed: t.exposeInt('processed', { nullable: true, description: 'Tasks it processed since it started.' }),
    loadAverage: t.exposeFloatList('loadAverage', {
      nullable: true,
      description: "Its host's 1, 5 and 15 minute load averages at its last heartbeat.",
    }),
    software: t.exposeString('software', {
      nullable: true,
      description: 'What it runs: `sw_ident sw_ver`, e.g. "py-celery 5.2.6".',
    }),
  }),
});

builder.queryField('workers', (t) =>
  t.field({
    type: [WorkerRef],
    description: 'Workers this process heard from (events consumed since it started), by hostname.',
    resolve: (_root, _args, { consumer }) =>
      [...(consumer?.workers.values() ?? [])].sort((a, b) => a.hostname.localeCompare(b.hostname)),
  }),
);

builder.queryField('worker', (t) =>
  t.field({
    type: WorkerRef,
    nullable: true,
    args: { hostname: t.arg.string({ required: true }) },
    description: 'One worker this process heard from, by its node name (e.g. `celery@host`); null when none.',
    resolve: (_root, { hostname }, { consumer }) => consumer?.workers.get(hostname) ?? null,
  }),
);
