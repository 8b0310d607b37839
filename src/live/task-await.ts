/**
 * Waiting for tasks to be ready, with a deadline: Celery's
 * `AsyncResult.get(timeout=…)` without a blocking call on Redis.
 *
 * A waiter is a listener on the shared TaskWatcher (one subscriber
 * connection for the process, a channel per task whatever the number of
 * waiters on it, watches opened in one tick subscribed and read together),
 * a timer and a few closures: no polling and no connection per waiter. It
 * ends at the first of: the condition is met (all ready, or any), the
 * deadline, or one of `signals` aborting (process shutdown, client gone);
 * then its watches are stopped and given back to the quotas.
 */
import { performance } from 'node:perf_hooks';
import { READY_STATES } from '../celery/states.ts';
import type { TaskUpdate, TaskWatcher, Watch } from './task-watcher.ts';
import type { WatchQuota } from './watch-quota.ts';

export const AWAIT_MODES = ['ALL', 'ANY'] as const;
export type AwaitMode = (typeof AWAIT_MODES)[number];

export interface AwaitOptions {
  /** How long to wait at most, in ms. */
  readonly timeoutMs: number;
  /** ALL: every task ready; ANY: one of them. @default 'ALL' */
  readonly mode?: AwaitMode;
  /** The caller's connection's quota of watches (besides the process'). */
  readonly quota?: WatchQuota;
  /** Any of them aborting ends the wait at once, as a timeout. */
  readonly signals?: readonly (AbortSignal | null | undefined)[];
}

export interface AwaitResult {
  /** The latest value of each distinct id asked for. */
  readonly updates: ReadonlyMap<string, TaskUpdate>;
  /** Whether the condition was not met (deadline, or ended early). */
  readonly timedOut: boolean;
  /** From the call to the answer, in ms. */
  readonly waitedMs: number;
}

export const isReadyUpdate = (update: TaskUpdate | undefined): boolean =>
  update !== undefined && !(update instanceof Error) && update.meta !== null && READY_STATES.has(update.meta.state);

/**
 * Waits until the tasks are ready (ALL) or one is (ANY), or the deadline.
 * Rejects like TaskWatcher.watch (BACKEND_UNAVAILABLE) and reserve
 * (TOO_MANY_WATCHES), holding nothing afterwards.
 */
export async function awaitTasks(
  watcher: TaskWatcher,
  ids: readonly string[],
  options: AwaitOptions,
): Promise<AwaitResult> {
  const started = performance.now();
  const distinct = [...new Set(ids)];
  const mode = options.mode ?? 'ALL';
  const latest = new Map<string, TaskUpdate>();
  const met = () =>
    mode === 'ALL'
      ? distinct.every((id) => isReadyUpdate(latest.get(id)))
      : distinct.some((id) => isReadyUpdate(latest.get(id)));
  let wake: (() => void) | null = null;
  const release = watcher.reserve(distinct.length, options.quota);
  const watches: Watch[] = [];
  try {
    const failures: unknown[] = [];
    // Every watch is awaited, the failed ones too: those that did open are stopped below.
    await Promise.all(
      distinct.map((id) =>
        watcher
          .watch(id, (update) => {
            latest.set(id, update);
            if (wake && met()) wake();
          })
          .then(
            (watch) => {
              watches.push(watch);
              // A listener hears what is notified after it joined; what was current before, it did not.
              if (!latest.has(id)) latest.set(id, watch.current);
            },
            (error: unknown) => void failures.push(error),
          ),
      ),
    );
    if (failures.length > 0) throw failures[0];
    // No id: nothing to wait for (ANY of none is never met, ALL of none always is).
    const pending = () => distinct.length > 0 && !met();
    if (pending()) await waitUntil(options, started, (resolve) => (wake = resolve));
    return { updates: latest, timedOut: pending(), waitedMs: Math.round(performance.now() - started) };
  } finally {
    wake = null;
    for (const watch of watches) watch.stop();
    release();
  }
}

/**
 * Resolves when `register`'s callback is called, at the deadline, or when a
 * signal aborts (true only for the first); removes its timer and listeners.
 */
function waitUntil(options: AwaitOptions, started: number, register: (wake: () => void) => void): Promise<boolean> {
  return new Promise((resolve) => {
    const signals = (options.signals ?? []).filter((signal): signal is AbortSignal => signal != null);
    const end = (met: boolean) => {
      clearTimeout(timer);
      for (const signal of signals) signal.removeEventListener('abort', early);
      resolve(met);
    };
    const early = () => end(false);
    const timer = setTimeout(early, Math.max(0, options.timeoutMs - (performance.now() - started)));
    for (const signal of signals) {
      if (signal.aborted) {
        early();
        return;
      }
      signal.addEventListener('abort', early, { once: true });
    }
    register(() => end(true));
  });
}
