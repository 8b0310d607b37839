/**
 * /metrics in Prometheus' format: the Guild's usePrometheus for requests
 * (count and latency by operation, errors), plus what is particular to
 * celery-lens: live subscriptions, Redis round trips and their latency,
 * reconnects, consumed events. One registry per app, so several apps can live
 * in one process (tests) without clashing.
 *
 * Every label value is bounded: a series per distinct value lives as long as
 * the process, so a value the client chooses (operation name, error path)
 * would grow /metrics and memory without end. Operation names are the
 * --metrics-operations list (or the first names seen, up to a bound), every
 * other one is "other"; error paths are not labels.
 */
import { createCounter, createHistogram, usePrometheus } from '@graphql-yoga/plugin-prometheus';
import { getOperationAST } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { type ApiKey, findApiKey } from '../auth/principal.ts';

export interface LensMetricsSource {
  readonly channels: () => number;
  readonly listeners: () => number;
  readonly consumed: () => { handled: number; failed: number } | null;
}

export interface MetricsOptions {
  /** Operation names labelled by name; empty: the first `learnedNames` seen. */
  readonly operations: readonly string[];
  /** The API keys that may read /metrics (x-api-key or Authorization: Bearer); null: anyone. */
  readonly apiKeys: readonly ApiKey[] | null;
  /** @default 50 */
  readonly learnedNames?: number;
}

/** Label values from a bounded set: `known` (or the first `size` seen when empty), else `other`. */
export function boundedLabel(known: readonly string[], size: number, other: string): (value: string) => string {
  const allowed = new Set(known);
  const learn = known.length === 0;
  return (value) => {
    if (allowed.has(value)) return value;
    // Long values are never learned: a label is for reading on a dashboard.
    if (!learn || allowed.size >= size || value.length > 100) return other;
    allowed.add(value);
    return value;
  };
}

