import { describe, expect, it } from 'vitest';
import { HistoryStore, type TaskHistory } from '../../src/backend/history-store.ts';
import { lensKeys } from '../../src/backend/lens-keys.ts';
import { useLens } from '../helpers/lens-fixture.ts';

const lens = useLens();

describe('HistoryStore.readHistory', () => {
  it('shows a send before the receipt and start it caused even when Celery stamped it a few ms later', async () => {
    const store = new HistoryStore(lens.redis.client(), lensKeys('order-test:'), { historyTtlSeconds: 60, tombstoneTtlSeconds: 60 });
    const at = Date.now();
    const base = { kind: 'task', taskId: 't1', hostname: 'w', name: null, parentId: null, rootId: null, retries: null, queue: null, runtime: null, exception: null } as const;
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
    expect(second?.timeline.map((e) => e.type)).toEqual(['task-sent', 'task-received', 'task-started', 'task-succeeded']);
    expect(second?.sentAt).toBe(at);
  });
});
