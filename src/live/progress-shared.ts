/**
 * Reads of one progress count shared by every subscription to it (a page
 * open in 100 tabs on one chord): a subscription that needs the count as of
 * change N takes the latest read of it when that read started after change
 * N, and starts one otherwise. So a batch of changes costs one read per
 * group or workflow, whatever the number of subscribers.
 */
import type { ProgressChanges } from '../intake/progress-changes.ts';
import type { ProgressRead, ProgressSource } from '../read/progress-source.ts';

interface Entry {
  /** ProgressChanges.seq when the read started. */
  seq: number;
  result: Promise<ProgressRead> | null;
  /** Subscriptions holding the key: the entry goes with the last. */
  holders: number;
}

export class SharedProgressReads {
  readonly #entries = new Map<string, Entry>();
  /** Reads started (not served), for tests and metrics. */
  reads = 0;

  constructor(readonly changes: ProgressChanges) {}

  /** Keeps `key`'s latest read while the caller needs it; returns the release. */
  hold(key: string): () => void {
    const entry = this.#entries.get(key) ?? { seq: -1, result: null, holders: 0 };
    entry.holders += 1;
    this.#entries.set(key, entry);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.holders -= 1;
      if (entry.holders === 0 && this.#entries.get(key) === entry) this.#entries.delete(key);
    };
  }

  /** The count of `key` as of change `since` or later: the latest read when it started late enough, else a new one. */
  read(key: string, since: number, fresh: ProgressSource): Promise<ProgressRead> {
    const entry = this.#entries.get(key);
    if (!entry) return fresh(); // not held: nothing to share
    if (entry.result && entry.seq >= since) return entry.result;
    this.reads += 1;
    const result = fresh();
    entry.seq = this.changes.seq;
    entry.result = result;
    // A failed read is not served to the next subscriber: it reads again.
    result.catch(() => {
      if (entry.result === result) entry.result = null;
    });
    return result;
  }
}
