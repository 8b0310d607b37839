/**
 * Runs bulk actions in the background, in batches, on any process started
 * with --control true. The process that starts an action holds its lease and
 * runs it at once; every process also looks, each half lease, for RUNNING
 * actions whose lease lapsed (their process stopped or died) and takes them
 * over. Each step renews the lease, walks the task index from the action's
 * cursor (newest first, down from a few seconds past the action's start:
 * its own revokes and re-sends come after its first step and so above its
 * cursor), claims a batch, acts on it and commits it (bulk-batch.ts).
 */
import { randomUUID } from 'node:crypto';
import type { BulkAction, BulkState, NewBulkAction } from '../store/bulk-types.ts';
import { HOLD_MS } from '../store/index/index-types.ts';
import type { BulkStorage, IndexStorage } from '../store/store.ts';
import { type BatchDeps, actOnBatch } from './bulk-batch.ts';

/** Most tasks the matched count counts exactly when it has to walk (a rootId or kwargs filter). */
export const MATCH_COUNT_CAP = 100_000;
/**
 * How far past its start an action counts and walks. Celery tells a state
 * twice (task-sent then task-received; a stored result then its worker's
 * event, which the pool's parent sends a little later, batched) and the index
 * dates a task at the later telling, so a task failed before the start may be
 * dated just after it; a worker's clock may run ahead of ours too. The index
 * itself waits HOLD_MS for an end's second telling.
 */
const TOLD_AGAIN_MS = HOLD_MS;
/** Failures in a row (the broker or Redis away) after which an action ends FAILED. */
const MAX_FAILURES = 5;

export interface BulkRunnerOptions {
  /** Tasks per batch (--bulk-batch). */
  readonly batch: number;
  /** Pause between batches, in ms (--bulk-pause-ms); ten times that after a failure. */
  readonly pauseMs: number;
  /** How long a lease holds without renewal, in ms (--bulk-lease-seconds). */
  readonly leaseMs: number;
}

export interface BulkRunnerDeps extends BatchDeps {
  readonly store: BulkStorage;
  readonly index: IndexStorage;
}

export class BulkRunner {
  /** This process, as the owner of the leases it takes. */
  readonly owner = randomUUID();
  /** Told of a step that failed (logged by app.ts); the action is tried again. */
  onError: ((error: unknown, id: string) => void) | null = null;
  readonly #loops = new Map<string, Promise<void>>();
  readonly #stopping = new AbortController();
  #timer: NodeJS.Timeout | null = null;

  constructor(
    readonly deps: BulkRunnerDeps,
    readonly options: BulkRunnerOptions,
  ) {}

  /** Starts looking for actions to take over. */
  start(): void {
    this.#timer = setInterval(() => this.#scan().catch(() => {}), Math.max(100, this.options.leaseMs / 2));
    this.#timer.unref();
    this.#scan().catch(() => {});
  }

  /** Stops every loop after its current step and gives their leases back, so another process takes over at once. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#stopping.abort();
    await Promise.allSettled(this.#loops.values());
  }

  /** Counts what `input` matches and records the action; runs it from now on (a dry run only counts). */
  async begin(input: Omit<NewBulkAction, 'matched'>, now = Date.now()): Promise<BulkAction> {
    const filter = {
      ...input.filter,
      until: Math.min(input.filter.until ?? Number.POSITIVE_INFINITY, now + TOLD_AGAIN_MS),
    };
    const max = input.options.max;
    const { count } = await this.deps.index.count(filter, max ?? MATCH_COUNT_CAP);
    const matched = max === null ? count : Math.min(count, max);
    const action = await this.deps.store.create({ ...input, matched }, this.owner, this.options.leaseMs, now);
    if (action.state === 'RUNNING') this.#run(action.id);
    return action;
  }

  async #scan(): Promise<void> {
    if (this.#stopping.signal.aborted) return;
    try {
      for (const id of await this.deps.store.running()) {
        if (this.#loops.has(id) || this.#stopping.signal.aborted) continue;
        if (await this.deps.store.lease(id, this.owner, this.options.leaseMs)) this.#run(id);
      }
    } catch (error) {
      this.onError?.(error, '');
    }
  }

  #run(id: string): void {
    if (this.#loops.has(id)) return;
    this.#loops.set(
      id,
      this.#loop(id).finally(() => this.#loops.delete(id)),
    );
  }

  async #loop(id: string): Promise<void> {
    let failures = 0;
    const { store } = this.deps;
    while (!this.#stopping.signal.aborted) {
      try {
        if (!(await store.lease(id, this.owner, this.options.leaseMs))) return;
        const action = await store.read(id);
        if (action?.state !== 'RUNNING') return;
        if ((await this.#step(action)) !== 'RUNNING') return;
        failures = 0;
      } catch (error) {
        failures += 1;
        this.onError?.(error, id);
        if (failures >= MAX_FAILURES) {
          const reason = error instanceof Error ? error.message : String(error);
          await store.commit(id, this.owner, { done: 0, failed: 0, finish: 'FAILED', error: reason }).catch(() => {});
          return;
        }
      }
      await this.#pause(this.options.pauseMs * (failures > 0 ? 10 : 1));
    }
    await store.lease(id, this.owner, 0).catch(() => {});
  }

  /** One batch: the one in flight if there is one, else the next of the walk. Resolves with the state after it. */
  async #step(action: BulkAction): Promise<BulkState> {
    const { store, index } = this.deps;
    if (action.inflight.length > 0) return this.#act(action, action.inflight);
    const left = action.options.max === null ? Number.POSITIVE_INFINITY : action.options.max - action.claimed;
    const size = Math.min(this.options.batch, left);
    const end = () => store.commit(action.id, this.owner, { done: 0, failed: 0, finish: 'DONE' });
    if (size <= 0) return (await end()) ?? 'RUNNING';
    const until = Math.min(action.filter.until ?? Number.POSITIVE_INFINITY, action.startedAt.getTime() + TOLD_AGAIN_MS);
    const { entries, stoppedAt } = await index.search({ ...action.filter, until }, 'desc', size, action.cursor);
    const cursor = stoppedAt ?? entries.at(-1) ?? null;
    if (cursor === null) return (await end()) ?? 'RUNNING';
    const pairs = entries.map((entry) => [entry.id, action.kind === 'RESEND' ? randomUUID() : ''] as const);
    const { status, claimed } = await store.claim(action.id, this.owner, cursor, pairs);
    // Not claimed (the lease lapsed, the action was cancelled): the loop's next look decides.
    if (status !== 'ok') return status === 'stopped' ? 'CANCELLED' : 'RUNNING';
    return this.#act(action, claimed);
  }

  async #act(action: BulkAction, batch: readonly (readonly [string, string])[]): Promise<BulkState> {
    const keepAlive = async () => {
      await this.deps.store.lease(action.id, this.owner, this.options.leaseMs);
    };
    const counts = await actOnBatch(this.deps, action, batch, keepAlive);
    return (await this.deps.store.commit(action.id, this.owner, { ...counts, finish: null })) ?? 'RUNNING';
  }

  #pause(ms: number): Promise<void> {
    const signal = this.#stopping.signal;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
