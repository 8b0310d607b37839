/**
 * Celery's events on RabbitMQ, heard as Celery's own EventReceiver hears
 * them (celery/events/receiver.py): a queue of this process' own, bound to
 * the `celeryev` topic exchange with `task.#` and `worker.#`, declared with
 * Celery's event_queue_ttl (x-message-ttl: an event not taken within 5 s is
 * dropped) and event_queue_expires (x-expires: a queue nobody consumes for
 * 60 s is deleted) and auto-delete: a stopped or crashed celery-lens leaves
 * nothing growing in RabbitMQ. Every replica declares its own queue, so each
 * hears every event, as with Redis pub/sub.
 *
 * The exchange is checked passively first: a least-privilege user reads
 * `celeryev` and needs no configure right on it. When no worker with events
 * on (`-E`) has declared it yet, it is declared as Celery does, or, when
 * that is refused (no configure right), the check is retried every second.
 *
 * On every (re)connection the queue is declared and bound again and
 * consumed; events published meanwhile are lost (at most once), which the
 * sink is told as a gap. Messages are acked once the sink has handled them,
 * so at most `prefetch` wait in this process: a slower consumer leaves the
 * rest in RabbitMQ (where event_queue_ttl bounds them).
 */
import { randomUUID } from 'node:crypto';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { EVENT_BINDINGS, EVENT_EXCHANGE } from '../../celery/amqp-messages.ts';
import type { BrokerEvents, BrokerHealth, EventBatch, EventSink } from '../broker.ts';
import type { AmqpConnection } from './amqp-connection.ts';

export interface AmqpEventsOptions {
  /** Celery's event_queue_ttl, in ms. @default 5_000 */
  readonly queueTtlMs?: number;
  /** Celery's event_queue_expires, in ms. @default 60_000 */
  readonly queueExpiresMs?: number;
  /** Messages delivered and not handled yet, at most. @default 1_000 */
  readonly prefetch?: number;
  /** How long to wait before declaring again after a refusal (no exchange yet, 403), in ms. @default 1_000 */
  readonly retryMs?: number;
}

/** The prefix of every celery-lens event queue (`rabbitmqctl set_permissions` regexes name it: acl.ts). */
export const EVENT_QUEUE_PREFIX = 'celeryev.celery-lens.';

export class AmqpEvents implements BrokerEvents {
  /** This process' queue: one name for its whole life, so its permissions can be granted by prefix. */
  readonly queue = `${EVENT_QUEUE_PREFIX}${randomUUID()}`;
  readonly #options: Required<AmqpEventsOptions>;
  #sink: EventSink | null = null;
  /** Bumped by every (re)setup: a stale channel's deliveries, acks and closes are ignored. */
  #generation = 0;
  #consumedOnce = false;
  #consuming = false;
  /** The last setup found no `celeryev` exchange (no worker with events has declared it yet). */
  #noExchange = false;
  /** Whether RabbitMQ lets this user declare `celeryev` (null: not asked yet). */
  #mayDeclare: boolean | null = null;
  #retry: NodeJS.Timeout | null = null;
  #pending: { message: ConsumeMessage; channel: Channel; generation: number }[] = [];

  constructor(
    readonly connection: AmqpConnection,
    options: AmqpEventsOptions = {},
  ) {
    this.#options = { queueTtlMs: 5_000, queueExpiresMs: 60_000, prefetch: 1_000, retryMs: 1_000, ...options };
  }

