/**
 * Celery's monitoring events as they cross a broker
 * (docs/celery-wire-format.md, "Events"): on Redis, PUBLISHed on
 * `/<db>.celeryev/<routing key>` inside a kombu envelope whose base64 `body`
 * is one event, or (for `task.multi`, the worker's batches) a JSON list of
 * events; on AMQP, the same JSON as the message body, its content type and
 * encoding in the message's properties. A broker's event stream
 * (broker/broker.ts' BrokerEvents) hands over an EventMessage undecoded;
 * decodeEvents is the one decoder.
 */

export const TASK_EVENT_TYPES = [
  'task-sent',
  'task-received',
  'task-started',
  'task-succeeded',
  'task-failed',
  'task-retried',
  'task-revoked',
  'task-rejected',
] as const;
export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];

export interface TaskEvent {
  readonly kind: 'task';
  readonly type: TaskEventType;
  readonly taskId: string;
  /** When it happened, in ms since the epoch (Celery sends float seconds). */
  readonly at: number;
  /** Worker (or, for task-sent, client) node name. */
  readonly hostname: string | null;
  readonly name: string | null;
  readonly parentId: string | null;
  readonly rootId: string | null;
  readonly retries: number | null;
  readonly queue: string | null;
  /** task-succeeded: seconds the task ran. */
  readonly runtime: number | null;
  /** task-failed / task-retried: the exception's repr. */
  readonly exception: string | null;
  /** task-sent / task-received: the kwargs as Python's repr (Celery's saferepr), not JSON. */
  readonly kwargs?: string | null;
}

export interface WorkerEvent {
  readonly kind: 'worker';
  readonly type: 'worker-online' | 'worker-heartbeat' | 'worker-offline';
  readonly hostname: string;
  readonly at: number;
  /** Tasks running on it now, and processed since it started. */
  readonly active: number | null;
  readonly processed: number | null;
  /** Seconds between its heartbeats (`freq`: the worker's heartbeat interval, 2.0 by default). */
  readonly freq: number | null;
  /** Its host's 1, 5 and 15 minute load averages (`loadavg`). */
  readonly loadAverage: readonly number[] | null;
  /** `sw_ident` and `sw_ver`, e.g. "py-celery 5.2.6". */
  readonly software: string | null;
}

export type CeleryEvent = TaskEvent | WorkerEvent;

const WORKER_TYPES = new Set(['worker-online', 'worker-heartbeat', 'worker-offline']);
const TASK_TYPES: ReadonlySet<string> = new Set(TASK_EVENT_TYPES);

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const number = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
// Counters shown as GraphQL Ints (32 bits); anything else is not a count a worker sends.
const count = (value: unknown): number | null =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) < 2 ** 31 ? (value as number) : null;
// A positive number of seconds, as Celery's Heart interval (a day at most: past it no worker is judged by it).
const interval = (value: unknown): number | null =>
  typeof value === 'number' && value > 0 && value < 86_400 ? value : null;
/** `loadavg`: a list of a few numbers (Celery sends os.getloadavg() rounded, three of them). */
function loadAverage(value: unknown): number[] | null {
  if (!Array.isArray(value) || value.length === 0 || value.length > 3) return null;
  return value.every((item) => typeof item === 'number' && Number.isFinite(item)) ? (value as number[]) : null;
}
/** `sw_ident sw_ver` (Celery's SOFTWARE_INFO), each short: a worker's, not a payload. */
function software(ident: unknown, version: unknown): string | null {
  const parts = [text(ident), text(version)].filter((part) => part !== null);
  const joined = parts.join(' ');
  return parts.length > 0 && joined.length <= 200 ? joined : null;
}
// Seconds since the epoch that a JavaScript Date (and so a DateTime) can hold.
const MAX_SECONDS = 8.64e12;