function operationPlugin(registry: Registry, labels: ReturnType<typeof operationLabels>): Plugin {
  // Request-level series only: the per-phase histograms and the deprecated-field
  // visitor cost several percent of throughput on every request.
  return usePrometheus({
    endpoint: '/metrics',
    registry,
    labels: { path: false, fieldName: false, typeName: false, returnType: false },
    metrics: {
      graphql_envelop_request: createCounter({
        registry,
        counter: {
          name: 'graphql_envelop_request',
          help: 'Counts the amount of GraphQL requests executed through Envelop',
          labelNames: ['operationName', 'operationType'],
        },
        fillLabelsFn: labels,
      }),
      graphql_envelop_request_duration: createHistogram({
        registry,
        histogram: {
          name: 'graphql_envelop_request_duration',
          help: 'Time spent on running the GraphQL operation from parse to execute',
          labelNames: ['operationName', 'operationType'],
        },
        fillLabelsFn: labels,
      }),
      graphql_envelop_error_result: createCounter({
        registry,
        counter: {
          name: 'graphql_envelop_error_result',
          help: 'Counts the amount of errors reported from all phases',
          labelNames: ['operationName', 'operationType', 'phase'],
        },
        fillLabelsFn: (params) => ({ ...labels(params), phase: String(params.errorPhase ?? 'unknown') }),
      }),
      // Measured by httpDuration below, the same series without copying each request's context.
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
}

type OperationLabels = ReturnType<ReturnType<typeof operationLabels>>;

/** An operation's labels: its name from a bounded set (else "other"), its type. */
function operationLabels(options: MetricsOptions) {
  const name = boundedLabel(options.operations, options.learnedNames ?? 50, 'other');
  return (params: { operationName?: string | undefined; operationType?: string | undefined }) => ({
    operationName: name(params.operationName ?? 'Anonymous'),
    operationType: params.operationType ?? 'unknown',
  });
}

/**
 * graphql_yoga_http_duration as usePrometheus measures it (from onRequest to
 * onResponse, for a request whose document parsed; the path, not the URL: a
 * GET's query string is the whole operation), but its own hooks: the Guild's
 * copies the request's whole context (every store, the config) at each response.
 */
function httpDuration(registry: Registry, labels: ReturnType<typeof operationLabels>): Plugin {
  const histogram = new Histogram({
    name: 'graphql_yoga_http_duration',
    help: 'Time spent on HTTP connection',
    labelNames: ['operationName', 'operationType', 'method', 'statusCode', 'url'] as const,
    registers: [registry],
  });
  const started = new WeakMap<Request, { at: number; path: string; labels: OperationLabels | null }>();
  return {
    onRequest({ request, url }) {
      started.set(request, { at: Date.now(), path: url.pathname, labels: null });
    },
    onParse({ context }) {
      const { request } = context as { request?: Request };
      const start = request && started.get(request);
      if (!start) return undefined;
      return ({ result, context: parsed }) => {
        // A failed parse (an Error, a GraphQLError) is not observed, as usePrometheus does.
        if (result instanceof Error) return;
        const operation = getOperationAST(result, (parsed as { params?: GraphQLParams }).params?.operationName);
        start.labels = labels({ operationName: operation?.name?.value, operationType: operation?.operation });
      };
    },
    onResponse({ request, response }) {
      const start = started.get(request);
      if (!start?.labels) return;
      histogram.observe(
        { ...start.labels, method: request.method, statusCode: String(response.status), url: start.path },
        (Date.now() - start.at) / 1000,
      );
    },
  };
}

/** /metrics refused without a credential (--metrics-auth), before usePrometheus answers it. */
function guard(apiKeys: readonly ApiKey[]): Plugin {
  // Prometheus sends `authorization: Bearer <credentials>`; others may prefer x-api-key.
  const authorized = (request: Request) => {
    const presented =
      request.headers.get('x-api-key') ?? request.headers.get('authorization')?.replace(/^Bearer\s+/i, '');
    return presented !== undefined && presented !== null && findApiKey(apiKeys, presented) !== null;
  };
  return {
    onRequest({ url, request, endResponse }) {
      if (url.pathname !== '/metrics' || authorized(request)) return;
      const message = '/metrics needs an API key (x-api-key or Authorization: Bearer)';
      endResponse(
        Response.json(
          { errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] },
          { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } },
        ),
      );
    },
  };
}

function lensMetrics(registry: Registry, source: LensMetricsSource) {
  const redisLatency = new Histogram({
    name: 'celery_lens_redis_round_trip_seconds',
    help: 'Redis round trips made to answer requests (one per pipeline), by duration',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
    registers: [registry],
  });
  const reconnects = new Counter({
    name: 'celery_lens_redis_reconnects_total',
    help: 'Times the read connection came back',
    registers: [registry],
  });
  const subscriberDisconnects = new Counter({
    name: 'celery_lens_subscriber_disconnects_total',
    help: 'Times a pub/sub connection was dropped (connection="subscriptions": the task watcher\'s, "events": the event consumer\'s, "store": the --store subscriber\'s); what was published until it came back was not heard',
    labelNames: ['connection'] as const,
    registers: [registry],
  });
  for (const connection of ['subscriptions', 'events']) subscriberDisconnects.inc({ connection }, 0);
  const indexHealed = new Counter({
    name: 'celery_lens_index_healed_total',
    help: 'Final states the index (and tombstones) learnt from the result backend after the consumer lost them: published while its pub/sub connection was dropped, or whose write the store refused',
    registers: [registry],
  });
  const errorsByCode = new Counter({
    name: 'celery_lens_errors_total',
    help: 'GraphQL errors returned (parse and validation failures too), by extensions.code',
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
  new Counter({
    name: 'celery_lens_consumed_messages_total',
    help: 'Pub/sub messages the event consumer recorded (result="ok") or lost (result="failed") since start',
    labelNames: ['result'] as const,
    registers: [registry],
    collect() {
      const consumed = source.consumed();
      if (!consumed) return;
      // The consumer keeps the running totals; a counter only goes up, and so do they.
      this.reset();
      this.inc({ result: 'ok' }, consumed.handled);
      this.inc({ result: 'failed' }, consumed.failed);
    },
  });
  const controlActions = new Counter({
    name: 'celery_lens_control_actions_total',
    help: 'Control mutations (revoke, terminate, send, resend, bulk actions, worker control such as growPool) by action and outcome (ok, or the error code)',
    labelNames: ['action', 'outcome'] as const,
    registers: [registry],
  });
  const alertTransitions = new Counter({
    name: 'celery_lens_alert_transitions_total',
    help: 'Alert rules that started firing (state="firing") or stopped (state="resolved"), as recorded by this replica',
    labelNames: ['state'] as const,
    registers: [registry],
  });
  const alertDeliveries = new Counter({
    name: 'celery_lens_alert_deliveries_total',
    help: 'Webhook POSTs of alert transitions by this replica: delivered, retry (failed, tried again later), failed (given up)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  for (const state of ['firing', 'resolved']) alertTransitions.inc({ state }, 0);
  for (const outcome of ['delivered', 'retry', 'failed']) alertDeliveries.inc({ outcome }, 0);
  return {
    redisLatency,
    reconnects,
    subscriberDisconnects,
    indexHealed,
    errorsByCode,
    controlActions,
    alertTransitions,
    alertDeliveries,
  };
}

export function createMetrics(source: LensMetricsSource, options: MetricsOptions) {
  const registry = new Registry();
  const own = lensMetrics(registry, source);
  const labels = operationLabels(options);
  const prometheus = operationPlugin(registry, labels);
  const http = httpDuration(registry, labels);
  const { apiKeys } = options;
  const plugin: Plugin = {
    onPluginInit({ addPlugin }) {
      if (apiKeys) addPlugin(guard(apiKeys));
      addPlugin(prometheus);
      addPlugin(http);
    },
  };
  // Error codes are ours, but a bound keeps a code from a dependency from growing the series.
  const code = boundedLabel([], 100, 'OTHER');
  return { registry, plugin, ...own, countError: (value: string) => own.errorsByCode.inc({ code: code(value) }) };
}
export type Metrics = ReturnType<typeof createMetrics>;
