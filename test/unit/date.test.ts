import { describe, expect, it } from 'vitest';
import { parseCeleryDate } from '../../src/celery/date.ts';

describe('parseCeleryDate', () => {
  it('reads Celery 5.2 naive ISO strings as UTC', () => {
    expect(parseCeleryDate('2021-11-24T20:19:18.236501')?.toISOString()).toBe('2021-11-24T20:19:18.236Z');
  });
  it('reads 5.3+ strings with an offset', () => {
    expect(parseCeleryDate('2021-11-24T20:19:18.236501+00:00')?.toISOString()).toBe('2021-11-24T20:19:18.236Z');
    expect(parseCeleryDate('2021-11-24T21:19:18+01:00')?.toISOString()).toBe('2021-11-24T20:19:18.000Z');
  });
  it('rejects what is not a date', () => {
    expect(parseCeleryDate('yesterday')).toBeNull();
    expect(parseCeleryDate('2026-13-45T99:00:00')).toBeNull();
  });
});

describe('parseCeleryDate refuses impossible dates instead of rolling them over', () => {
  it.each([
    '2026-02-30T00:00:00',
    '2026-02-29T00:00:00+00:00',
    '2026-04-31T12:00:00',
    '2026-00-10T12:00:00',
    '2021-11-24T24:00:00',
    '2021-11-24T23:60:00',
    '2021-11-24T23:59:60',
    '0000-01-01T00:00:00',
    '2021-11-24T20:19:18+24:00',
    '2021-11-24T20:19:18+01:60',
  ])('%s is not a date', (value) => {
    expect(parseCeleryDate(value)).toBeNull();
  });

  it('keeps what Python accepts: leap days, offsets without a colon, minutes only, early years', () => {
    expect(parseCeleryDate('2028-02-29T23:59:59.999999')?.toISOString()).toBe('2028-02-29T23:59:59.999Z');
    expect(parseCeleryDate('2021-11-24T21:19:18+0100')?.toISOString()).toBe('2021-11-24T20:19:18.000Z');
    expect(parseCeleryDate('2021-11-24T19:49:18.5-00:30')?.toISOString()).toBe('2021-11-24T20:19:18.500Z');
    expect(parseCeleryDate('2021-11-24 20:19')?.toISOString()).toBe('2021-11-24T20:19:00.000Z');
    expect(parseCeleryDate('0050-03-01T00:00:00Z')?.toISOString()).toBe('0050-03-01T00:00:00.000Z');
    // A short fraction is padded, and the offset's digits after it are not read as more of it.
    expect(parseCeleryDate('2021-11-24T20:19:18.5+11:00')?.toISOString()).toBe('2021-11-24T09:19:18.500Z');
    expect(parseCeleryDate('2021-11-24T20:19:18.05')?.toISOString()).toBe('2021-11-24T20:19:18.050Z');
  });

  it('refuses a fraction with no digits, a stray character and an offset of the wrong length', () => {
    for (const value of [
      '2021-11-24T20:19:18.',
      '2021-11-24T20:19:18.5x',
      '2021-11-24T20:19:18+1:00',
      '2021-11-24T20:1',
    ])
      expect(parseCeleryDate(value)).toBeNull();
  });
});
