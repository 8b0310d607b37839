/**
 * How many task messages wait in each broker queue (Broker.readQueues), and
 * how long the oldest has waited.
 *
 * Celery's messages carry no time of sending (Celery 5.2.6's headers have
 * `eta` and `expires`, not when the message left), so how long the oldest
 * has waited comes from the `task-sent` event celery-lens recorded for its
 * id (task_send_sent_event): one more round trip, to celery-lens' own keys,
 * for the few tails found.
 *
 * A broker whose queues cannot be read without taking their messages
 * (RabbitMQ: its `queued.unsearched` says so) names no tail: there the
 * oldest message is taken to be the oldest task the index holds QUEUED on
 * that queue whose history has its task-sent event and no later one (not
 * received by a worker, which would hold it unacked, outside the count).
 * That is an estimate from events: a task whose later events were missed
 * counts as waiting until its result or the index' retention says otherwise.
 */
import type { LensError } from '../errors/lens-error.ts';
import type { TaskHistory } from '../store/history-types.ts';
import type { IndexStorage } from '../store/store.ts';
import type { Broker, QueueList, QueueLists } from './broker.ts';

/** Where the task-sent times are read (store/history-store.ts). */
export interface SentTimes {
  readHistory(ids: readonly string[]): Promise<(TaskHistory | LensError)[]>;
}

/** QUEUED tasks looked at per queue, oldest first, for one still waiting (the others were received since). */
const QUEUED_CANDIDATES = 20;

/** Sent, and nothing later: its message still waits (as far as events tell). */
const waiting = (history: TaskHistory | LensError): history is TaskHistory =>
  !(history instanceof Error) &&
  history.sentAt !== null &&
  history.receivedAt === null &&
  history.startedAt === null &&
  history.finishedAt === null &&
  history.tombstone === null;

export interface SubQueueLength {
  readonly priority: number;
  readonly key: string;
  readonly length: number;
  /** The task id of the list's tail (its oldest message), when it is a task message. */
  readonly oldestTaskId: string | null;
  /** When that task was sent (ms since the epoch), from its task-sent event. */
  readonly oldestSentAt: number | null;
}

export interface QueueLength {
  readonly name: string;
  /** Messages in every list of the queue that is a list. */
  readonly length: number;
  readonly byPriority: readonly SubQueueLength[];
  /** Keys of the queue that hold another Redis type than a list: not counted. */
  readonly wrongTypeKeys: readonly string[];
  readonly oldestTaskId: string | null;
  readonly oldestSentAt: number | null;
}

export class QueueLengths {
  constructor(
    readonly broker: Broker,
    readonly history: SentTimes,
    /** The task index, where a broker that names no tail finds its oldest queued task; null: not kept (--index false). */
    readonly index: Pick<IndexStorage, 'search'> | null = null,
  ) {}

  /** Each configured queue, in their order. Throws BACKEND_UNAVAILABLE when the broker fails. */
  async read(): Promise<QueueLength[]> {
    let read = await this.broker.readQueues();
    if (this.broker.queued.unsearched !== undefined && this.index) read = await this.#oldestFromEvents(read);
    const sentAt = await this.#sentAt(read.flatMap(({ lists }) => lists.map((list) => list.oldestTaskId)));
    return read.map(({ name, lists, wrongTypeKeys }) => summary(name, lists, wrongTypeKeys, sentAt));
  }

  /** Each waiting list's oldest task from the index and the histories (the broker named none). */
  async #oldestFromEvents(read: readonly QueueLists[]): Promise<QueueLists[]> {
    const index = this.index as Pick<IndexStorage, 'search'>;
    return Promise.all(
      read.map(async (queue) => {
        const lists = await Promise.all(
          queue.lists.map(async (list) => {
            if (list.length === 0 || list.oldestTaskId !== null) return list;
            const { entries } = await index.search(
              { statuses: ['QUEUED'], queue: list.key },
              'asc',
              QUEUED_CANDIDATES,
              null,
            );
            const histories = await this.history.readHistory(entries.map((entry) => entry.id));
            return { ...list, oldestTaskId: histories.find(waiting)?.id ?? null };
          }),
        );
        return { ...queue, lists };
      }),
    );
  }

  /** When each task was sent, by id, for those celery-lens saw a task-sent event of. */
  async #sentAt(ids: readonly (string | null)[]): Promise<Map<string, number>> {
    const known = [...new Set(ids.filter((id) => id !== null))];
    const histories = await this.history.readHistory(known);
    const sent = new Map<string, number>();
    for (const history of histories) {
      // A history key celery-lens cannot read (LensDataError) tells no time; the counts stand.
      if (!(history instanceof Error) && history.sentAt !== null) sent.set(history.id, history.sentAt);
    }
    return sent;
  }
}

function summary(
  name: string,
  lists: readonly QueueList[],
  wrongTypeKeys: readonly string[],
  sentAt: ReadonlyMap<string, number>,
): QueueLength {
  const byPriority = lists.map(({ priority, key, length, oldestTaskId }) => ({
    priority,
    key,
    length,
    oldestTaskId,
    oldestSentAt: oldestTaskId === null ? null : (sentAt.get(oldestTaskId) ?? null),
  }));
  const waiting = byPriority.filter((list) => list.length > 0);
  // Across lists only a known time tells which tail is older; with one list waiting, its tail is the oldest.
  const timed = waiting
    .filter((list) => list.oldestSentAt !== null)
    .sort((a, b) => (a.oldestSentAt as number) - (b.oldestSentAt as number));
  const untimed = waiting.length - timed.length;
  const oldest = untimed === 0 ? timed[0] : waiting.length === 1 ? waiting[0] : undefined;
  return {
    name,
    length: byPriority.reduce((sum, list) => sum + list.length, 0),
    byPriority,
    wrongTypeKeys,
    oldestTaskId: oldest?.oldestTaskId ?? null,
    oldestSentAt: oldest?.oldestSentAt ?? null,
  };
}
