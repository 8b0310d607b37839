import { type Plugin, useReadinessCheck } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import type { EventConsumer } from '../intake/event-consumer.ts';
import type { BackendHealth, ResultBackend } from '../read/result-backend.ts';
import { BackendProbe } from './backend-probe.ts';

export interface HealthSources {
  readonly backend: ResultBackend;
  /** The shared pub/sub connection of subscriptions. */
  readonly subscriber: Redis;
  readonly consumer: EventConsumer | null;
}

/**
 * `/healthz` (liveness): the process is alive, always 200, answered from
 * memory whatever Redis does (a frozen Redis must not get a healthy process
 * restarted), with what it last knew of what it depends on.
 * `/readyz` (readiness): 200 only while the result backend answers a PING
 * within 500 ms and the subscriber (and event consumer) connections are up,
 * else 503 with what is down, so a load balancer stops routing to a process
 * that cannot serve. Both report the event-stream lag.
 */
export function useHealth({ backend, subscriber, consumer }: HealthSources): Plugin[] {
  const probe = new BackendProbe(backend);
  const report = (health: BackendHealth, status: (ready: boolean) => number) => {
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
    useReadinessCheck({ endpoint: '/healthz', check: () => report(probe.known(), () => 200) }),
    useReadinessCheck({
      endpoint: '/readyz',
      check: async () => report(await probe.check(), (ready) => (ready ? 200 : 503)),
    }),
  ];
}
