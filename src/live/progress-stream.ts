/**
 * A progress count kept live: read now, then again after each change that
 * names one of its tasks (progress-changes.ts), at most once per
 * `intervalMs`: every change that arrives meanwhile joins the same read, so a
 * chord whose 1,000 members finish in one second costs a few reads, not a
 * thousand. Emits only counts that differ from the last one, and ends after
 * a ready one.
 *
 * Without an event consumer in this process nothing tells it of changes: it
 * then reads once per interval.
 */
import { type Progress, sameProgress } from '../read/progress-count.ts';
import type { ProgressChanges } from '../intake/progress-changes.ts';
import type { ProgressRead, ProgressSource } from '../read/progress-source.ts';
import { SharedSource } from './shared-source.ts';

export interface ProgressStreamOptions {
  readonly read: ProgressSource;
  /** Null: no consumer here; read every interval. */
  readonly changes: ProgressChanges | null;
  /** Least ms between two emitted counts (--progress-interval-ms). */
  readonly intervalMs: number;
  /** Aborted when the client leaves or the process shuts down. */
  readonly signal: AbortSignal;
  /** Reads shared with the other subscriptions to the same count, under `key`. */
  readonly shared?: { readonly reads: SharedProgressReads; readonly key: string };
}

/** The latest read of one count, while a subscription holds it. */
interface LatestRead {
  /** ProgressChanges.seq when the read started. */
  seq: number;
  result: Promise<ProgressRead> | null;
}

/**
 * Reads of one progress count shared by every subscription to it (a page
 * open in 100 tabs on one chord): a subscription that needs the count as of
 * change N takes the latest read of it when that read started after change
 * N, and starts one otherwise. So a batch of changes costs one read per
 * group or workflow, whatever the number of subscribers.
 */
export class SharedProgressReads {
  readonly #latest = new SharedSource<LatestRead>();
  /** Reads started (not served), for tests and metrics. */
  reads = 0;

  constructor(readonly changes: ProgressChanges) {}

  /** Keeps `key`'s latest read while the caller needs it; returns the release. */
  hold(key: string): () => void {
    const held = this.#latest.hold(key, () => ({ seq: -1, result: null }));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#latest.release(key, held);
    };
  }

  /** The count of `key` as of change `since` or later: the latest read when it started late enough, else a new one. */
  read(key: string, since: number, fresh: ProgressSource): Promise<ProgressRead> {
    const entry = this.#latest.peek(key);
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

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function* progressStream({
  read,
  changes,
  intervalMs,
  signal,
  shared,
}: ProgressStreamOptions): AsyncGenerator<Progress, void> {
  let watched: ReadonlySet<string> = new Set();
  let dirty = true;
  /** The last change that concerns this count: a read must have started after it. */
  let since = changes?.seq ?? 0;
  let wake: (() => void) | null = null;
  const release = shared?.reads.hold(shared.key);
  const unlisten = changes?.listen((change) => {
    if (
      change.workerGone !== undefined ||
      change.gap ||
      change.ids.some((id) => watched.has(id)) ||
      change.related.some((id) => watched.has(id))
    ) {
      since = changes.seq;
      if (dirty) return;
      dirty = true;
      wake?.();
    }
  });
  const onAbort = () => wake?.();
  signal.addEventListener('abort', onAbort);
  let last: Progress | null = null;
  let lastAt = Number.NEGATIVE_INFINITY;
  try {
    while (!signal.aborted) {
      if (changes === null && last !== null) dirty = true;
      if (!dirty) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      const wait = lastAt + intervalMs - Date.now();
      if (wait > 0) await pause(wait, signal);
      if (signal.aborted) return;
      // Changes from here on need another read; those before are in this one.
      dirty = false;
      const current = shared && changes ? await shared.reads.read(shared.key, since, read) : await read();
      watched = current.watched;
      if (!sameProgress(last, current.progress)) {
        last = current.progress;
        lastAt = Date.now();
        yield current.progress;
      } else if (changes === null) {
        lastAt = Date.now();
      }
      if (current.progress.ready) return;
      if (current.again && !dirty) {
        const timer = setTimeout(() => {
          dirty = true;
          wake?.();
        }, intervalMs);
        timer.unref();
      }
    }
  } finally {
    release?.();
    unlisten?.();
    signal.removeEventListener('abort', onAbort);
  }
}
