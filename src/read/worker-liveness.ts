/**
 * Whether a Celery worker is still alive, by Celery's own rule
 * (celery/events/state.py, `Worker.alive`): a worker is online while the
 * time since its last heartbeat, as received, is under
 * `freq × HEARTBEAT_EXPIRE_WINDOW / 100` = two heartbeat intervals (`freq` is
 * in every heartbeat: `celery worker --heartbeat-interval`, 2 s by default),
 * and offline at once after `worker-offline`. celery-lens adds a little slack
 * for the pub/sub path, or takes a fixed `--worker-timeout`.
 *
 * Only what this process heard counts, and only while it could hear: a
 * worker is judged silent when this process' event connection has been up
 * for the whole window (a reconnect starts the window again), so a
 * celery-lens outage never makes every worker look dead. A worker never
 * heard from is not judged at all (it may run with `--without-heartbeat`, or
 * on a broker this process does not listen to).
 */
import type { WorkerEvent } from '../celery/events.ts';

/** Celery's HEARTBEAT_EXPIRE_WINDOW: a worker is offline after 200 % of its heartbeat interval. */
export const HEARTBEAT_EXPIRE_WINDOW = 200;
/** Added to Celery's window for the pub/sub path and this process' event loop, in ms. */
export const HEARTBEAT_SLACK_MS = 1000;
/** Celery's default heartbeat interval, for a heartbeat that names none (s). */
const DEFAULT_FREQ_SECONDS = 2;

export interface LivenessOptions {
  /**
   * A fixed silence after which a worker is offline, in ms; null for
   * Celery's rule (two of the worker's own heartbeat intervals) plus
   * HEARTBEAT_SLACK_MS. @default null
   */
  readonly timeoutMs?: number | null;
}

/** What this process knows of one worker's liveness. */
export interface WorkerPulse {
  readonly hostname: string;
  /** When its last event arrived here (this process' clock, ms). */
  readonly lastHeardAt: number;
  /** Its heartbeat interval, in seconds (the heartbeat's `freq`). */
  readonly freqSeconds: number;
  /**
   * When it came (back) online, on the worker's own clock (the clock of its
   * task events): its worker-online, or its first event after a silence
   * this process saw; null when this process joined mid-session.
   */
  readonly sessionStart: number | null;
  /** When it said worker-offline (ms), null while it has not. */
  readonly offlineAt: number | null;
}

export interface WorkerSilence {
  readonly hostname: string;
  readonly lastHeardAt: number;
  /** Why it is judged gone, in words: "no heartbeat since <time>, 7 s ago (offline after 5 s: …)". */
  readonly why: string;
}

export class WorkerLiveness {
  readonly #pulses = new Map<string, WorkerPulse>();
  /** One timer per worker, due when its window runs out: tasks on it turn LOST with no Redis change. */
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #goneListeners = new Set<(hostname: string) => void>();
  readonly timeoutMs: number | null;
  /** Since when the event connection has been up without a break (ms), null while it is down. */
  #listeningSince: number | null = null;

  constructor({ timeoutMs = null }: LivenessOptions = {}) {
    this.timeoutMs = timeoutMs;
  }

  /** The event connection is up (again): silences are measured from now at the earliest. */
  listening(at = Date.now()): void {
    this.#listeningSince = at;
  }

  /** The event connection is down: no worker can be judged until it is back. */
  deaf(): void {
    this.#listeningSince = null;
  }

  /** The window after which a worker with heartbeat interval `freqSeconds` is offline (ms). */
  windowMs(freqSeconds: number): number {
    return this.timeoutMs ?? (freqSeconds * 1000 * HEARTBEAT_EXPIRE_WINDOW) / 100 + HEARTBEAT_SLACK_MS;
  }

