import { type Plugin, useReadinessCheck } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import type { EventConsumer } from '../backend/event-consumer.ts';
import type { ResultBackend } from '../backend/result-backend.ts';

export interface HealthSources {
  readonly backend: ResultBackend;
  /** The shared pub/sub connection of subscriptions. */
  readonly subscriber: Redis;
  readonly consumer: EventConsumer | null;
}

/**
 * `/healthz`: the process is alive (always 200) and says what it depends on.
 * `/readyz`: 200 only while the result backend answers and the subscriber
 * (and event consumer) connections are up, else 503, so a load balancer stops
 * routing to a process that cannot serve. Both report the event-stream lag.
 */
export function useHealth({ backend, subscriber, consumer }: HealthSources): Plugin[] {
  const report = async (status: (ready: boolean) => number) => {
    const health = await backend.health();
    const subscriberUp = subscriber.status === 'ready';
    const consumerUp = consumer?.connected ?? true;
    const ready = health.up && subscriberUp && consumerUp;
    return Response.json(
      {
        status: ready ? 'ok' : 'degraded',
        backend: health.up ? 'up' : 'down',
        ...health,
        subscriber: subscriberUp ? 'up' : 'down',
        events: consumer
          ? {
              consumer: consumerUp ? 'up' : 'down',
              lastEventAt: consumer.lastEventAt === null ? null : new Date(consumer.lastEventAt).toISOString(),
              lagMs: consumer.lastEventLagMs,
            }
          : null,
      },
      { status: status(ready) },
    );
  };
  return [
    useReadinessCheck({ endpoint: '/healthz', check: () => report(() => 200) }),
    useReadinessCheck({ endpoint: '/readyz', check: () => report((ready) => (ready ? 200 : 503)) }),
  ];
}
