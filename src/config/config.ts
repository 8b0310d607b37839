/**
 * The only reader of process.env and argv. Each option has a CLI flag and an
 * environment variable; the flag wins. The result is validated and frozen.
 */
import { type RedisTarget, parseRedisUrl } from '../redis/redis-url.ts';
import { type ApiKey, parseScopes } from '../auth/principal.ts';
import { parseFlags } from './config-args.ts';
import { ConfigError } from '../errors/config-error.ts';
import { type StallRules, parseStallRules } from '../read/stall.ts';
import { type HostPattern, parseHostPattern } from '../http/allowed-hosts.ts';
import { type Cidr, parseCidr } from '../http/client-address.ts';

export interface Config {
  /** Celery's `result_backend` URL, parsed. */
  readonly backend: RedisTarget;
  /** Celery's `broker_url` (events and queues); the backend when not set. */
  readonly broker: RedisTarget;
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
  /** Plain JSON POSTs of queries skip Yoga's Fetch layer (src/transport/json-post.ts). */
  readonly fastPath: boolean;
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
  /** kwargs keys indexed by exact value (none by default: kwargs are payload). */
  readonly indexKwargs: readonly string[];
  /** Longest wait one awaitTask/awaitTasks/taskCompleted may ask for, in seconds. */
  readonly maxAwaitSeconds: number;
}

/** Celery's own task ids are uuid4 strings. */
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

interface OptionSpec {
  readonly env: string;
  readonly default: string;
  readonly help: string;
}

