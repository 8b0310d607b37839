/**
 * Business goals: the application's own state ("report 42 is being built"),
 * kept apart from Celery's task state, with the Celery tasks that worked on
 * it as attempts. Stored under celery-lens' prefix with **no TTL**: they must
 * outlive Celery's results, so the Redis holding them needs persistence.
 * Every change is PUBLISHed on the goal's channel, so subscribers on any
 * celery-lens process hear it.
 */
import type { Redis } from 'ioredis';
import { BackendUnavailableError } from '../errors/backend-unavailable-error.ts';
import { GoalExistsError, GoalNotFoundError, InvalidGoalKeyError } from '../errors/goal-errors.ts';
import type { LensKeys } from './lens-keys.ts';
import { SubscriberChannels } from './subscriber-channels.ts';

export const GoalStatuses = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type GoalStatus = (typeof GoalStatuses)[number];

export interface Goal {
  readonly key: string;
  readonly status: GoalStatus;
  readonly metadata: unknown;
  /** Task ids, oldest first. */
  readonly attempts: readonly string[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

const KEY = /^[A-Za-z0-9:_./-]{1,200}$/;

export function checkGoalKey(key: string): string {
  if (!KEY.test(key)) throw new InvalidGoalKeyError(key);
  return key;
}

export class GoalStore {
  /** By channel: who listens, and the SUBSCRIBE every one of them waits for. */
  readonly #listeners = new Map<string, { readonly listeners: Set<() => void>; readonly subscribed: Promise<void> }>();
  /** Goal channels held on the shared subscriber (chunked, reconciled after timeouts). */
  readonly #channels: SubscriberChannels;

  constructor(
    readonly redis: Redis,
    /** The process' shared subscriber connection. */
    readonly subscriber: Redis,
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

  async read(key: string): Promise<Goal | null> {
    checkGoalKey(key);
    const [[, hash], [, attempts]] = ((await this.redis.pipeline().hgetall(this.keys.goal(key)).lrange(this.keys.goalAttempts(key), 0, -1).exec()) ?? []) as [
      [Error | null, Record<string, string>],
      [Error | null, string[]],
    ];
    if (!hash?.createdAt) return null;
    return {
      key,
      status: (hash.status ?? 'PENDING') as GoalStatus,
      metadata: hash.metadata ? (JSON.parse(hash.metadata) as unknown) : null,
      attempts: attempts ?? [],
      createdAt: new Date(Number(hash.createdAt)),
      updatedAt: new Date(Number(hash.updatedAt ?? hash.createdAt)),
    };
  }

  async create(key: string, status: GoalStatus, metadata: unknown): Promise<Goal> {
    const now = Date.now();
    // HSETNX on createdAt decides, atomically, who creates the goal.
    if ((await this.redis.hsetnx(this.keys.goal(checkGoalKey(key)), 'createdAt', now)) === 0) throw new GoalExistsError(key);
    return this.#change(key, { status, metadata: JSON.stringify(metadata ?? null), updatedAt: now });
  }

  async update(key: string, status: GoalStatus, metadata: unknown | undefined): Promise<Goal> {
    await this.#mustExist(key);
    return this.#change(key, { status, updatedAt: Date.now(), ...(metadata === undefined ? {} : { metadata: JSON.stringify(metadata) }) });
  }

  async attach(key: string, taskId: string): Promise<Goal> {
    await this.#mustExist(key);
    await this.redis.rpush(this.keys.goalAttempts(key), taskId);
    return this.#change(key, { updatedAt: Date.now() });
  }

  /**
   * Calls `onChange` after every change of the goal; resolves with the
   * unsubscribe once the channel is subscribed (BACKEND_UNAVAILABLE if it cannot be).
   */
  async watch(key: string, onChange: () => void): Promise<() => void> {
    const channel = this.keys.goalChannel(checkGoalKey(key));
    let entry = this.#listeners.get(channel);
    if (!entry) {
      const subscribed = this.#channels.subscribe([channel]).catch((error: unknown) => {
        throw new BackendUnavailableError(`cannot subscribe: ${(error as Error).message}`, { cause: error });
      });
      entry = { listeners: new Set(), subscribed };
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

  async #mustExist(key: string): Promise<void> {
    if (!(await this.redis.hexists(this.keys.goal(checkGoalKey(key)), 'createdAt'))) throw new GoalNotFoundError(key);
  }

  async #change(key: string, fields: Record<string, string | number>): Promise<Goal> {
    await this.redis.multi().hset(this.keys.goal(key), fields).publish(this.keys.goalChannel(key), 'changed').exec();
    return (await this.read(key)) as Goal;
  }
}