function decodeOne(value: unknown): CeleryEvent | null {
  if (typeof value !== 'object' || value === null) return null;
  const event = value as Record<string, unknown>;
  const seconds = number(event.timestamp);
  if (typeof event.type !== 'string' || seconds === null || Math.abs(seconds) > MAX_SECONDS) return null;
  const at = Math.round(seconds * 1000);
  // A node name is `name@host` (a DNS name is at most 253 bytes): a longer one is no worker's.
  if (WORKER_TYPES.has(event.type) && text(event.hostname) && (event.hostname as string).length <= 512) {
    return {
      kind: 'worker',
      type: event.type as WorkerEvent['type'],
      hostname: event.hostname as string,
      at,
      active: count(event.active),
      processed: count(event.processed),
      freq: interval(event.freq),
      loadAverage: loadAverage(event.loadavg),
      software: software(event.sw_ident, event.sw_ver),
    };
  }
  if (!TASK_TYPES.has(event.type) || !text(event.uuid)) return null;
  return {
    kind: 'task',
    type: event.type as TaskEventType,
    taskId: event.uuid as string,
    at,
    hostname: text(event.hostname),
    name: text(event.name),
    parentId: text(event.parent_id),
    rootId: text(event.root_id),
    retries: count(event.retries),
    queue: text(event.queue) ?? text(event.routing_key),
    runtime: number(event.runtime),
    exception: text(event.exception),
    kwargs: text(event.kwargs),
  };
}

/**
 * Most events one message may carry. A worker's EventDispatcher flushes its
 * `task.multi` batch at 24 (`buffer_limit`); a message of thousands is no
 * worker's, and recording it (seven commands an event) would hold the process
 * for seconds and gigabytes.
 */
export const MAX_EVENTS_PER_MESSAGE = 1000;

/** A message of more events than MAX_EVENTS_PER_MESSAGE: refused whole, nothing of it recorded. */
export class TooManyEventsError extends Error {
  constructor(readonly count: number) {
    super(`an event message of ${count} events; a worker sends at most ${MAX_EVENTS_PER_MESSAGE}`);
    this.name = 'TooManyEventsError';
  }
}

/** One message of the event exchange as a broker delivered it, not decoded yet. */
export type EventMessage =
  /** kombu's virtual transports (Redis): the JSON envelope, body and body encoding inside it. */
  | { readonly envelope: Buffer | string }
  /**
   * AMQP: the body as published, with the message properties' content_type
   * and content_encoding (kombu's json serializer: application/json, utf-8).
   */
  | { readonly body: Buffer; readonly contentType: string; readonly contentEncoding: string };

/** The decoded body of an event message, or null when it is not a kombu envelope of JSON. */
function bodyOf(message: Buffer | string): unknown {
  try {
    const envelope = JSON.parse(message.toString()) as { body?: unknown; properties?: { body_encoding?: unknown } };
    if (typeof envelope.body !== 'string') return null;
    const body =
      envelope.properties?.body_encoding === 'base64'
        ? Buffer.from(envelope.body, 'base64').toString('utf8')
        : envelope.body;
    return JSON.parse(body) as unknown;
  } catch {
    return null;
  }
}

/** The decoded body of an AMQP message, or null when it is not JSON (another serializer: pickle, msgpack). */
function amqpBodyOf(body: Buffer, contentType: string): unknown {
  // kombu names the serializer in content_type; an empty one is a raw body, JSON if anything.
  if (contentType !== '' && contentType !== 'application/json') return null;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

/**
 * Decodes one pub/sub message of the event exchange: a message that is not a
 * kombu envelope of JSON events gives no events. Throws only a
 * TooManyEventsError, for a batch larger than any worker sends.
 */
export function decodeEventMessage(message: Buffer | string): CeleryEvent[] {
  return eventsOf(bodyOf(message));
}

/** Decodes one message of the event exchange, whichever broker carried it (as decodeEventMessage). */
export function decodeEvents(message: EventMessage): CeleryEvent[] {
  return 'envelope' in message
    ? decodeEventMessage(message.envelope)
    : eventsOf(amqpBodyOf(message.body, message.contentType));
}

function eventsOf(decoded: unknown): CeleryEvent[] {
  if (decoded === null) return [];
  const events = Array.isArray(decoded) ? decoded : [decoded];
  if (events.length > MAX_EVENTS_PER_MESSAGE) throw new TooManyEventsError(events.length);
  return events.map(decodeOne).filter((event) => event !== null);
}

/** The pub/sub pattern of the event exchange on broker db `db`. */
export function eventChannelPattern(db: number): string {
  return `/${db}.celeryev/*`;
}
