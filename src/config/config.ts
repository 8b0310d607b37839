/**
 * The only reader of process.env and argv. Each option has a CLI flag and an
 * environment variable; the flag wins. The result is validated and frozen.
 */
import { type RedisTarget, parseRedisUrl, sameServer } from '../redis/redis-url.ts';
import { type StoreTarget, parseStoreUrl } from '../redis/cluster-url.ts';
import {
  type AmqpTarget,
  type BrokerApi,
  isAmqp,
  isAmqpUrl,
  parseAmqpUrl,
  parseBrokerApi,
} from '../broker/amqp/amqp-url.ts';
import type { ApiKey } from '../auth/principal.ts';
import { parseFlags } from './config-args.ts';
import { ConfigError } from '../errors/config-error.ts';
import type { StallRules } from '../read/stall.ts';
import type { HostPattern } from '../http/allowed-hosts.ts';
import type { Cidr } from '../http/client-address.ts';
import { OPTIONS, type OptionName } from './options.ts';
import {
  allowedHosts,
  apiKeys,
  boolean,
  brokerUseSsl,
  cidrs,
  cursorSecrets,
  frameAncestors,
  glob,
  integer,
  kwargKeys,
  list,
  origins,
  pattern,
  prioritySep,
  prioritySteps,
  secondsOrAuto,
  stallRules,
  tokenSecret,
} from './option-values.ts';

