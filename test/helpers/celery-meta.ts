/**
 * Writes task meta the way Celery's Redis backend does: SETEX of the JSON (in
 * Celery's field order) and PUBLISH of the same bytes on the key's channel, in
 * one MULTI/EXEC. For integration tests that need no worker; the interop suite
 * checks these shapes against a real worker.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface MetaFields {
  status: string;
  result?: unknown;
  traceback?: string | null;
  children?: unknown[];
  date_done?: string | null;
  group_id?: string;
  parent_id?: string;
  name?: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  worker?: string;
  retries?: number;
  queue?: string;
}

export async function writeMeta(
  redis: Redis,
  fields: MetaFields,
  { id = randomUUID(), ttl = 3600, prefix = '' }: { id?: string; ttl?: number; prefix?: string } = {},
): Promise<string> {
  const { status, result = null, traceback = null, children = [], date_done = null, ...rest } = fields;
  const meta = { status, result, traceback, children, date_done, ...rest, task_id: id };
  const key = `${prefix}celery-task-meta-${id}`;
  const value = JSON.stringify(meta);
  await redis.multi().setex(key, ttl, value).publish(key, value).exec();
  return id;
}

/** PUBSUB NUMSUB of each task's channel: how many connections listen to it. */
export async function taskSubscribers(redis: Redis, ids: readonly string[], prefix = ''): Promise<number[]> {
  const reply = (await redis.pubsub('NUMSUB', ...ids.map((id) => `${prefix}celery-task-meta-${id}`))) as (
    | string
    | number
  )[];
  return reply.filter((_, index) => index % 2 === 1).map(Number);
}

/**
 * Publishes Celery events the way a worker does over a Redis broker: a kombu
 * envelope with the base64 JSON list on `/<db>.celeryev/task.multi`.
 */
/** Publishes one `task.multi` message, as a worker batches events; through a pipeline too (its publish queues). */
export async function publishEvents(
  redis: Pick<Redis, 'publish'> | { publish(channel: string, message: string): unknown },
  db: number,
  events: Record<string, unknown>[],
): Promise<void> {
  const envelope = {
    body: Buffer.from(JSON.stringify(events)).toString('base64'),
    'content-encoding': 'utf-8',
    'content-type': 'application/json',
    headers: { hostname: 'lens-test@vm' },
    properties: {
      delivery_mode: 1,
      delivery_info: { exchange: 'celeryev', routing_key: 'task.multi' },
      priority: 0,
      body_encoding: 'base64',
      delivery_tag: randomUUID(),
    },
  };
  await redis.publish(`/${db}.celeryev/task.multi`, JSON.stringify(envelope));
}
