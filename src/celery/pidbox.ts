/**
 * Celery's remote-control mailbox (kombu's pidbox, kombu/pidbox.py in 5.2.4)
 * as a client that wants replies uses it on the Redis transport; captured
 * with MONITOR from `app.control.inspect().active()` and
 * `app.control.pool_grow(1, reply=True)` against Celery 5.2.6
 * (docs/celery-wire-format.md, "Inspect and worker control"):
 *
 * - the command is PUBLISHed on the fanout channel `/<db>.celery.pidbox`,
 *   its body `{method, arguments, destination, pattern, matcher, ticket,
 *   reply_to: {exchange: "reply.celery.pidbox", routing_key: <oid>}}`;
 * - the reply queue is bound to the direct exchange `reply.celery.pidbox` by
 *   a member `<oid>\x06\x16\x06\x16<queue>` of the set
 *   `_kombu.binding.reply.celery.pidbox`: each worker reads that set and
 *   LPUSHes its reply on the list `<queue>` of every member whose routing key
 *   is the command's `reply_to.routing_key` (no member: the reply is dropped);
 * - a reply is a kombu envelope whose headers carry the command's `ticket`
 *   and whose body is `{<hostname>: <what the command returned>}`.
 *
 * Nothing here talks to Redis.
 */
import { type Sender, pidboxEnvelope } from './outgoing-messages.ts';

/** kombu's direct exchange for replies, and the set that binds queues to it. */
export const REPLY_EXCHANGE = 'reply.celery.pidbox';
export const REPLY_BINDING_KEY = `_kombu.binding.${REPLY_EXCHANGE}`;
/** kombu's separator between a binding's routing key, pattern and queue. */
const BINDING_SEP = '\x06\x16';

/** The member of REPLY_BINDING_KEY that routes replies for `oid` to the list `queue` (no pattern). */
export const replyBinding = (oid: string, queue: string) => [oid, '', queue].join(BINDING_SEP);

/** One remote-control command: the name of a handler in celery/worker/control.py and its keyword arguments. */
export interface PidboxCommand {
  readonly method: string;
  readonly arguments: Readonly<Record<string, unknown>>;
  /** Node names that should act; null for every worker. */
  readonly destination: readonly string[] | null;
}

/** Where replies go: the ticket they carry back, and the routing key (oid) of the reply queue's binding. */
export interface ReplyTo {
  readonly ticket: string;
  readonly oid: string;
}

/** The body kombu's Mailbox._publish writes: a ticket and reply_to only when replies are wanted. */
export function commandBody(command: PidboxCommand, reply: ReplyTo | null) {
  return {
    method: command.method,
    arguments: command.arguments,
    destination: command.destination,
    pattern: null,
    matcher: null,
    ...(reply ? { ticket: reply.ticket, reply_to: { exchange: REPLY_EXCHANGE, routing_key: reply.oid } } : {}),
  };
}

/** The message PUBLISHed on `/<db>.celery.pidbox` for `command`. */
export function commandMessage(command: PidboxCommand, reply: ReplyTo | null, sender: Sender): string {
  return pidboxEnvelope(commandBody(command, reply), sender);
}

/** One worker's answer to one command. */
export interface WorkerAnswer {
  readonly hostname: string;
  /** What the handler returned, as JSON decoded it (`{"error": …}` when it raised). */
  readonly value: unknown;
}

/** A reply message, decoded: the ticket of the command it answers (null if it carries none) and its answers. */
export interface PidboxReply {
  readonly ticket: string | null;
  readonly answers: readonly WorkerAnswer[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A reply as a worker LPUSHed it on Redis (kombu's envelope); throws with an exact message when it is not one. */
export function decodeReply(raw: string): PidboxReply {
  const message: unknown = JSON.parse(raw);
  if (!isObject(message)) throw new Error(`a pidbox reply is expected to be a JSON object, got ${typeof message}`);
  if (typeof message.body !== 'string') throw new Error('a pidbox reply is expected to carry a string body');
  const properties = isObject(message.properties) ? message.properties : {};
  const text =
    properties.body_encoding === 'base64' ? Buffer.from(message.body, 'base64').toString('utf8') : message.body;
  if (message['content-type'] !== undefined && message['content-type'] !== 'application/json') {
    throw new Error(`a pidbox reply is expected to be application/json, got ${String(message['content-type'])}`);
  }
  return replyOf(text, message.headers);
}

/**
 * A reply from its JSON body and its headers (on RabbitMQ, the AMQP
 * message's own: no envelope); throws with an exact message when it is not one.
 */
export function replyOf(body: string, headers: unknown): PidboxReply {
  const answers: unknown = JSON.parse(body);
  if (!isObject(answers)) throw new Error('a pidbox reply body is expected to be an object of hostname to answer');
  const ticket = isObject(headers) ? headers.ticket : undefined;
  return {
    ticket: typeof ticket === 'string' ? ticket : null,
    answers: Object.entries(answers).map(([hostname, value]) => ({ hostname, value })),
  };
}

/** A control command's answer (`ok(…)` / `nok(…)` in celery/worker/control.py, or the error a handler raised). */
export interface ControlAnswer {
  readonly ok: boolean;
  readonly message: string | null;
}

export function controlAnswer(value: unknown): ControlAnswer {
  if (isObject(value) && 'error' in value) return { ok: false, message: String(value.error) };
  if (isObject(value) && 'ok' in value) return { ok: true, message: String(value.ok) };
  return { ok: true, message: value === null || value === undefined ? null : JSON.stringify(value) };
}
