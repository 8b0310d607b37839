import { describe, expect, it } from 'vitest';
import { lensKeys } from '../../src/store/lens-keys.ts';
import { celeryKeys, normalizeGlobalKeyprefix } from '../../src/celery/keys.ts';

describe('Celery key names', () => {
  it("uses Celery's prefixes", () => {
    const keys = celeryKeys();
    expect(keys.task('abc')).toBe('celery-task-meta-abc');
    expect(keys.group('g')).toBe('celery-taskset-meta-g');
    expect(keys.taskIdOf('celery-task-meta-abc')).toBe('abc');
    expect(keys.taskIdOf('celery-taskset-meta-abc')).toBeNull();
  });

  it('applies global_keyprefix as Celery 5.3 does: "_" added unless it ends in :_-.', () => {
    expect(normalizeGlobalKeyprefix('prod')).toBe('prod_');
    for (const prefix of ['prod:', 'prod_', 'prod-', 'prod.']) expect(normalizeGlobalKeyprefix(prefix)).toBe(prefix);
    expect(celeryKeys('prod').task('x')).toBe('prod_celery-task-meta-x');
    expect(celeryKeys('app:').group('g')).toBe('app:celery-taskset-meta-g');
    expect(celeryKeys('prod').taskIdOf('prod_celery-task-meta-x')).toBe('x');
    expect(celeryKeys('prod').taskIdOf('celery-task-meta-x')).toBeNull();
  });
});

describe("celery-lens' own key names", () => {
  it('never give two (kind, id) pairs one key, whatever `:` the ids hold', () => {
    const keys = lensKeys();
    const ids = ['K', 'K:attempts', 'attempts', 'K:attempts:attempts', 'a:b', 'goal:K', ':', 'x-attempts'];
    const kinds = [
      'history',
      'legacyHistory',
      'legacyEvents',
      'children',
      'groupMembers',
      'tombstone',
      'goal',
      'goalAttempts',
      'stateLog',
    ] as const;
    const all = kinds.flatMap((kind) => ids.map((id) => keys[kind](id)));
    expect(new Set(all).size).toBe(all.length);
    expect(keys.goalAttempts('K')).toBe('celery-lens:goal-attempts:K');
    // Where earlier versions kept a goal's attempts (read, never written).
    expect(keys.legacyGoalAttempts('K')).toBe('celery-lens:goal:K:attempts');
  });
});
