/**
 * Who listens to which bulk action's changes, over one channel
 * (`{bulk}:changes`, one message per change: the action's id) held on the
 * process' shared subscriber while someone watches. Few callers follow a
 * bulk action, so one channel for all of them is cheaper than one each.
 * After a reconnect every watcher is told (changes may have been missed).
 */
import type { StoreRedis } from '../redis/store-redis.ts';
import { ChannelFeed } from '../redis/channel-feed.ts';

export class BulkChanges {
  readonly #feed: ChannelFeed<string>;

  constructor(
    readonly subscriber: StoreRedis,
    readonly channel: string,
  ) {
    this.#feed = new ChannelFeed(subscriber, channel, (message) => [message.toString()]);
  }

  watch(id: string, onChange: () => void): Promise<() => void> {
    return this.#feed.listen((changed) => {
      if (changed === id) onChange();
    }, onChange);
  }
}