  /**
   * Up while consuming, and also while waiting for a worker to declare
   * `celeryev`: until one has, there is no event to miss (a process started
   * before its workers is ready).
   */
  health(): BrokerHealth {
    const up = this.connection.up && (this.#consuming || this.#noExchange);
    return { up, reason: up ? null : (this.connection.reason ?? 'not consuming the celeryev exchange yet') };
  }

  subscribe(sink: EventSink): () => void {
    this.#sink = sink;
    this.connection.onConnect((model) => {
      this.#setup(model).catch(() => {}); // #setup handles its own failures
    });
    this.connection.onDisconnect(() => this.#lost());
    return () => {
      this.#sink = null;
      this.#generation += 1;
      this.#consuming = false;
      if (this.#retry) clearTimeout(this.#retry);
    };
  }

  #lost(): void {
    this.#generation += 1;
    if (this.#consuming) this.#sink?.state(false);
    this.#consuming = false;
  }

  async #setup(model: ChannelModel, declared = false): Promise<void> {
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    const generation = ++this.#generation;
    let channel: Channel | null = null;
    try {
      channel = await model.createChannel();
      channel.on('error', () => {});
      const opened = channel;
      opened.on('close', () => this.#closed(generation));
      await this.#declare(opened);
      if (generation !== this.#generation) return;
      await opened.consume(this.queue, (message) => this.#delivered(opened, generation, message), { noAck: false });
      this.#consuming = true;
      this.#noExchange = false;
      this.#sink?.state(true);
      // Back after a drop, or a first consumption while a queue may have been missing: what came meanwhile is gone.
      if (this.#consumedOnce) this.#sink?.gap();
      this.#consumedOnce = true;
    } catch (error) {
      if (generation !== this.#generation) return;
      this.#noExchange = /NOT_FOUND|404/.test(String(error)) && /celeryev/.test(String(error));
      // 403 (permissions) is the operator's to fix; 404 (no celeryev yet) waits for a worker. Both are told and retried.
      if (/ACCESS_REFUSED|403/.test(String(error))) this.#sink?.refused(error);
      channel?.close().catch(() => {});
      if (this.#noExchange && !declared && (await this.#declareExchange(model))) {
        await this.#setup(model, true);
        return;
      }
      this.#later();
    }
  }

  /**
   * Declares `celeryev` as Celery's EventReceiver does (topic, durable) when
   * no worker has yet, so no event of the first worker is missed; a user
   * without configure rights on it (least privilege) waits for a worker
   * instead, and is not asked again.
   */
  async #declareExchange(model: ChannelModel): Promise<boolean> {
    if (this.#mayDeclare === false) return false;
    let channel: Channel | null = null;
    try {
      channel = await model.createChannel();
      channel.on('error', () => {});
      await channel.assertExchange(EVENT_EXCHANGE, 'topic', { durable: true });
      return true;
    } catch (error) {
      if (/ACCESS_REFUSED|403/.test(String(error))) this.#mayDeclare = false;
      return false;
    } finally {
      channel?.close().catch(() => {});
    }
  }

  async #declare(channel: Channel): Promise<void> {
    const { queueTtlMs, queueExpiresMs, prefetch } = this.#options;
    await channel.checkExchange(EVENT_EXCHANGE);
    await channel.assertQueue(this.queue, {
      durable: false,
      autoDelete: true,
      messageTtl: queueTtlMs,
      expires: queueExpiresMs,
    });
    for (const key of EVENT_BINDINGS) await channel.bindQueue(this.queue, EVENT_EXCHANGE, key);
    await channel.prefetch(prefetch);
  }

  /** The channel closed (the server cancelled it, a queue deleted): set up again on the same connection. */
  #closed(generation: number): void {
    if (generation !== this.#generation || this.#sink === null) return;
    if (this.#consuming) this.#sink.state(false);
    this.#consuming = false;
    this.#later();
  }

  /** Sets up again in a while on the connection of then (a new one sets up by itself through onConnect). */
  #later(): void {
    if (this.#sink === null || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      const model = this.connection.model;
      if (model && this.#sink) this.#setup(model).catch(() => {}); // #setup handles its own failures
    }, this.#options.retryMs);
    this.#retry.unref();
  }

  #delivered(channel: Channel, generation: number, message: ConsumeMessage | null): void {
    // null: RabbitMQ cancelled the consumer (the queue was deleted): the channel stays open, so set up again.
    if (message === null) {
      if (generation === this.#generation) channel.close().catch(() => {});
      return;
    }
    if (generation !== this.#generation) return;
    this.#pending.push({ message, channel, generation });
    // Messages that arrive in one read of the socket go to the sink as one batch.
    if (this.#pending.length === 1) setImmediate(() => this.#flush());
  }

  #flush(): void {
    const batch = this.#pending;
    this.#pending = [];
    const sink = this.#sink;
    if (sink === null || batch.length === 0) return;
    const delivered: EventBatch = {
      messages: batch.map(({ message }) => ({
        body: message.content,
        contentType: message.properties.contentType ?? '',
        contentEncoding: message.properties.contentEncoding ?? '',
      })),
      receivedAt: Date.now(),
      ack: () => {
        for (const { message, channel, generation } of batch) {
          // A message of a channel closed since is RabbitMQ's again: acking it there would close the new channel.
          if (generation !== this.#generation) continue;
          try {
            channel.ack(message);
          } catch {
            // Closed between the check and the ack: RabbitMQ delivers it again to the next channel.
          }
        }
      },
    };
    sink.deliver(delivered);
  }
}
