/**
 * One pub/sub connection PSUBSCRIBEd to the patterns of several owners
 * (the event consumer's published states on the result backend, the Redis
 * broker's event stream), routing each message to its pattern's owner.
 * When the broker is the backend's server, both patterns share one
 * connection, so a consuming process opens one connection for both.
 *
 * A pattern may have several listeners (the event consumer and the task
 * watcher both hear every published state: one PSUBSCRIBE, one copy of each
 * message from Redis, handed to both).
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
  readonly #owners = new Map<string, PatternListener[]>();
  /** Patterns Redis confirmed on the current connection (none after a close). */
  readonly #confirmed = new Set<string>();
  /** Why Redis refused a pattern on the current connection (NOPERM under a wrong ACL). */
  readonly #refused = new Map<string, unknown>();
  /** Told when a PSUBSCRIBE is confirmed or refused, or the connection closes. */
  #waiters = new Set<() => void>();
  /** Messages of the current read, by run of one owner, handed over in a microtask. */
  #pending: Pending[] = [];
  #receivedAt = 0;
  /** The connection was ready before: a 'ready' now follows a drop, whether or not a PSUBSCRIBE was confirmed then. */
  #readyBefore = false;

  constructor(readonly connection: Redis) {
    connection.on('close', () => {
      this.#confirmed.clear();
      this.#refused.clear();
      this.#wake();
      for (const owner of this.#listeners()) owner.state(false);
    });
    connection.on('ready', () => {
      for (const owner of this.#listeners()) owner.state(true);
      this.#subscribe([...this.#owners.keys()], this.#readyBefore);
      this.#readyBefore = true;
    });
    connection.on('pmessageBuffer', (pattern: Buffer, channel: Buffer, message: Buffer) => {
      const owners = this.#owners.get(pattern.toString());
      if (!owners) return;
      // A burst may wait a while in its owner's backlog: each message copied out of the chunk ioredis read it in.
      const heard = { channel: channel.toString(), message: ownBytes(message) };
      for (const owner of owners) this.#push(owner, heard);
    });
  }

  *#listeners(): Iterable<PatternListener> {
    for (const owners of this.#owners.values()) yield* owners;
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = new Set();
    for (const wake of waiters) wake();
  }

  /** Whether Redis confirmed `pattern` on the current connection: every message published from then on is heard. */
  subscribed(pattern: string): boolean {
    return this.#confirmed.has(pattern);
  }

  /**
   * Resolves once `pattern` is confirmed on the current connection; rejects
   * with why not (down, refused) if it is not within `timeoutMs`.
   */
  async whenSubscribed(pattern: string, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!this.#confirmed.has(pattern)) {
      const left = deadline - performance.now();
      const refusal = this.#refused.get(pattern);
      if (refusal) throw refusal;
      if (left <= 0) throw new Error(this.reason ?? `the subscription to ${pattern} is not confirmed`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.#waiters.add(done);
      });
    }
  }

  get up(): boolean {
    return this.connection.status === 'ready';
  }

  /** Why it is down ("cannot reach Redis at …: connection refused"), null while up. */
  get reason(): string | null {
    return downReason(this.connection);
  }

  /** Routes `pattern`'s messages to `listener` too; subscribed now if it is the first and the connection is up. */
  add(pattern: string, listener: PatternListener): () => void {
    const owners = this.#owners.get(pattern);
    if (owners) owners.push(listener);
    else {
      this.#owners.set(pattern, [listener]);
      if (this.up) this.#subscribe([pattern], false);
    }
    return () => {
      const left = this.#owners.get(pattern)?.filter((owner) => owner !== listener);
      if (!left || left.length > 0) {
        if (left) this.#owners.set(pattern, left);
        return;
      }
      this.#owners.delete(pattern);
      this.#confirmed.delete(pattern);
      if (this.up) this.connection.punsubscribe(pattern).catch(() => {});
    };
  }

  #subscribe(patterns: string[], renewal: boolean): void {
    if (patterns.length === 0) return;
    this.connection.psubscribe(...patterns).then(
      () => {
        for (const pattern of patterns) if (this.#owners.has(pattern)) this.#confirmed.add(pattern);
        this.#wake();
        // Back after a drop: what was published meanwhile is lost, and may be read where it is stored.
        if (renewal)
          for (const pattern of patterns) for (const owner of this.#owners.get(pattern) ?? []) owner.resubscribed();
      },
      (error: unknown) => {
        // Also while reconnecting (the next 'ready' subscribes again); a refusal (NOPERM) stays.
        if (this.connection.status !== 'ready') return this.#wake();
        for (const pattern of patterns) this.#refused.set(pattern, error);
        this.#wake();
        for (const pattern of patterns) for (const owner of this.#owners.get(pattern) ?? []) owner.refused(error);
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
