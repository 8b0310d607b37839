/**
 * The broker a suite runs Celery and celery-lens on, so one suite checks
 * both broker modes with the same assertions: db 15 of the file's own Redis
 * server, or a private RabbitMQ vhost (test/helpers/rabbitmq.ts) created for
 * it and deleted after. The result backend is the Redis server's db 0 in
 * both.
 */
import { createVhost } from './rabbitmq.ts';
import type { RedisServer } from './redis-server.ts';

export type BrokerKind = 'redis' | 'amqp';
/** Both broker modes, for `describe.each`. */
export const BROKER_KINDS: readonly BrokerKind[] = ['redis', 'amqp'];

export interface TestBroker {
  readonly kind: BrokerKind;
  /** Celery's broker_url, and celery-lens' --broker. */
  readonly url: string;
  /** Deletes the vhost (a Redis db goes with its server). */
  dispose(): Promise<void>;
}

export async function testBroker(kind: BrokerKind, redis: RedisServer): Promise<TestBroker> {
  if (kind === 'redis') return { kind, url: redis.url(15), dispose: async () => {} };
  const vhost = await createVhost();
  return { kind, url: vhost.url(), dispose: () => vhost.delete() };
}
