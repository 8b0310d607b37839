/**
 * Celery's messages as they cross a RabbitMQ broker (kombu over py-amqp;
 * docs/celery-wire-format.md, "On a RabbitMQ broker"). No envelope as on
 * Redis: what kombu keeps in its JSON envelope there is AMQP's own here, the
 * body is the serialized payload as is (no base64), and the headers are an
 * AMQP field table.
 *
 * - events: `celeryev` (topic), routing key `task.sent`, `task.multi`,
 *   `worker.heartbeat`…; content type application/json, encoding utf-8; the
 *   body is one event or a list of them (decoded by events.ts);
 * - a task message (protocol 2): published on the default exchange with the
 *   queue's name as routing key; headers as on Redis, properties
 *   content_type, content_encoding, headers, delivery_mode 2, priority (when
 *   given), correlation_id (the id), reply_to, and expiration (ms left) with
 *   expires;
 * - its task-sent event: headers `{hostname}`, delivery_mode 1, priority 0;
 * - a revoke broadcast: `celery.pidbox` (fanout), routing key '', headers
 *   `{clock, expires}`, delivery_mode 2, priority 0.
 *
 * The byte layout of the headers follows py-amqp's encoder (amqp/serialization.py):
 * a Python int is a signed 32-bit 'I', a float a double 'd', None 'V', a
 * list 'A', a str 'S'. Values are tagged here so the client writes those
 * types, not the smallest that holds the number. Nothing here talks to RabbitMQ.
 */
import {
  type Sender,
  type TaskCall,
  broadcastHeaders,
  revokeBody,
  taskBody,
  taskExpiration,
  taskHeaders,
  taskSentBody,
} from './outgoing-messages.ts';
import { type PidboxCommand, type ReplyTo, commandBody } from './pidbox.ts';
import { pythonJson } from './python-text.ts';

/** A header value with its AMQP field type named (amqplib's `{'!': type, value}` form). */
export interface TypedValue {
  readonly '!': 'int' | 'double';
  readonly value: number;
}

/** The basic properties of one message, named as amqplib names them. */
export interface AmqpProperties {
  readonly contentType: string;
  readonly contentEncoding: string;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly deliveryMode: 1 | 2;
  readonly priority?: number;
  readonly correlationId?: string;
  readonly replyTo?: string;
  readonly expiration?: string;
}

/** One message to publish: where, with which properties, and its body. */
export interface AmqpMessage {
  readonly exchange: string;
  readonly routingKey: string;
  readonly properties: AmqpProperties;
  readonly body: Buffer;
}

export const EVENT_EXCHANGE = 'celeryev';
export const PIDBOX_EXCHANGE = 'celery.pidbox';
/** The routing keys Celery's EventReceiver binds to catch every task and worker event. */
export const EVENT_BINDINGS = ['task.#', 'worker.#'] as const;

const JSON_TYPE = 'application/json';
const int = (value: number): TypedValue => ({ '!': 'int', value });
const double = (value: number): TypedValue => ({ '!': 'double', value });
const json = (value: unknown) => Buffer.from(pythonJson(value), 'utf8');

/** The headers with Python's ints tagged as py-amqp writes them ('I'), recursively. */
function pythonTable(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? int(value) : double(value);
  if (Array.isArray(value)) return value.map(pythonTable);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, pythonTable(item)]));
  return value;
}

/** The message `app.send_task(name, …)` publishes through py-amqp. */
export function amqpTaskMessage(call: TaskCall, sender: Sender): AmqpMessage {
  const headers = pythonTable(taskHeaders(call, sender)) as Record<string, unknown>;
  const expiration = taskExpiration(call, sender);
  return {
    exchange: '',
    routingKey: call.queue,
    properties: {
      contentType: JSON_TYPE,
      contentEncoding: 'utf-8',
      headers,
      deliveryMode: 2,
      // send_task(queue=…) without a priority sends none (kombu's default 0 comes only through the default route).
      ...(call.priority === null ? {} : { priority: call.priority }),
      correlationId: call.id,
      replyTo: sender.replyTo,
      ...(expiration === null ? {} : { expiration }),
    },
    body: Buffer.from(taskBody(call), 'utf8'),
  };
}

/** Its task-sent event, as the sending process publishes it (task_send_sent_event). */
export function amqpTaskSentEvent(call: TaskCall, sender: Sender): AmqpMessage {
  const body = json(taskSentBody(call, sender));
  return {
    exchange: EVENT_EXCHANGE,
    routingKey: 'task.sent',
    properties: {
      contentType: JSON_TYPE,
      contentEncoding: 'utf-8',
      headers: { hostname: sender.nodename },
      deliveryMode: 1,
      priority: 0,
    },
    body,
  };
}

/** The broadcast `app.control.revoke(ids, terminate=…, signal=…)` publishes on the pidbox fanout. */
export function amqpRevokeBroadcast(
  ids: readonly string[],
  terminate: boolean,
  signal: string,
  sender: Sender,
): AmqpMessage {
  return pidboxBroadcast(revokeBody(ids, terminate, signal), sender);
}

/** An inspect or control command on the pidbox fanout, as kombu's Mailbox._publish sends it (revoke's properties). */
export function amqpCommand(command: PidboxCommand, reply: ReplyTo | null, sender: Sender): AmqpMessage {
  return pidboxBroadcast(commandBody(command, reply), sender);
}

/** `body` on the pidbox fanout with the properties kombu's Mailbox._publish gives every broadcast. */
function pidboxBroadcast(body: unknown, sender: Sender): AmqpMessage {
  const { clock, expires } = broadcastHeaders(sender);
  return {
    exchange: PIDBOX_EXCHANGE,
    routingKey: '',
    properties: {
      contentType: JSON_TYPE,
      contentEncoding: 'utf-8',
      // time() + timeout is a Python float even when whole.
      headers: { clock: int(clock), expires: double(expires) },
      deliveryMode: 2,
      priority: 0,
    },
    body: json(body),
  };
}
