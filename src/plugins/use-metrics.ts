/**
 * /metrics in Prometheus' format: the Guild's usePrometheus for requests
 * (count and latency by operation, errors, HTTP duration), plus what is particular to
 * celery-lens: live subscriptions, Redis round trips and their latency,
 * reconnects, consumed events. One registry per app, so several apps can live
 * in one process (tests) without clashing.
 */
import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface LensMetricsSource {
  readonly channels: () => number;
  readonly listeners: () => number;
  readonly consumed: () => { handled: number; failed: number } | null;
}

export function createMetrics(source: LensMetricsSource) {
  const registry = new Registry();
  const redisLatency = new Histogram({
    name: 'celery_lens_redis_round_trip_seconds',
    help: 'Redis round trips made to answer requests (one per pipeline), by duration',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
    registers: [registry],
  });
  const reconnects = new Counter({ name: 'celery_lens_redis_reconnects_total', help: 'Times the read connection came back', registers: [registry] });
  const errorsByCode = new Counter({
    name: 'celery_lens_errors_total',
    help: 'GraphQL errors returned, by extensions.code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'celery_lens_subscribed_task_channels',
    help: 'Task channels the shared subscriber connection holds',
    registers: [registry],
    collect() {
      this.set(source.channels());
    },
  });
  new Gauge({
    name: 'celery_lens_task_watchers',
    help: 'Live task subscriptions (one per task per subscription)',
    registers: [registry],
    collect() {
      this.set(source.listeners());
    },
  });
  new Gauge({
    name: 'celery_lens_consumed_messages',
    help: 'Pub/sub messages the event consumer recorded (result="ok") or lost (result="failed") since start',
    labelNames: ['result'] as const,
    registers: [registry],
    collect() {
      const consumed = source.consumed();
      if (!consumed) return;
      this.set({ result: 'ok' }, consumed.handled);
      this.set({ result: 'failed' }, consumed.failed);
    },
  });
  // Request-level series only: the per-phase histograms and the deprecated-field
  // visitor cost several percent of throughput on every request.
  const plugin: Plugin = usePrometheus({
    endpoint: '/metrics',
    registry,
    metrics: {
      graphql_envelop_request: true,
      graphql_envelop_request_duration: true,
      graphql_envelop_error_result: true,
      // Off: JSON POSTs are answered outside Yoga's HTTP hooks (src/http/json-post.ts); request duration covers both.
      graphql_yoga_http_duration: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_phase_parse: false,
      graphql_envelop_phase_validate: false,
      graphql_envelop_phase_context: false,
      graphql_envelop_phase_execute: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_deprecated_field: false,
      graphql_envelop_schema_change: false,
    },
  });
  return { registry, plugin, redisLatency, reconnects, errorsByCode };
}
export type Metrics = ReturnType<typeof createMetrics>;
