/**
 * How many task messages wait in each queue's Redis lists, priority
 * sub-queues included (src/celery/queue-keys.ts): one pipeline of an LLEN
 * and an `LINDEX -1` (the tail: the oldest, as clients LPUSH and workers
 * BRPOP) per list, whatever the number of queues. Read-only.
 *
 * A list key holding another Redis type is no queue of Celery's: it is named
 * in `wrongTypeKeys` and not counted, never read as an empty queue. Any other
 * failure is BACKEND_UNAVAILABLE.
 */
import type { Redis } from 'ioredis';
import { type PriorityNaming, priorityKeys } from '../../celery/queue-keys.ts';
import { taskIdOfMessage } from '../../celery/task-message.ts';
import { BackendUnavailableError } from '../../errors/backend-unavailable-error.ts';
import { type Reply, execAll, isWrongType, unavailable } from '../../redis/redis-replies.ts';
import type { QueueList, QueueLists } from '../broker.ts';

/** Each queue of `queues`, in their order. Throws BACKEND_UNAVAILABLE when Redis fails. */
export async function readQueueLists(
  broker: Redis,
  queues: readonly string[],
  priority: PriorityNaming,
): Promise<QueueLists[]> {
  const lists = queues.map((name) => ({ name, keys: priorityKeys(name, priority) }));
  const pipeline = broker.pipeline();
  for (const { keys } of lists) for (const { key } of keys) pipeline.llen(key).lindexBuffer(key, -1);
  const replies = lists.length === 0 ? [] : await execAll(pipeline);
  let at = 0;
  return lists.map(({ name, keys }) => {
    const read: QueueList[] = [];
    const wrongTypeKeys: string[] = [];
    for (const { priority, key } of keys) {
      const [lengthReply, tailReply] = [replies[at], replies[at + 1]];
      at += 2;
      const tail = listTail(key, lengthReply, tailReply);
      if (tail === 'wrong type') wrongTypeKeys.push(key);
      else read.push({ priority, key, length: tail.length, oldestTaskId: tail.taskId });
    }
    return { name, lists: read, wrongTypeKeys };
  });
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
