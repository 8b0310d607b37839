/**
 * One live thing per key, shared by everyone who asks for that key: the
 * first holder opens it, each later one shares it, and it is closed when
 * the last lets go. A page open in 100 tabs on one workflow costs one graph
 * feed (graph-feed.ts), one progress read per change (progress.ts), one
 * execution per event for a cohort of subscriptions (live-core.ts).
 *
 * A value may also end by itself (a graph whose tasks are all ready): it is
 * then dropped, so the next holder opens a new one, and the holds still
 * given back on the old one release nothing of the new.
 */

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

  /**
   * Holds `key`'s value, opening it with `open` when none is. Each hold is
   * given back once with release(key, value): no object is made per holder
   * (a cohort may have 10,000 of them).
   */
  hold(key: string, open: (key: string) => T): T {
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { value: open(key), holders: 0 };
      this.#entries.set(key, entry);
    }
    entry.holders += 1;
    return entry.value;
  }

  /** Gives back one hold of `value`; the last closes it. A value dropped meanwhile is not `key`'s any more: nothing to do. */
  release(key: string, value: T): void {
    const entry = this.#entries.get(key);
    if (entry?.value !== value) return;
    entry.holders -= 1;
    if (entry.holders > 0) return;
    this.#entries.delete(key);
    this.close(value, key);
  }

  /** Forgets `value` (it ended by itself) if it is still `key`'s: the next holder opens a new one. */
  drop(key: string, value: T): void {
    if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
  }
}