/** Every option, by its CLI flag name (`--backend`). Also the source of `--help`. */
export const OPTIONS = {
  backend: { env: 'CELERY_RESULT_BACKEND', default: 'redis://localhost:6379/0', help: "Celery's result_backend URL" },
  broker: {
    env: 'CELERY_BROKER_URL',
    default: '',
    help: "Celery's broker_url, for events and queued messages (default: the backend)",
  },
  'sentinel-master': {
    env: 'CELERY_SENTINEL_MASTER_NAME',
    default: '',
    help: "Celery's master_name transport option, for sentinel:// URLs",
  },
  'sentinel-password': {
    env: 'CELERY_SENTINEL_PASSWORD',
    default: '',
    help: "the sentinels' own password (Celery's sentinel_kwargs)",
  },
  'global-keyprefix': { env: 'CELERY_GLOBAL_KEYPREFIX', default: '', help: "Celery's global_keyprefix (Celery ≥ 5.3)" },
  host: { env: 'HOST', default: '127.0.0.1', help: 'address to listen on' },
  port: { env: 'PORT', default: '4000', help: 'port to listen on' },
  'task-id-pattern': {
    env: 'LENS_TASK_ID_PATTERN',
    default: UUID_PATTERN,
    help: 'regular expression every task id must match',
  },
  'max-ids': { env: 'LENS_MAX_IDS', default: '1000', help: 'most ids in one tasks(ids) query' },
  'redis-timeout-ms': { env: 'LENS_REDIS_TIMEOUT_MS', default: '2000', help: 'Redis command timeout in ms' },
  'max-queued': {
    env: 'LENS_MAX_QUEUED',
    default: '64',
    help: 'updates queued per slow subscriber before collapsing to the latest per task',
  },
  'max-queued-bytes': {
    env: 'LENS_MAX_QUEUED_BYTES',
    default: '1048576',
    help: 'bytes of stored values queued per slow subscriber, with what its socket still holds, before collapsing to the latest per task',
  },
  'lens-prefix': { env: 'LENS_PREFIX', default: 'celery-lens:', help: "prefix of celery-lens' own keys" },
  'result-expires': {
    env: 'CELERY_RESULT_EXPIRES',
    default: '86400',
    help: "Celery's result_expires in seconds (timelines are kept a day longer)",
  },
  'resume-window': {
    env: 'LENS_RESUME_WINDOW',
    default: '3600',
    help: 'seconds the states of a task are kept after its last one, for subscriptions resuming from a cursor (0: off)',
  },
  'tombstone-days': {
    env: 'LENS_TOMBSTONE_DAYS',
    default: '30',
    help: 'days a final outcome is kept after Celery forgets it',
  },
  queues: { env: 'LENS_QUEUES', default: 'celery', help: 'broker queues (comma-separated) searched for queued tasks' },
  'queue-scan-limit': {
    env: 'LENS_QUEUE_SCAN_LIMIT',
    default: '10000',
    help: 'messages read from the head of each queue at most',
  },
  'priority-steps': {
    env: 'CELERY_PRIORITY_STEPS',
    default: '0,3,6,9',
    help: "kombu's priority_steps (broker_transport_options), comma-separated",
  },
  'priority-sep': {
    env: 'CELERY_PRIORITY_SEP',
    default: '\\x06\\x16',
    help: "kombu's sep (broker_transport_options) between a queue's name and its priority, \\xHH escapes allowed",
  },
  consume: { env: 'LENS_CONSUME', default: 'true', help: 'consume Celery events and published states (true/false)' },
  'max-graph-nodes': { env: 'LENS_MAX_GRAPH_NODES', default: '5000', help: 'most nodes one task graph may visit' },
  'max-depth': { env: 'LENS_MAX_DEPTH', default: '15', help: 'deepest selection a query may make' },
  'max-aliases': { env: 'LENS_MAX_ALIASES', default: '30', help: 'most aliases in one operation' },
  'max-tokens': {
    env: 'LENS_MAX_TOKENS',
    default: '2000',
    help: 'most tokens in one document (an id list counts each id)',
  },
  'max-directives': { env: 'LENS_MAX_DIRECTIVES', default: '20', help: 'most directives in one operation' },
  'rate-limit': {
    env: 'LENS_RATE_LIMIT',
    default: '0',
    help: 'operations one caller (API key, JWT subject, or client address) may make per window, in bursts of up to as many; 0 for no limit',
  },
  'rate-limit-window': { env: 'LENS_RATE_LIMIT_WINDOW', default: '60', help: 'rate limit window in seconds' },
  'trust-proxy': {
    env: 'LENS_TRUST_PROXY',
    default: '',
    help: 'proxies (addresses or CIDRs, comma-separated) whose X-Forwarded-For gives the client address',
  },
  'max-batch': { env: 'LENS_MAX_BATCH', default: '0', help: 'operations one HTTP request may batch (0: no batching)' },
  'max-body-bytes': { env: 'LENS_MAX_BODY_BYTES', default: '102400', help: 'largest request body in bytes' },
  'max-value-bytes': {
    env: 'LENS_MAX_VALUE_BYTES',
    default: '4194304',
    help: 'largest stored value (result, args, kwargs, traceback) answered; larger ones are VALUE_TOO_LARGE',
  },
  'max-response-bytes': {
    env: 'LENS_MAX_RESPONSE_BYTES',
    default: '67108864',
    help: 'largest response or subscription event; a larger one is RESPONSE_TOO_LARGE',
  },
  'fast-path': {
    env: 'LENS_FAST_PATH',
    default: 'true',
    help: "answer plain JSON POSTs of queries without Yoga's Fetch layer (same plugins, same answers)",
  },
  jit: {
    env: 'LENS_JIT',
    default: 'true',
    help: 'compile queries run more than --jit-threshold times with graphql-jit (same answers) (true/false)',
  },
  'jit-threshold': {
    env: 'LENS_JIT_THRESHOLD',
    default: '3',
    help: 'runs of a document on graphql-js before it is compiled',
  },
  'max-ws-connections': {
    env: 'LENS_MAX_WS_CONNECTIONS',
    default: '10000',
    help: 'most WebSocket connections per process',
  },
  'max-subscriptions-per-connection': {
    env: 'LENS_MAX_SUBSCRIPTIONS_PER_CONNECTION',
    default: '100',
    help: 'most live subscriptions on one WebSocket',
  },
  'ws-idle-timeout-ms': {
    env: 'LENS_WS_IDLE_TIMEOUT_MS',
    default: '60000',
    help: 'a WebSocket that answers no ping for this long is closed',
  },
  'max-watches': {
    env: 'LENS_MAX_WATCHES',
    default: '100000',
    help: 'task watches (one per task per subscription) the whole process may hold',
  },
  'max-watches-per-caller': {
    env: 'LENS_MAX_WATCHES_PER_CALLER',
    default: 'auto',
    help: 'task watches one caller (API key, JWT subject, read token, or client address with auth off) may hold over all its connections; auto: a quarter of --max-watches',
  },
  'max-watches-per-connection': {
    env: 'LENS_MAX_WATCHES_PER_CONNECTION',
    default: '10000',
    help: 'task watches one WebSocket (all its subscriptions) or one HTTP request may hold',
  },
  control: {
    env: 'LENS_CONTROL',
    default: 'false',
    help: 'allow revokeTask, sendTask and resendTask (with the control scope) (true/false)',
  },
  'send-allow': {
    env: 'LENS_SEND_ALLOW',
    default: '',
    help: 'task names sendTask/resendTask may send, glob patterns (comma-separated, e.g. proj.tasks.*); none by default',
  },
  'max-await-seconds': {
    env: 'LENS_MAX_AWAIT_SECONDS',
    default: '300',
    help: 'longest timeoutSeconds awaitTask, awaitTasks and taskCompleted accept',
  },
  'max-complexity': {
    env: 'LENS_MAX_COMPLEXITY',
    default: '50000',
    help: 'highest complexity a query may have (each field 1, lists × their size)',
  },
  index: {
    env: 'LENS_INDEX',
    default: 'true',
    help: 'keep the task index for searchTasks, taskStats, failures and taskEvents (true/false)',
  },
  'index-days': { env: 'LENS_INDEX_DAYS', default: '7', help: 'days a task stays in the index after its latest state' },
  'index-max-tasks': {
    env: 'LENS_INDEX_MAX_TASKS',
    default: '1000000',
    help: 'most tasks in the index; the oldest go first',
  },
  'index-kwargs': {
    env: 'LENS_INDEX_KWARGS',
    default: '',
    help: 'kwargs keys indexed by exact value, comma-separated (e.g. user_id,tenant)',
  },
  graphiql: { env: 'LENS_GRAPHIQL', default: 'true', help: 'serve GraphiQL at /graphql (true/false)' },
  ui: { env: 'LENS_UI', default: 'true', help: 'serve the web page at / and /tasks/<id> (true/false)' },
  auth: { env: 'LENS_AUTH', default: 'false', help: 'require an API key or a JWT on every request (true/false)' },
  'api-keys': { env: 'LENS_API_KEYS', default: '', help: 'API keys as name:sha256hex:scope+scope, comma-separated' },
  'token-secret': {
    env: 'LENS_TOKEN_SECRET',
    default: '',
    help: 'secret (32+ characters) signing read tokens (createReadToken); default: --jwt-secret',
  },
  'cursor-secret': {
    env: 'LENS_CURSOR_SECRET',
    default: '',
    help: 'secrets (32+ characters, comma-separated) signing page cursors: the first signs, each verifies; default: keys kept in Redis',
  },
  'jwt-secret': { env: 'LENS_JWT_SECRET', default: '', help: 'HS256 secret to verify JWTs' },
  'jwks-url': { env: 'LENS_JWKS_URL', default: '', help: 'JWKS URL to verify RS256 JWTs' },
  'jwt-audience': { env: 'LENS_JWT_AUDIENCE', default: '', help: 'required JWT aud' },
  'jwt-issuer': { env: 'LENS_JWT_ISSUER', default: '', help: 'required JWT iss' },
  introspection: { env: 'LENS_INTROSPECTION', default: 'true', help: 'allow schema introspection (true/false)' },
  'cors-origins': {
    env: 'LENS_CORS_ORIGINS',
    default: '',
    help: "browser origins (comma-separated, e.g. https://app.example) allowed cross-origin requests and WebSockets; '*' for any (default: same-origin only)",
  },
  'allowed-hosts': {
    env: 'LENS_ALLOWED_HOSTS',
    default: '',
    help: "host names (comma-separated; name:port for one port, .example.com for a domain and its subdomains) requests may call this server by, besides localhost and IP addresses; '*' for any (no DNS rebinding protection)",
  },
  'frame-ancestors': {
    env: 'LENS_FRAME_ANCESTORS',
    default: 'none',
    help: "origins (comma-separated, or 'self') that may show the page and GraphiQL in a frame; none: no one",
  },
  'metrics-operations': {
    env: 'LENS_METRICS_OPERATIONS',
    default: '',
    help: 'operation names /metrics labels by name (comma-separated); others are "other" (default: the first 50 names seen)',
  },
  'worker-timeout': {
    env: 'LENS_WORKER_TIMEOUT',
    default: 'auto',
    help: "seconds without a heartbeat after which a worker is gone and its tasks LOST; auto: Celery's rule, two heartbeat intervals (+1 s)",
  },
  'progress-interval-ms': {
    env: 'LENS_PROGRESS_INTERVAL_MS',
    default: '250',
    help: 'least time between two events of a groupProgress/workflowProgress subscription (changes meanwhile are coalesced)',
  },
  'stall-after': {
    env: 'LENS_STALL_AFTER',
    default: '',
    help: 'name=seconds,… (* for every other task): a task RUNNING longer reads STALLED, a hint (default: off)',
  },
  'metrics-auth': {
    env: 'LENS_METRICS_AUTH',
    default: 'false',
    help: '/metrics needs an API key too (x-api-key or Authorization: Bearer; needs --auth) (true/false)',
  },
} as const satisfies Record<string, OptionSpec>;

