/**
 * Bounds on what callers can make the process hold: each task watched by a
 * subscription counts one against the process' quota, its connection's (a
 * WebSocket over all its subscriptions, or one HTTP request) and its
 * caller's (over all its connections: see caller-watches.ts).
 */
import { TooManyWatchesError, type WatchScope } from '../errors/too-many-watches-error.ts';

export class WatchQuota {
  #used = 0;

  constructor(
    /** Most watches held at once. */
    readonly limit: number,
    /** Whose quota it is, for the error. */
    readonly scope: WatchScope,
  ) {}

  get used(): number {
    return this.#used;
  }

  /** Why `count` more watches would not fit; null when they would. */
  refusal(count: number): TooManyWatchesError | null {
    return this.#used + count > this.limit ? new TooManyWatchesError(count, this.#used, this.limit, this.scope) : null;
  }

  /** @internal through reserveWatches, which takes from all quotas or none. */
  take(count: number): void {
    this.#used += count;
  }

  give(count: number): void {
    this.#used = Math.max(0, this.#used - count);
  }
}

/** Gives the watches back; calling it again does nothing. */
export type Release = () => void;

/** Takes `count` from every quota, or throws TooManyWatchesError and takes none; the caller gives them back. */
export function takeWatches(count: number, quotas: readonly WatchQuota[]): void {
  for (const quota of quotas) {
    const refusal = quota.refusal(count);
    if (refusal) throw refusal;
  }
  for (const quota of quotas) quota.take(count);
}

/** Takes `count` from every quota, or throws TooManyWatchesError and takes none. */
export function reserveWatches(count: number, quotas: readonly WatchQuota[]): Release {
  takeWatches(count, quotas);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    for (const quota of quotas) quota.give(count);
  };
}
