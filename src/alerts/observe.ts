/**
 * Each rule's value, from what celery-lens already knows: the task index
 * (failures; the tasks a gone worker held), the broker's queues (length, the
 * oldest message's age), the consumer's worker pulses (worker-liveness.ts,
 * the judgement that makes tasks LOST) and when the consumer last heard
 * anything. null: it cannot be told now (no index, no consumer, a queue
 * whose oldest message has no known time); the rule's state then stays.
 */
import type { QueueLength } from '../broker/queue-lengths.ts';
import type { WorkerLiveness } from '../read/worker-liveness.ts';
import type { IndexStorage } from '../store/store.ts';
import type { AlertRule } from './alert-rules.ts';

/** What the rules read; the consumer's parts are null on a process that does not consume. */
export interface AlertSources {
  readonly index: IndexStorage | null;
  readonly queueLengths: { read(): Promise<QueueLength[]> };
  readonly liveness: WorkerLiveness | null;
  /** Hostnames of the workers heard from. */
  readonly workers: () => Iterable<string>;
  /** When the consumer last received a message (an event or a published state), or began listening (ms). */
  readonly heardAt: () => number | null;
}

/** Tasks counted at most per gone worker: a count past it is enough to fire. */
const COUNT_CAP = 100_000;
const HELD = ['RUNNING', 'QUEUED'] as const;

/** One evaluation round: the queues are read once for all the rules that need them. */
export class Observer {
  #queues: Promise<QueueLength[]> | null = null;

  constructor(
    readonly sources: AlertSources,
    readonly now: number,
  ) {}

  value(rule: AlertRule): Promise<number | null> {
    switch (rule.kind) {
      case 'failures':
        return this.#failures(rule);
      case 'lost':
        return this.#lost(rule);
      case 'queue_length':
        return this.#queue(rule, (queue) => queue.length);
      case 'queue_age':
        return this.#queue(rule, (queue) =>
          queue.length === 0
            ? 0
            : queue.oldestSentAt === null
              ? null
              : Math.max(0, this.now - queue.oldestSentAt) / 1000,
        );
      case 'worker_offline':
        return Promise.resolve(this.#offline(rule));
      case 'no_events': {
        const heardAt = this.sources.heardAt();
        return Promise.resolve(heardAt === null ? null : Math.max(0, this.now - heardAt) / 1000);
      }
    }
  }

  /** Failed tasks of the name and/or exception type whose failure is within the window. */
  async #failures(rule: AlertRule): Promise<number | null> {
    const { index } = this.sources;
    if (!index || rule.windowSeconds === null) return null;
    const cells = await index.cells(this.now - rule.windowSeconds * 1000, this.now, 0, 'FAILED');
    return cells
      .filter(
        (cell) =>
          (rule.task === null || cell.name === rule.task) &&
          (rule.exceptionType === null || cell.exceptionType === rule.exceptionType),
      )
      .reduce((sum, cell) => sum + cell.count, 0);
  }

  /**
   * Tasks that turned LOST within the window: those the index still holds as
   * running (or received) on a worker that went silent or said goodbye within
   * it, or that came back online within it (a restart: what it held before is gone).
   */
  async #lost(rule: AlertRule): Promise<number | null> {
    const { index, liveness } = this.sources;
    if (!index || !liveness || rule.windowSeconds === null) return null;
    const from = this.now - rule.windowSeconds * 1000;
    let lost = 0;
    for (const hostname of this.sources.workers()) {
      const pulse = liveness.pulse(hostname);
      if (!pulse) continue;
      const gone = liveness.silence(hostname, null, this.now) !== null;
      const lossAt = gone
        ? (pulse.offlineAt ?? pulse.lastHeardAt + liveness.windowMs(pulse.freqSeconds))
        : pulse.sessionStart;
      if (lossAt === null || lossAt < from) continue;
      // Gone: everything it held is lost. Restarted: what it held from before its new session.
      const until = gone ? null : lossAt - 1;
      lost += (await index.count({ statuses: HELD, worker: hostname, until }, COUNT_CAP)).count;
    }
    return lost;
  }

  async #queue(rule: AlertRule, measure: (queue: QueueLength) => number | null): Promise<number | null> {
    this.#queues ??= this.sources.queueLengths.read();
    const queue = (await this.#queues).find(({ name }) => name === rule.queue);
    return queue ? measure(queue) : null;
  }

  #offline(rule: AlertRule): number | null {
    const { liveness } = this.sources;
    if (!liveness) return null;
    let offline = 0;
    for (const hostname of this.sources.workers()) {
      if (rule.worker !== null && !rule.worker.test(hostname)) continue;
      if (liveness.silence(hostname, null, this.now) !== null) offline += 1;
    }
    return offline;
  }
}
