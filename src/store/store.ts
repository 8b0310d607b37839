/**
 * What celery-lens keeps in its own keys (under --lens-prefix), as the
 * layers above use it: task histories (timelines, tombstones, child links),
 * the task index and its change feed, goals, page-cursor keys, the resume
 * log and what task control records of its sends. The Redis implementation
 * is the classes beside this file (history-store.ts, index/task-index.ts,
 * index/index-feed.ts, goal-store.ts, cursor-key-store.ts, state-log.ts,
 * sent-tasks.ts), each declaring `implements` its interface here, put
 * together as a LensStore by src/stores.ts, the one place that builds them.
 * Another implementation (a Redis Cluster, a store apart from the result
 * backend) provides the same parts; live/, schema/ and plugins/ name only
 * this file (scripts/check-layers.mjs refuses their imports of the classes).
 *
 * The shapes (TaskHistory, Goal, IndexFilter, IndexedTask, …) are plain
 * data, no Redis type among them: the resume log's here, the index' in
 * index/index-types.ts, the others beside their implementation.
 *
 * Failures: every method that asks the store rejects with a coded LensError
 * (BACKEND_UNAVAILABLE while it is unreachable), never "not found".
 */
import { hash } from 'node:crypto';
import type { TaskCall } from '../celery/outgoing-messages.ts';
import type { TaskEvent } from '../celery/events.ts';
import type { TaskMeta } from '../celery/meta.ts';
import type { LensError } from '../errors/lens-error.ts';
import type { BulkAction, BulkBatchResult, BulkState, ClaimStatus, NewBulkAction } from './bulk-types.ts';
import type { CursorKeys } from './cursor-keys.ts';
import type { Goal, GoalStatus } from './goal-types.ts';
import type { ChildrenListener, TaskHistory } from './history-types.ts';
import type { CellStats, IndexEntry, IndexFilter, IndexOrder, IndexedTask } from './index/index-types.ts';
import type { QueueSample, Rollup } from './stats/stats-fields.ts';
import type { Resolution, Scope } from './stats/stats-keys.ts';
import type { StatsUpdate } from './stats/stats-updates.ts';

/** Each task's timeline, tombstone and child links, written by the event consumer (history-store.ts). */
/** A published meta to record, and whether workers send task events then (its end waits for its event). */
export interface MetaRecord {
  readonly meta: TaskMeta;
  readonly workerEvents: boolean;
}

export interface HistoryStorage {
  /** Records a batch of task events (idempotent). */
  recordEvents(events: readonly TaskEvent[]): Promise<void>;
  /** Records what a published meta tells (idempotent); `workerEvents`: its worker sends events too. */
  recordMeta(meta: TaskMeta, workerEvents?: boolean): Promise<void>;
  /** Records several published metas at once (idempotent), in their order: as recordMeta each, in one round trip. */
  recordMetas(metas: readonly MetaRecord[]): Promise<void>;
  /** Listens to the child links recorded from now on by this process; returns the function that stops it. */
  onChildren(listener: ChildrenListener): () => void;
  /** For each id, the children seen naming it as parent, in the order first seen. */
  readChildren(ids: readonly string[]): Promise<string[][]>;
  /** For each group id, the members seen; [] when none. */
  readGroupMembers(groupIds: readonly string[]): Promise<string[][]>;
  /** For each id, its history (an empty one when nothing was seen), or the error its keys read as. */
  readHistory(ids: readonly string[]): Promise<(TaskHistory | LensError)[]>;
}

