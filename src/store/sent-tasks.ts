/**
 * What celery-lens keeps about the tasks it sends (task control): each sent
 * id's reservation, so that of any number of sends of one id, at once or
 * later, one writes a message (SET NX under --lens-prefix); and the links
 * between a task and its re-sends.
 */
import type { StoreRedis } from '../redis/store-redis.ts';
import type { TaskCall } from '../celery/outgoing-messages.ts';
import { TaskExistsError } from '../errors/control-errors.ts';
import type { LensKeys } from './lens-keys.ts';
import type { SentTaskStorage } from './store.ts';
import { execAll, guarded, valueOf } from '../redis/redis-replies.ts';

export interface SentTasksOptions {
  /** How long the links between a task and its re-sends are kept, in seconds. */
  readonly linkTtlSeconds: number;
  /** How long a sent id stays reserved after its eta (or now), in seconds: as long as its timeline is kept. */
  readonly reserveSeconds: number;
}

export class SentTasks implements SentTaskStorage {
  constructor(
    readonly redis: StoreRedis,
    readonly keys: LensKeys,
    readonly options: SentTasksOptions,
  ) {}

  /** SET NX of the id's reservation, until `reserveSeconds` after the task's eta. TASK_EXISTS when it is taken. */
  async reserve(call: Pick<TaskCall, 'id' | 'eta'>): Promise<void> {
    const key = this.keys.sent(call.id);
    const now = Date.now();
    const wait = call.eta ? Math.max(0, Math.ceil((call.eta.getTime() - now) / 1000)) : 0;
    const [reply] = await execAll(
      this.redis.pipeline().set(key, String(now), 'EX', wait + this.options.reserveSeconds, 'NX'),
    );
    if (valueOf(reply, key) === null) throw new TaskExistsError(call.id);
  }

  /** Frees a reservation whose message was surely not written. */
  async release(id: string): Promise<void> {
    await guarded(() => this.redis.del(this.keys.sent(id)));
  }

  /** Records that `from` was sent again as `to`, both ways. */
  async linkResend(from: string, to: string): Promise<void> {
    const ttl = this.options.linkTtlSeconds;
    // Both ways in one transaction; on a Cluster the two tasks' keys live in two slots, so a pipeline (split per node).
    const batch = this.redis.isCluster ? this.redis.pipeline() : this.redis.multi();
    const replies = await execAll(
      batch
        .rpush(this.keys.resentAs(from), to)
        .expire(this.keys.resentAs(from), ttl)
        .set(this.keys.resentFrom(to), from, 'EX', ttl),
    );
    for (const reply of replies) valueOf(reply, this.keys.resentAs(from));
  }

  /** The ids `id` was re-sent as, oldest first. */
  async resentAs(id: string): Promise<string[]> {
    const key = this.keys.resentAs(id);
    const [reply] = await execAll(this.redis.pipeline().lrange(key, 0, -1));
    return (valueOf(reply, key) as Buffer[] | string[]).map(String);
  }

  /** The id `id` is a re-send of, if it is one. */
  async resentFrom(id: string): Promise<string | null> {
    const key = this.keys.resentFrom(id);
    const [reply] = await execAll(this.redis.pipeline().get(key));
    const value = valueOf(reply, key);
    return value === null || value === undefined ? null : String(value);
  }
}