type OptionName = keyof typeof OPTIONS;

function integer(name: OptionName, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new ConfigError(`--${name} (${OPTIONS[name].env}) must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return Number(text);
}

/** Seconds, or `auto` (null); in ms. */
function secondsOrAuto(name: OptionName, text: string, max: number): number | null {
  if (text === 'auto') return null;
  if (!/^\d+(\.\d+)?$/.test(text) || Number(text) <= 0 || Number(text) > max) {
    throw new ConfigError(
      `--${name} (${OPTIONS[name].env}) must be auto or a number of seconds above 0 and at most ${max}, got "${text}"`,
    );
  }
  return Math.round(Number(text) * 1000);
}

function stallRules(text: string): StallRules {
  try {
    return parseStallRules(text);
  } catch (error) {
    throw new ConfigError(`--stall-after (LENS_STALL_AFTER): ${(error as Error).message}`);
  }
}

function boolean(name: OptionName, text: string): boolean {
  if (/^(true|1|yes|on)$/i.test(text)) return true;
  if (/^(false|0|no|off)$/i.test(text)) return false;
  throw new ConfigError(`--${name} (${OPTIONS[name].env}) must be true or false, got "${text}"`);
}

function pattern(text: string): RegExp {
  try {
    return new RegExp(text);
  } catch (error) {
    throw new ConfigError(`--task-id-pattern is not a valid regular expression: ${(error as Error).message}`);
  }
}

function apiKeys(text: string): ApiKey[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [name, hex, scopes] = entry.split(':');
      if (!name || !hex || !/^[0-9a-f]{64}$/i.test(hex) || scopes === undefined || parseScopes(scopes).size === 0) {
        throw new ConfigError(
          `--api-keys (LENS_API_KEYS): "${entry.slice(0, 40)}…" is not name:sha256hex:scope+scope (scopes: status, payload, control, tokens)`,
        );
      }
      return { name, sha256: Buffer.from(hex, 'hex'), scopes: parseScopes(scopes) };
    });
}

/** A glob (`*` any run of characters, `?` one) as an anchored RegExp; everything else is literal. */
function glob(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${body}$`);
}

