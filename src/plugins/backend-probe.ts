/**
 * What the health endpoints know of the result backend, without waiting on
 * it: the last PING's answer, overruled by what is known since (the read
 * connection is not up; a PING has gone unanswered for longer than the
 * probe's bound, as when Redis is frozen). One PING at a time is in flight,
 * whoever asks, so a stalled Redis does not pile them up.
 */
import { performance } from 'node:perf_hooks';
import type { StoreRedis } from '../redis/store-redis.ts';
import { LensRedis } from '../redis/connection.ts';
import { LensCluster } from '../redis/cluster-connection.ts';
import { unavailable } from '../redis/redis-replies.ts';
import type { BackendHealth } from '../read/result-backend.ts';

/** What a probe PINGs: the result backend (read/result-backend.ts), or celery-lens' store apart from it (pingable). */
export interface Pingable {
  readonly redis: StoreRedis;
  health(): Promise<BackendHealth>;
}

/** A Redis connection as a Pingable: the store's, which has no ResultBackend over it. */
export function pingable(redis: StoreRedis): Pingable {
  return {
    redis,
    async health() {
      const started = performance.now();
      try {
        await redis.ping();
        return { up: true, latencyMs: performance.now() - started, error: null, checkedAt: new Date() };
      } catch (error) {
        return { up: false, latencyMs: null, error: unavailable(error).message, checkedAt: new Date() };
      }
    },
  };
}

/** How long a readiness check waits for the PING before it says the backend is down, in ms. */
export const READY_PROBE_MS = 500;
/** A liveness answer older than this starts a PING in the background (not awaited). */
const REFRESH_MS = 1000;

export class BackendProbe {
  #last: BackendHealth | null = null;
  #inFlight: { readonly startedAt: number; readonly answer: Promise<BackendHealth> } | null = null;

  constructor(
    readonly backend: Pingable,
    readonly timeoutMs = READY_PROBE_MS,
  ) {}

  /** The backend as last known, at once; starts a PING when that is more than a second old. */
  known(): BackendHealth {
    if (this.#last === null || Date.now() - this.#last.checkedAt.getTime() > REFRESH_MS) {
      this.#ping().catch(() => {
        // Never: health() answers its failures.
      });
    }
    return this.#overruled();
  }

  /** A PING answered within the probe's bound, or the backend is down (what is known then). */
  async check(): Promise<BackendHealth> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, this.timeoutMs - this.#pendingMs()));
    });
    const answer = await Promise.race([this.#ping(), late.then(() => null)]);
    clearTimeout(timer);
    // Down once the bound has passed: the timer, set from libuv's cached loop time, may fire a little before
    // performance.now() says the PING has waited that long.
    return answer ?? this.#overruled(true);
  }

  /** How long the PING in flight has waited, in ms (0 when none is). */
  #pendingMs(): number {
    return this.#inFlight ? performance.now() - this.#inFlight.startedAt : 0;
  }

  #ping(): Promise<BackendHealth> {
    if (this.#inFlight) return this.#inFlight.answer;
    const answer = this.backend.health().then((health) => {
      this.#last = health;
      this.#inFlight = null;
      return health;
    });
    this.#inFlight = { startedAt: performance.now(), answer };
    return answer;
  }

  #overruled(late = false): BackendHealth {
    const redis = this.backend.redis;
    if (redis.status !== 'ready') {
      // In the words a refused command would carry ("… cannot reach Redis at …: connection refused").
      const why =
        redis instanceof LensRedis || redis instanceof LensCluster
          ? redis.unreachable
          : `the connection is ${redis.status}`;
      return { up: false, latencyMs: null, error: unavailable(new Error(why)).message, checkedAt: new Date() };
    }
    const waited = this.#pendingMs();
    if (late || waited >= this.timeoutMs)
      return {
        up: false,
        latencyMs: null,
        error: `no answer to PING for ${Math.round(Math.max(waited, late ? this.timeoutMs : 0))} ms`,
        checkedAt: new Date(),
      };
    // Connected, and no PING answered yet: as the connection says.
    return this.#last ?? { up: true, latencyMs: null, error: null, checkedAt: new Date() };
  }
}
