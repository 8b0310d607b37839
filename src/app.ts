import { type Server, createServer } from 'node:http';
import { setMaxListeners } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createYoga } from 'graphql-yoga';
import { type Logger, pino } from 'pino';
import { BrokerQueues } from './backend/broker-queues.ts';
import type { Redis } from 'ioredis';
import { createRedis } from './backend/connection.ts';
import { EventConsumer } from './backend/event-consumer.ts';
import { GoalStore } from './backend/goal-store.ts';
import { HistoryStore } from './backend/history-store.ts';
import { lensKeys } from './backend/lens-keys.ts';
import { type RedisTarget, sameServer } from './backend/redis-url.ts';
import { ResultBackend } from './backend/result-backend.ts';
import { TaskWatcher } from './backend/task-watcher.ts';
import { eventChannelPattern } from './celery/events.ts';
import { celeryKeys } from './celery/keys.ts';
import type { Config } from './config.ts';
import { jsonPostListener } from './http/json-post.ts';
import { listedOrigin } from './http/origin.ts';
import { GRAPHIQL_EXAMPLE, GRAPHIQL_VARIABLES } from './graphiql-example.ts';
import { useDisableIntrospection } from '@envelop/disable-introspection';
import { useAuth } from './plugins/use-auth.ts';
import { useBodyLimit } from './plugins/use-body-limit.ts';
import { useCsrfGuard } from './plugins/use-csrf-guard.ts';
import { useHealth } from './plugins/use-health.ts';
import { createMetrics } from './plugins/use-metrics.ts';
import { useOperationLog } from './plugins/use-operation-log.ts';
import { useGraphQLJsExecutor } from './plugins/use-graphql-js-executor.ts';
import { useTtlOnDemand } from './plugins/use-ttl-on-demand.ts';
import { useQueryLimits } from './plugins/use-query-limits.ts';
import { useRateLimit } from './plugins/use-rate-limit.ts';
import type { LensContext } from './schema/context.ts';
import { schema } from './schema/index.ts';
import { attachWebSockets } from './ws-server.ts';

export interface AppOptions {
  /** Structured logs (JSON lines). @default pino() to stdout */
  readonly logger?: Logger;
  /** One line per GraphQL operation, where speed matters more than promptness. @default the logger */
  readonly operationLogger?: Logger;
}


/**
 * Consumer failures as error lines: each distinct one once a minute, and at
 * most 10 lines a minute in all, since a refused write (NOPERM) or a
 * publisher of garbage would otherwise log once per message.
 */
function consumerReporter(logger: Logger, failed: () => number) {
  const said = new Set<string>();
  let windowStart = 0;
  let lines = 0;
  return (what: string, error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    const now = Date.now();
    if (now - windowStart > 60_000) {
      windowStart = now;
      lines = 0;
      said.clear();
    }
    if (said.has(`${what}:${reason}`) || lines >= 10) return;
    said.add(`${what}:${reason}`);
    lines += 1;
    logger.error({ what, reason: reason.slice(0, 500), failed: failed() }, 'event consumer failure');
  };
}

