/**
 * Looks for task messages waiting in the broker's queues (Redis lists named
 * after the queue, which a client LPUSHes and a worker BRPOPs), for tasks
 * nothing else knows about: with task_send_sent_event off, a queued task has
 * no other trace. Read-only (LRANGE), bounded by `scanLimit` messages a queue.
 *
 * The scan is the costly part, so it is done once for everyone: it reads each
 * queue in chunks (Redis and the event loop serve others in between), parses
 * each message's task id once into an index, and answers every request that
 * came before it started. A request never answers from a scan that began
 * before it came (a message queued just before the request could lie where
 * that scan already read, and the task would read as never sent): it waits for
 * the next scan, which every request arriving meanwhile shares. At most one
 * scan runs and one waits, whatever the number of requests. A request's own
 * work is one lookup per id.
 *
 * A broker that does not answer is BACKEND_UNAVAILABLE, never "not queued".
 */
import type { Redis } from 'ioredis';
import { taskIdOfMessage } from '../celery/task-message.ts';
import { isWrongType, unavailable } from './redis-replies.ts';

export interface BrokerQueuesOptions {
  /** Messages read by one LRANGE. @default 500 */
  readonly chunk?: number;
}

/** Task id → the first queue holding its message. */
type Index = Map<string, string>;

export class BrokerQueues {
  readonly chunk: number;
  /** Scans made (not requests answered), for tests and metrics. */
  scans = 0;
  #running: Promise<Index> | null = null;
  /** The scan that starts once the running one ends, shared by every request that came meanwhile. */
  #next: Promise<Index> | null = null;

  constructor(
    readonly redis: Redis,
    readonly queues: readonly string[],
    readonly scanLimit: number,
    { chunk = 500 }: BrokerQueuesOptions = {},
  ) {
    this.chunk = chunk;
  }

  /** For each id, the queue its message waits in, or null. Throws BackendUnavailableError when Redis fails. */
  async find(ids: readonly string[]): Promise<(string | null)[]> {
    if (ids.length === 0 || this.queues.length === 0 || this.scanLimit === 0) return ids.map(() => null);
    const index = await this.#index();
    return ids.map((id) => index.get(id) ?? null);
  }

  /** A scan that starts later, never one that started before this call. */
  #index(): Promise<Index> {
    if (this.#next) return this.#next;
    // After the running scan, if any, and after this turn of the event loop, so that
    // requests that came together share it.
    const ready = (this.#running ?? Promise.resolve(new Map<string, string>())).then(
      () => new Promise<void>((resolve) => setImmediate(resolve)),
      () => new Promise<void>((resolve) => setImmediate(resolve)),
    );
    const next = ready.then(() => {
      this.#next = null;
      return this.#start();
    });
    this.#next = next;
    return next;
  }

  #start(): Promise<Index> {
    const scan = this.#read();
    this.#running = scan;
    this.scans += 1;
    // Settled either way (a failed scan is not shared: the next request tries again).
    const settled = () => {
      if (this.#running === scan) this.#running = null;
    };
    scan.then(settled, settled);
    return scan;
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
