/**
 * The commands of reads made together, sent to Redis as one pipeline.
 *
 * Every task(id) query sent a pipeline of its own (MGET and PTTL): a write()
 * of the socket and an ioredis Pipeline per request, about an eighth of the
 * query's CPU under load. Reads queued in one turn of the event loop (the
 * requests of every socket that had data in one poll phase) now share one
 * pipeline, sent by a setImmediate after that phase. Each read gets its own
 * replies, in its own order. A pipeline that fails as a whole (Redis away, a
 * timeout) rejects every read in it with the same error; each caller turns it
 * into its own BACKEND_UNAVAILABLE. The client's own pipeline() builds it, so
 * a Sentinel client or a Cluster's per-node split (node-batch.ts) works as before.
 */
import type { ChainableCommander, Redis } from 'ioredis';
import type { Reply } from './redis-replies.ts';

/** Queues one read's commands on the shared pipeline. */
export type Commands = (pipeline: ChainableCommander) => void;

interface Pending {
  readonly commands: Commands;
  readonly resolve: (replies: Reply[]) => void;
  readonly reject: (error: unknown) => void;
}

export interface PipelineBatchHooks {
  /** A pipeline was sent (a round trip). */
  readonly sent?: () => void;
  /** It answered, after `seconds`. */
  readonly answered?: (seconds: number) => void;
}

export class PipelineBatch {
  #pending: Pending[] = [];

  constructor(
    readonly redis: Redis,
    readonly hooks: PipelineBatchHooks = {},
  ) {}

  /**
   * The replies to `commands`, sent with whatever else is queued in this turn
   * of the event loop; `alone`: sent now, in a pipeline of their own (a read
   * of many keys fills its write by itself, and a caller that batches its
   * reads itself, the task watcher, waits for no one).
   */
  send(commands: Commands, alone = false): Promise<Reply[]> {
    return new Promise((resolve, reject) => {
      if (alone) this.#sendNow([{ commands, resolve, reject }]);
      else if (this.#pending.push({ commands, resolve, reject }) === 1) setImmediate(this.#flush);
    });
  }

  readonly #flush = (): void => {
    const reads = this.#pending;
    this.#pending = [];
    this.#sendNow(reads);
  };

  #sendNow(reads: readonly Pending[]): void {
    // Where each read's replies end; a read whose commands threw is answered with its error alone.
    const ends: number[] = [];
    const failed = new Map<number, unknown>();
    const started = performance.now();
    let answer: Promise<unknown[] | null>;
    try {
      const pipeline = this.redis.pipeline();
      reads.forEach((read, index) => {
        try {
          read.commands(pipeline);
        } catch (error) {
          failed.set(index, error);
        }
        ends.push(pipeline.length);
      });
      this.hooks.sent?.();
      answer = pipeline.exec();
    } catch (error) {
      // Not expected of ioredis (a refused command rejects within the pipeline's answer), but it runs
      // outside any request here: every read of the batch fails with it rather than the process.
      answer = Promise.reject(error);
    }
    answer.then(
      (replies) => {
        reads.forEach((read, index) => {
          if (failed.has(index)) read.reject(failed.get(index));
          else if (!replies) read.reject(new Error('Redis discarded the pipeline'));
          else read.resolve(replies.slice(index === 0 ? 0 : ends[index - 1], ends[index]) as Reply[]);
        });
        // After the reads are settled: a hook that throws (a metric) must not leave them waiting.
        try {
          this.hooks.answered?.((performance.now() - started) / 1000);
        } catch {}
      },
      (error: unknown) => {
        for (const read of reads) read.reject(error);
      },
    );
  }
}
