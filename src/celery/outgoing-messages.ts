/**
 * Messages celery-lens puts on the broker for the control mutations, built
 * byte for byte as Celery 5.2.6 and kombu write them (captured with MONITOR;
 * docs/celery-wire-format.md, "Messages celery-lens sends"):
 *
 * - a task message, protocol 2, JSON serializer: what `app.send_task` LPUSHes
 *   on the queue's list (or its priority sub-queue);
 * - its `task-sent` event, PUBLISHed on `/<db>.celeryev/task.sent`;
 * - a revoke broadcast, what `app.control.revoke` PUBLISHes on the pidbox
 *   fanout channel `/<db>.celery.pidbox` for every worker.
 *
 * Only the fields Celery fills from its own process differ (origin, pid,
 * reply_to, delivery tags, clock and timestamps). Nothing here talks to Redis.
 */
import { pythonJson, saferepr } from './python-text.ts';

/** What one send_task call sets. */
export interface TaskCall {
  readonly id: string;
  readonly name: string;
  readonly args: readonly unknown[];
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly queue: string;
  readonly eta: Date | null;
  readonly expires: Date | null;
  /** 0–9, kombu's range on Redis; null leaves it unset (0). */
  readonly priority: number | null;
}

/** What Celery takes from the sending process. */
export interface Sender {
  /** `gen<pid>@<hostname>`, Celery's anon_nodename(). */
  readonly nodename: string;
  readonly pid: number;
  /** The app's reply-to oid (a uuid). */
  readonly replyTo: string;
  /** A new uuid per message. */
  deliveryTag(): string;
  /** The next value of the Lamport clock. */
  tick(): number;
  now(): Date;
}

/**
 * Deepest args or kwargs a task message may carry (the list or object itself
 * is one level). Python's json and pickle recurse once or twice per level
 * against sys.getrecursionlimit() (1,000), minus the stack already in use:
 * measured with Celery 5.2.6 on Python 3.11 (an echo task, JSON serializer),
 * a prefork worker pickles the decoded arguments for its pool process and
 * dies ("Unrecoverable error: RecursionError") from 478 levels on; a threads
 * worker cannot decode the message from 960 on, and the task stays
 * PENDING. A fifth of the lower figure leaves room for deeper stacks (other
 * pools, instrumentation) and for the result and extended meta a task
 * stores from its arguments.
 */
export const MAX_ARGUMENT_DEPTH = 100;

/** Celery's argsrepr_maxsize and kwargsrepr_maxsize. */
const REPR_MAXSIZE = 1024;
/** How long a broadcast is valid, in seconds: Celery's default `timeout` of control calls. */
const BROADCAST_EXPIRES_SECONDS = 1;

/** Linux signal names Celery's `signum()` resolves (`TERM` or `SIGTERM`). */
export const SIGNALS: ReadonlySet<string> = new Set([
  'HUP',
  'INT',
  'QUIT',
  'ILL',
  'TRAP',
  'ABRT',
  'BUS',
  'FPE',
  'KILL',
  'USR1',
  'SEGV',
  'USR2',
  'PIPE',
  'ALRM',
  'TERM',
  'CHLD',
  'CONT',
  'STOP',
  'TSTP',
  'TTIN',
  'TTOU',
  'URG',
  'XCPU',
  'XFSZ',
  'VTALRM',
  'PROF',
  'WINCH',
  'IO',
  'PWR',
  'SYS',
]);

/** `SIGTERM` for `TERM` or `SIGTERM`; null for a name Celery would refuse. */
export function signalName(name: string): string | null {
  const bare = name.startsWith('SIG') ? name.slice(3) : name;
  return SIGNALS.has(bare) ? `SIG${bare}` : null;
}

export const pidboxChannel = (db: number) => `/${db}.celery.pidbox`;
export const taskSentChannel = (db: number) => `/${db}.celeryev/task.sent`;

/** datetime.isoformat() of an aware UTC datetime: microseconds only when not zero. */
export function isoformat(date: Date): string {
  const text = date.toISOString();
  const ms = date.getUTCMilliseconds();
  return `${text.slice(0, 19)}${ms === 0 ? '' : `.${String(ms * 1000).padStart(6, '0')}`}+00:00`;
}

const base64 = (json: string) => Buffer.from(json).toString('base64');
export const epochSeconds = (date: Date) => date.getTime() / 1000;

/** kombu's envelope on a Redis list or channel, around a body already serialized. */
export function envelope(body: string, headers: object, properties: object): string {
  return pythonJson({
    body: base64(body),
    'content-encoding': 'utf-8',
    'content-type': 'application/json',
    headers,
    properties,
  });
}