/** Queries of the task index (index/task-index.ts); its writes go with the history's. */
export interface IndexStorage {
  /** Up to `limit` tasks matching `filter` after `after`; `stoppedAt`: where to go on from when the budget ran out. */
  search(
    filter: IndexFilter,
    order: IndexOrder,
    limit: number,
    after: IndexEntry | null,
    budget?: number,
  ): Promise<{ entries: IndexEntry[]; stoppedAt: IndexEntry | null }>;
  /** How many tasks match, exactly up to `cap`. */
  count(filter: IndexFilter, cap: number): Promise<{ count: number; capped: boolean }>;
  /** The cells (status, name, worker, queue, exception type) with tasks in the window. */
  cells(since: number, until: number, sample: number, status?: TaskStatusOrNull): Promise<CellStats[]>;
  /** Tasks that succeeded and failed, per minute of the window. */
  minutes(since: number, until: number): Promise<{ minute: number; succeeded: number; failed: number }[]>;
  /** For each id, the time of its latest indexed state (ms), or null. */
  latestTimes(ids: readonly string[]): Promise<(number | null)[]>;
  /** Applies retention (age and size); resolves with how many tasks were dropped. */
  trim(now?: number): Promise<number>;
}
type TaskStatusOrNull = CellStats['status'] | null;

/**
 * The rollups (stats/stats-store.ts): per task name, per queue and for all
 * tasks, per minute (two days) and per hour (--stats-days), counts by
 * outcome, runtime and wait sketches, queue samples. They outlive the index.
 */
export interface StatsStorage {
  /** Adds what events told, each once (the history store deduplicates across replicas). */
  record(updates: readonly StatsUpdate[]): Promise<void>;
  /** Records the broker's queues as sampled at `at` (ms; default now). */
  sampleQueues(samples: readonly QueueSample[], at?: number): Promise<void>;
  /** Task names or queues seen since `since` (ms), those seen last first. */
  members(kind: 'name' | 'queue', since: number): Promise<string[]>;
  /** Each scope's rollup over [since, until] (ms). */
  totals(scopes: readonly Scope[], since: number, until: number): Promise<Rollup[]>;
  /** One scope's rollup per bucket of `sizeMs` (UTC boundaries) over [since, until], oldest first. */
  series(scope: Scope, since: number, until: number, sizeMs: number): Promise<{ start: number; rollup: Rollup }[]>;
  /** How long buckets of a resolution are kept after they end, in ms. */
  keptMs(resolution: Resolution): number;
}

/** Goals: a client's named outcome over attempts (goal-store.ts). */
export interface GoalStorage {
  read(key: string): Promise<Goal | null>;
  create(key: string, status: GoalStatus, metadata: unknown): Promise<Goal>;
  update(key: string, status: GoalStatus, metadata: unknown | undefined): Promise<Goal>;
  attach(key: string, taskId: string): Promise<Goal>;
  /** Calls `onChange` after each change of the goal; resolves, once listening, with the function that stops it. */
  watch(key: string, onChange: () => void): Promise<() => void>;
}

/** The reservations of sent ids and the links between a task and its re-sends (sent-tasks.ts). */
export interface SentTaskStorage {
  /** Reserves the call's id until its timeline would expire; TASK_EXISTS when it is taken. */
  reserve(call: Pick<TaskCall, 'id' | 'eta'>): Promise<void>;
  /** Frees a reservation whose message was surely not written. */
  release(id: string): Promise<void>;
  linkResend(from: string, to: string): Promise<void>;
  resentAs(id: string): Promise<string[]>;
  resentFrom(id: string): Promise<string | null>;
}

/** A point in the recorded history: everything numbered up to `seq` in `epoch`. */
export interface Position {
  readonly epoch: string;
  readonly seq: number;
}

export interface LoggedState {
  readonly id: string;
  readonly seq: number;
  readonly digest: string;
  readonly raw: Buffer;
}

/** What a task's log holds after a position, or that it no longer holds all of it. */
export type Replay = { readonly expired: false; readonly states: readonly LoggedState[] } | { readonly expired: true };

/** A rule's state as the store keeps it, so that every replica answers the same (alerts/alert-store.ts). */
export interface AlertRuleStatus {
  readonly state: 'ok' | 'firing';
  /** When it entered that state (ms). */
  readonly since: number;
  /** Its latest value, and when it was evaluated (ms). */
  readonly value: number;
  readonly at: number;
}