export interface Config {
  /** Celery's `result_backend` URL, parsed. */
  readonly backend: RedisTarget;
  /** Celery's `broker_url` (events and queues): Redis, or RabbitMQ (an AmqpTarget); the backend when not set. */
  readonly broker: RedisTarget | AmqpTarget;
  /** RabbitMQ's management API (--broker-api), for queue lengths; null: passive declares. */
  readonly brokerApi: BrokerApi | null;
  /** Celery's event_queue_ttl and event_queue_expires, in ms: celery-lens' event queue on RabbitMQ. */
  readonly eventQueueTtlMs: number;
  readonly eventQueueExpiresMs: number;
  /**
   * Where celery-lens keeps what it writes (--store): another Redis, so that
   * nothing is written to the backend's; null: the result backend itself.
   */
  readonly store: StoreTarget | null;
  /** Prefix of celery-lens' own keys (timelines, tombstones, goals). */
  readonly lensPrefix: string;
  /** Celery's result_expires, in seconds: timelines live a day longer. */
  readonly resultExpires: number;
  /** How long a task's published states are kept for resuming subscriptions, in seconds (0: not recorded). */
  readonly resumeWindowSeconds: number;
  /** How long a tombstone keeps a final outcome, in seconds. */
  readonly tombstoneSeconds: number;
  /** Broker queues searched for a task nothing else knows, and how deep. */
  readonly queues: readonly string[];
  readonly queueScanLimit: number;
  /** kombu's `priority_steps` and `sep` (broker_transport_options): how a queue's priority lists are named. */
  readonly prioritySteps: readonly number[];
  readonly prioritySep: string;
  /** Whether this process consumes events and published states. */
  readonly consume: boolean;
  /** Sentinel master name (Celery's transport option master_name) and the sentinels' password. */
  readonly sentinelMaster: string | null;
  readonly sentinelPassword: string | null;
  /** Celery's `global_keyprefix` (result_backend_transport_options), '' for none. */
  readonly globalKeyprefix: string;
  readonly host: string;
  readonly port: number;
  /** Ids must match this, or the request gets INVALID_TASK_ID without touching Redis. */
  readonly taskIdPattern: RegExp;
  /** Most ids one `tasks(ids)` may ask for. */
  readonly maxIds: number;
  /** Redis command timeout, in ms. */
  readonly redisTimeoutMs: number;
  readonly graphiql: boolean;
  /** Whether the web page (web/dist) is served at `/` and `/tasks/<id>`. */
  readonly ui: boolean;
  /** Whether every request must carry a valid API key or JWT. */
  readonly auth: boolean;
  readonly apiKeys: readonly ApiKey[];
  /** Signs read tokens (createReadToken); the JWT secret when unset; null: no read tokens. */
  readonly tokenSecret: string | null;
  /** Sign page cursors, the first; each verifies (rotation). Empty: keys kept in Redis (store/cursor-key-store.ts). */
  readonly cursorSecrets: readonly string[];
  /** JWT verification: an HS256 shared secret and/or a JWKS URL; optional audience and issuer. */
  readonly jwt: {
    readonly secret: string | null;
    readonly jwksUrl: string | null;
    readonly audience: string | null;
    readonly issuer: string | null;
  };
  readonly introspection: boolean;
  /** Browser origins allowed cross-origin (CORS with credentials, WebSocket upgrades); '*' for any. Empty: same-origin only. */
  readonly corsOrigins: readonly string[];
  /** Host names requests may name besides localhost, IP addresses, --host and the CORS origins' hosts; '*' for any. */
  readonly allowedHosts: readonly (HostPattern | '*')[];
  /** CSP frame-ancestors sources of the page and GraphiQL ("'self'", origins); empty: none may frame them. */
  readonly frameAncestors: readonly string[];
  /** Operation names /metrics labels by name; others are "other". Empty: the first ones seen, up to a bound. */
  readonly metricsOperations: readonly string[];
  /** Whether /metrics needs an API key (with --auth). */
  readonly metricsAuth: boolean;
  /** Updates, and bytes (with what its socket holds), queued for a slow subscriber before it gets only the latest per task. */
  readonly maxQueued: number;
  readonly maxQueuedBytes: number;
  /** Most nodes a task graph (taskGraph, Task.root) may visit. */
  readonly maxGraphNodes: number;
  /** Query limits: selection depth and Pothos complexity. */
  readonly maxDepth: number;
  readonly maxComplexity: number;
  readonly maxAliases: number;
  readonly maxTokens: number;
  readonly maxDirectives: number;
  /** Operations one caller may make per window, as a token bucket (0: no limit), and the window in seconds. */
  readonly rateLimit: number;
  readonly rateLimitWindowSeconds: number;
  /** Proxies whose X-Forwarded-For is believed (the rate limit's client address). Empty: none. */
  readonly trustProxy: readonly Cidr[];
  /** Operations one HTTP request may batch (0: batching off). */
  readonly maxBatch: number;
  /** Largest request body accepted, in bytes. */
  readonly maxBodyBytes: number;
  /** Largest stored value (result, args, kwargs, traceback) answered, in bytes of JSON; larger ones are VALUE_TOO_LARGE. */
  readonly maxValueBytes: number;
  /** Largest response or subscription event, in bytes of JSON; a larger one is RESPONSE_TOO_LARGE. */
  readonly maxResponseBytes: number;
  /** Queries run more than `jitThreshold` times are compiled with graphql-jit (src/plugins/use-compiled-operations.ts). */
  readonly jit: boolean;
  readonly jitThreshold: number;
  /** WebSocket caps: connections per process, subscriptions per connection, and ms without a pong. */
  readonly maxWsConnections: number;
  readonly maxSubscriptionsPerConnection: number;
  readonly wsIdleTimeoutMs: number;
  /** Task watches (one per task per subscription) the process, one caller (over all its connections), and one connection (a WebSocket, or an HTTP request) may hold. */
  readonly maxWatches: number;
  readonly maxWatchesPerCaller: number;
  readonly maxWatchesPerConnection: number;
  /** Whether the control mutations (revoke, send, re-send) may act; they also need the `control` scope. */
  readonly control: boolean;
  /** Task names sendTask and resendTask may send, as glob patterns; empty: none. */
  readonly sendAllow: readonly RegExp[];
  /** Bulk actions: tasks per batch, ms between batches, and seconds a process holds an action without renewing it. */
  readonly bulkBatch: number;
  readonly bulkPauseMs: number;
  readonly bulkLeaseSeconds: number;
  /** Silence after which a worker is gone (its tasks LOST), in ms; null: Celery's rule, two of its heartbeat intervals (+1 s). */
  readonly workerTimeoutMs: number | null;
  /** Least time between two events of one progress subscription, in ms. */
  readonly progressIntervalMs: number;
  /** Longest expected run per task name (ms; `*` for the others) past which RUNNING reads STALLED; empty: off. */
  readonly stallAfter: StallRules;
  /** Whether the consumer keeps the task index (searchTasks, taskStats, failures, taskEvents). */
  readonly index: boolean;
  /** Index retention: tasks whose latest state is older are dropped (seconds), and at most this many tasks, the oldest first. */
  readonly indexSeconds: number;
  readonly indexMaxTasks: number;
  /** Shards of the index (store/index/index-shards.ts): every replica of a deployment must use the same. */
  readonly indexShards: number;
  /** kwargs keys indexed by exact value (none by default: kwargs are payload). */
  readonly indexKwargs: readonly string[];
  /** Longest wait one awaitTask/awaitTasks/taskCompleted may ask for, in seconds. */
  readonly maxAwaitSeconds: number;
  /** How long the rollups' hours are kept, in seconds (minutes: two days at most); 0: no rollups. */
  readonly statsSeconds: number;
  /** The alert rules file (docs/alerts.md), null: no alerts. */
  readonly alertRules: string | null;
  /** Between two evaluations of the rules, ms. */
  readonly alertIntervalMs: number;
  /** Each webhook POST's timeout, ms. */
  readonly alertTimeoutMs: number;
  /** Tries of one delivery, and the first retry's delay (ms, doubled each time). */
  readonly alertAttempts: number;
  readonly alertRetryMs: number;
}

