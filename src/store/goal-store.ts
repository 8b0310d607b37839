/**
 * Business goals: the application's own state ("report 42 is being built"),
 * kept apart from Celery's task state, with the Celery tasks that worked on
 * it as attempts. Stored under celery-lens' prefix with **no TTL**: they must
 * outlive Celery's results, so the Redis holding them needs persistence.
 * Every change is PUBLISHed on the goal's channel, so subscribers on any
 * celery-lens process hear it.
 *
 * Each write is one MULTI/EXEC: a request that fails half-way (Redis gone,
 * a command refused) leaves the goal as it was. Redis failures are
 * BACKEND_UNAVAILABLE; a goal key holding what celery-lens did not write is
 * UNDECODABLE_LENS_DATA, never "no goal".
 */
import type { StoreRedis } from '../redis/store-redis.ts';
import { GoalExistsError, GoalNotFoundError } from '../errors/goal-errors.ts';
import { LensDataError } from '../errors/lens-data-error.ts';
import type { LensKeys } from './lens-keys.ts';
import { execAll, guarded, isWrongType, valueOf } from '../redis/redis-replies.ts';
import { SubscriberChannels } from '../redis/subscriber-channels.ts';
import { type Goal, type GoalStatus, GoalStatuses, checkGoalKey } from './goal-types.ts';
import type { GoalStorage } from './store.ts';

// The shapes' old home: older imports name them here.
export { type Goal, type GoalStatus, GoalStatuses, checkGoalKey } from './goal-types.ts';

const isStatus = (value: string): value is GoalStatus => (GoalStatuses as readonly string[]).includes(value);

/** A time field as written (ms since the epoch), or a LensDataError. */
function time(hashKey: string, field: string, value: string): Date {
  const date = new Date(/^\d{1,15}$/.test(value) ? Number(value) : Number.NaN);
  if (Number.isNaN(date.getTime()))
    throw new LensDataError(hashKey, `"${field}" is not a time in ms: ${JSON.stringify(value.slice(0, 40))}`);
  return date;
}

/**
 * A goal from its hash as written by create/update/attach. A hash that only
 * has `createdAt` (a create that older versions left half-done) reads as
 * PENDING with no metadata, as it always did.
 */
function decodeGoal(key: string, hashKey: string, hash: Record<string, string>, attempts: string[]): Goal {
  if (hash.createdAt === undefined) throw new LensDataError(hashKey, 'the hash has no "createdAt"');
  const status = hash.status ?? 'PENDING';
  if (!isStatus(status))
    throw new LensDataError(hashKey, `"status" is not a goal status: ${JSON.stringify(status.slice(0, 40))}`);
  let metadata: unknown = null;
  try {
    metadata = hash.metadata === undefined ? null : (JSON.parse(hash.metadata) as unknown);
  } catch {
    throw new LensDataError(hashKey, '"metadata" is not JSON');
  }
  const createdAt = time(hashKey, 'createdAt', hash.createdAt);
  return {
    key,
    status,
    metadata,
    attempts,
    createdAt,
    updatedAt: hash.updatedAt === undefined ? createdAt : time(hashKey, 'updatedAt', hash.updatedAt),
  };
}

/** Goals (store.ts' GoalStorage) on Redis: a hash and an attempts list per goal, a channel per goal. */
export class GoalStore implements GoalStorage {
  /** By channel: who listens, and the SUBSCRIBE every one of them waits for. */
  readonly #listeners = new Map<string, { readonly listeners: Set<() => void>; readonly subscribed: Promise<void> }>();
  /** Goal channels held on the shared subscriber (chunked, reconciled after timeouts). */
  readonly #channels: SubscriberChannels;