/** One change of a rule's state: what is logged, published and delivered to its webhook. */
export interface AlertTransition {
  /** Its place in the log (a Redis stream id); also the delivery's id. */
  readonly id: string;
  readonly rule: string;
  readonly kind: string;
  readonly state: 'firing' | 'resolved';
  readonly at: number;
  readonly value: number;
  readonly threshold: number;
  /** When the firing began (ms): `at` itself for a firing. */
  readonly startedAt: number;
}

/** What one rule's evaluation found, recorded by the replica holding the evaluation lease. */
export interface AlertObservation {
  readonly rule: string;
  readonly kind: string;
  readonly firing: boolean;
  readonly value: number;
  readonly threshold: number;
  readonly at: number;
  /**
   * What the webhook receives if this observation changes the rule's state,
   * composed once by the recorder so that every try, on every replica, posts
   * the same bytes; null: composed at delivery.
   */
  readonly payload: string | null;
}

/** A delivery claimed by one replica until its lease (`leaseMs` of claim) runs out. */
export interface AlertDelivery {
  readonly transition: AlertTransition;
  /** 1 for the first try. */
  readonly attempt: number;
  readonly token: string;
  /** The body recorded with the transition (AlertObservation.payload), null when none was. */
  readonly payload: string | null;
}

/** Alert rules' states, their transitions' log and the deliveries' outbox, shared by the replicas (alerts/alert-store.ts). */
export interface AlertStorage {
  /** Takes or keeps the evaluation lease for `ttlMs`; false while another replica holds it. */
  lead(token: string, ttlMs: number): Promise<boolean>;
  /** Gives the evaluation lease up, if held. */
  resign(token: string): Promise<void>;
  /** The stored state of each rule, null for one never evaluated. */
  statuses(rules: readonly string[]): Promise<(AlertRuleStatus | null)[]>;
  /** Records an observation; the transition when the rule's state changed, null otherwise or when `token` no longer leads. */
  record(token: string, observation: AlertObservation): Promise<AlertTransition | null>;
  /** Up to `limit` transitions before `before` (a transition id; null: the newest), newest first, and how many the log holds. */
  history(limit: number, before: string | null): Promise<{ transitions: AlertTransition[]; total: number }>;
  /** Claims the next delivery due for `leaseMs` (another replica takes it over after that); null when none is due. */
  claim(token: string, leaseMs: number): Promise<AlertDelivery | null>;
  /** Ends a claimed delivery (delivered, or given up), or makes it due again in `retryInMs`; false when its lease was lost. */
  settle(delivery: AlertDelivery, outcome: 'done' | { readonly retryInMs: number }): Promise<boolean>;
  /** Calls `listener` with each transition any replica records from now on; resolves, once listening, with the function that stops it. */
  listen(listener: (transition: AlertTransition) => void): Promise<() => void>;
}

/**
 * SHA-1 of a state's bytes: what a LoggedState's digest is, in every
 * implementation (a stream compares it with the states it delivered).
 */
export function digestOf(raw: Buffer): string {
  // One call, not createHash's object and stream: every published state the consumer hears is digested.
  return hash('sha1', raw, 'hex');
}

/**
 * The states Celery published for each task, numbered by one counter (with
 * an epoch, renewed when the counter is lost) so that a subscription resumes
 * from a cursor on any process (state-log.ts).
 */
/** A published state for the resume log: its task, its bytes, and whether it is final (the backend keeps its bytes). */
export interface StateRecord {
  readonly id: string;
  readonly raw: Buffer;
  readonly final: boolean;
}

