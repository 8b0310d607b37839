/**
 * Yoga with every plugin, in the order they must run: body limit, health and
 * the web page's static files before anything parses, metrics and logs around everything, then auth,
 * limits, and how operations execute.
 */
import { useDisableIntrospection } from '@envelop/disable-introspection';
import { type GraphiQLOptions, createYoga } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import type { StoreRedis } from '../redis/store-redis.ts';
import type { Logger } from 'pino';
import { callerNamer } from '../auth/caller-of.ts';
import { CallerWatches } from '../live/caller-watches.ts';
import { WatchQuota } from '../live/watch-quota.ts';
import type { Config } from '../config/config.ts';
import { GRAPHIQL_EXAMPLE, GRAPHIQL_SUBSCRIPTION_EXAMPLE } from '../plugins/graphiql-example.ts';
import { useAuth } from '../plugins/use-auth.ts';
import { listedOrigin } from './origin.ts';
import { useBodyLimit } from '../plugins/use-body-limit.ts';
import { useCsrfGuard } from '../plugins/use-csrf-guard.ts';
import { useEventCursors } from '../plugins/use-event-cursors.ts';
import { useCompiledOperations } from '../plugins/use-compiled-operations.ts';
import { useClientGone } from '../plugins/use-client-gone.ts';
import { useGraphiQLPage } from '../plugins/use-graphiql-page.ts';
import { useGraphQLJsExecutor } from '../plugins/use-graphql-js-executor.ts';
import { useHealth } from '../plugins/use-health.ts';
import type { Metrics } from '../plugins/use-metrics.ts';
import { useOperationLog } from '../plugins/use-operation-log.ts';
import { useQueryLimits } from '../plugins/use-query-limits.ts';
import { useOperationChecks } from '../plugins/use-operation-checks.ts';
import { useParamErrors } from '../plugins/use-param-errors.ts';
import { useRateLimit } from '../plugins/use-rate-limit.ts';
import { useReadToken } from '../plugins/use-read-token.ts';
import { useResponseLimit } from '../plugins/use-response-limit.ts';
import { useLiveCore } from '../plugins/use-live-core.ts';
import { useTtlOnDemand } from '../plugins/use-ttl-on-demand.ts';
import { useWebPage } from '../plugins/use-web-page.ts';
import type { LensContext } from '../schema/context.ts';
import { schema, schemaWithoutScopeAuth } from '../schema/index.ts';
import { documentCaches } from './document-cache.ts';
import type { LiveCore } from '../live/live-core.ts';

/** What GraphiQL opens with (src/plugins/use-graphiql-page.ts serves it). */
const GRAPHIQL_OPTIONS: GraphiQLOptions = {
  title: 'celery-lens',
  defaultTabs: [{ query: GRAPHIQL_EXAMPLE }, { query: GRAPHIQL_SUBSCRIPTION_EXAMPLE }],
  subscriptionsProtocol: 'WS',
};

export interface YogaParts {
  readonly config: Config;
  /** Shared by every operation; each gets a shallow copy (loaders hang off it) and its connection's watch quota. */
  readonly context: Omit<LensContext, 'watchQuota'>;
  readonly logger: Logger;
  /** Per-operation lines (buffered in production). */
  readonly operationLogger: Logger;
  readonly metrics: Metrics;
  readonly subscriber: Redis;
  /** celery-lens' store apart from the backend (--store), for the health endpoints; null: the backend. */
  readonly store: { readonly redis: StoreRedis; readonly subscriber: StoreRedis } | null;
  /** Where every subscription runs (use-live-core.ts). */
  readonly cohorts: LiveCore;
}

export function createLensYoga(parts: YogaParts) {
  const { config, context, logger, operationLogger, metrics, subscriber, cohorts } = parts;
  const callers = new CallerWatches(config.maxWatchesPerCaller, callerNamer(config));
  return createYoga<object, LensContext>({
    schema,
    // A WebSocket brings its quota (ws-server.ts); an HTTP request is a connection of its own. Both count against the caller's.
    context: (initial) => ({
      ...context,
      watchQuota: callers.forOperation(
        initial,
        (initial as Partial<LensContext>).watchQuota ?? new WatchQuota(config.maxWatchesPerConnection, 'connection'),
      ),
    }),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // useBodyLimit below holds --max-body-bytes; Yoga's own limit (25 MB) would pipe every body
    // through a TransformStream and a second Request (about a tenth of a query's CPU) to say it again.
    maxRequestBodySize: false,
    parserAndValidationCache: documentCaches(),
    // Same-origin unless --cors-origins lists the page's origin (src/transport/origin.ts); then reflected with credentials.
    cors: (request) => {
      const origin = request.headers.get('origin');
      return origin !== null && listedOrigin(config.corsOrigins, origin) ? {} : false;
    },
    // Off unless asked for: a batch multiplies everything a request may cost.
    batching: config.maxBatch > 0 ? { limit: config.maxBatch } : false,
    // Served compressed, with its CSP, by useGraphiQLPage below.
    graphiql: false,
    // Yoga's own logger would print stack traces of masked errors; they go through pino here.
    logging: {
      debug: () => {},
      info: () => {},
      warn: (...args: unknown[]) => logger.warn({ detail: args.map(String) }, 'yoga'),
      error: (...args: unknown[]) =>
        logger.error({ detail: args.map((a) => (a instanceof Error ? a.stack : String(a))) }, 'unexpected error'),
    },
    plugins: [
      useBodyLimit(config.maxBodyBytes),
      useParamErrors(),
      useCsrfGuard(),
      // Our SSE writer (id: lines from each event's cursor), for the subscriptions the live core hands it.
      useEventCursors(),
      // Before the log and metrics: they count the RESPONSE_TOO_LARGE it may answer.
      useResponseLimit(config.maxResponseBytes),
      useClientGone(),
      ...useHealth({
        backend: context.backend,
        subscriber,
        consumer: context.consumer,
        broker: context.broker,
        store: parts.store,
      }),
      // Static files, public like /healthz: the page asks for a key before it reads anything.
      ...(config.ui ? [useWebPage({ frameAncestors: config.frameAncestors })] : []),
      ...(config.graphiql ? [useGraphiQLPage(GRAPHIQL_OPTIONS, config.frameAncestors)] : []),
      metrics.plugin,
      useOperationLog(operationLogger, metrics.countError),
      // Before auth: callers without a valid credential are counted by address, so they cannot guess keys at will.
      ...(config.rateLimit > 0 ? [useRateLimit(config)] : []),
      ...useAuth(config),
      useReadToken(config),
      useQueryLimits(config),
      useOperationChecks(config),
      ...(config.introspection ? [] : [useDisableIntrospection()]),
      useTtlOnDemand(),
      useGraphQLJsExecutor(),
      // After it: a document run often enough runs compiled instead (queries and mutations only).
      ...(config.jit ? [useCompiledOperations(config, schemaWithoutScopeAuth, logger)] : []),
      // After it: every subscription joins the live core, which shares each event's result among subscribers.
      useLiveCore(cohorts),
    ],
  });
}
