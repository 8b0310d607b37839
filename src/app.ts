/**
 * createApp(config) builds one celery-lens process from named parts (Redis
 * connections, stores, Yoga with its plugins, HTTP and WebSocket servers)
 * without starting anything; main.ts starts it.
 */
import { setMaxListeners } from 'node:events';
import { type Logger, pino } from 'pino';
import { openConnections } from './redis/connections.ts';
import { createStores } from './stores.ts';
import { isAmqp } from './broker/amqp/amqp-url.ts';
import { celeryKeys } from './celery/keys.ts';
import type { Config } from './config/config.ts';
import { HostAllowlist, isWildcard } from './http/allowed-hosts.ts';
import { guardHosts, hostCheck, refusalReporter } from './transport/host-guard.ts';
import { createMetrics } from './plugins/use-metrics.ts';
import type { LensContext } from './schema/context.ts';
import { logBackendState, logStoreState } from './redis/backend-state.ts';
import { consumerReporter } from './intake/consumer-reporter.ts';
import type { IndexHeal } from './intake/index-heal.ts';
import { createHttpServer, listenBacklog } from './transport/http-server.ts';
import { type PubSubConnection, reportSubscriberDrops } from './redis/subscriber-drops.ts';
import { LiveCore } from './live/live-core.ts';
import { answerWithin } from './plugins/use-response-limit.ts';
import { toGraphQLError } from './schema/graphql-error.ts';
import { checkTaskId } from './schema/task/task-ids.ts';
import { selectsEventFields } from './schema/event-fields.ts';
import { currentCursor } from './schema/cursor.ts';
import { createLensYoga } from './transport/yoga.ts';
import { BulkRunner } from './bulk/bulk-runner.ts';
import { storedCall } from './schema/control.ts';
import { attachWebSockets } from './transport/ws-server.ts';
import { sampleQueues } from './intake/queue-sampler.ts';
import { Alerts, loadAlertRules } from './alerts/alerts.ts';
import { type IndexLayout, checkIndexLayout } from './store/index/index-layout.ts';

/** What an index of another shard count than the store's means for the operator (store/index/index-layout.ts). */
function layoutWarning({ shards, recorded, unsharded }: IndexLayout): string | null {
  if (recorded !== null)
    return `the store's task index was written with --index-shards ${recorded}, this process uses ${shards}: it reads and writes another, emptier index; start every replica with the same count (--index-shards ${recorded} keeps the index you have)`;
  if (unsharded > 0)
    return `the store holds ${unsharded} tasks in the one-shard index layout and this process uses ${shards} shards, which start empty: run \`celery-lens index --backfill\` to fill them from the result backend, or start with --index-shards 1 to keep that index (docs/brokers-and-stores.md)`;
  return null;
}

export interface AppOptions {
  /** Structured logs (JSON lines). @default pino() to stdout */
  readonly logger?: Logger;
  /** One line per GraphQL operation, where speed matters more than promptness. @default the logger */
  readonly operationLogger?: Logger;
  /** The clock alert rules' windows are measured with (tests). @default Date.now */
  readonly now?: () => number;
  /** Called at each GraphQL request over HTTP, WebSockets and SSE aside (main.ts' heap policy, heap-growth.ts). */
  readonly onQuery?: () => void;
}

/** How long in-flight requests may take to finish once stop() is called, in ms. */
const STOP_GRACE_MS = 2000;
/** How often a consuming process applies the index' retention when no events come (each batch applies it too). */
const INDEX_TRIM_MS = 60_000;