export function createApp(config: Config, options: AppOptions = {}) {
  const logger = options.logger ?? pino();
  const settings = {
    commandTimeoutMs: config.redisTimeoutMs,
    sentinelMaster: config.sentinelMaster,
    sentinelPassword: config.sentinelPassword,
  };
  // Every Redis connection of the process, named for CLIENT LIST, started and closed together.
  const connections: Redis[] = [];
  const connect = (target: RedisTarget, name: string) => {
    const connection = createRedis(target, { ...settings, connectionName: name });
    connections.push(connection);
    return connection;
  };
  const redis = connect(config.backend, 'celery-lens');
  // Pub/sub needs a connection of its own; one per process, shared by every subscriber.
  const subscriber = connect(config.backend, 'celery-lens-sub');
  const keys = celeryKeys(config.globalKeyprefix);
  const backend = new ResultBackend(redis, keys);
  const watcher = new TaskWatcher(subscriber, backend, keys, config.resultExpires * 1000);

  // Our own records live beside Celery's results, under --lens-prefix.
  const ownKeys = lensKeys(config.lensPrefix);
  const goals = new GoalStore(redis, subscriber, ownKeys);
  const history = new HistoryStore(redis, ownKeys, {
    historyTtlSeconds: config.resultExpires + 86_400,
    tombstoneTtlSeconds: config.tombstoneSeconds,
  });
  const brokerIsBackend = sameServer(config.broker, config.backend);
  const brokerReader =
    brokerIsBackend && config.broker.db === config.backend.db ? redis : connect(config.broker, 'celery-lens-broker');
  const queues = new BrokerQueues(brokerReader, config.queues, config.queueScanLimit);
  let consumer: EventConsumer | null = null;
  if (config.consume) {
    const events = eventChannelPattern(config.broker.db);
    const sources = [
      { connection: connect(config.backend, 'celery-lens-events'), patterns: brokerIsBackend ? [keys.taskPattern, events] : [keys.taskPattern] },
      ...(brokerIsBackend ? [] : [{ connection: connect(config.broker, 'celery-lens-events'), patterns: [events] }]),
    ];
    consumer = new EventConsumer(sources, history, keys, consumerReporter(logger, () => consumer?.failed ?? 0));
  }

  if (!config.auth) {
    logger.warn(
      { host: config.host },
      'AUTH IS OFF: anyone who can reach this port reads every task result, args and kwargs. Use --auth with --api-keys or --jwt-secret/--jwks-url outside local development.',
    );
  }
  const metrics = createMetrics({
    channels: () => watcher.channelCount,
    listeners: () => watcher.listenerCount,
    consumed: () => consumer && { handled: consumer.handled, failed: consumer.failed },
  }, { operations: config.metricsOperations, apiKeys: config.metricsAuth ? config.apiKeys : null });
  backend.onRoundTrip = (seconds) => metrics.redisLatency.observe(seconds);

  // Say each change of connection state once, not every retry.
  let connected: boolean | null = null;
  redis.on('ready', () => {
    if (connected === false) metrics.reconnects.inc();
    if (connected !== true) logger.info({ backend: config.backend.redacted }, 'result backend is up');
    connected = true;
  });
  const down = (reason: string) => {
    if (connected !== false) logger.warn({ backend: config.backend.redacted, reason }, 'result backend is down');
    connected = false;
  };
  // 'close' comes first when an open connection drops; 'error' when connecting fails.
  redis.on('close', () => down('connection closed'));
  redis.on('error', (error: Error) => down(error.message));

  for (const connection of connections.filter((c) => c !== redis)) {
    connection.on('error', () => {
      // Reported through the read connection above; each reconnects by itself.
    });
  }

  const shutdown = new AbortController();
  // Every live subscription listens to it (and stops listening when it ends): no cap, no leak warning.
  setMaxListeners(0, shutdown.signal);
  const context: LensContext = { backend, watcher, history, queues, consumer, goals, config, shutdown: shutdown.signal };
  const yoga = createYoga<object, LensContext>({
    schema,
    context: () => ({ ...context }),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // Same-origin unless --cors-origins lists the page's origin; then reflected with credentials (as src/http/origin.ts).
    cors: (request) => {
      const origin = request.headers.get('origin');
      return origin !== null && listedOrigin(config.corsOrigins, origin) ? {} : false;
    },
    // Off unless asked for: a batch multiplies everything a request may cost.
    batching: config.maxBatch > 0 ? { limit: config.maxBatch } : false,
    graphiql: config.graphiql
      ? {
          title: 'celery-lens',
          defaultTabs: [{ query: GRAPHIQL_EXAMPLE, variables: GRAPHIQL_VARIABLES }],
          subscriptionsProtocol: 'WS',
        }
      : false,
    // Yoga's own logger would print stack traces of masked errors; they go through pino here.
    logging: {
      debug: () => {},
      info: () => {},
      warn: (...args: unknown[]) => logger.warn({ detail: args.map(String) }, 'yoga'),
      error: (...args: unknown[]) => logger.error({ detail: args.map((a) => (a instanceof Error ? a.stack : String(a))) }, 'unexpected error'),
    },
    plugins: [
      useBodyLimit(config.maxBodyBytes),
      useCsrfGuard(),
      ...useHealth({ backend, subscriber, consumer }),
      metrics.plugin,
      useOperationLog(options.operationLogger ?? logger, metrics.countError),
      ...useAuth(config),
      useQueryLimits(config),
      ...(config.rateLimit > 0 ? [useRateLimit(config, schema)] : []),
      ...(config.introspection ? [] : [useDisableIntrospection()]),
      useTtlOnDemand(),
      useGraphQLJsExecutor(),
    ],
  });
  const server: Server = createServer(
    config.fastPath
      ? jsonPostListener(yoga, {
          endpoint: '/graphql',
          maxBodyBytes: config.maxBodyBytes,
          maxTokens: config.maxTokens,
          jwt: config.jwt.secret !== null || config.jwt.jwksUrl !== null,
          corsOrigins: config.corsOrigins,
        })
      : yoga,
  );

  const websockets = attachWebSockets(server, yoga, config);

  return {
    yoga,
    server,
    wsServer: websockets.wsServer,
    backend,
    watcher,
    subscriber,
    history,
    consumer,
    metrics,
    logger,
    /** Aborted by stop(): every live subscription listens to it while it lasts. */
    shutdown: shutdown.signal,
    /** Connects to Redis (without failing when it is down) and listens. */
    async start(): Promise<{ url: string; port: number }> {
      await Promise.all(
        connections.map((connection) =>
          connection.connect().catch(() => {
            // Not fatal: the client keeps retrying and requests say BACKEND_UNAVAILABLE meanwhile.
          }),
        ),
      );
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve());
      });
      const { port } = server.address() as AddressInfo;
      return { url: `http://${config.host}:${port}/graphql`, port };
    },
    /**
     * Graceful stop: refuse new connections, complete every live subscription
     * (SSE streams end with `event: complete`), close WebSockets with
     * graphql-ws' close code (1001 Going Away), then drop what is left and
     * disconnect from Redis.
     */
    async stop(): Promise<void> {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      shutdown.abort();
      // Let completed streams flush their last event.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await websockets.close();
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), 2000);
      await closed;
      clearTimeout(grace);
      for (const connection of connections) connection.disconnect();
    },
  };
}

export type App = ReturnType<typeof createApp>;
