/**
 * Who listens to which bulk action's changes, over one channel
 * (`{bulk}:changes`, one message per change: the action's id) held on the
 * process' shared subscriber from the first watch on. Few callers follow a
 * bulk action, so one channel for all of them is cheaper than one each.
 * After a reconnect every listener is told (changes may have been missed).
 * Nothing is added to the subscriber before the first watch: most processes
 * never have one.
 */
import type { Redis } from 'ioredis';
import { guarded } from '../redis/redis-replies.ts';
import { SubscriberChannels } from '../redis/subscriber-channels.ts';

export class BulkChanges {
  readonly #listeners = new Map<string, Set<() => void>>();
  #channels: SubscriberChannels | null = null;
  #subscribed: Promise<void> | null = null;

  constructor(
    readonly subscriber: Redis,
    readonly channel: string,
  ) {}

  /** The channel's owner on the subscriber, and its handlers, from the first watch on. */
  #attach(): SubscriberChannels {
    if (this.#channels) return this.#channels;
    const { subscriber, channel } = this;
    const channels = new SubscriberChannels(subscriber, (name) => name === channel && this.#subscribed !== null);
    this.#channels = channels;
    subscriber.on('messageBuffer', (name: Buffer, message: Buffer) => {
      if (name.toString() !== channel) return;
      for (const listener of this.#listeners.get(message.toString()) ?? []) listener();
    });
    subscriber.on('ready', () => {
      if (this.#subscribed === null) return;
      channels.subscribe([channel]).then(
        () => {
          for (const listeners of this.#listeners.values()) for (const listener of listeners) listener();
        },
        () => {
          // Down again: the next 'ready' retries.
        },
      );
    });
    return channels;
  }

  async watch(id: string, onChange: () => void): Promise<() => void> {
    if (this.#subscribed === null) {
      const channels = this.#attach();
      const subscribing = guarded(() => channels.subscribe([this.channel]));
      this.#subscribed = subscribing;
      // A failed SUBSCRIBE is tried again by the next watch.
      subscribing.catch(() => {
        if (this.#subscribed === subscribing) this.#subscribed = null;
      });
    }
    await this.#subscribed;
    const listeners = this.#listeners.get(id) ?? new Set();
    this.#listeners.set(id, listeners);
    listeners.add(onChange);
    return () => {
      listeners.delete(onChange);
      if (listeners.size === 0 && this.#listeners.get(id) === listeners) this.#listeners.delete(id);
    };
  }
}