export function createApp(config: Config, options: AppOptions = {}) {
  const logger = options.logger ?? pino();
  // Before any connection: a bad rules file is an AlertRulesError (a ConfigError: main exits 2).
  const alertRules = loadAlertRules(config.alertRules, config);
  const keys = celeryKeys(config.globalKeyprefix);
  // A RabbitMQ broker has a connection of its own (stores.ts): the Redis connections are the backend's only.
  const connections = openConnections({ ...config, broker: isAmqp(config.broker) ? config.backend : config.broker });
  // Called only once messages flow, when `stores` is set.
  const stores = createStores(
    config,
    connections,
    keys,
    consumerReporter(logger, () => stores.consumer?.failed ?? 0),
  );
  const { backend, watcher, consumer } = stores;
  if (!config.auth) {
    logger.warn(
      { host: config.host },
      'AUTH IS OFF: anyone who can reach this port reads every task result, args and kwargs. Use --auth with --api-keys or --jwt-secret/--jwks-url outside local development.',
    );
    if (config.control)
      logger.warn(
        { host: config.host },
        'CONTROL IS ON WITH AUTH OFF: anyone who can reach this port can revoke tasks and send the allowed ones.',
      );
  }
  const metrics = createMetrics(
    {
      channels: () => watcher.channelCount,
      listeners: () => watcher.listenerCount,
      consumed: () => consumer && { handled: consumer.handled, failed: consumer.failed },
    },
    { operations: config.metricsOperations, apiKeys: config.metricsAuth ? config.apiKeys : null },
  );
  backend.onRoundTrip = (seconds) => metrics.redisLatency.observe(seconds);
  // One line per control action (ids and who, never args or kwargs), and a count by action and outcome.
  stores.control.onAction = ({ action, taskIds, by, outcome, target }) => {
    logger.info(
      { control: action, taskIds: taskIds.slice(0, 100), taskCount: taskIds.length, by, outcome, target },
      `control: ${action}`,
    );
    metrics.controlActions.inc({ action, outcome });
  };
  // Bulk actions run where --control is on; with --index false there is nothing to walk.
  const bulk = stores.index
    ? new BulkRunner(
        {
          store: stores.bulkStore,
          index: stores.index,
          control: stores.control,
          resendCall: (id, queue) => storedCall(id, queue, { config, backend }),
        },
        { batch: config.bulkBatch, pauseMs: config.bulkPauseMs, leaseMs: config.bulkLeaseSeconds * 1000 },
      )
    : null;
  if (bulk) bulk.onError = (error, id) => logger.warn({ err: error, bulkAction: id }, 'bulk action: a step failed');
  let origin = `http://${config.host}:${config.port}`;
  const alerts = new Alerts(
    stores.alertStore,
    {
      index: stores.index,
      queueLengths: stores.queueLengths,
      liveness: consumer?.liveness ?? null,
      workers: () => consumer?.workers.keys() ?? [],
      heardAt: () => consumer?.heardAt ?? null,
    },
    {
      file: config.alertRules,
      initial: alertRules,
      context: config,
      evaluate: consumer !== null,
      intervalMs: config.alertIntervalMs,
      timeoutMs: config.alertTimeoutMs,
      attempts: config.alertAttempts,
      retryBaseMs: config.alertRetryMs,
      pageUrl: () => origin,
      ...(options.now ? { now: options.now } : {}),
      logger,
      counted: {
        transition: (state) => metrics.alertTransitions.inc({ state }),
        delivery: (outcome) => metrics.alertDeliveries.inc({ outcome }),
      },
    },
  );
  logBackendState(connections.redis, logger, config.backend.redacted, () => metrics.reconnects.inc());
  if (config.store) logStoreState(connections.store, logger, config.store.redacted, () => metrics.reconnects.inc());
  const pubsub: PubSubConnection[] = [
    // Consuming, the watcher hears its tasks on the consumer's pattern (task-watcher.ts' feed).
    { role: 'subscriptions', connection: connections.subscriber, feedsWatcher: !connections.consumer },
    ...(config.store ? [{ role: 'store' as const, connection: connections.storeSubscriber, feedsWatcher: false }] : []),
    ...(connections.consumer?.all ?? []).map((subscriber) => ({
      role: 'events' as const,
      connection: subscriber.connection,
      feedsWatcher: subscriber === connections.consumer?.results,
    })),
  ];
  reportSubscriberDrops(pubsub, logger, {
    watchedTasks: () => watcher.watchedCount,
    onDrop: (role) => {
      metrics.subscriberDisconnects.inc({ connection: role });
      // What is published from now on is lost: healed from the result backend once the consumer hears again.
      if (role === 'events') stores.heal?.dropped();
    },
  });
  if (stores.heal) reportHeals(stores.heal, logger, (healed) => metrics.indexHealed.inc(healed));
  // A Cluster primary lost may take writes it had not replicated with it (its replica promoted without them).
  if (config.store?.cluster) connections.store.on('node error', () => stores.heal?.storeFailed());

  const shutdown = new AbortController();
  // Every live subscription listens to it (and stops listening when it ends): no cap, no leak warning.
  setMaxListeners(0, shutdown.signal);
  const context: Omit<LensContext, 'watchQuota'> = { ...stores, bulk, alerts, config, shutdown: shutdown.signal };
  const operationLogger = options.operationLogger ?? logger;
  const cohorts = new LiveCore({
    ...config,
    answer: answerWithin(config.maxResponseBytes),
    schema: {
      toGraphQLError,
      checkTaskId: (id, operation) => checkTaskId(id, operation as LensContext),
      readsEvents: selectsEventFields,
      cursorOf: currentCursor,
    },
    // As Yoga logs an error it masks (transport/yoga.ts' `logging.error`).
    onUnexpected: (error) => logger.error({ detail: [error.stack] }, 'unexpected error'),
  });
  const yoga = createLensYoga({
    config,
    context,
    logger,
    operationLogger,
    metrics,
    subscriber: connections.subscriber,
    store: config.store && { redis: connections.store, subscriber: connections.storeSubscriber },
    cohorts,
  });
  const checkHost = hostCheck(
    hostAllowlist(config, logger),
    refusalReporter((host) =>
      logger.warn(
        { host },
        'refused a request naming a host that is not allowed (421); if clients do call this server so, add it to --allowed-hosts',
      ),
    ),
  );
  // Before anything else reads a request: a Host that is not allowed gets 421 (DNS rebinding).
  const http = createHttpServer(
    guardHosts(checkHost, (req, res) => {
      // GraphQL requests (not /metrics, probes or the page; not SSE streams, which are subscriptions).
      if (req.url?.startsWith('/graphql') && !req.headers.accept?.includes('text/event-stream')) options.onQuery?.();
      // Yoga answers its own errors; a rejection here is a client gone mid-answer.
      Promise.resolve(yoga(req, res)).catch((error: unknown) => yoga.logger.error(error));
    }),
  );
  const websockets = attachWebSockets(http.server, yoga, config, checkHost);
  let trimmer: NodeJS.Timeout | null = null;
  let stopSampling: (() => void) | null = null;

  return {
    yoga,
    server: http.server,
    wsServer: websockets.wsServer,
    backend,
    watcher,
    /** Every live subscription, by cohort (src/live/live-core.ts). */
    cohorts,
    subscriber: connections.subscriber,
    history: stores.history,
    index: stores.index,
    stats: stores.stats,
    consumer,
    metrics,
    logger,
    /** Alert rules, their evaluation and deliveries; reload() on SIGHUP. */
    alerts,
    /** Aborted by stop(): every live subscription listens to it while it lasts. */
    shutdown: shutdown.signal,
    /** Connects to Redis (without failing when it is down) and listens. */
    async start(): Promise<{ url: string; port: number }> {
      await Promise.all([connections.connect(), stores.brokerConnection?.start()]);
      const { index } = stores;
      // Read (or created) now, so that every replica has the same keys before its first page; a failure is retried by that page.
      if (index) stores.cursorKeys.signing().catch(() => {});
      // A failure (the store away) is told by the first page instead.
      if (index)
        checkIndexLayout(index.redis, index.prefix, index.shards.length).then(
          (layout) => {
            const warning = layoutWarning(layout);
            if (warning) logger.warn(layout, `task index: ${warning}`);
          },
          () => {},
        );
      if (index && consumer) {
        trimmer = setInterval(() => {
          index.trim().catch((error: unknown) => logger.warn({ err: error }, 'index retention failed'));
        }, INDEX_TRIM_MS).unref();
      }
      if (bulk && config.control) bulk.start();
      if (stores.stats && consumer) {
        stopSampling = sampleQueues(stores.queueLengths, stores.stats, {
          onError: (error) => logger.debug({ err: error }, 'queue sample for the rollups failed'),
        });
      }
      const port = await http.listen(config.port, config.host, listenBacklog(config.maxWsConnections));
      origin = new URL(`http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`).origin;
      await alerts.start();
      return { url: `http://${config.host}:${port}/graphql`, port };
    },
    /**
     * Graceful stop: refuse new connections, complete every live subscription
     * (SSE streams end with `event: complete`), close WebSockets with
     * graphql-ws' close code (1001 Going Away), let in-flight requests end
     * (at most STOP_GRACE_MS), then disconnect from Redis.
     */
    async stop(): Promise<void> {
      if (trimmer) clearInterval(trimmer);
      stores.heal?.stop();
      stopSampling?.();
      await alerts.stop();
      const closed = http.close(STOP_GRACE_MS);
      shutdown.abort();
      await websockets.close();
      await closed;
      await bulk?.stop();
      await stores.broker.mailbox.close();
      connections.disconnect();
      await stores.brokerConnection?.stop();
    },
  };
}

