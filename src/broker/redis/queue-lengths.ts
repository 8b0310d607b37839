/**
 * How many task messages wait in each broker queue, priority sub-queues
 * included (src/celery/queue-keys.ts): one pipeline of an LLEN and an
 * `LINDEX -1` (the tail: the oldest, as clients LPUSH and workers BRPOP) per
 * list, whatever the number of queues. Read-only.
 *
 * Celery's messages carry no time of sending (Celery 5.2.6's headers have
 * `eta` and `expires`, not when the message left), so how long the oldest
 * has waited comes from the `task-sent` event celery-lens recorded for its
 * id (task_send_sent_event): one more round trip, to celery-lens' own keys,
 * for the few tails found.
 *
 * A list key holding another Redis type is no queue of Celery's: it is named
 * in `wrongTypeKeys` and not counted, never read as an empty queue. Any other
 * failure is BACKEND_UNAVAILABLE.
 */
import type { Redis } from 'ioredis';
import { DEFAULT_PRIORITY_NAMING, type PriorityNaming, priorityKeys } from '../../celery/queue-keys.ts';
import { taskIdOfMessage } from '../../celery/task-message.ts';
import { BackendUnavailableError } from '../../errors/backend-unavailable-error.ts';
import type { HistoryStore } from '../../store/history-store.ts';
import { type Reply, execAll, isWrongType, unavailable } from '../../redis/redis-replies.ts';

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

interface Tail {
  readonly priority: number;
  readonly key: string;
  readonly length: number;
  readonly taskId: string | null;
}

export class QueueLengths {
  constructor(
    readonly broker: Redis,
    readonly history: HistoryStore,
    readonly queues: readonly string[],
    readonly priority: PriorityNaming = DEFAULT_PRIORITY_NAMING,
  ) {}

  /** Each queue of `queues`, in their order. Throws BACKEND_UNAVAILABLE when Redis fails. */
  async read(): Promise<QueueLength[]> {
    const lists = this.queues.map((name) => ({ name, keys: priorityKeys(name, this.priority) }));
    const pipeline = this.broker.pipeline();
    for (const { keys } of lists) for (const { key } of keys) pipeline.llen(key).lindexBuffer(key, -1);
    const replies = lists.length === 0 ? [] : await execAll(pipeline);
    let at = 0;
    const read = lists.map(({ name, keys }) => {
      const tails: Tail[] = [];
      const wrongTypeKeys: string[] = [];
      for (const { priority, key } of keys) {
        const [lengthReply, tailReply] = [replies[at], replies[at + 1]];
        at += 2;
        const tail = listTail(key, lengthReply, tailReply);
        if (tail === 'wrong type') wrongTypeKeys.push(key);
        else tails.push({ priority, key, ...tail });
      }
      return { name, tails, wrongTypeKeys };
    });
    const sentAt = await this.#sentAt(read.flatMap(({ tails }) => tails.map((tail) => tail.taskId)));
    return read.map(({ name, tails, wrongTypeKeys }) => summary(name, tails, wrongTypeKeys, sentAt));
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

/** One list's length and tail's task id, or 'wrong type' for a key that is not a list. */
function listTail(
  key: string,
  lengthReply: Reply | undefined,
  tailReply: Reply | undefined,
): { length: number; taskId: string | null } | 'wrong type' {
  if (!lengthReply || !tailReply) throw new BackendUnavailableError(`no reply for ${key}`);
  const [lengthError, length] = lengthReply;
  if (lengthError) {
    if (isWrongType(lengthError)) return 'wrong type';
    throw unavailable(lengthError);
  }
  const [tailError, tail] = tailReply;
  // The key may change type between the two commands of the pipeline: the LLEN stands.
  if (tailError && !isWrongType(tailError)) throw unavailable(tailError);
  const taskId = tail instanceof Buffer ? taskIdOfMessage(tail) : null;
  return { length: Number(length), taskId };
}

function summary(
  name: string,
  tails: readonly Tail[],
  wrongTypeKeys: readonly string[],
  sentAt: ReadonlyMap<string, number>,
): QueueLength {
  const byPriority = tails.map(({ priority, key, length, taskId }) => ({
    priority,
    key,
    length,
    oldestTaskId: taskId,
    oldestSentAt: taskId === null ? null : (sentAt.get(taskId) ?? null),
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