  /** Records a worker event as it arrives (`receivedAt`: this process' clock, as Celery's state uses). */
  heard(event: WorkerEvent, receivedAt = Date.now()): void {
    const before = this.#pulses.get(event.hostname);
    const freqSeconds = event.freq ?? before?.freqSeconds ?? DEFAULT_FREQ_SECONDS;
    const cameBack =
      before !== undefined &&
      (before.offlineAt !== null || receivedAt - before.lastHeardAt > this.windowMs(before.freqSeconds));
    const sessionStart = event.type === 'worker-online' || cameBack ? event.at : (before?.sessionStart ?? null);
    this.#pulses.delete(event.hostname);
    this.#pulses.set(event.hostname, {
      hostname: event.hostname,
      lastHeardAt: receivedAt,
      freqSeconds,
      sessionStart,
      offlineAt: event.type === 'worker-offline' ? receivedAt : null,
    });
    this.#arm(event.hostname, event.type === 'worker-offline' ? 0 : this.windowMs(freqSeconds) + 10);
    // Back after a restart: what it held before is gone, though it beats again.
    if (sessionStart !== null && sessionStart !== before?.sessionStart && before !== undefined)
      this.#tell(event.hostname);
  }

  #tell(hostname: string): void {
    for (const listener of this.#goneListeners) listener(hostname);
  }

  /** Calls `listener` with each worker that goes silent, says goodbye or comes back after a restart; returns the unsubscribe. */
  onGone(listener: (hostname: string) => void): () => void {
    this.#goneListeners.add(listener);
    return () => this.#goneListeners.delete(listener);
  }

  #arm(hostname: string, delayMs: number): void {
    clearTimeout(this.#timers.get(hostname));
    if (this.#goneListeners.size === 0) {
      this.#timers.delete(hostname);
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(hostname);
      if (this.silence(hostname, null) !== null) this.#tell(hostname);
    }, delayMs);
    timer.unref();
    this.#timers.set(hostname, timer);
  }

  /** Forgets a worker (the consumer bounds how many it remembers). */
  forget(hostname: string): void {
    this.#pulses.delete(hostname);
    clearTimeout(this.#timers.get(hostname));
    this.#timers.delete(hostname);
  }

  /**
   * When `hostname` turns silent (offline, its tasks LOST) unless heard again;
   * null once it said goodbye, when it has no pulse, or while the event
   * connection is down (nothing is judged then).
   */
  expiresAt(hostname: string): number | null {
    const pulse = this.#pulses.get(hostname);
    if (!pulse || pulse.offlineAt !== null || this.#listeningSince === null) return null;
    return Math.max(pulse.lastHeardAt, this.#listeningSince) + this.windowMs(pulse.freqSeconds);
  }

  pulse(hostname: string): WorkerPulse | null {
    return this.#pulses.get(hostname) ?? null;
  }

  /**
   * Why `hostname` cannot be running a task it took at `since` (ms, or null
   * when unknown), or null when it may be: it said goodbye, it has been
   * silent past its window, or it came back online after `since` (a restart:
   * what it ran before is gone).
   */
  silence(hostname: string, since: number | null, now = Date.now()): WorkerSilence | null {
    const pulse = this.#pulses.get(hostname);
    if (!pulse) return null;
    const at = new Date(pulse.lastHeardAt).toISOString();
    if (pulse.offlineAt !== null) {
      return { hostname, lastHeardAt: pulse.lastHeardAt, why: `it said worker-offline at ${at}` };
    }
    const window = this.windowMs(pulse.freqSeconds);
    const heardFrom = Math.max(pulse.lastHeardAt, this.#listeningSince ?? Number.POSITIVE_INFINITY);
    if (now - heardFrom > window) {
      const rule =
        this.timeoutMs === null
          ? `two heartbeat intervals of ${pulse.freqSeconds} s, Celery's rule, + ${HEARTBEAT_SLACK_MS / 1000} s`
          : '--worker-timeout';
      return {
        hostname,
        lastHeardAt: pulse.lastHeardAt,
        why: `no heartbeat since ${at}, ${Math.round((now - pulse.lastHeardAt) / 1000)} s ago (offline after ${window / 1000} s: ${rule})`,
      };
    }
    if (since !== null && pulse.sessionStart !== null && pulse.sessionStart > since) {
      return {
        hostname,
        lastHeardAt: pulse.lastHeardAt,
        why: `it came back online at ${new Date(pulse.sessionStart).toISOString()}, after it took the task: a restart`,
      };
    }
    return null;
  }
}
