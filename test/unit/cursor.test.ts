import { describe, expect, it } from 'vitest';
import { checkCursor, decodeCursor, encodeCursor } from '../../src/live/cursor.ts';

describe('resume cursors', () => {
  it('round-trip, and fit an SSE id line and a URL as they are', () => {
    const cursor = encodeCursor({ epoch: 'a1b2c3d4e5f6', seq: 123_456 }, 1_764_000_000_000);
    expect(cursor).toMatch(/^cl1\.[0-9a-z.]+$/);
    expect(decodeCursor(cursor)).toEqual({ epoch: 'a1b2c3d4e5f6', seq: 123_456, at: 1_764_000_000_000 });
  });

  it('anything we did not make is INVALID_CURSOR: other formats, any altered character, truncation', () => {
    const cursor = encodeCursor({ epoch: 'a1b2c3d4e5f6', seq: 42 });
    const altered = [...cursor].map(
      (char, index) => cursor.slice(0, index) + (char === '0' ? '1' : '0') + cursor.slice(index + 1),
    );
    for (const bad of ['', 'x', 'cl1', 'cl2.a.1.1.0', `${cursor}.`, cursor.slice(0, -1), 'a'.repeat(200), ...altered]) {
      expect(() => decodeCursor(bad), bad).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR' }));
    }
  });

  it('another epoch or older than the window is CURSOR_EXPIRED; ahead of the counter, INVALID_CURSOR', () => {
    const made = decodeCursor(encodeCursor({ epoch: 'aaaa', seq: 10 }));
    expect(() => checkCursor(made, { epoch: 'aaaa', seq: 10 }, 3600)).not.toThrow();
    expect(() => checkCursor(made, { epoch: 'bbbb', seq: 99 }, 3600)).toThrow(
      expect.objectContaining({ code: 'CURSOR_EXPIRED' }),
    );
    expect(() => checkCursor(made, null, 3600)).toThrow(expect.objectContaining({ code: 'CURSOR_EXPIRED' }));
    expect(() => checkCursor(made, { epoch: 'aaaa', seq: 9 }, 3600)).toThrow(
      expect.objectContaining({ code: 'INVALID_CURSOR' }),
    );
    expect(() => checkCursor(made, { epoch: 'aaaa', seq: 10 }, 0)).toThrow(
      expect.objectContaining({ code: 'CURSOR_EXPIRED' }),
    );
    const old = decodeCursor(encodeCursor({ epoch: 'aaaa', seq: 10 }, Date.now() - 3601_000));
    expect(() => checkCursor(old, { epoch: 'aaaa', seq: 10 }, 3600)).toThrow(
      expect.objectContaining({ code: 'CURSOR_EXPIRED' }),
    );
  });
});
