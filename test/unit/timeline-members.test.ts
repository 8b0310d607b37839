/** The compact timeline members (store/timeline-members.ts): what is written reads back, and stays a listpack's size. */
import { describe, expect, it } from 'vitest';
import { decodeTimelineMember, encodeTimelineMember } from '../../src/store/timeline-members.ts';
import type { TimelineEntry } from '../../src/celery/timeline-order.ts';

describe('timeline members', () => {
  it('read back as written, every type, with or without retries and hostname', () => {
    const entries: TimelineEntry[] = [
      { type: 'task-sent', at: 1765100000123, hostname: null, retries: 0 },
      { type: 'task-received', at: 1765100000124.5, hostname: 'celery@worker-1', retries: 2 },
      { type: 'task-started', at: 1765100000125, hostname: 'celery@a|b' },
      { type: 'task-succeeded', at: 1765100000126, hostname: '' },
      { type: 'task-failed', at: 0, hostname: 'w' },
      { type: 'task-retried', at: -5, hostname: 'w' },
      { type: 'task-revoked', at: 1, hostname: null },
      { type: 'task-rejected', at: 2, hostname: 'w', retries: 9 },
    ];
    for (const entry of entries) expect(decodeTimelineMember(encodeTimelineMember(entry))).toEqual(entry);
    expect(encodeTimelineMember(entries[1] as TimelineEntry)).toBe('b1765100000124.5|2|celery@worker-1');
    // Under zset-max-listpack-value (64) with a 40-character hostname.
    const long = { type: 'task-succeeded', at: 1765100000123.456, hostname: 'x'.repeat(40), retries: 12 } as const;
    expect(Buffer.byteLength(encodeTimelineMember(long))).toBeLessThanOrEqual(64);
  });

  it("leaves earlier versions' JSON members and garbage to the JSON reader", () => {
    for (const member of ['{"type":"task-sent","at":1,"hostname":null}', '', 'z1|0', 'a|0', 'ax|0', 'a1|x', 'a1e300|'])
      expect(decodeTimelineMember(member)).toBeNull();
  });
});
