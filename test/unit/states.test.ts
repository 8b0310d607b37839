import { describe, expect, it } from 'vitest';
import {
  EXCEPTION_STATES,
  PROPAGATE_STATES,
  READY_STATES,
  UNREADY_STATES,
  isBuiltinState,
  precedence,
} from '../../src/celery/states.ts';

describe('Celery states', () => {
  it('orders states as celery.states.PRECEDENCE, custom states between FAILURE and REVOKED', () => {
    const order = ['SUCCESS', 'FAILURE', 'PROGRESS', 'REVOKED', 'STARTED', 'RECEIVED', 'REJECTED', 'RETRY', 'PENDING'];
    const sorted = [...order].reverse().sort((a, b) => precedence(a) - precedence(b));
    expect(sorted).toEqual(order);
    expect(precedence('PROGRESS')).toBe(precedence('IGNORED'));
  });

  it('has the same ready/unready/exception/propagate sets as Celery 5.2', () => {
    expect([...READY_STATES].sort()).toEqual(['FAILURE', 'REVOKED', 'SUCCESS']);
    expect([...UNREADY_STATES].sort()).toEqual(['PENDING', 'RECEIVED', 'REJECTED', 'RETRY', 'STARTED']);
    expect([...EXCEPTION_STATES].sort()).toEqual(['FAILURE', 'RETRY', 'REVOKED']);
    expect([...PROPAGATE_STATES].sort()).toEqual(['FAILURE', 'REVOKED']);
  });

  it('tells built-in states from custom ones', () => {
    expect(isBuiltinState('STARTED')).toBe(true);
    expect(isBuiltinState('IGNORED')).toBe(true);
    expect(isBuiltinState('PROGRESS')).toBe(false);
    expect(isBuiltinState('success')).toBe(false);
  });
});
