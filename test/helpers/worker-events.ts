/**
 * Worker events as a Celery 5.2 worker publishes them on a Redis broker
 * (docs/celery-wire-format.md, "Events"): a kombu envelope with the base64
 * JSON event, PUBLISHed on `/<db>.celeryev/worker.<type>`. For tests of
 * worker liveness without a worker; the interop suite uses real ones.
 */
import type { Redis } from 'ioredis';

export async function publishWorkerEvent(
  redis: Redis,
  hostname: string,
  type: 'worker-online' | 'worker-heartbeat' | 'worker-offline',
  { freq = 2, db = 0, at = Date.now() }: { freq?: number; db?: number; at?: number } = {},
): Promise<void> {
  const event = { hostname, utcoffset: 0, pid: 4242, clock: 1, freq, active: 1, processed: 0, loadavg: [0, 0, 0], sw_ident: 'py-celery', sw_ver: '5.2.6', sw_sys: 'Linux', timestamp: at / 1000, type };
  const envelope = {
    body: Buffer.from(JSON.stringify(event)).toString('base64'),
    'content-encoding': 'utf-8',
    'content-type': 'application/json',
    headers: { hostname },
    properties: { delivery_mode: 1, delivery_info: { exchange: 'celeryev', routing_key: type.replace('-', '.') }, priority: 0, body_encoding: 'base64' },
  };
  await redis.publish(`/${db}.celeryev/${type.replace('-', '.')}`, JSON.stringify(envelope));
}
