import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HistoryStore, MAX_TIMELINE, type TaskHistory } from '../../src/store/history-store.ts';
import { lensKeys } from '../../src/store/lens-keys.ts';
import { type TaskEvent, decodeEventMessage } from '../../src/celery/events.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { capture, idOf } from '../helpers/payloads.ts';
import { taskEvent } from '../helpers/task-event.ts';

const lens = useLens();

describe('HistoryStore.readHistory', () => {
  it('shows a send before the receipt and start it caused even when Celery stamped it a few ms later', async () => {
    const store = new HistoryStore(lens.redis.client(), lensKeys('order-test:'), {
      historyTtlSeconds: 60,
      tombstoneTtlSeconds: 60,
    });
    const at = Date.now();
    const base = taskEvent('task-received', 't1', 0, { hostname: 'w' });
    await store.recordEvents([
      { ...base, type: 'task-received', at },
      { ...base, type: 'task-sent', at: at + 3 },
      { ...base, type: 'task-started', at: at + 5 },
    ]);
    const [history] = (await store.readHistory(['t1'])) as TaskHistory[];
    expect(history?.timeline.map((e) => e.type)).toEqual(['task-sent', 'task-received', 'task-started']);
    expect(history?.sentAt).toBe(at);
    expect(history?.receivedAt).toBe(at);
    // Seen on a real run: the send stamped after both the receipt and the start.
    const base2 = { ...base, taskId: 't2' };
    await store.recordEvents([
      { ...base2, type: 'task-received', at },
      { ...base2, type: 'task-started', at: at + 1 },
      { ...base2, type: 'task-sent', at: at + 2 },
      { ...base2, type: 'task-succeeded', at: at + 3 },
    ]);
    const [second] = (await store.readHistory(['t2'])) as TaskHistory[];
    expect(second?.timeline.map((e) => e.type)).toEqual([
      'task-sent',
      'task-received',
      'task-started',
      'task-succeeded',
    ]);
    expect(second?.sentAt).toBe(at);
  });
});

describe('retry timelines', () => {
  const store = () =>
    new HistoryStore(lens.redis.client(), lensKeys(`retry-${randomUUID()}:`), {
      historyTtlSeconds: 60,
      tombstoneTtlSeconds: 60,
    });

  it('keeps each re-send after the attempt that sent it (events of a real retried task, Celery 5.2.6)', async () => {
    const c = capture('retry');
    const id = idOf(c, 'task');
    const captured = c.events
      .flatMap((e) => decodeEventMessage(e.message))
      .filter((e): e is TaskEvent => e.kind === 'task' && e.taskId === id);
    // Moved to now, keeping their spacing: what the test writes is relative to now, not to the capture's day.
    const shift = Date.now() - Math.max(...captured.map((e) => e.at));
    const events = captured.map((e) => ({ ...e, at: e.at + shift }));
    const history = store();
    // In arrival order, in one batch and one event at a time: the order read back is the same.
    await history.recordEvents(events);
    const [read] = (await history.readHistory([id])) as TaskHistory[];
    const lifecycle = [
      'task-sent',
      'task-received',
      'task-started', // attempt 0 runs and calls retry():
      'task-sent',
      'task-received',
      'task-retried', // it re-sends (retries 1, eta 0.1 s), the worker takes the message, attempt 0 ends
      'task-started',
      'task-sent',
      'task-received',
      'task-retried', // attempt 1 does the same
      'task-started',
      'task-succeeded', // attempt 2 succeeds
    ];
    expect(read?.timeline.map((e) => e.type)).toEqual(lifecycle);
    // Each receipt answers the send just before it (Celery numbers both with the attempt).
    const attempts = read?.timeline
      .filter((e) => e.type === 'task-sent' || e.type === 'task-received')
      .map((e) => e.retries);
    expect(attempts).toEqual([0, 0, 1, 1, 2, 2]);
    const sent = events.find((e) => e.type === 'task-sent')!;
    expect(read?.sentAt).toBe(sent.at);
    expect(read?.receivedAt).toBe(Math.max(...events.filter((e) => e.type === 'task-received').map((e) => e.at)));

    const oneByOne = store();
    for (const event of [...events].reverse()) await oneByOne.recordEvents([event]);
    expect(((await oneByOne.readHistory([id])) as TaskHistory[])[0]?.timeline.map((e) => e.type)).toEqual(lifecycle);
  });

  it('events stamped in the same millisecond keep their lifecycle order', async () => {
    const history = store();
    const at = Date.now();
    const base = taskEvent('task-received', 't3', 0, { hostname: 'w' });
    await history.recordEvents([
      { ...base, type: 'task-failed', at: at + 1 },
      { ...base, type: 'task-started', at: at + 1 },
      { ...base, type: 'task-received', at },
      { ...base, type: 'task-sent', at, retries: 0 },
    ]);
    const [read] = (await history.readHistory(['t3'])) as TaskHistory[];
    expect(read?.timeline.map((e) => e.type)).toEqual(['task-sent', 'task-received', 'task-started', 'task-failed']);
  });
});

