/**
 * Every option: its flag, its environment variable, its default and its
 * help line. loadConfig (config.ts) reads them, usage.ts prints them.
 */
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
    help: "Celery's broker_url, for events and queued messages: Redis, or RabbitMQ (amqp://, amqps://, pyamqp://) (default: the backend)",
  },
  'broker-use-ssl': {
    env: 'LENS_BROKER_USE_SSL',
    default: '',
    help: 'Celery\'s broker_use_ssl for a RabbitMQ broker: true, or JSON such as {"cert_reqs": "CERT_REQUIRED", "ca_certs": "/ca.pem"}',
  },
  'broker-api': {
    env: 'FLOWER_BROKER_API',
    default: '',
    help: "RabbitMQ's management API for queue lengths, as Flower's --broker-api: http://user:pass@host:15672/api/ (default: passive declares on the AMQP connection)",
  },
  'event-queue-ttl': {
    env: 'CELERY_EVENT_QUEUE_TTL',
    default: '5',
    help: "Celery's event_queue_ttl on RabbitMQ: seconds an event waits in celery-lens' event queue before it is dropped",
  },
  'event-queue-expires': {
    env: 'CELERY_EVENT_QUEUE_EXPIRES',
    default: '60',
    help: "Celery's event_queue_expires on RabbitMQ: seconds an unconsumed event queue of celery-lens' lives",
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
  store: {
    env: 'LENS_STORE',
    default: '',
    help: 'where celery-lens keeps what it writes (index, timelines, goals, rollups, …): a Redis URL as for --backend (default: the backend)',
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
  'bulk-batch': {
    env: 'LENS_BULK_BATCH',
    default: '100',
    help: 'tasks a bulk action (revokeTasksMatching, resendTasksMatching) acts on per batch: one revoke broadcast a batch',
  },
  'bulk-pause-ms': {
    env: 'LENS_BULK_PAUSE_MS',
    default: '100',
    help: "pause between two batches of a bulk action, in ms (spares the broker and Celery's workers)",
  },
  'bulk-lease-seconds': {
    env: 'LENS_BULK_LEASE_SECONDS',
    default: '30',
    help: 'how long a bulk action stays with the process running it without a renewal; then another process (or a restarted one) finishes it',
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
  'index-shards': {
    env: 'LENS_INDEX_SHARDS',
    default: 'auto',
    help: 'shards the task index is spread over, each in a Redis Cluster slot of its own (auto: 8 on a cluster store, else 1)',
  },
  'index-kwargs': {
    env: 'LENS_INDEX_KWARGS',
    default: '',
    help: 'kwargs keys indexed by exact value, comma-separated (e.g. user_id,tenant)',
  },
  'stats-days': {
    env: 'LENS_STATS_DAYS',
    default: '30',
    help: 'days the per-minute (two days) and per-hour rollups behind taskStats and the charts are kept (0: off)',
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
  'alert-rules': {
    env: 'LENS_ALERT_RULES',
    default: '',
    help: 'a JSON file of alert rules posted to webhooks (docs/alerts.md); reloaded on SIGHUP (default: no alerts)',
  },
  'alert-interval-ms': {
    env: 'LENS_ALERT_INTERVAL_MS',
    default: '5000',
    help: 'ms between two evaluations of the alert rules (by one consuming replica at a time)',
  },
  'alert-timeout-ms': {
    env: 'LENS_ALERT_TIMEOUT_MS',
    default: '10000',
    help: 'ms a webhook has to answer each POST',
  },
  'alert-attempts': {
    env: 'LENS_ALERT_ATTEMPTS',
    default: '8',
    help: 'tries of one webhook delivery before it is given up (no answer, 408, 429 and 5xx are retried)',
  },
  'alert-retry-ms': {
    env: 'LENS_ALERT_RETRY_MS',
    default: '1000',
    help: "a delivery's first retry delay in ms, doubled each time up to 5 minutes",
  },
  'metrics-auth': {
    env: 'LENS_METRICS_AUTH',
    default: 'false',
    help: '/metrics needs an API key too (x-api-key or Authorization: Bearer; needs --auth) (true/false)',
  },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;