/** kwargs keys as Python identifiers: what `key=value` in a call can name, and never a separator of the index' keys. */
function kwargKeys(text: string): string[] {
  const keys = list(text);
  for (const key of keys) {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(key)) {
      throw new ConfigError(
        `--index-kwargs (LENS_INDEX_KWARGS): "${key.slice(0, 80)}" is not a keyword argument name (letters, digits and _, at most 64)`,
      );
    }
  }
  if (keys.length > 16)
    throw new ConfigError(`--index-kwargs (LENS_INDEX_KWARGS): at most 16 keys, got ${keys.length}`);
  return [...new Set(keys)];
}

/** kombu's priority_steps: ascending integers from 0 to 9 (a message's priority is clamped to 0–9). */
function prioritySteps(text: string): number[] {
  const steps = list(text).map(Number);
  const ascending = steps.every(
    (step, index) =>
      Number.isInteger(step) && step >= 0 && step <= 9 && (index === 0 || step > (steps[index - 1] as number)),
  );
  if (steps.length === 0 || !ascending || list(text).some((item) => !/^\d$/.test(item))) {
    throw new ConfigError(
      `--priority-steps (CELERY_PRIORITY_STEPS) must be ascending integers from 0 to 9, comma-separated (kombu's default: 0,3,6,9), got "${text.slice(0, 80)}"`,
    );
  }
  return steps;
}

/** kombu's sep, written with \xHH escapes for its control characters (the default is \x06\x16). */
function prioritySep(text: string): string {
  const sep = text.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  if (sep === '' || sep.length > 16 || /\\/.test(sep)) {
    throw new ConfigError(
      `--priority-sep (CELERY_PRIORITY_SEP) must be 1 to 16 characters, \\xHH escapes allowed (kombu's default: \\x06\\x16), got "${text.slice(0, 80)}"`,
    );
  }
  return sep;
}

/** A read-token secret: long enough that it cannot be guessed offline from a token. */
function tokenSecret(text: string): string | null {
  if (text === '') return null;
  if (text.length < 32)
    throw new ConfigError(`--token-secret (LENS_TOKEN_SECRET) must have at least 32 characters, got ${text.length}`);
  return text;
}

/** Page cursor secrets, the signing one first; the others still verify, for a rotation. */
function cursorSecrets(text: string): string[] {
  const secrets = list(text);
  const short = secrets.find((secret) => secret.length < 32);
  if (short !== undefined)
    throw new ConfigError(
      `--cursor-secret (LENS_CURSOR_SECRET): each secret must have at least 32 characters, got one of ${short.length}`,
    );
  if (new Set(secrets).size !== secrets.length)
    throw new ConfigError('--cursor-secret (LENS_CURSOR_SECRET): a secret is listed twice');
  return secrets;
}

