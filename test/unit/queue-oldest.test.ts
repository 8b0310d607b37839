/**
 * The oldest message of a broker queue that cannot be read (RabbitMQ): the
 * oldest task the index holds QUEUED on it whose history has its task-sent
 * event and nothing later; a broker that names its tails is not second-guessed.
 */
import { describe, expect, it } from 'vitest';
import type { Broker, QueueLists } from '../../src/broker/broker.ts';
import { QueueLengths } from '../../src/broker/queue-lengths.ts';
import type { TaskHistory } from '../../src/store/history-types.ts';
import type { IndexFilter } from '../../src/store/index/index-types.ts';

const now = Date.now();
const history = (id: string, sentAt: number | null, later: Partial<TaskHistory> = {}): TaskHistory => ({
  id,
  sentAt,
  receivedAt: null,
  startedAt: null,
  finishedAt: null,
  worker: null,
  name: 'lens.add',
  queue: 'q',
  parentId: null,
  rootId: null,
  retries: 0,
  runtime: null,
  timeline: [],
  childIds: [],
  tombstone: null,
  ...later,
});

function lengths(lists: QueueLists[], unsearched: string | undefined, histories: TaskHistory[]) {
  const searched: IndexFilter[] = [];
  const broker = {
    readQueues: async () => lists,
    queued: { find: async () => [], ...(unsearched === undefined ? {} : { unsearched }) },
  } as unknown as Broker;
  const byId = new Map(histories.map((h) => [h.id, h]));
  const queueLengths = new QueueLengths(
    broker,
    { readHistory: async (ids) => ids.map((id) => byId.get(id) ?? history(id, null)) },
    {
      search: async (filter) => {
        searched.push(filter);
        // Oldest first, as the index orders QUEUED tasks by their latest state.
        return { entries: histories.map((h) => ({ id: h.id, at: h.sentAt ?? 0 })), stoppedAt: null };
      },
    },
  );
  return { queueLengths, searched };
}

const one = (name: string, length: number, oldestTaskId: string | null = null): QueueLists => ({
  name,
  lists: [{ priority: 0, key: name, length, oldestTaskId }],
  wrongTypeKeys: [],
});

describe('the oldest message of a queue the broker cannot read', () => {
  it('is the oldest QUEUED task sent and not received since, with its task-sent time', async () => {
    const { queueLengths, searched } = lengths([one('q', 2), one('empty', 0)], 'not searchable', [
      history('prefetched', now - 9000, { receivedAt: now - 8000, worker: 'w@h' }),
      history('waiting', now - 7000),
      history('newer', now - 1000),
    ]);
    const [q, empty] = await queueLengths.read();
    expect(q).toMatchObject({ length: 2, oldestTaskId: 'waiting', oldestSentAt: now - 7000 });
    // An empty queue is not looked up: nothing waits in it.
    expect(empty).toMatchObject({ length: 0, oldestTaskId: null, oldestSentAt: null });
    expect(searched).toEqual([{ statuses: ['QUEUED'], queue: 'q' }]);
  });

  it('is none when every QUEUED task was received, started, finished or never seen sent', async () => {
    const { queueLengths } = lengths([one('q', 3)], 'not searchable', [
      history('received', now - 5000, { receivedAt: now - 4000 }),
      history('ended', now - 4000, { tombstone: { state: 'SUCCESS' } as TaskHistory['tombstone'] }),
      history('unsent', null),
    ]);
    expect(await queueLengths.read()).toMatchObject([{ length: 3, oldestTaskId: null, oldestSentAt: null }]);
  });

  it('leaves a broker that reads its tails (Redis) to them, without asking the index', async () => {
    const { queueLengths, searched } = lengths([one('q', 1, 'tail')], undefined, [history('tail', now - 3000)]);
    expect(await queueLengths.read()).toMatchObject([{ oldestTaskId: 'tail', oldestSentAt: now - 3000 }]);
    expect(searched).toEqual([]);
  });
});
