/**
 * What a Celery 5.2.6 worker answers to the inspect commands celery-lens
 * sends (celery/worker/control.py; captured replies in
 * docs/celery-wire-format.md, "Inspect and worker control"), decoded into
 * plain values. Each decoder takes the worker's answer as JSON decoded it and
 * throws with an exact message when it is not what that command returns.
 */

/** A task request as `Request.info()` describes it (active, reserved, and inside scheduled). */
export interface InspectedTask {
  readonly id: string;
  readonly name: string | null;
  /** When a pool process accepted it (`time_start`, epoch seconds), ms; null while not started. */
  readonly startedAt: number | null;
  readonly workerPid: number | null;
  readonly acknowledged: boolean;
  /** The queue it came from (`delivery_info.routing_key`). */
  readonly queue: string | null;
  /** Scheduled tasks only: the eta (ms) and the timer's priority. */
  readonly eta: number | null;
}

export interface InspectedPool {
  /** e.g. `celery.concurrency.prefork:TaskPool`. */
  readonly implementation: string | null;
  readonly maxConcurrency: number | null;
  /** The pool processes' pids (prefork); empty for pools without processes. */
  readonly processes: readonly number[];
}

/** `stats`: the pool, a few typed numbers, and the whole answer with secrets masked. */
export interface InspectedStats {
  readonly pool: InspectedPool;
  readonly pid: number | null;
  readonly uptimeSeconds: number | null;
  readonly prefetchCount: number | null;
  /** Tasks it ran since it started, by name (`total`). */
  readonly totals: Readonly<Record<string, number>>;
  readonly raw: Record<string, unknown>;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const numberOr = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const stringOr = (value: unknown) => (typeof value === 'string' ? value : null);

function listOf(command: string, value: unknown): unknown[] {
  if (isObject(value) && 'error' in value) throw new Error(`${command} failed on the worker: ${String(value.error)}`);
  if (!Array.isArray(value)) throw new Error(`the ${command} answer is expected to be a list, got ${typeof value}`);
  return value;
}

function requestOf(command: string, value: unknown, eta: number | null = null): InspectedTask {
  if (!isObject(value) || typeof value.id !== 'string') {
    throw new Error(`a ${command} entry is expected to be a request object with a string id`);
  }
  const start = numberOr(value.time_start);
  const delivery = isObject(value.delivery_info) ? value.delivery_info : {};
  return {
    id: value.id,
    name: stringOr(value.name),
    startedAt: start === null ? null : Math.round(start * 1000),
    workerPid: numberOr(value.worker_pid),
    acknowledged: value.acknowledged === true,
    queue: stringOr(delivery.routing_key),
    eta,
  };
}

/** `active` and `reserved`: a list of `Request.info()`. */
export const decodeRequests = (command: 'active' | 'reserved', value: unknown): InspectedTask[] =>
  listOf(command, value).map((entry) => requestOf(command, entry));

/** `scheduled`: `{eta, priority, request}` for each ETA/countdown task the timer holds. */
export function decodeScheduled(value: unknown): InspectedTask[] {
  return listOf('scheduled', value).map((entry) => {
    if (!isObject(entry)) throw new Error('a scheduled entry is expected to be an object');
    const eta = typeof entry.eta === 'string' ? Date.parse(entry.eta) : Number.NaN;
    return requestOf('scheduled', entry.request, Number.isNaN(eta) ? null : eta);
  });
}

/** `registered`: task names, each followed by ` [attr=value …]` when the task sets one of the listed attributes. */
export const decodeRegistered = (value: unknown): string[] =>
  listOf('registered', value).map((entry) => {
    if (typeof entry !== 'string') throw new Error('a registered entry is expected to be a string');
    const bracket = entry.indexOf(' [');
    return bracket === -1 ? entry : entry.slice(0, bracket);
  });

/** `active_queues`: kombu Queue.as_dict() of each queue it consumes; their names. */
export const decodeActiveQueues = (value: unknown): string[] =>
  listOf('active_queues', value).map((entry) => {
    if (!isObject(entry) || typeof entry.name !== 'string') throw new Error('an active_queues entry needs a name');
    return entry.name;
  });

/** Celery's HIDDEN_SETTINGS (celery/app/utils.py): settings `filter_hidden_settings` masks. */
const HIDDEN = /API|TOKEN|KEY|SECRET|PASS|PROFANITIES_LIST|SIGNATURE|DATABASE/i;
const MASK = '********';
/** `scheme://user:password@` in a URL: the password masked as kombu's maskpass does. */
const URL_PASSWORD = /(\w[\w+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/g;

/** `value` with every hidden setting and every password in a URL masked, at any depth. */
export function masked(value: unknown, key: string | null = null): unknown {
  if (key !== null && HIDDEN.test(key) && value !== null && value !== '') return MASK;
  if (typeof value === 'string') return value.replace(URL_PASSWORD, `$1${MASK}@`);
  if (Array.isArray(value)) return value.map((item) => masked(item));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v, k)]));
  return value;
}

/** `conf`: the worker's configuration (`app.conf.table()`), its secrets masked as Celery's own reports mask them. */
export function decodeConf(value: unknown): Record<string, unknown> {
  if (!isObject(value)) throw new Error(`the conf answer is expected to be an object, got ${typeof value}`);
  if ('error' in value && Object.keys(value).length === 1) throw new Error(`conf failed: ${String(value.error)}`);
  return masked(value) as Record<string, unknown>;
}

export function decodeStats(value: unknown): InspectedStats {
  if (!isObject(value)) throw new Error(`the stats answer is expected to be an object, got ${typeof value}`);
  if ('error' in value && Object.keys(value).length === 1) throw new Error(`stats failed: ${String(value.error)}`);
  const pool = isObject(value.pool) ? value.pool : {};
  const total = isObject(value.total) ? value.total : {};
  return {
    pool: {
      implementation: stringOr(pool.implementation),
      maxConcurrency: numberOr(pool['max-concurrency']),
      processes: Array.isArray(pool.processes) ? pool.processes.filter((pid) => typeof pid === 'number') : [],
    },
    pid: numberOr(value.pid),
    uptimeSeconds: numberOr(value.uptime),
    prefetchCount: numberOr(value.prefetch_count),
    totals: Object.fromEntries(
      Object.entries(total).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
    ),
    raw: masked(value) as Record<string, unknown>,
  };
}
