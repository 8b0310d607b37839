import { describe, expect, it } from 'vitest';
import { parseCeleryDate } from '../../src/celery/date.ts';

describe('parseCeleryDate', () => {
  it('reads Celery 5.2 naive ISO strings as UTC', () => {
    expect(parseCeleryDate('2026-11-24T20:19:18.236501')?.toISOString()).toBe('2026-11-24T20:19:18.236Z');
  });
  it('reads 5.3+ strings with an offset', () => {
    expect(parseCeleryDate('2026-11-24T20:19:18.236501+00:00')?.toISOString()).toBe('2026-11-24T20:19:18.236Z');
    expect(parseCeleryDate('2026-11-24T21:19:18+01:00')?.toISOString()).toBe('2026-11-24T20:19:18.000Z');
  });
  it('rejects what is not a date', () => {
    expect(parseCeleryDate('yesterday')).toBeNull();
    expect(parseCeleryDate('2026-13-45T99:00:00')).toBeNull();
  });
});
