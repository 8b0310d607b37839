/**
 * Looks for task messages waiting in the broker's queues (Redis lists named
 * after the queue, which a client LPUSHes and a worker BRPOPs), for tasks
 * nothing else knows about: with task_send_sent_event off, a queued task has
 * no other trace. Read-only (LRANGE), bounded by `scanLimit` messages a queue.
 * A broker that does not answer is BACKEND_UNAVAILABLE, never "not queued".
 */
import type { Redis } from 'ioredis';
import { execAll, isWrongType, unavailable } from './redis-replies.ts';

export class BrokerQueues {
  constructor(
    readonly redis: Redis,
    readonly queues: readonly string[],
    readonly scanLimit: number,
  ) {}

  /** For each id, the queue its message waits in, or null. One round trip for all. */
  async find(ids: readonly string[]): Promise<(string | null)[]> {
    if (ids.length === 0 || this.queues.length === 0) return ids.map(() => null);
    const pipeline = this.redis.pipeline();
    for (const queue of this.queues) pipeline.lrange(queue, 0, this.scanLimit - 1);
    const replies = await execAll(pipeline);
    const found = new Map<string, string>();
    replies.forEach(([error, messages], index) => {
      // A configured name that is not a list holds no waiting messages; any other
      // failure means we could not look, which is not "not queued".
      if (error && !isWrongType(error)) throw unavailable(error);
      if (error || !Array.isArray(messages)) return;
      const queue = this.queues[index] as string;
      for (const message of messages as string[]) {
        // A kombu message names its task id in headers.id (protocol 2); the id is a plain substring.
        for (const id of ids) if (!found.has(id) && message.includes(`"${id}"`)) found.set(id, queue);
      }
    });
    return ids.map((id) => found.get(id) ?? null);
  }
}
