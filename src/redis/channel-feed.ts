/**
 * One pub/sub channel on the process' shared subscriber connection, held
 * while someone listens: each message is decoded once and handed to every
 * listener. Nothing is added to the connection before the first listener
 * (most processes never follow alerts or bulk actions). After a reconnect
 * the channel is subscribed again and each listener's `onGap` is called, as
 * messages may have been missed meanwhile.
 */
import type { StoreRedis } from './store-redis.ts';
import { guarded } from './redis-replies.ts';
import { SubscriberChannels } from './subscriber-channels.ts';

interface Listener<T> {
  readonly onItem: (item: T) => void;
  readonly onGap: (() => void) | undefined;
}

export class ChannelFeed<T> {
  readonly #listeners = new Set<Listener<T>>();
  #channels: SubscriberChannels | null = null;
  #subscribed: Promise<void> | null = null;

  constructor(
    readonly subscriber: StoreRedis,
    readonly channel: string,
    /** A message's items; a message that decodes to none is ignored. */
    readonly decode: (message: Buffer) => Iterable<T>,
  ) {}

  /** Listens until the returned function is called; rejects (BACKEND_UNAVAILABLE) when the channel cannot be subscribed. */
  async listen(onItem: (item: T) => void, onGap?: () => void): Promise<() => void> {
    const listener = { onItem, onGap };
    this.#listeners.add(listener);
    const channels = this.#attach();
    this.#subscribed ??= guarded(() => channels.subscribe([this.channel]));
    try {
      await this.#subscribed;
    } catch (error) {
      this.#subscribed = null;
      this.#stop(listener);
      throw error;
    }
    return () => this.#stop(listener);
  }

  /** The channel's owner on the subscriber, and its handlers, from the first listener on. */
  #attach(): SubscriberChannels {
    if (this.#channels) return this.#channels;
    const { subscriber, channel } = this;
    const channels = new SubscriberChannels(subscriber, (name) => name === channel && this.#listeners.size > 0);
    this.#channels = channels;
    subscriber.on('messageBuffer', (name: Buffer, message: Buffer) => {
      if (this.#listeners.size === 0 || name.toString() !== channel) return;
      for (const item of this.decode(message)) for (const listener of this.#listeners) listener.onItem(item);
    });
    subscriber.on('ready', () => {
      if (this.#listeners.size === 0) return;
      channels.subscribe([channel]).then(
        () => {
          for (const listener of this.#listeners) listener.onGap?.();
        },
        () => {
          // Down again: the next 'ready' retries.
        },
      );
    });
    return channels;
  }

  #stop(listener: Listener<T>): void {
    if (!this.#listeners.delete(listener) || this.#listeners.size > 0) return;
    this.#subscribed = null;
    this.#channels?.release([this.channel]);
  }
}