export interface ResumeLog {
  /** How long a task's states are kept after its last one, in seconds; 0: nothing is recorded. */
  readonly windowSeconds: number;
  /**
   * Records a task's state (idempotent by content: a byte-identical state keeps its first number) and answers its
   * number. `final`: a final state, whose bytes the result backend holds (the log need not keep them twice).
   */
  record(id: string, raw: Buffer, digest?: string, final?: boolean): Promise<Position>;
  /** Records several states at once, in their order (as record each, in one round trip). */
  recordAll(states: readonly StateRecord[]): Promise<void>;
  /** The number of a state the watcher notified (recorded now if need be); null when it has no bytes or nothing is recorded. */
  positionOf(id: string, update: object): Promise<Position> | null;
  /** The counter now (started if it never was): every state numbered up to it was stored before this read. */
  now(): Promise<Position>;
  /** Whether any of `ids` has a state numbered after `after`. */
  changedSince(ids: readonly string[], after: number): Promise<boolean>;
  /** The states of `ids` numbered after `after`, oldest first, with the counter at the time of the read. */
  after(ids: readonly string[], after: number): Promise<{ now: Position | null; replays: Replay[] }>;
}

export type IndexChangeListener = (task: IndexedTask) => void;

/** The index' changes as they happen, whichever replica wrote them, once each (index/index-feed.ts). */
export interface IndexChanges {
  /** Listens until the returned function is called; rejects (BACKEND_UNAVAILABLE) when it cannot listen. */
  listen(listener: IndexChangeListener): Promise<() => void>;
}

/**
 * Bulk actions by filter (revokeTasksMatching, resendTasksMatching): their
 * records, the lease of the process running one, and the claim of each batch
 * (each task once). The Redis implementation lives with the feature, in
 * src/bulk/bulk-store.ts; the shapes are in bulk-types.ts beside this file.
 */
export interface BulkStorage {
  /** A new action, RUNNING with `owner` holding its lease, or DONE at once for a dry run. */
  create(action: NewBulkAction, owner: string, leaseMs: number, now?: number): Promise<BulkAction>;
  read(id: string): Promise<BulkAction | null>;
  /** Newest first, after the action `after`. */
  list(first: number, after: string | null): Promise<{ actions: BulkAction[]; hasNext: boolean }>;
  /** Ids of the RUNNING actions (to take over when their lease lapsed). */
  running(): Promise<string[]>;
  /** Takes or renews the lease (true: `owner` holds it); `ms` 0 gives it back. */
  lease(id: string, owner: string, ms: number): Promise<boolean>;
  /** Claims the pairs (task id, re-send id) not claimed before, and moves the walk's cursor, atomically. */
  claim(
    id: string,
    owner: string,
    cursor: IndexEntry | null,
    pairs: readonly (readonly [string, string])[],
  ): Promise<{ status: ClaimStatus; claimed: [string, string][] }>;
  /** Commits the batch in flight; the state after it, or null when `owner` lost the lease. */
  commit(id: string, owner: string, result: BulkBatchResult, now?: number): Promise<BulkState | null>;
  cancel(id: string, now?: number): Promise<'cancelled' | 'ended' | 'missing'>;
  /** Calls `onChange` after each change of the action; resolves, once listening, with the function that stops it. */
  watch(id: string, onChange: () => void): Promise<() => void>;
}

/** The parts as the process holds them (src/stores.ts builds them). */
export interface LensStore {
  readonly history: HistoryStorage;
  /** Null with --index false. */
  readonly index: IndexStorage | null;
  /** The index' changes (taskEvents); null with --index false. */
  readonly indexChanges: IndexChanges | null;
  readonly goals: GoalStorage;
  readonly cursorKeys: CursorKeys;
  readonly sent: SentTaskStorage;
  /** Every published state, numbered, for resuming subscriptions. */
  readonly states: ResumeLog;
  readonly bulk: BulkStorage;
  /** The rollups; null with --stats-days 0. */
  readonly stats: StatsStorage | null;
  readonly alerts: AlertStorage;
}
