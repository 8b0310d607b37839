import { type Plugin, useReadinessCheck } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import type { Broker } from '../broker/broker.ts';
import type { EventConsumer } from '../intake/event-consumer.ts';
import type { BackendHealth, ResultBackend } from '../read/result-backend.ts';
import { BackendProbe } from './backend-probe.ts';

export interface HealthSources {
  readonly backend: ResultBackend;
  /** The shared pub/sub connection of subscriptions. */
  readonly subscriber: Redis;
  readonly consumer: EventConsumer | null;
  /** Said apart from the backend: it may be another server, or another kind (broker/broker.ts). */
  readonly broker: Pick<Broker, 'health'>;
}

/**
 * `/healthz` (liveness): the process is alive, always 200, answered from
 * memory whatever Redis does (a frozen Redis must not get a healthy process
 * restarted), with what it last knew of what it depends on.
 * `/readyz` (readiness): 200 only while the result backend answers a PING
 * within 500 ms and the subscriber (and event consumer) connections are up,
 * else 503 with what is down, so a load balancer stops routing to a process
 * that cannot serve. Both report the event-stream lag, and the broker as
 * its connection last knew it (`broker`, `brokerError`): informational, as
 * readiness depends on the broker only through the event consumer.
 */
export function useHealth({ backend, subscriber, consumer, broker }: HealthSources): Plugin[] {
  const probe = new BackendProbe(backend);
  const report = (health: BackendHealth, status: (ready: boolean) => number) => {
    const subscriberUp = subscriber.status === 'ready';
    const consumerUp = consumer?.connected ?? true;
    const ready = health.up && subscriberUp && consumerUp;
    const brokerHealth = broker.health();
    return Response.json(
      {
        status: ready ? 'ok' : 'degraded',
        backend: health.up ? 'up' : 'down',
        ...health,
        broker: brokerHealth.up ? 'up' : 'down',
        brokerError: brokerHealth.reason,
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
