/**
 * Looks for task messages waiting in the broker's queues (Redis lists named
 * after the queue, and kombu's priority sub-queues beside them:
 * src/celery/queue-keys.ts; a client LPUSHes and a worker BRPOPs), for tasks
 * nothing else knows about: with task_send_sent_event off, a queued task has
 * no other trace. Read-only (LRANGE), bounded by `scanLimit` messages a queue.
 *
 * The scan is the costly part, so it is done once for everyone: it reads each
 * queue in chunks (Redis and the event loop serve others in between) and
 * parses each message's task id once into an index. A request never answers
 * from a scan that started before it came (a message sent just before would
 * be missing, and a queued task would read UNKNOWN): it starts a scan, or,
 * while one runs, waits for the next one, which starts when that one ends and
 * answers every request that came meanwhile. So at most one scan runs and one
 * waits, however many requests come, and a request's own work is one lookup
 * per id.
 *
 * A broker that does not answer is BACKEND_UNAVAILABLE, never "not queued".
 */
import type { Redis } from 'ioredis';
import { DEFAULT_PRIORITY_NAMING, type PriorityNaming, priorityKeys } from '../../celery/queue-keys.ts';
import { taskIdOfMessage } from '../../celery/task-message.ts';
import { isWrongType, unavailable } from '../../redis/redis-replies.ts';

export interface BrokerQueuesOptions {
  /** Messages read by one LRANGE. @default 500 */
  readonly chunk?: number;
  /** How kombu names a queue's priority lists. @default kombu's: steps 0, 3, 6, 9 and sep \x06\x16 */
  readonly priority?: PriorityNaming;
}

type Index = Map<string, string>;

export class BrokerQueues {
  readonly chunk: number;
  readonly priority: PriorityNaming;
  /** Scans made (not requests answered), for tests and metrics. */
  scans = 0;
  /** The scan running now, and the one that starts after it for the requests that came meanwhile. */
  #running: Promise<Index> | null = null;
  #next: Promise<Index> | null = null;

  constructor(
    readonly redis: Redis,
    readonly queues: readonly string[],
    readonly scanLimit: number,
    { chunk = 500, priority = DEFAULT_PRIORITY_NAMING }: BrokerQueuesOptions = {},
  ) {
    this.chunk = chunk;
    this.priority = priority;
  }

  /** For each id, the queue its message waits in, or null. Throws BackendUnavailableError when Redis fails. */
  async find(ids: readonly string[]): Promise<(string | null)[]> {
    if (ids.length === 0 || this.queues.length === 0 || this.scanLimit === 0) return ids.map(() => null);
    const index = await this.#fresh();
    return ids.map((id) => index.get(id) ?? null);
  }

  /** A scan that starts now or later, never one already under way. */
  #fresh(): Promise<Index> {
    if (this.#running === null) return this.#start();
    this.#next ??= this.#running.then(
      () => this.#start(),
      () => this.#start(),
    );
    return this.#next;
  }

  #start(): Promise<Index> {
    this.#next = null;
    this.scans += 1;
    const scan = this.#read();
    this.#running = scan;
    const done = () => {
      if (this.#running === scan) this.#running = null;
    };
    scan.then(done, done);
    return scan;
  }

  async #read(): Promise<Map<string, string>> {
    const index = new Map<string, string>();
    for (const queue of this.queues) {
      // The queue's own list, then kombu's priority sub-queues: scanLimit messages for all of them.
      let budget = this.scanLimit;
      for (const { key } of priorityKeys(queue, this.priority)) {
        for (let start = 0; budget > 0; start += this.chunk) {
          const stop = start + Math.min(this.chunk, budget) - 1;
          const messages = await this.#range(key, start, stop);
          budget -= messages.length;
          for (const message of messages) {
            const id = taskIdOfMessage(message);
            if (id !== null && !index.has(id)) index.set(id, queue);
          }
          if (messages.length < stop - start + 1) break;
        }
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
