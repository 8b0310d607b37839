/**
 * Looks for task messages waiting in the broker's queues (Redis lists named
 * after the queue, which a client LPUSHes and a worker BRPOPs), for tasks
 * nothing else knows about: with task_send_sent_event off, a queued task has
 * no other trace. Read-only (LRANGE), bounded by `scanLimit` messages a queue.
 *
 * The scan is the costly part, so it is done once for everyone: it reads each
 * queue in chunks (Redis and the event loop serve others in between), parses
 * each message's task id once into an index, and every request that comes
 * while it runs, or within `shareMs` after, answers from that index. A
 * request's own work is one lookup per id.
 *
 * A broker that does not answer is BACKEND_UNAVAILABLE, never "not queued".
 */
import type { Redis } from 'ioredis';
import { taskIdOfMessage } from '../celery/task-message.ts';
import { isWrongType, unavailable } from './redis-replies.ts';

export interface BrokerQueuesOptions {
  /** Messages read by one LRANGE. @default 500 */
  readonly chunk?: number;
  /** How long a finished scan keeps answering, in ms. @default 1000 // 1 s */
  readonly shareMs?: number;
}

interface Scan {
  /** Task id → the first queue holding its message. */
  readonly index: Promise<Map<string, string>>;
  /** performance.now() when it finished; null while it runs. */
  finishedAt: number | null;
}

export class BrokerQueues {
  readonly chunk: number;
  readonly shareMs: number;
  /** Scans made (not requests answered), for tests and metrics. */
  scans = 0;
  #scan: Scan | null = null;

  constructor(
    readonly redis: Redis,
    readonly queues: readonly string[],
    readonly scanLimit: number,
    { chunk = 500, shareMs = 1000 }: BrokerQueuesOptions = {},
  ) {
    this.chunk = chunk;
    this.shareMs = shareMs;
  }

  /** For each id, the queue its message waits in, or null. Throws BackendUnavailableError when Redis fails. */
  async find(ids: readonly string[]): Promise<(string | null)[]> {
    if (ids.length === 0 || this.queues.length === 0 || this.scanLimit === 0) return ids.map(() => null);
    const index = await this.#current().index;
    return ids.map((id) => index.get(id) ?? null);
  }

  #current(): Scan {
    const scan = this.#scan;
    if (scan && (scan.finishedAt === null || performance.now() - scan.finishedAt < this.shareMs)) return scan;
    const next: Scan = { index: this.#read(), finishedAt: null };
    this.#scan = next;
    this.scans += 1;
    next.index.then(
      () => {
        next.finishedAt = performance.now();
      },
      () => {
        // A failed scan is not shared: the next request tries again.
        if (this.#scan === next) this.#scan = null;
      },
    );
    return next;
  }

  async #read(): Promise<Map<string, string>> {
    const index = new Map<string, string>();
    for (const queue of this.queues) {
      for (let start = 0; start < this.scanLimit; start += this.chunk) {
        const stop = Math.min(start + this.chunk, this.scanLimit) - 1;
        const messages = await this.#range(queue, start, stop);
        for (const message of messages) {
          const id = taskIdOfMessage(message);
          if (id !== null && !index.has(id)) index.set(id, queue);
        }
        if (messages.length < stop - start + 1) break;
      }
    }
    return index;
  }

  /** As Buffers: most ids are read without decoding the message to a string. */
  async #range(queue: string, start: number, stop: number): Promise<Buffer[]> {
    try {
      return await this.redis.lrangeBuffer(queue, start, stop);
    } catch (error) {
      // A configured name that is not a list holds no waiting messages; any other
      // failure means we could not look, which is not "not queued".
      if (isWrongType(error)) return [];
      throw unavailable(error);
    }
  }
}
