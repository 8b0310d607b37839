/**
 * Where the task watcher (task-watcher.ts) hears published states, and how
 * it starts hearing a task's:
 *
 * - fed: a process that consumes events hears every state on the consumer's
 *   pattern subscription (intake/event-consumer.ts); the watcher takes its
 *   tasks' messages from there and subscribes nothing: each state comes from
 *   Redis once. A task is heard as soon as the pattern is confirmed.
 * - channels: otherwise, each watched task's channel on the shared
 *   subscriber connection, SUBSCRIBEd with its first watch and left with its
 *   last (redis/subscriber-channels.ts).
 *
 * Either way the watcher is told each message and each return after a drop
 * (when it reads every watched task again: what was published meanwhile is lost).
 */
import type { Redis } from 'ioredis';
import type { PatternSubscriber } from '../redis/pattern-subscriber.ts';
import { SubscriberChannels } from '../redis/subscriber-channels.ts';

/** A pattern subscription that hears every task's published state (CeleryKeys' taskPattern). */
export interface StateFeed {
  readonly subscriber: PatternSubscriber;
  readonly pattern: string;
  /** How long a watch waits for the pattern to be confirmed (after a reconnect) before it fails, in ms. */
  readonly timeoutMs: number;
}

/** What the watcher is told. */
export interface StateHearer {
  message(channel: string, message: Buffer): void;
  /** Listening again after a drop. */
  back(): void;
}

export interface StateSource {
  /** Resolves once a state written from now on to any of `keys` will be heard; rejects if it cannot be. */
  listen(keys: readonly string[]): Promise<void>;
  /** `keys` are watched no more. */
  release(keys: Iterable<string>): void;
  /** Whether its connection is up. */
  readonly up: boolean;
  /** Task channels it holds (or may, until reconciled); none when fed. */
  readonly channelCount: number;
}

export function fedSource(feed: StateFeed, hearer: StateHearer): StateSource {
  feed.subscriber.add(feed.pattern, {
    messages: (messages) => {
      for (const { channel, message } of messages) hearer.message(channel, message);
    },
    resubscribed: () => hearer.back(),
    // Its owners hear its state and refusals; a watch hears them as listen()'s rejection.
    state: () => {},
    refused: () => {},
  });
  return {
    listen: () => feed.subscriber.whenSubscribed(feed.pattern, feed.timeoutMs),
    release: () => {},
    get up() {
      return feed.subscriber.up;
    },
    channelCount: 0,
  };
}

export function channelSource(
  /** A dedicated connection: it is put in subscriber mode. */
  subscriber: Redis,
  /** Whether the watcher still wants `channel`. */
  wanted: (channel: string) => boolean,
  chunk: number,
  hearer: StateHearer,
): StateSource {
  const channels = new SubscriberChannels(subscriber, wanted, { chunk });
  let connectedOnce = false;
  subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => hearer.message(channel.toString(), message));
  subscriber.on('ready', () => {
    if (connectedOnce) hearer.back();
    connectedOnce = true;
  });
  return {
    listen: (keys) => channels.subscribe(keys),
    release: (keys) => channels.release(keys),
    get up() {
      return subscriber.status === 'ready';
    },
    get channelCount() {
      return channels.count;
    },
  };
}
