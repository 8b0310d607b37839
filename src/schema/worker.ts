import type { WorkerEvent } from '../celery/events.ts';
import { builder } from './builder.ts';

// Celery workers send a heartbeat every 2 s by default; three missed ones mean gone.
const STALE_MS = 6000;

const WorkerRef = builder.objectRef<WorkerEvent>('Worker').implement({
  description: "A Celery worker, as its events (heartbeats) describe it. Needs worker_send_task_events (`-E`).",
  fields: (t) => ({
    hostname: t.exposeString('hostname'),
    online: t.boolean({
      description: "Not offline by Celery's rule (a heartbeat within two of its intervals + 1 s, or --worker-timeout; no worker-offline): its tasks are not LOST.",
      // The same judgement as LOST (backend/worker-liveness.ts); the 6 s rule only for a worker it has no pulse of.
      resolve: (worker, _args, { consumer }) =>
        consumer?.liveness.pulse(worker.hostname)
          ? consumer.liveness.silence(worker.hostname, null) === null
          : worker.type !== 'worker-offline' && Date.now() - worker.at < STALE_MS,
    }),
    lastSeen: t.field({ type: 'DateTime', resolve: (worker) => new Date(worker.at) }),
    active: t.exposeInt('active', { nullable: true, description: 'Tasks running on it at its last heartbeat.' }),
    processed: t.exposeInt('processed', { nullable: true, description: 'Tasks it processed since it started.' }),
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
