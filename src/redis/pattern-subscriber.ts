/**
 * One pub/sub connection PSUBSCRIBEd to the patterns of several owners
 * (the event consumer's published states on the result backend, the Redis
 * broker's event stream), routing each message to its pattern's owner.
 * When the broker is the backend's server, both patterns share one
 * connection, so a consuming process opens one connection for both.
 *
 * Every pattern is subscribed in one PSUBSCRIBE on each 'ready' (ioredis
 * does not renew pattern subscriptions made before a drop by itself here:
 * autoResubscribe is off, connection.ts), so a refusal (NOPERM) is told to
 * every owner. Messages that arrive in one read are handed over together,
 * in arrival order, one run per owner: a burst costs one call per run, not
 * per message.
 */
import type { Redis } from 'ioredis';
import { downReason } from './connection.ts';
import { ownBytes } from './own-bytes.ts';

export interface PatternMessage {
  readonly channel: string;
  readonly message: Buffer;
}

/** What an owner of a pattern hears. */
export interface PatternListener {
  /** Messages of its pattern, in arrival order, and when they arrived (ms). */
  messages(messages: readonly PatternMessage[], receivedAt: number): void;
  /** Subscribed again after a drop: what was published meanwhile is lost (pub/sub is at-most-once). */
  resubscribed(): void;
  /** The connection is up (about to subscribe) or down. */
  state(up: boolean): void;
  /** The PSUBSCRIBE was refused (e.g. NOPERM under a wrong ACL). */
  refused(error: unknown): void;
}

interface Pending {
  readonly listener: PatternListener;
  readonly run: PatternMessage[];
}

export class PatternSubscriber {
  readonly #owners = new Map<string, PatternListener>();
  /** Messages of the current read, by run of one owner, handed over in a microtask. */
  #pending: Pending[] = [];
  #receivedAt = 0;
  #subscribedOnce = false;

  constructor(readonly connection: Redis) {
    connection.on('close', () => {
      for (const owner of this.#owners.values()) owner.state(false);
    });
    connection.on('ready', () => {
      for (const owner of this.#owners.values()) owner.state(true);
      this.#subscribe([...this.#owners.keys()]);
    });
    connection.on('pmessageBuffer', (pattern: Buffer, channel: Buffer, message: Buffer) => {
      const owner = this.#owners.get(pattern.toString());
      // A burst may wait a while in its owner's backlog: each message copied out of the chunk ioredis read it in.
      if (owner) this.#push(owner, { channel: channel.toString(), message: ownBytes(message) });
    });
  }

  get up(): boolean {
    return this.connection.status === 'ready';
  }

  /** Why it is down ("cannot reach Redis at …: connection refused"), null while up. */
  get reason(): string | null {
    return downReason(this.connection);
  }

  /** Routes `pattern`'s messages to `listener` (one owner a pattern), subscribed now if the connection is up. */
  add(pattern: string, listener: PatternListener): () => void {
    if (this.#owners.has(pattern)) throw new Error(`pattern ${pattern} already has an owner`);
    this.#owners.set(pattern, listener);
    if (this.up) this.#subscribe([pattern], false);
    return () => {
      if (this.#owners.get(pattern) !== listener) return;
      this.#owners.delete(pattern);
      if (this.up) this.connection.punsubscribe(pattern).catch(() => {});
    };
  }

  #subscribe(patterns: string[], renewal = true): void {
    if (patterns.length === 0) return;
    this.connection.psubscribe(...patterns).then(
      () => {
        // Back after a drop: what was published meanwhile is lost, and may be read where it is stored.
        if (renewal && this.#subscribedOnce) for (const pattern of patterns) this.#owners.get(pattern)?.resubscribed();
        this.#subscribedOnce = true;
      },
      (error: unknown) => {
        // Also while reconnecting (the next 'ready' subscribes again); a refusal (NOPERM) stays.
        if (this.connection.status !== 'ready') return;
        for (const pattern of patterns) this.#owners.get(pattern)?.refused(error);
      },
    );
  }

  #push(owner: PatternListener, message: PatternMessage): void {
    if (this.#pending.length === 0) {
      this.#receivedAt = Date.now();
      queueMicrotask(() => this.#flush());
    }
    const last = this.#pending.at(-1);
    if (last?.listener === owner) last.run.push(message);
    else this.#pending.push({ listener: owner, run: [message] });
  }

  #flush(): void {
    const pending = this.#pending;
    this.#pending = [];
    for (const { listener, run } of pending) listener.messages(run, this.#receivedAt);
  }
}
