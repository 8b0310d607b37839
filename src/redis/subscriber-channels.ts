/**
 * The channels one owner (the task watcher, the goal store) holds on the
 * process' shared subscriber connection, kept equal to what it wants.
 *
 * SUBSCRIBE and UNSUBSCRIBE go out in chunks of `chunk` channels: a spread of
 * every channel into one call throws RangeError past ~120k arguments, and one
 * huge command would block Redis.
 *
 * A command that fails client-side (--redis-timeout-ms while Redis stalls) may
 * still be executed by Redis later: its channels are "in doubt". Until every
 * channel in doubt that nobody wants is confirmed unsubscribed, they are
 * UNSUBSCRIBEd again (commands on one connection run in order, so that comes
 * after the late SUBSCRIBE). A new connection holds nothing: both sets are
 * emptied when the connection closes.
 */
import type { StoreRedis } from './store-redis.ts';

export interface SubscriberChannelsOptions {
  /** Channels per SUBSCRIBE/UNSUBSCRIBE command. @default 1000 */
  readonly chunk?: number;
  /** First wait before retrying a reconciliation, doubled up to 2 s. @default 100 (ms) */
  readonly retryMs?: number;
}

export class SubscriberChannels {
  /** Confirmed subscribed by Redis' replies, and not since confirmed unsubscribed. */
  readonly #held = new Set<string>();
  /** A command about them failed client-side: Redis may or may not have run it. */
  readonly #doubt = new Set<string>();
  readonly #chunk: number;
  readonly #retryMs: number;
  #reconciling = false;

  constructor(
    readonly connection: StoreRedis,
    /** Whether the owner still wants `channel` subscribed. */
    readonly wanted: (channel: string) => boolean,
    options: SubscriberChannelsOptions = {},
  ) {
    this.#chunk = options.chunk ?? 1000;
    this.#retryMs = options.retryMs ?? 100;
    connection.on('close', () => {
      this.#held.clear();
      this.#doubt.clear();
    });
    // Doubts raised while reconnecting name channels the new connection never had: clear them out.
    connection.on('ready', () => this.#reconcileSoon());
  }

  /** Channels subscribed now, or that may be until the reconciliation ends. */
  get count(): number {
    let count = this.#held.size;
    for (const channel of this.#doubt) if (!this.#held.has(channel)) count += 1;
    return count;
  }

  /** Channels whose state is not known yet (a command about them timed out). */
  get doubtful(): number {
    return this.#doubt.size;
  }

  /** SUBSCRIBEs `channels` chunk by chunk; rejects (and reconciles) if a chunk fails. */
  async subscribe(channels: readonly string[]): Promise<void> {
    for (let start = 0; start < channels.length; start += this.#chunk) {
      const chunk = channels.slice(start, start + this.#chunk);
      try {
        await this.connection.subscribe(...chunk);
      } catch (error) {
        for (const channel of chunk) this.#doubt.add(channel);
        this.#reconcileSoon();
        throw error;
      }
      for (const channel of chunk) {
        this.#held.add(channel);
        this.#doubt.delete(channel);
      }
    }
  }

  /**
   * UNSUBSCRIBEs those of `channels` nobody wants any more (checked as each
   * chunk is sent, so a channel watched again meanwhile stays). Chunks go one
   * after the other: each command's timeout then runs from its own sending,
   * not behind the replies of every chunk before it. Never rejects: a failure
   * leaves the channels in doubt, and the reconciliation retries.
   */
  release(channels: Iterable<string>): void {
    const leaving = [...channels];
    this.#leave(leaving).then(
      (ok) => {
        if (!ok) this.#reconcileSoon();
      },
      () => this.#reconcileSoon(),
    );
  }

  /** Resolves false if a chunk failed. */
  async #leave(channels: readonly string[]): Promise<boolean> {
    let ok = true;
    for (let start = 0; start < channels.length; start += this.#chunk) {
      const chunk = channels.slice(start, start + this.#chunk).filter((channel) => !this.wanted(channel));
      if (chunk.length > 0 && !(await this.#unsubscribe(chunk))) ok = false;
    }
    return ok;
  }

  /** Resolves false when the command failed (its channels are then in doubt). */
  async #unsubscribe(chunk: readonly string[]): Promise<boolean> {
    try {
      await this.connection.unsubscribe(...chunk);
    } catch {
      for (const channel of chunk) this.#doubt.add(channel);
      return false;
    }
    for (const channel of chunk) {
      this.#held.delete(channel);
      this.#doubt.delete(channel);
    }
    return true;
  }

  #reconcileSoon(): void {
    if (this.#reconciling || this.#doubt.size === 0) return;
    this.#reconciling = true;
    const done = () => {
      this.#reconciling = false;
      // Doubts raised between the loop's last look and now.
      if (this.#doubt.size > 0 && this.connection.status === 'ready') this.#reconcileSoon();
    };
    this.#reconcile().then(done, done);
  }

  /** UNSUBSCRIBEs the unwanted channels in doubt until Redis confirms it, with backoff. */
  async #reconcile(): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      // Wanted ones are settled by their own (newer) SUBSCRIBE.
      for (const channel of this.#doubt) if (this.wanted(channel)) this.#doubt.delete(channel);
      if (this.#doubt.size === 0) return;
      // Not connected: 'close' empties the sets and 'ready' starts again.
      if (this.connection.status !== 'ready') return;
      const failed = !(await this.#leave([...this.#doubt]));
      if (!failed) continue;
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.#retryMs * 2 ** attempt, 2000)).unref());
    }
  }
}
