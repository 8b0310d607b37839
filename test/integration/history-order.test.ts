import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../src/backend/history-store.ts';
import { lensKeys } from '../../src/backend/lens-keys.ts';
import { useLens } from '../helpers/lens-fixture.ts';

const lens = useLens();

describe('HistoryStore.readHistory', () => {
  it('shows a send before the receipt it caused even when Celery stamped it a few ms later', async () => {
    const store = new HistoryStore(lens.redis.client(), lensKeys('order-test:'), { historyTtlSeconds: 60, tombstoneTtlSeconds: 60 });
    const at = Date.now();
    const base = { kind: 'task', taskId: 't1', hostname: 'w', name: null, parentId: null, rootId: null, retries: null, queue: null, runtime: null, exception: null } as const;
    await store.recordEvents([
      { ...base, type: 'task-received', at },
      { ...base, type: 'task-sent', at: at + 3 },
      { ...base, type: 'task-started', at: at + 5 },
    ]);
    const [history] = await store.readHistory(['t1']);
    expect(history?.timeline.map((e) => e.type)).toEqual(['task-sent', 'task-received', 'task-started']);
    expect(history?.sentAt).toBe(at);
    expect(history?.receivedAt).toBe(at);
  });
});
