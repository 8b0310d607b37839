/**
 * The Broker (broker/broker.ts) on RabbitMQ, as Celery's py-amqp transport
 * uses it (docs/brokers-and-stores.md, "RabbitMQ"):
 *
 * - a queue's length is the message count a passive queue.declare answers
 *   (messages ready, as a Redis list's length: not those a worker holds
 *   unacked), or the management API's (amqp-management.ts) with
 *   --broker-api; a queue with x-max-priority is one queue there, counted
 *   once; a queue that does not exist (no worker declared it yet) holds nothing;
 * - a queue cannot be read without taking its messages, so the search for a
 *   queued task finds none: a task is QUEUED from its task-sent event only;
 * - a revoke is the broadcast `app.control.revoke` publishes on the
 *   `celery.pidbox` fanout exchange;
 * - a send publishes the task message as `app.send_task` does (default
 *   exchange, the queue's name as routing key), mandatory and confirmed, so
 *   a message RabbitMQ could not route or refused is known to be unwritten;
 *   then its task-sent event on `celeryev`.
 *
 * Every failure to reach RabbitMQ is BROKER_UNAVAILABLE; no write to a
 * result key, ever.
 */
import type { Channel, ConfirmChannel } from 'amqplib';
import {
  type AmqpMessage,
  EVENT_EXCHANGE,
  amqpRevokeBroadcast,
  amqpTaskMessage,
  amqpTaskSentEvent,
} from '../../celery/amqp-messages.ts';
import type { Sender, TaskCall } from '../../celery/outgoing-messages.ts';
import { BrokerUnavailableError } from '../../errors/broker-unavailable-error.ts';
import type { Broker, BrokerHealth, BrokerMailbox, QueueLists, QueuedTasks } from '../broker.ts';
import { processSender } from '../process-sender.ts';
import { type AmqpConnection, bounded } from './amqp-connection.ts';
import { AmqpMailbox } from './amqp-mailbox.ts';
import type { AmqpEvents } from './amqp-events.ts';
import type { ManagementQueueCounts } from './amqp-management.ts';

export interface AmqpBrokerOptions {
  /** The queues celery-lens reads (and may send to). */
  readonly queues: readonly string[];
  /** Counts from the management HTTP API (--broker-api) instead of passive declares; null: none given. */
  readonly api?: ManagementQueueCounts | null;
}

/** RabbitMQ's reply code in an amqplib error ("Channel closed by server: 404 (NOT-FOUND) …"). */
export function replyCode(error: unknown): number | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'number') return code;
  const match = /\b(4\d\d|5\d\d)\b/.exec(String(error));
  return match ? Number(match[1]) : null;
}

const unavailable = (error: unknown) =>
  error instanceof BrokerUnavailableError
    ? error
    : new BrokerUnavailableError(error instanceof Error ? error.message : String(error), { cause: error });

/** RabbitMQ cannot be scanned: no queued message is ever found by id. */
const NOT_SCANNABLE: QueuedTasks = {
  find: async (ids) => ids.map(() => null),
  unsearched:
    'a RabbitMQ queue cannot be searched without taking its messages: a queued task shows only through its task-sent event (task_send_sent_event)',
};

/** Sent, confirmed, and whether RabbitMQ returned it unroutable. */
async function publishConfirmed(channel: ConfirmChannel, message: AmqpMessage): Promise<'routed' | 'returned'> {
  let returned = false;
  // A channel error (404: no such exchange; 403) closes the channel: the confirm then only says "channel closed".
  let closedBy: Error | null = null;
  const onReturn = () => {
    returned = true;
  };
  const onError = (error: Error) => {
    closedBy = error;
  };
  channel.on('return', onReturn).on('error', onError);
  const { exchange, routingKey, properties, body } = message;
  try {
    await new Promise<void>((resolve, reject) => {
      channel.publish(exchange, routingKey, body, { ...properties, mandatory: true }, (error: unknown) =>
        error ? reject(closedBy ?? (error instanceof Error ? error : new Error('nacked by RabbitMQ'))) : resolve(),
      );
    });
  } finally {
    channel.off('return', onReturn).off('error', onError);
  }
  // basic.return comes before the confirm of a message it returns.
  return returned ? 'returned' : 'routed';
}

export class AmqpBroker implements Broker {
  readonly queued: QueuedTasks = NOT_SCANNABLE;
  readonly mailbox: BrokerMailbox;
  readonly #sender: Sender;

  constructor(
    readonly connection: AmqpConnection,
    readonly options: AmqpBrokerOptions,
    /** Celery's events; null when this process does not consume them. */
    readonly events: AmqpEvents | null = null,
    sender: Sender = processSender(),
  ) {
    this.#sender = sender;
    this.mailbox = new AmqpMailbox(connection, sender);
  }