/** Options that are each valid but not together. */
function checkAuth(config: Pick<Config, 'auth' | 'apiKeys' | 'jwt' | 'metricsAuth'>): void {
  if (config.auth && config.apiKeys.length === 0 && config.jwt.secret === null && config.jwt.jwksUrl === null) {
    throw new ConfigError(
      '--auth true needs a credential source: --api-keys (LENS_API_KEYS), --jwt-secret (LENS_JWT_SECRET) or --jwks-url (LENS_JWKS_URL); without one every request would be refused',
    );
  }
  if (config.metricsAuth && !(config.auth && config.apiKeys.length > 0)) {
    throw new ConfigError(
      '--metrics-auth true needs --auth true and --api-keys (LENS_API_KEYS): /metrics is scraped with an API key',
    );
  }
}

/** --broker as Celery's broker_url: RabbitMQ by its scheme (with --broker-use-ssl), else Redis; the backend when empty. */
function brokerTarget(url: string, useSsl: string, backend: RedisTarget): RedisTarget | AmqpTarget {
  if (url !== '' && isAmqpUrl(url)) return parseAmqpUrl(url, brokerUseSsl(useSsl));
  if (useSsl !== '') throw new ConfigError('--broker-use-ssl (LENS_BROKER_USE_SSL) is for a RabbitMQ broker (amqp://)');
  return url === '' ? backend : parseRedisUrl(url);
}

/** --broker-api: RabbitMQ's management API, so only beside a RabbitMQ broker. */
function brokerApi(url: string, broker: RedisTarget | AmqpTarget): BrokerApi | null {
  if (url === '') return null;
  if (!isAmqp(broker)) throw new ConfigError('--broker-api (FLOWER_BROKER_API) is for a RabbitMQ broker (amqp://)');
  return parseBrokerApi(url, broker);
}

/**
 * The task index' shards on a Redis Cluster store unless --index-shards says otherwise (a single Redis keeps one,
 * the `{ix}:` layout): spread over 8 equal slot ranges, so over every primary of a cluster of up to 8.
 */
export const CLUSTER_INDEX_SHARDS = 8;
/** Most shards: every query reads each. */
const MAX_INDEX_SHARDS = 256;

/** --index-shards: `auto` is CLUSTER_INDEX_SHARDS on a Redis Cluster store (spread over its primaries), else 1. */
function indexShards(value: string, store: StoreTarget | null): number {
  if (value === 'auto') return store?.cluster ? CLUSTER_INDEX_SHARDS : 1;
  return integer('index-shards', value, 1, MAX_INDEX_SHARDS);
}