function list(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function cidrs(text: string): Cidr[] {
  return list(text).map((item) => {
    const cidr = parseCidr(item);
    if (!cidr)
      throw new ConfigError(
        `--trust-proxy (LENS_TRUST_PROXY): "${item.slice(0, 80)}" is not an address or CIDR like 10.0.0.0/8 or fd00::/8`,
      );
    return cidr;
  });
}

/** Origins as browsers send them: scheme://host[:port], nothing more; or '*'. */
function origins(text: string, name: OptionName = 'cors-origins'): string[] {
  return list(text).map((item) => {
    let origin: string | null = null;
    try {
      origin = item === '*' ? '*' : new URL(item).origin;
    } catch {
      // Reported below.
    }
    if (origin === null || origin === 'null' || (origin !== item && `${origin}/` !== item)) {
      throw new ConfigError(
        `--${name} (${OPTIONS[name].env}): "${item.slice(0, 80)}" is not an origin like https://app.example:8443 (or '*')`,
      );
    }
    return origin;
  });
}

function allowedHosts(text: string): (HostPattern | '*')[] {
  return list(text).map((item) => {
    const pattern = item === '*' ? '*' : parseHostPattern(item);
    if (pattern === null) {
      throw new ConfigError(
        `--allowed-hosts (LENS_ALLOWED_HOSTS): "${item.slice(0, 80)}" is not a host name like lens.example.com, lens.example.com:8443 or .example.com (or '*')`,
      );
    }
    return pattern;
  });
}

/** CSP frame-ancestors sources: none, or 'self' and origins. */
function frameAncestors(text: string): string[] {
  if (text.trim() === 'none') return [];
  const sources = list(text).filter((item) => item !== 'self' && item !== "'self'");
  const self = sources.length < list(text).length ? ["'self'"] : [];
  if (sources.includes('*'))
    throw new ConfigError(
      "--frame-ancestors (LENS_FRAME_ANCESTORS): '*' would let any site frame the page; list origins, 'self' or none",
    );
  return [...self, ...origins(sources.join(','), 'frame-ancestors')];
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
  const config: Config = Object.freeze({
    backend,
    broker: get('broker') === '' ? backend : parseRedisUrl(get('broker')),
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
    fastPath: boolean('fast-path', get('fast-path')),
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
    indexKwargs: kwargKeys(get('index-kwargs')),
    maxAwaitSeconds: integer('max-await-seconds', get('max-await-seconds'), 1, 86_400),
    corsOrigins: origins(get('cors-origins')),
    allowedHosts: allowedHosts(get('allowed-hosts')),
    frameAncestors: frameAncestors(get('frame-ancestors')),
    metricsOperations: list(get('metrics-operations')),
    metricsAuth: boolean('metrics-auth', get('metrics-auth')),
    control: boolean('control', get('control')),
    sendAllow: list(get('send-allow')).map(glob),
    workerTimeoutMs: secondsOrAuto('worker-timeout', get('worker-timeout'), 86_400),
    progressIntervalMs: integer('progress-interval-ms', get('progress-interval-ms'), 10, 3_600_000),
    stallAfter: stallRules(get('stall-after')),
  });
  checkAuth(config);
  return config;
}

/** The text of `celery-lens --help`: every option with its variable and default. */
export function usage(): string {
  const rows = Object.entries(OPTIONS).map(([name, spec]) => {
    const fallback = spec.default === '' ? '' : ` (default: ${spec.default.length > 40 ? 'a UUID' : spec.default})`;
    return `  --${name.padEnd(18)} ${spec.env.padEnd(24)} ${spec.help}${fallback}`;
  });
  return [
    'Usage: celery-lens [serve] [options]',
    '       celery-lens acl [options]     print the Redis ACL rule celery-lens needs',
    '       celery-lens index --backfill [--restart] [--scan-count N] [options]',
    '                                     index the results Redis holds now (resumable; progress on stderr)',
    '       celery-lens cursor-key --rotate [options]',
    '                                     a new key for page cursors kept in Redis (the previous one still verifies)',
    '',
    "GraphQL status API for Celery tasks, read from Celery's Redis result backend.",
    'Every option can also be set by the environment variable beside it; the flag wins.',
    '',
    `  ${'option'.padEnd(20)} ${'environment'.padEnd(24)} meaning`,
    ...rows,
    `  --${'help'.padEnd(18)} ${''.padEnd(24)} print this and exit`,
  ].join('\n');
}
