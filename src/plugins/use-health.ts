import type { Plugin } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import type { StoreRedis } from '../redis/store-redis.ts';
import type { Broker } from '../broker/broker.ts';
import type { EventConsumer } from '../intake/event-consumer.ts';
import type { BackendHealth, ResultBackend } from '../read/result-backend.ts';
import { BackendProbe, pingable } from './backend-probe.ts';

export interface HealthSources {
  readonly backend: ResultBackend;
  /** The shared pub/sub connection of subscriptions. */
  readonly subscriber: Redis;
  readonly consumer: EventConsumer | null;
  /** Said apart from the backend: it may be another server, or another kind (broker/broker.ts). */
  readonly broker: Pick<Broker, 'health'>;
  /** celery-lens' store when apart from the backend (--store): its commands' and its pub/sub connections; null: the backend. */
  readonly store: { readonly redis: StoreRedis; readonly subscriber: StoreRedis } | null;
}

/** The store's part of a health answer: absent when it is the backend, else PINGed like the backend. */
function storeReport(health: BackendHealth | null, subscriber: StoreRedis | null) {
  if (!health || !subscriber) return { up: true, fields: {} };
  const subscriberUp = subscriber.status === 'ready';
  return {
    up: health.up && subscriberUp,
    fields: {
      store: health.up ? 'up' : 'down',
      storeLatencyMs: health.latencyMs,
      storeError: health.error,
      storeSubscriber: subscriberUp ? 'up' : 'down',
    },
  };
}

/**
 * `/healthz` (liveness): the process is alive, always 200, answered from
 * memory whatever Redis does (a frozen Redis must not get a healthy process
 * restarted), with what it last knew of what it depends on.
 * `/readyz` (readiness): 200 only while the result backend (and the store
 * apart from it, --store) answers a PING within 500 ms and the subscriber
 * (and event consumer, and the store's subscriber) connections are up,
 * else 503 with what is down, so a load balancer stops routing to a process
 * that cannot serve. Both report the event-stream lag, and the broker as
 * its connection last knew it (`broker`, `brokerError`): informational, as
 * readiness depends on the broker only through the event consumer.
 */
export function useHealth({ backend, subscriber, consumer, broker, store }: HealthSources): Plugin[] {
  const probe = new BackendProbe(backend);
  const storeProbe = store && new BackendProbe(pingable(store.redis));
  const report = (health: BackendHealth, stored: BackendHealth | null, status: (ready: boolean) => number) => {
    const subscriberUp = subscriber.status === 'ready';
    const consumerUp = consumer?.connected ?? true;
    const own = storeReport(stored, store?.subscriber ?? null);
    const ready = health.up && subscriberUp && consumerUp && own.up;
    const brokerHealth = broker.health();
    return Response.json(
      {
        status: ready ? 'ok' : 'degraded',
        backend: health.up ? 'up' : 'down',
        ...health,
        broker: brokerHealth.up ? 'up' : 'down',
        brokerError: brokerHealth.reason,
        subscriber: subscriberUp ? 'up' : 'down',
        ...own.fields,
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
    endpoint('/healthz', () => report(probe.known(), storeProbe?.known() ?? null, () => 200)),
    endpoint('/readyz', async () => {
      const [health, stored] = await Promise.all([probe.check(), storeProbe?.check() ?? null]);
      return report(health, stored, (ready) => (ready ? 200 : 503));
    }),
  ];
}

/**
 * Yoga's useReadinessCheck, matched on the path alone: it also tests a
 * URLPattern, on every request that is not its own, and two of them took
 * about 17 µs of each query's CPU (tasks(ids) in docs/benchmarks.md, P2).
 */
function endpoint(path: string, answer: () => Response | Promise<Response>): Plugin {
  const failed = (error: unknown) =>
    new Response(error instanceof Error ? error.message : null, {
      status: 503,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  return {
    onRequest({ url, endResponse }) {
      if (url.pathname !== path) return;
      try {
        const answered = answer();
        if (!(answered instanceof Promise)) return endResponse(answered);
        return answered.then(endResponse, (error: unknown) => endResponse(failed(error)));
      } catch (error) {
        return endResponse(failed(error));
      }
    },
  };
}