/** --store: another Redis for celery-lens' own keys; null when empty or naming the backend's very server and db. */
function storeTarget(url: string, backend: RedisTarget, sentinelMaster: string): StoreTarget | null {
  if (url === '') return null;
  const store = parseStoreUrl(url);
  if (store.sentinels && sentinelMaster === '')
    throw new ConfigError(
      "a sentinel:// store needs --sentinel-master (CELERY_SENTINEL_MASTER_NAME), the master's name",
    );
  return !store.cluster && sameServer(store, backend) && store.db === backend.db ? null : store;
}

export function loadConfig(
  argv: readonly string[] = process.argv.slice(2),
  env: Readonly<Record<string, string | undefined>> = process.env,
): Config {
  const flags = parseFlags(argv, Object.keys(OPTIONS) as OptionName[]);
  const get = (name: OptionName): string => flags[name] ?? env[OPTIONS[name].env] ?? OPTIONS[name].default;
  const backend = parseRedisUrl(get('backend'));
  if (backend.sentinels && get('sentinel-master') === '') {
    throw new ConfigError(
      "a sentinel:// backend needs --sentinel-master (CELERY_SENTINEL_MASTER_NAME), Celery's master_name",
    );
  }
  const broker = brokerTarget(get('broker'), get('broker-use-ssl'), backend);
  const store = storeTarget(get('store'), backend, get('sentinel-master'));
  const config: Config = Object.freeze({
    backend,
    broker,
    brokerApi: brokerApi(get('broker-api'), broker),
    store,
    eventQueueTtlMs: integer('event-queue-ttl', get('event-queue-ttl'), 1, 86_400) * 1000,
    eventQueueExpiresMs: integer('event-queue-expires', get('event-queue-expires'), 1, 86_400) * 1000,
    lensPrefix: get('lens-prefix'),
    sentinelMaster: get('sentinel-master') || null,
    sentinelPassword: get('sentinel-password') || null,
    resultExpires: integer('result-expires', get('result-expires'), 1, 10 * 365 * 86400),
    resumeWindowSeconds: integer('resume-window', get('resume-window'), 0, 7 * 86400),
    tombstoneSeconds: integer('tombstone-days', get('tombstone-days'), 1, 3650) * 86400,
    queues: get('queues')
      .split(',')
      .map((queue) => queue.trim())
      .filter((queue) => queue !== ''),
    queueScanLimit: integer('queue-scan-limit', get('queue-scan-limit'), 0, 1_000_000),
    prioritySteps: prioritySteps(get('priority-steps')),
    prioritySep: prioritySep(get('priority-sep')),
    consume: boolean('consume', get('consume')),
    globalKeyprefix: get('global-keyprefix'),
    host: get('host'),
    port: integer('port', get('port'), 0, 65535),
    taskIdPattern: pattern(get('task-id-pattern')),
    maxIds: integer('max-ids', get('max-ids'), 1, 100_000),
    redisTimeoutMs: integer('redis-timeout-ms', get('redis-timeout-ms'), 10, 600_000),
    graphiql: boolean('graphiql', get('graphiql')),
    ui: boolean('ui', get('ui')),
    auth: boolean('auth', get('auth')),
    apiKeys: apiKeys(get('api-keys')),
    tokenSecret: tokenSecret(get('token-secret')) ?? (get('jwt-secret') || null),
    cursorSecrets: cursorSecrets(get('cursor-secret')),
    jwt: {
      secret: get('jwt-secret') || null,
      jwksUrl: get('jwks-url') || null,
      audience: get('jwt-audience') || null,
      issuer: get('jwt-issuer') || null,
    },
    introspection: boolean('introspection', get('introspection')),
    maxQueued: integer('max-queued', get('max-queued'), 1, 100_000),
    maxQueuedBytes: integer('max-queued-bytes', get('max-queued-bytes'), 1024, 1_000_000_000),
    maxGraphNodes: integer('max-graph-nodes', get('max-graph-nodes'), 1, 1_000_000),
    maxDepth: integer('max-depth', get('max-depth'), 2, 1000),
    maxComplexity: integer('max-complexity', get('max-complexity'), 10, 100_000_000),
    maxAliases: integer('max-aliases', get('max-aliases'), 0, 100_000),
    maxTokens: integer('max-tokens', get('max-tokens'), 100, 10_000_000),
    maxDirectives: integer('max-directives', get('max-directives'), 0, 100_000),
    rateLimit: integer('rate-limit', get('rate-limit'), 0, 100_000_000),
    rateLimitWindowSeconds: integer('rate-limit-window', get('rate-limit-window'), 1, 86_400),
    trustProxy: cidrs(get('trust-proxy')),
    maxBatch: integer('max-batch', get('max-batch'), 0, 1000),
    maxBodyBytes: integer('max-body-bytes', get('max-body-bytes'), 1024, 1_000_000_000),
    maxValueBytes: integer('max-value-bytes', get('max-value-bytes'), 1024, 500_000_000),
    maxResponseBytes: integer('max-response-bytes', get('max-response-bytes'), 1024, 500_000_000),
    jit: boolean('jit', get('jit')),
    jitThreshold: integer('jit-threshold', get('jit-threshold'), 0, 1_000_000),
    maxWsConnections: integer('max-ws-connections', get('max-ws-connections'), 1, 10_000_000),
    maxSubscriptionsPerConnection: integer(
      'max-subscriptions-per-connection',
      get('max-subscriptions-per-connection'),
      1,
      1_000_000,
    ),
    wsIdleTimeoutMs: integer('ws-idle-timeout-ms', get('ws-idle-timeout-ms'), 100, 86_400_000),
    maxWatches: integer('max-watches', get('max-watches'), 1, 10_000_000),
    maxWatchesPerCaller:
      get('max-watches-per-caller') === 'auto'
        ? Math.max(1, Math.floor(integer('max-watches', get('max-watches'), 1, 10_000_000) / 4))
        : integer('max-watches-per-caller', get('max-watches-per-caller'), 1, 10_000_000),
    maxWatchesPerConnection: integer('max-watches-per-connection', get('max-watches-per-connection'), 1, 10_000_000),
    index: boolean('index', get('index')),
    indexSeconds: integer('index-days', get('index-days'), 1, 3650) * 86400,
    indexMaxTasks: integer('index-max-tasks', get('index-max-tasks'), 1, 100_000_000),
    indexShards: indexShards(get('index-shards'), store),
    indexKwargs: kwargKeys(get('index-kwargs')),
    statsSeconds: integer('stats-days', get('stats-days'), 0, 366) * 86400,
    maxAwaitSeconds: integer('max-await-seconds', get('max-await-seconds'), 1, 86_400),
    corsOrigins: origins(get('cors-origins')),
    allowedHosts: allowedHosts(get('allowed-hosts')),
    frameAncestors: frameAncestors(get('frame-ancestors')),
    metricsOperations: list(get('metrics-operations')),
    metricsAuth: boolean('metrics-auth', get('metrics-auth')),
    control: boolean('control', get('control')),
    sendAllow: list(get('send-allow')).map(glob),
    bulkBatch: integer('bulk-batch', get('bulk-batch'), 1, 1000),
    bulkPauseMs: integer('bulk-pause-ms', get('bulk-pause-ms'), 0, 60_000),
    bulkLeaseSeconds: integer('bulk-lease-seconds', get('bulk-lease-seconds'), 1, 3600),
    workerTimeoutMs: secondsOrAuto('worker-timeout', get('worker-timeout'), 86_400),
    progressIntervalMs: integer('progress-interval-ms', get('progress-interval-ms'), 10, 3_600_000),
    stallAfter: stallRules(get('stall-after')),
    alertRules: get('alert-rules') || null,
    alertIntervalMs: integer('alert-interval-ms', get('alert-interval-ms'), 50, 3_600_000),
    alertTimeoutMs: integer('alert-timeout-ms', get('alert-timeout-ms'), 100, 300_000),
    alertAttempts: integer('alert-attempts', get('alert-attempts'), 1, 100),
    alertRetryMs: integer('alert-retry-ms', get('alert-retry-ms'), 10, 3_600_000),
  });
  checkAuth(config);
  return config;
}