export type App = ReturnType<typeof createApp>;

/** A heal's start and end as info lines (its end with what it re-read and healed), its failures as warnings. */
function reportHeals(heal: IndexHeal, logger: Logger, healed: (count: number) => void): void {
  heal.onStart = (since, lost) =>
    logger.info(
      { since: since === null ? null : new Date(since).toISOString(), lostRecords: lost },
      'index heal: re-reading final states from the result backend',
    );
  heal.onHealed = healed;
  heal.onEnd = (report) =>
    logger.info(
      { ...report, since: report.since === null ? null : new Date(report.since).toISOString() },
      'index heal: done',
    );
  heal.onError = (error, retryInMs) =>
    logger.warn({ err: error, retryInMs }, 'index heal: failed; tried again from the same point');
}

/** The Host allowlist (src/http/allowed-hosts.ts), and what it means for this listen address, said once at start. */
function hostAllowlist(config: Config, logger: Logger): HostAllowlist {
  const hosts = new HostAllowlist(config);
  if (hosts.any) {
    logger.warn(
      { host: config.host },
      "ALLOWED HOSTS IS '*': a page on any site whose name resolves to this server (DNS rebinding) is answered as if it were this server's own.",
    );
  } else if (isWildcard(config.host) && config.allowedHosts.length === 0) {
    logger.info(
      { host: config.host },
      'listening on every address: requests naming this server by IP address or localhost are answered; list any other name clients use (a service or proxy name) in --allowed-hosts',
    );
  }
  return hosts;
}