  constructor(
    readonly redis: StoreRedis,
    /** The process' shared subscriber connection. */
    readonly subscriber: StoreRedis,
    readonly keys: LensKeys,
  ) {
    this.#channels = new SubscriberChannels(subscriber, (channel) => this.#listeners.has(channel));
    subscriber.on('messageBuffer', (channel: Buffer) => {
      for (const listener of this.#listeners.get(channel.toString())?.listeners ?? []) listener();
    });
    // After a reconnect: subscribe again, and tell everyone to re-read (changes may have been missed).
    subscriber.on('ready', () => {
      const channels = [...this.#listeners.keys()];
      if (channels.length === 0) return;
      this.#channels.subscribe(channels).then(
        () => {
          for (const entry of this.#listeners.values()) for (const listener of entry.listeners) listener();
        },
        () => {
          // Down again: the next 'ready' retries.
        },
      );
    });
  }

  /** Goal channels the subscriber connection holds (or may, until reconciled). */
  get channelCount(): number {
    return this.#channels.count;
  }

  /** The goal, or null when there is none. */
  async read(key: string): Promise<Goal | null> {
    const hashKey = this.keys.goal(checkGoalKey(key));
    const [listKey, legacyKey] = [this.keys.goalAttempts(key), this.keys.legacyGoalAttempts(key)];
    const replies = await execAll(
      this.redis.pipeline().hgetall(hashKey).lrange(legacyKey, 0, -1).lrange(listKey, 0, -1),
    );
    const hash = valueOf(replies[0], hashKey) as Record<string, string>;
    if (Object.keys(hash).length === 0) return null;
    // Earlier versions kept attempts at `goal:<key>:attempts`; those goals are read
    // as they were (their attempts first, being older). A hash there is not a
    // leftover but the goal "<key>:attempts" itself, which is none of ours.
    const legacyError = replies[1]?.[0];
    const legacy = legacyError && isWrongType(legacyError) ? [] : (valueOf(replies[1], legacyKey) as string[]);
    return decodeGoal(key, hashKey, hash, [...legacy, ...(valueOf(replies[2], listKey) as string[])]);
  }

  async create(key: string, status: GoalStatus, metadata: unknown): Promise<Goal> {
    const hashKey = this.keys.goal(checkGoalKey(key));
    const now = Date.now();
    // Every field by HSETNX in one transaction: the first createdAt wins, and a
    // goal that existed keeps all its fields (its subscribers hear one spurious
    // "changed" and re-read the same goal).
    const transaction = this.redis.multi().hsetnx(hashKey, 'createdAt', now).hsetnx(hashKey, 'updatedAt', now);
    transaction.hsetnx(hashKey, 'status', status).hsetnx(hashKey, 'metadata', JSON.stringify(metadata ?? null));
    const replies = await execAll(transaction.publish(this.keys.goalChannel(key), 'changed'));
    for (const reply of replies) valueOf(reply, hashKey);
    if (Number(valueOf(replies[0], hashKey)) === 0) throw new GoalExistsError(key);
    return this.#reread(key);
  }

  async update(key: string, status: GoalStatus, metadata: unknown | undefined): Promise<Goal> {
    await this.#mustExist(key);
    const fields = {
      status,
      updatedAt: Date.now(),
      ...(metadata === undefined ? {} : { metadata: JSON.stringify(metadata) }),
    };
    await this.#commit(key, this.redis.multi().hset(this.keys.goal(key), fields));
    return this.#reread(key);
  }

  async attach(key: string, taskId: string): Promise<Goal> {
    await this.#mustExist(key);
    const transaction = this.redis
      .multi()
      .rpush(this.keys.goalAttempts(key), taskId)
      .hset(this.keys.goal(key), { updatedAt: Date.now() });
    await this.#commit(key, transaction);
    return this.#reread(key);
  }

  /**
   * Calls `onChange` after every change of the goal; resolves with the
   * unsubscribe once the channel is subscribed (BACKEND_UNAVAILABLE if it cannot be).
   */
  async watch(key: string, onChange: () => void): Promise<() => void> {
    const channel = this.keys.goalChannel(checkGoalKey(key));
    let entry = this.#listeners.get(channel);
    if (!entry) {
      // Every watcher that joins meanwhile waits for this SUBSCRIBE and fails with it.
      entry = { listeners: new Set(), subscribed: guarded(() => this.#channels.subscribe([channel])) };
      this.#listeners.set(channel, entry);
    }
    const joined = entry;
    joined.listeners.add(onChange);
    const stop = () => {
      joined.listeners.delete(onChange);
      if (joined.listeners.size === 0 && this.#listeners.get(channel) === joined) {
        this.#listeners.delete(channel);
        this.#channels.release([channel]);
      }
    };
    try {
      await joined.subscribed;
    } catch (error) {
      stop();
      throw error;
    }
    return stop;
  }

  // Goals are never deleted, so one that exists still does when the write lands.
  async #mustExist(key: string): Promise<void> {
    if ((await this.read(key)) === null) throw new GoalNotFoundError(key);
  }

  /** Runs the writes of a change with its PUBLISH as one transaction. */
  async #commit(key: string, transaction: ReturnType<StoreRedis['multi']>): Promise<void> {
    const replies = await execAll(transaction.publish(this.keys.goalChannel(key), 'changed'));
    for (const reply of replies) valueOf(reply, this.keys.goal(key));
  }

  async #reread(key: string): Promise<Goal> {
    const goal = await this.read(key);
    if (!goal) throw new LensDataError(this.keys.goal(key), 'the goal vanished while it was written');
    return goal;
  }
}
