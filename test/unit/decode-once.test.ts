import { describe, expect, it } from 'vitest';
import { DecodeOnce } from '../../src/celery/decode-once.ts';
import { DEFAULT_VALUE_LIMITS } from '../../src/celery/meta.ts';
import { MetaDecodeError } from '../../src/errors/meta-decode-error.ts';

const key = (id: string) => `celery-task-meta-${id}`;
const bytes = (status: string, result: unknown = null) =>
  Buffer.from(JSON.stringify({ status, result, task_id: 'a', date_done: null, traceback: null, children: [] }));

describe('DecodeOnce', () => {
  it('decodes a state heard twice once: the second hearer takes the first one’s meta', () => {
    const decodes = new DecodeOnce(DEFAULT_VALUE_LIMITS);
    const first = decodes.decode('a', key('a'), bytes('STARTED'), true);
    // Other bytes, copied: compared, not matched by identity.
    const second = decodes.decode('a', key('a'), Buffer.from(bytes('STARTED')), false);
    expect(second).toBe(first);
    expect([decodes.decodes, decodes.reused, decodes.kept]).toEqual([1, 1, 0]);
  });

  it('takes the state with the same bytes whichever order they are heard in, and keeps nothing not heard again', () => {
    const decodes = new DecodeOnce(DEFAULT_VALUE_LIMITS);
    const [one, two] = [bytes('PROGRESS', { step: 1 }), bytes('PROGRESS', { step: 2 })];
    const fromWatcher = [decodes.decode('a', key('a'), one, true), decodes.decode('a', key('a'), two, true)];
    expect(decodes.kept).toBe(2);
    expect(decodes.decode('a', key('a'), two, false)).toBe(fromWatcher[1]);
    expect(decodes.decode('a', key('a'), one, false)).toBe(fromWatcher[0]);
    decodes.decode('b', key('b'), bytes('SUCCESS', 1), false);
    expect([decodes.decodes, decodes.reused, decodes.kept]).toEqual([3, 2, 0]);
  });

  it('hands an undecodable value’s error to both hearers', () => {
    const decodes = new DecodeOnce(DEFAULT_VALUE_LIMITS);
    const pickle = Buffer.from([0x80, 0x04, 0x95]);
    expect(() => decodes.decode('a', key('a'), pickle, true)).toThrow(MetaDecodeError);
    expect(() => decodes.decode('a', key('a'), pickle, false)).toThrow(MetaDecodeError);
    expect([decodes.decodes, decodes.reused]).toEqual([1, 1]);
  });

  it('lets go of a decode never taken, past maxKept or keepMs', () => {
    const decodes = new DecodeOnce(DEFAULT_VALUE_LIMITS, { maxKept: 2, keepMs: 60_000 });
    for (const step of [1, 2, 3]) decodes.decode('a', key('a'), bytes('PROGRESS', { step }), true);
    expect(decodes.kept).toBe(2);
    // The oldest went: decoded again.
    decodes.decode('a', key('a'), bytes('PROGRESS', { step: 1 }), false);
    expect(decodes.reused).toBe(0);
    // keepMs 0: nothing waits, the second hearer decodes again.
    const quick = new DecodeOnce(DEFAULT_VALUE_LIMITS, { keepMs: 0 });
    quick.decode('a', key('a'), bytes('STARTED'), true);
    expect(quick.kept).toBe(0);
    quick.decode('a', key('a'), bytes('STARTED'), false);
    expect([quick.decodes, quick.reused]).toEqual([2, 0]);
  });
});