/** The headers of `app.send_task`'s protocol-2 message, in Celery's order (the AMQP transport sends them as a table). */
export function taskHeaders(call: TaskCall, sender: Sender) {
  return {
    lang: 'py',
    task: call.name,
    id: call.id,
    shadow: null,
    eta: call.eta && isoformat(call.eta),
    expires: call.expires && isoformat(call.expires),
    group: null,
    group_index: null,
    retries: 0,
    timelimit: [null, null],
    root_id: call.id,
    parent_id: null,
    argsrepr: saferepr(call.args, REPR_MAXSIZE),
    kwargsrepr: saferepr(call.kwargs, REPR_MAXSIZE),
    origin: sender.nodename,
    ignore_result: false,
  };
}

/** kombu's `expiration` property: ms left until `expires`, as a string; null without expires. */
export function taskExpiration(call: TaskCall, sender: Sender): string | null {
  return call.expires && String(Math.trunc(Math.max(0, call.expires.getTime() - sender.now().getTime())));
}

/** The protocol-2 body: `[args, kwargs, embed]`, JSON as Python's json.dumps writes it. */
export function taskBody(call: TaskCall): string {
  const embed = { callbacks: null, errbacks: null, chain: null, chord: null };
  return pythonJson([call.args, call.kwargs, embed]);
}

/** The task message `app.send_task(name, args, kwargs, …)` LPUSHes. */
export function taskMessage(call: TaskCall, sender: Sender): string {
  const headers = taskHeaders(call, sender);
  // kombu writes `expiration` (ms left, as a string) between delivery_mode and delivery_info.
  const expiration = taskExpiration(call, sender);
  const properties = {
    correlation_id: call.id,
    reply_to: sender.replyTo,
    delivery_mode: 2,
    ...(expiration === null ? {} : { expiration }),
    delivery_info: { exchange: '', routing_key: call.queue },
    priority: call.priority ?? 0,
    body_encoding: 'base64',
    delivery_tag: sender.deliveryTag(),
  };
  return envelope(taskBody(call), headers, properties);
}

/** The body of the `task-sent` event the sending process publishes (task_send_sent_event). */
export function taskSentBody(call: TaskCall, sender: Sender) {
  return {
    hostname: sender.nodename,
    utcoffset: Math.floor(sender.now().getTimezoneOffset() / 60),
    pid: sender.pid,
    clock: sender.tick(),
    uuid: call.id,
    root_id: call.id,
    parent_id: null,
    name: call.name,
    args: saferepr(call.args, REPR_MAXSIZE),
    kwargs: saferepr(call.kwargs, REPR_MAXSIZE),
    retries: 0,
    eta: call.eta && isoformat(call.eta),
    expires: call.expires && isoformat(call.expires),
    queue: call.queue,
    exchange: '',
    routing_key: call.queue,
    timestamp: epochSeconds(sender.now()),
    type: 'task-sent',
  };
}

/** The `task-sent` event the sending process publishes (task_send_sent_event). */
export function taskSentEvent(call: TaskCall, sender: Sender): string {
  const body = pythonJson(taskSentBody(call, sender));
  const properties = {
    delivery_mode: 1,
    delivery_info: { exchange: 'celeryev', routing_key: 'task.sent' },
    priority: 0,
    body_encoding: 'base64',
    delivery_tag: sender.deliveryTag(),
  };
  return envelope(body, { hostname: sender.nodename }, properties);
}

/** The body of the broadcast `app.control.revoke(ids, terminate=…, signal=…)` sends; one id is sent as a string. */
export function revokeBody(ids: readonly string[], terminate: boolean, signal: string) {
  return {
    method: 'revoke',
    arguments: { task_id: ids.length === 1 ? ids[0] : ids, terminate, signal },
    destination: null,
    pattern: null,
    matcher: null,
  };
}

/** A broadcast's headers: the sender's clock, and when it expires (epoch seconds, a float). */
export function broadcastHeaders(sender: Sender): { clock: number; expires: number } {
  return { clock: sender.tick(), expires: epochSeconds(sender.now()) + BROADCAST_EXPIRES_SECONDS };
}

/** The broadcast `app.control.revoke(ids, terminate=…, signal=…)` publishes; one id is sent as a string. */
export function revokeBroadcast(ids: readonly string[], terminate: boolean, signal: string, sender: Sender): string {
  return pidboxEnvelope(revokeBody(ids, terminate, signal), sender);
}

/** `body` as kombu's Mailbox._publish broadcasts it on `/<db>.celery.pidbox` (revoke, inspect and control alike). */
export function pidboxEnvelope(body: unknown, sender: Sender): string {
  const properties = {
    delivery_mode: 2,
    delivery_info: { exchange: 'celery.pidbox', routing_key: '' },
    priority: 0,
    body_encoding: 'base64',
    delivery_tag: sender.deliveryTag(),
  };
  return envelope(pythonJson(body), broadcastHeaders(sender), properties);
}
