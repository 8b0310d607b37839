/**
 * Celery's remote-control mailbox on RabbitMQ (BrokerMailbox,
 * broker/broker.ts), as kombu's Mailbox uses it over py-amqp: each broadcast
 * that wants replies declares a reply queue of its own (exclusive,
 * auto-deleted, expiring after 10 s as kombu's `reply_queue_expires`) bound
 * to the direct exchange `reply.celery.pidbox` under a fresh oid, consumes
 * it, publishes the command on the `celery.pidbox` fanout, and deletes the
 * queue (closing its channel) once the answers are in or the time is up.
 * No `celery.pidbox` exchange (no worker declared it since RabbitMQ started):
 * nobody to ask, no answer.
 */
import { randomUUID } from 'node:crypto';
import type { Channel, ConsumeMessage } from 'amqplib';
import { amqpCommand } from '../../celery/amqp-messages.ts';
import type { Sender } from '../../celery/outgoing-messages.ts';
import { type PidboxCommand, REPLY_EXCHANGE, type WorkerAnswer, replyOf } from '../../celery/pidbox.ts';
import { BrokerUnavailableError } from '../../errors/broker-unavailable-error.ts';
import type { BrokerMailbox, CallOptions } from '../broker.ts';
import { type AmqpConnection, bounded } from './amqp-connection.ts';

/** What every reply queue's name starts with (then the oid and `.reply.celery.pidbox`): its own, for permissions. */
export const REPLY_QUEUE_PREFIX = 'celery-lens.';

/** kombu's reply_queue_expires (s), as x-expires (ms): a queue left by a process that died goes away. */
const REPLY_QUEUE_EXPIRES_MS = 10_000;

/** RabbitMQ's reply code in an amqplib error, when it names one. */
const codeOf = (error: unknown) => /\b(4\d\d|5\d\d)\b/.exec(String(error))?.[1] ?? null;

export class AmqpMailbox implements BrokerMailbox {
  constructor(
    readonly connection: AmqpConnection,
    readonly sender: Sender,
  ) {}

  async call(command: PidboxCommand, options: CallOptions): Promise<WorkerAnswer[]> {
    const oid = randomUUID();
    const ticket = randomUUID();
    const queue = `${REPLY_QUEUE_PREFIX}${oid}.${REPLY_EXCHANGE}`;
    const channel = await this.connection.channel();
    try {
      await bounded(this.#bind(channel, queue, oid), this.connection.timeoutMs, 'reply queue');
      const answers: WorkerAnswer[] = [];
      const expected = options.expect ?? command.destination;
      const expect = expected && expected.length > 0 ? new Set(expected) : null;
      let done: () => void = () => {};
      const finished = new Promise<void>((resolve) => {
        done = resolve;
      });
      const timer = setTimeout(() => done(), options.timeoutMs);
      await channel.consume(
        queue,
        (message: ConsumeMessage | null) => {
          if (message === null) return done();
          let reply: ReturnType<typeof replyOf>;
          try {
            reply = replyOf(message.content.toString('utf8'), message.properties.headers);
          } catch {
            return; // not a reply kombu wrote
          }
          if (reply.ticket !== ticket) return;
          for (const answer of reply.answers)
            if (!answers.some((a) => a.hostname === answer.hostname)) answers.push(answer);
          if (expect && [...expect].every((name) => answers.some((a) => a.hostname === name))) done();
        },
        { noAck: true },
      );
      const published = await this.#publish(channel, amqpCommand(command, { ticket, oid }, this.sender));
      if (published) await finished;
      clearTimeout(timer);
      return answers;
    } catch (error) {
      throw error instanceof BrokerUnavailableError
        ? error
        : new BrokerUnavailableError(String(error), { cause: error });
    } finally {
      // The queue is exclusive and auto-deleted: closing the channel (its consumer) deletes it.
      channel.close().catch(() => {});
    }
  }

  async cast(command: PidboxCommand): Promise<void> {
    const channel = await this.connection.channel();
    try {
      await this.#publish(channel, amqpCommand(command, null, this.sender));
    } finally {
      channel.close().catch(() => {});
    }
  }

  async close(): Promise<void> {}

  async #bind(channel: Channel, queue: string, oid: string): Promise<void> {
    // As kombu declares it: a transient direct exchange; an existing one with these arguments is reused.
    await channel.assertExchange(REPLY_EXCHANGE, 'direct', { durable: false, autoDelete: false });
    await channel.assertQueue(queue, {
      exclusive: true,
      autoDelete: true,
      durable: false,
      arguments: { 'x-expires': REPLY_QUEUE_EXPIRES_MS },
    });
    await channel.bindQueue(queue, REPLY_EXCHANGE, oid);
  }

  /** Publishes on the pidbox fanout; false when it does not exist (no worker declared it: nobody to ask). */
  async #publish(channel: Channel, message: ReturnType<typeof amqpCommand>): Promise<boolean> {
    try {
      await bounded(
        channel.checkExchange(message.exchange).then(() => {
          channel.publish(message.exchange, message.routingKey, message.body, message.properties);
        }),
        this.connection.timeoutMs,
        'publish',
      );
      return true;
    } catch (error) {
      if (codeOf(error) === '404') return false;
      throw error;
    }
  }
}
