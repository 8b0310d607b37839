import { describe, expect, it } from 'vitest';
import { decodeResultTuple, taskIdsOf } from '../../src/celery/result-tuple.ts';

describe('decodeResultTuple (celery.result.result_from_tuple)', () => {
  it('decodes one result, as a chain link stores its next link', () => {
    expect(decodeResultTuple([['b', null], null])).toEqual({ kind: 'task', id: 'b', parent: null });
  });

  it('decodes a result with its parent chain', () => {
    expect(decodeResultTuple([['c', [['b', [['a', null], null]], null]], null])).toEqual({
      kind: 'task',
      id: 'c',
      parent: { kind: 'task', id: 'b', parent: { kind: 'task', id: 'a', parent: null } },
    });
  });

  it('decodes a group, nested groups and bare ids', () => {
    const node = decodeResultTuple([
      ['g', null],
      [
        [['t1', null], null],
        [['g2', null], [[['t2', null], null]]],
        ['t3', null],
      ],
    ]);
    expect(node).toMatchObject({
      kind: 'group',
      id: 'g',
      members: [{ id: 't1' }, { kind: 'group', id: 'g2' }, { id: 't3' }],
    });
    expect(taskIdsOf(node!)).toEqual(['t1', 't2', 't3']);
  });

  it('returns null for what is not a tuple, and stops at absurd nesting', () => {
    for (const bad of [null, 'x', [], [1, null], [['', null], null], [['a', null], 'members'], { id: 'a' }]) {
      expect(decodeResultTuple(bad)).toBeNull();
    }
    let deep: unknown = [['leaf', null], null];
    for (let i = 0; i < 100; i += 1) deep = [['g', null], [deep]];
    expect(taskIdsOf(decodeResultTuple(deep)!)).toEqual([]);
  });
});
