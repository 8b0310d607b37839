/**
 * The RabbitMQ permissions celery-lens needs on the broker's vhost, and no
 * more, as the three regexes of `rabbitmqctl set_permissions` (configure,
 * write, read; RabbitMQ's access-control guide has what each AMQP method
 * needs). `celery-lens acl` prints them with the Redis rule.
 *
 * Always, for Celery's events: its own event queue (`celeryev.celery-lens.*`:
 * declare it, bind it, consume it) and read on the `celeryev` exchange (bind
 * to it; it is checked passively, and declared only by a user allowed to). Queue lengths take no
 * right: a passive queue.declare is not checked. Nothing on Celery's task
 * queues and exchanges.
 *
 * With --control true, also: write on the default exchange (task messages
 * go there, routed by the queue's name), on `celery.pidbox` (the revoke
 * broadcast) and on `celeryev` (the task-sent event); and, for a --queues
 * queue or `celeryev` no worker has declared yet, what declaring them as
 * Celery's client does takes (configure on them, write on the queue and read
 * on its exchange to bind them); and for inspect and worker control, each
 * broadcast's reply queue (`celery-lens.<oid>.reply.celery.pidbox`: declare,
 * bind, consume) and `reply.celery.pidbox` (declare, bind to).
 */
import { EVENT_EXCHANGE, PIDBOX_EXCHANGE } from '../../celery/amqp-messages.ts';
import { REPLY_EXCHANGE } from '../../celery/pidbox.ts';
import { EVENT_QUEUE_PREFIX } from './amqp-events.ts';
import { REPLY_QUEUE_PREFIX } from './amqp-mailbox.ts';

export interface AmqpPermissions {
  readonly configure: string;
  readonly write: string;
  readonly read: string;
}

export interface AmqpPermissionsConfig {
  readonly queues: readonly string[];
  readonly control: boolean;
}

/** A name as a regex (RabbitMQ's PCRE): its special characters escaped. */
const escape = (name: string) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** Alternatives of a regex matching exactly these names. */
const alternatives = (names: readonly string[]) => [...new Set(names)].map(escape).join('|');

/** The reply queues of inspect and worker control (amqp-mailbox.ts): `celery-lens.<oid>.reply.celery.pidbox`. */
const REPLY_QUEUES = `${escape(REPLY_QUEUE_PREFIX)}[^.]+${escape(`.${REPLY_EXCHANGE}`)}`;

export function amqpPermissions({ queues, control }: AmqpPermissionsConfig): AmqpPermissions {
  const own = `${escape(EVENT_QUEUE_PREFIX)}.*`;
  if (!control) {
    return { configure: `^${own}$`, write: `^${own}$`, read: `^(${escape(EVENT_EXCHANGE)}|${own})$` };
  }
  // A queue kombu creates on send is bound to a direct exchange of its own name: one name, both kinds.
  // Inspect and worker control: each broadcast's reply queue (declare, bind, consume) and reply.celery.pidbox (declare, bind to).
  const names = (extra: readonly string[]) => `^(${own}|${REPLY_QUEUES}|${alternatives(extra)})$`;
  return {
    configure: names([EVENT_EXCHANGE, REPLY_EXCHANGE, ...queues]),
    write: names(['amq.default', PIDBOX_EXCHANGE, EVENT_EXCHANGE, ...queues]),
    read: names([EVENT_EXCHANGE, REPLY_EXCHANGE, ...queues]),
  };
}

/** The command an operator runs, user and vhost filled in. */
export function setPermissionsCommand(vhost: string, user: string, permissions: AmqpPermissions): string {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  return [
    'rabbitmqctl',
    'set_permissions',
    '-p',
    quote(vhost),
    quote(user),
    ...[permissions.configure, permissions.write, permissions.read].map(quote),
  ].join(' ');
}
