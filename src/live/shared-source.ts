/**
 * One live thing per key, shared by everyone who asks for that key: the
 * first holder opens it, each later one shares it, and it is closed when
 * the last lets go. A page open in 100 tabs on one workflow costs one graph
 * feed (graph-feed.ts), one progress read per change (progress.ts), one
 * execution per event for a task cohort (task-cohorts.ts).
 *
 * A value may also end by itself (a graph whose tasks are all ready): it is
 * then dropped, so the next holder opens a new one, and the leases still
 * held on the old one release nothing of the new.
 */

/** One holder's share of a value; release() (idempotent) lets it go. */
export interface Lease<T> {
  readonly value: T;
  release(): void;
}

interface Entry<T> {
  readonly value: T;
  holders: number;
}

export class SharedSource<T> {
  readonly #entries = new Map<string, Entry<T>>();

  constructor(
    /** Told of a value whose last holder left (not of one dropped). */
    readonly close: (value: T, key: string) => void = () => {},
  ) {}

  /** Values open now. */
  get size(): number {
    return this.#entries.size;
  }

  /** The value open under `key`, if any, without holding it. */
  peek(key: string): T | undefined {
    return this.#entries.get(key)?.value;
  }

  /** Holds `key`'s value, opening it with `open` when none is. */
  hold(key: string, open: (key: string) => T): Lease<T> {
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { value: open(key), holders: 0 };
      this.#entries.set(key, entry);
    }
    entry.holders += 1;
    const held = entry;
    let released = false;
    return {
      value: held.value,
      release: () => {
        if (released) return;
        released = true;
        held.holders -= 1;
        if (held.holders > 0 || this.#entries.get(key) !== held) return;
        this.#entries.delete(key);
        this.close(held.value, key);
      },
    };
  }

  /** Forgets `value` (it ended by itself) if it is still `key`'s: the next holder opens a new one. */
  drop(key: string, value: T): void {
    if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
  }
}