  health(): BrokerHealth {
    return { up: this.connection.up, reason: this.connection.reason };
  }

  async readQueues(): Promise<QueueLists[]> {
    return Promise.all(this.options.queues.map((name) => this.#readQueue(name)));
  }

  async #readQueue(name: string): Promise<QueueLists> {
    const length = await this.#messageCount(name);
    return { name, lists: [{ priority: 0, key: name, length, oldestTaskId: null }], wrongTypeKeys: [] };
  }

  /**
   * Messages ready in `queue` (passive declare: the queue is not created; or
   * the management API's count when --broker-api is given); 0 when it does
   * not exist.
   */
  async #messageCount(queue: string): Promise<number> {
    // A queue the API has no statistics for yet (declared within its interval) is asked on AMQP.
    const counted = (await this.options.api?.messageCount(queue)) ?? null;
    if (counted !== null) return counted;
    try {
      return await this.connection.withChannel(
        async (channel) => (await channel.checkQueue(queue)).messageCount,
        `queue.declare ${queue}`,
      );
    } catch (error) {
      if (replyCode(error) === 404) return 0;
      throw unavailable(error);
    }
  }

  /** Publishes the broadcast; resolves with 1 when some worker's pidbox queue got it, 0 when none is bound. */
  async revoke(ids: readonly string[], terminate: boolean, signal: string): Promise<number> {
    const message = amqpRevokeBroadcast(ids, terminate, signal, this.#sender);
    try {
      const routed = await this.#confirmed((channel) => publishConfirmed(channel, message), 'revoke');
      return routed === 'routed' ? 1 : 0;
    } catch (error) {
      // No celery.pidbox exchange: no worker has declared it since RabbitMQ started (kombu's is not durable): nobody to tell.
      if (replyCode(error) === 404) return 0;
      throw unavailable(error);
    }
  }

  async sendTask(call: TaskCall, refused: () => Promise<unknown>): Promise<void> {
    let channel: ConfirmChannel | null = null;
    let written: 'routed' | 'returned';
    try {
      await this.#ensureQueue(call.queue);
      channel = await this.connection.confirmChannel();
      const confirm = channel;
      written = await bounded(
        publishConfirmed(confirm, amqpTaskMessage(call, this.#sender)),
        this.connection.timeoutMs,
        'publish',
      );
    } catch (error) {
      channel?.close().catch(() => {});
      // Down before it was sent, refused (403) or nacked: not written. A timeout may have written it.
      const code = replyCode(error);
      const notWritten = !/no answer to/.test(String(error)) && (code === null || code >= 400);
      if (notWritten) await refused();
      throw unavailable(error);
    }
    if (written === 'returned') {
      channel.close().catch(() => {});
      await refused();
      throw new BrokerUnavailableError(`RabbitMQ could not route the task message to queue "${call.queue}"`);
    }
    await this.#announce(call, channel);
  }

  /** The queue as kombu declares a missing one when sending (durable, bound to a direct exchange of its name). */
  async #ensureQueue(queue: string): Promise<void> {
    try {
      await this.connection.withChannel((channel) => channel.checkQueue(queue), `queue.declare ${queue}`);
      return;
    } catch (error) {
      if (replyCode(error) !== 404) throw error;
    }
    await this.connection.withChannel(async (channel: Channel) => {
      await channel.assertExchange(queue, 'direct', { durable: true });
      await channel.assertQueue(queue, { durable: true });
      await channel.bindQueue(queue, queue, queue);
    }, `declare ${queue}`);
  }

  /** The task-sent event, on the channel the message went by; declares `celeryev` as Celery's EventDispatcher does when no worker has yet. */
  async #announce(call: TaskCall, channel: ConfirmChannel): Promise<void> {
    const event = amqpTaskSentEvent(call, this.#sender);
    try {
      await bounded(publishConfirmed(channel, event), this.connection.timeoutMs, 'task-sent');
      return;
    } catch (error) {
      if (replyCode(error) !== 404) throw unavailable(error);
    } finally {
      channel.close().catch(() => {});
    }
    try {
      await this.connection.withChannel(
        (declaring) => declaring.assertExchange(EVENT_EXCHANGE, 'topic', { durable: true }),
        'declare celeryev',
      );
      await this.#confirmed((again) => publishConfirmed(again, event), 'task-sent');
    } catch (error) {
      throw unavailable(error);
    }
  }

  async #confirmed<T>(work: (channel: ConfirmChannel) => Promise<T>, what: string): Promise<T> {
    const channel = await this.connection.confirmChannel();
    try {
      return await bounded(work(channel), this.connection.timeoutMs, what);
    } finally {
      channel.close().catch(() => {});
    }
  }
}
