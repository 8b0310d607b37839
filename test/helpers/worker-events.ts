/**
 * Events as a Celery 5.2 worker or client publishes them on a Redis broker
 * (docs/celery-wire-format.md, "Events"): a kombu envelope with the base64
 * JSON event, PUBLISHed on `/<db>.celeryev/<routing key>`. For tests of
 * worker liveness and event evidence without a worker; the interop suite
 * uses real ones.
 */
import type { Redis } from 'ioredis';

export async function publishEvent(
  redis: Redis,
  event: Record<string, unknown> & { type: string },
  db = 0,
): Promise<void> {
  const routingKey = event.type.replace('-', '.');
  const envelope = {
    body: Buffer.from(JSON.stringify(event)).toString('base64'),
    'content-encoding': 'utf-8',
    'content-type': 'application/json',
    headers: { hostname: event.hostname ?? null },
    properties: {
      delivery_mode: 1,
      delivery_info: { exchange: 'celeryev', routing_key: routingKey },
      priority: 0,
      body_encoding: 'base64',
    },
  };
  await redis.publish(`/${db}.celeryev/${routingKey}`, JSON.stringify(envelope));
}

export function publishWorkerEvent(
  redis: Redis,
  hostname: string,
  type: 'worker-online' | 'worker-heartbeat' | 'worker-offline',
  { freq = 2, db = 0, at = Date.now() }: { freq?: number; db?: number; at?: number } = {},
): Promise<void> {
  const event = {
    hostname,
    utcoffset: 0,
    pid: 4242,
    clock: 1,
    freq,
    active: 1,
    processed: 0,
    loadavg: [0, 0, 0],
    sw_ident: 'py-celery',
    sw_ver: '5.2.6',
    sw_sys: 'Linux',
    timestamp: at / 1000,
    type,
  };
  return publishEvent(redis, event, db);
}

/** task-sent as a client with task_send_sent_event publishes it. */
export function publishTaskSent(
  redis: Redis,
  id: string,
  { db = 0, at = Date.now(), name = 'lens.add', queue = 'celery' } = {},
): Promise<void> {
  const event = {
    hostname: 'gen1@client',
    utcoffset: 0,
    pid: 1,
    clock: 1,
    uuid: id,
    root_id: id,
    parent_id: null,
    name,
    args: '(1, 2)',
    kwargs: '{}',
    retries: 0,
    eta: null,
    expires: null,
    queue,
    exchange: '',
    routing_key: queue,
    timestamp: at / 1000,
    type: 'task-sent',
  };
  return publishEvent(redis, event, db);
}

/** Several task events in one `task.multi` message, as a worker batches them (a JSON list in one envelope). */
export async function publishTaskEvents(
  redis: Redis,
  events: readonly (Record<string, unknown> & { type: string })[],
  db = 0,
): Promise<void> {
  const envelope = {
    body: Buffer.from(JSON.stringify(events)).toString('base64'),
    'content-encoding': 'utf-8',
    'content-type': 'application/json',
    headers: { hostname: events[0]?.hostname ?? null },
    properties: {
      delivery_mode: 1,
      delivery_info: { exchange: 'celeryev', routing_key: 'task.multi' },
      priority: 0,
      body_encoding: 'base64',
    },
  };
  await redis.publish(`/${db}.celeryev/task.multi`, JSON.stringify(envelope));
}

/** A worker's received, started and succeeded (or failed) events of one task, timed in ms. */
export function workerTaskEvents(
  id: string,
  hostname: string,
  {
    name,
    receivedAt,
    startedAt,
    finishedAt,
    runtime,
    failed = false,
  }: { name: string; receivedAt: number; startedAt: number; finishedAt: number; runtime: number; failed?: boolean },
): (Record<string, unknown> & { type: string })[] {
  const common = { uuid: id, hostname, utcoffset: 0, pid: 4242, clock: 1 };
  return [
    {
      ...common,
      type: 'task-received',
      name,
      args: '()',
      kwargs: '{}',
      root_id: id,
      parent_id: null,
      retries: 0,
      eta: null,
      expires: null,
      timestamp: receivedAt / 1000,
    },
    { ...common, type: 'task-started', timestamp: startedAt / 1000 },
    failed
      ? { ...common, type: 'task-failed', exception: "ValueError('no')", traceback: '', timestamp: finishedAt / 1000 }
      : { ...common, type: 'task-succeeded', result: '1', runtime, timestamp: finishedAt / 1000 },
  ];
}
