/**
 * Samples the broker's queues into the rollups (store/stats/): each queue's
 * length and its oldest message's age, and their sum over all queues, keeping
 * the largest per minute and hour. Every replica may sample: a largest value
 * is the same however many wrote it.
 */
import type { QueueLengths } from '../broker/queue-lengths.ts';
import type { StatsStorage } from '../store/store.ts';

export interface QueueSamplerOptions {
  /** Between two samples, in ms. @default 15_000 // 15 s */
  readonly intervalMs?: number;
  /** Told of a failed sample (the broker or Redis away); the next one tries again. */
  readonly onError?: (error: unknown) => void;
}

export function sampleQueues(
  queues: Pick<QueueLengths, 'read'>,
  stats: Pick<StatsStorage, 'sampleQueues'>,
  options: QueueSamplerOptions = {},
): () => void {
  const { intervalMs = 15_000, onError = () => {} } = options;
  let running = false;
  const sample = async () => {
    const now = Date.now();
    const read = await queues.read();
    await stats.sampleQueues(
      read.map(({ name, length, oldestSentAt }) => ({
        queue: name,
        length,
        oldestAgeSeconds: oldestSentAt === null ? null : Math.max(0, now - oldestSentAt) / 1000,
      })),
      now,
    );
  };
  const tick = () => {
    // A slow broker: one sample at a time.
    if (running) return;
    running = true;
    sample()
      .catch(onError)
      .finally(() => {
        running = false;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs).unref();
  return () => clearInterval(timer);
}
