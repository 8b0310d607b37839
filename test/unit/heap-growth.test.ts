import { describe, expect, it } from 'vitest';
import { heapGrowth } from '../../src/heap-growth.ts';

describe('heapGrowth', () => {
  it('is tight from the start, V8 own while busy with queries and few subscriptions, with room around each bound', () => {
    const flags: string[] = [];
    const heap = heapGrowth({ tightAt: 1000, busyAt: 100, setFlag: (flag) => flags.push(flag) });
    expect(flags).toEqual(['--heap-growing-percent=20']);
    heap.tick(0, 99); // not busy yet
    heap.tick(600, 5000); // busy, but not few enough subscriptions to loosen
    expect(flags).toHaveLength(1);
    heap.tick(499, 100);
    expect(flags.at(-1)).toBe('--heap-growing-percent=0');
    heap.tick(999, 20); // still loose: under tightAt, and busy enough to stay so
    expect(flags).toHaveLength(2);
    heap.tick(1000, 5000); // many subscriptions: tight whatever the queries
    expect(flags.at(-1)).toBe('--heap-growing-percent=20');
    heap.tick(100, 5000);
    expect(flags.at(-1)).toBe('--heap-growing-percent=0');
    heap.tick(100, 19); // the queries stopped
    expect(flags).toEqual([
      '--heap-growing-percent=20',
      '--heap-growing-percent=0',
      '--heap-growing-percent=20',
      '--heap-growing-percent=0',
      '--heap-growing-percent=20',
    ]);
  });

  it('loosens at a query at once while few subscriptions are open, and the clock tightens it again when queries stop', () => {
    const flags: string[] = [];
    const heap = heapGrowth({ tightAt: 1000, busyAt: 10, setFlag: (flag) => flags.push(flag) });
    heap.queried(600); // too many subscriptions: stays tight
    expect(flags).toEqual(['--heap-growing-percent=20']);
    heap.queried(3);
    expect(flags.at(-1)).toBe('--heap-growing-percent=0');
    heap.queried(3); // already loose: no flag set again
    heap.tick(3, 5); // a burst that goes on: stays loose
    expect(flags).toHaveLength(2);
    heap.tick(3, 1); // the queries stopped
    expect(flags.at(-1)).toBe('--heap-growing-percent=20');
  });
});
