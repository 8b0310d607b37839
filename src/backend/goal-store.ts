/**
 * Business goals: the application's own state ("report 42 is being built"),
 * kept apart from Celery's task state, with the Celery tasks that worked on
 * it as attempts. Stored under celery-lens' prefix with **no TTL**: they must
 * outlive Celery's results, so the Redis holding them needs persistence.
 * Every change is PUBLISHed on the goal's channel, so subscribers on any
 * celery-lens process hear it.
 */
import type { Redis } from 'ioredis';
import { GoalExistsError, GoalNotFoundError, InvalidGoalKeyError } from '../errors/goal-errors.ts';
import type { LensKeys } from './lens-keys.ts';

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
  readonly #listeners = new Map<string, Set<() => void>>();

  constructor(
    readonly redis: Redis,
    /** The process' shared subscriber connection. */
    readonly subscriber: Redis,
    readonly keys: LensKeys,
  ) {
    subscriber.on('messageBuffer', (channel: Buffer) => {
      for (const listener of this.#listeners.get(channel.toString()) ?? []) listener();
    });
    // After a reconnect: subscribe again, and tell everyone to re-read (changes may have been missed).
    subscriber.on('ready', () => {
      const channels = [...this.#listeners.keys()];
      if (channels.length === 0) return;
      this.subscriber.subscribe(...channels).then(
        () => {
          for (const set of this.#listeners.values()) for (const listener of set) listener();
        },
        () => {},
      );
    });
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

  /** Calls `onChange` after every change of the goal; returns the unsubscribe. */
  async watch(key: string, onChange: () => void): Promise<() => void> {
    const channel = this.keys.goalChannel(checkGoalKey(key));
    let set = this.#listeners.get(channel);
    if (!set) {
      set = new Set();
      this.#listeners.set(channel, set);
      await this.subscriber.subscribe(channel);
    }
    set.add(onChange);
    return () => {
      set.delete(onChange);
      if (set.size === 0 && this.#listeners.get(channel) === set) {
        this.#listeners.delete(channel);
        this.subscriber.unsubscribe(channel).catch(() => {});
      }
    };
  }

  async #mustExist(key: string): Promise<void> {
    if (!(await this.redis.hexists(this.keys.goal(checkGoalKey(key)), 'createdAt'))) throw new GoalNotFoundError(key);
  }

  async #change(key: string, fields: Record<string, string | number>): Promise<Goal> {
    await this.redis.multi().hset(this.keys.goal(key), fields).publish(this.keys.goalChannel(key), 'changed').exec();
    return (await this.read(key)) as Goal;
  }
}