describe('timeline size', () => {
  it(`keeps the latest ${MAX_TIMELINE} events of a task, however many arrive`, async () => {
    const store = new HistoryStore(lens.redis.client(), lensKeys(`flood-${randomUUID()}:`), {
      historyTtlSeconds: 60,
      tombstoneTtlSeconds: 60,
    });
    const base = taskEvent('task-received', 't4', 0, { hostname: 'w' });
    const at = Date.now();
    const flood = Array.from({ length: MAX_TIMELINE + 100 }, (_, index) => ({
      ...base,
      type: 'task-received' as const,
      at: at + index,
    }));
    await store.recordEvents(flood);
    const [read] = (await store.readHistory(['t4'])) as TaskHistory[];
    expect(read?.timeline).toHaveLength(MAX_TIMELINE);
    expect(read?.timeline.at(0)?.at).toBe(at + 100);
    expect(read?.timeline.at(-1)?.at).toBe(at + MAX_TIMELINE + 99);
  });
});

describe('histories earlier versions wrote', () => {
  it('reads their hash, timeline ZSET and JSON tombstone, merged with what this version records after them', async () => {
    const keys = lensKeys(`legacy-${randomUUID()}:`);
    const store = new HistoryStore(lens.redis.client(), keys, { historyTtlSeconds: 60, tombstoneTtlSeconds: 60 });
    const redis = lens.redis.client();
    const at = Date.now() - 10_000;
    // As the version before the compact records wrote them: a hash with long field names, a ZSET of members (one JSON).
    await redis.hset(keys.legacyHistory('t5'), {
      name: 'old.job',
      queue: 'q1',
      rootId: 'r1',
      retries: '0',
      sentAt: String(at),
      worker: 'w1@h',
      receivedAt: String(at + 5),
    });
    await redis.zadd(
      keys.legacyEvents('t5'),
      at,
      `a${at}|0|client@h`,
      at + 5,
      JSON.stringify({ type: 'task-received', at: at + 5, hostname: 'w1@h', retries: 0 }),
    );
    await redis.set(
      keys.tombstone('t5'),
      JSON.stringify({
        state: 'SUCCESS',
        dateDone: null,
        errorType: null,
        errorMessage: null,
        name: 'old.job',
        recordedAt: at,
      }),
    );
    const base = taskEvent('task-started', 't5', 0, { hostname: 'w2@h' });
    await store.recordEvents([{ ...base, type: 'task-started', at: at + 7, retries: null, name: null, queue: null }]);
    const [read] = (await store.readHistory(['t5'])) as TaskHistory[];
    expect(read?.timeline.map((entry) => [entry.type, entry.at, entry.hostname])).toEqual([
      ['task-sent', at, 'client@h'],
      ['task-received', at + 5, 'w1@h'],
      ['task-started', at + 7, 'w2@h'],
    ]);
    expect(read).toMatchObject({ name: 'old.job', queue: 'q1', rootId: 'r1', worker: 'w2@h', sentAt: at });
    expect(read).toMatchObject({ receivedAt: at + 5, startedAt: at + 7 });
    expect(read?.tombstone).toMatchObject({ state: 'SUCCESS', name: 'old.job', recordedAt: at });
  });

  it('keeps the send, receipt and start times of trimmed timeline entries', async () => {
    const keys = lensKeys(`trim-${randomUUID()}:`);
    const store = new HistoryStore(lens.redis.client(), keys, { historyTtlSeconds: 60, tombstoneTtlSeconds: 60 });
    const at = Date.now();
    const base = taskEvent('task-sent', 't6', 0, { hostname: 'w' });
    const retried = Array.from({ length: MAX_TIMELINE + 1 }, (_, index) => ({
      ...base,
      type: 'task-retried' as const,
      at: at + 10 + index,
    }));
    await store.recordEvents([
      { ...base, type: 'task-sent', at },
      { ...base, type: 'task-received', at: at + 1 },
      { ...base, type: 'task-started', at: at + 2 },
      ...retried,
    ]);
    const [read] = (await store.readHistory(['t6'])) as TaskHistory[];
    expect(read?.timeline.every((entry) => entry.type === 'task-retried')).toBe(true);
    expect(read).toMatchObject({ sentAt: at, receivedAt: at + 1, startedAt: at + 2 });
  });
});
