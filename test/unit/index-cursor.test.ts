import { describe, expect, it } from 'vitest';
import { ConfiguredCursorKeys } from '../../src/store/cursor-keys.ts';
import { CursorSigner } from '../../src/store/index/index-cursor.ts';

const DAY = 86_400_000;
const [s1, s2] = ['first-cursor-secret-of-32-characters', 'second-cursor-secret-of-32-characters'];

describe('page cursors', () => {
  it('round-trip an entry and the start; one secret signs alike on every process', async () => {
    const signer = await CursorSigner.of(new ConfiguredCursorKeys([s1]), 'scope');
    const entry = { at: Date.now() - 1000, id: 'task-1' };
    expect(await signer.decode(signer.encode(entry), DAY)).toEqual(entry);
    expect(await signer.decode(signer.encode(null), DAY)).toBeNull();
    // Another process with the same secret reads it, and makes the same cursor.
    const replica = await CursorSigner.of(new ConfiguredCursorKeys([s1]), 'scope', signer.issuedAt);
    expect(replica.encode(entry)).toBe(signer.encode(entry));
  });

  it('are INVALID_CURSOR older than the index keeps tasks, for another scope, or once their secret is dropped', async () => {
    const issuedAt = Date.now() - 2 * DAY;
    const signer = await CursorSigner.of(new ConfiguredCursorKeys([s1]), 'scope', issuedAt);
    const cursor = signer.encode({ at: issuedAt, id: 'task-1' });
    await expect(signer.decode(cursor, DAY)).rejects.toMatchObject({
      code: 'INVALID_CURSOR',
      message: expect.stringContaining('--index-days'),
    });
    expect(await signer.decode(cursor, 3 * DAY)).toEqual({ at: issuedAt, id: 'task-1' });
    const other = await CursorSigner.of(new ConfiguredCursorKeys([s1]), 'another scope');
    await expect(other.decode(cursor, 3 * DAY)).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    const rotating = await CursorSigner.of(new ConfiguredCursorKeys([s2, s1]), 'scope');
    expect(await rotating.decode(cursor, 3 * DAY)).toEqual({ at: issuedAt, id: 'task-1' });
    expect(rotating.encode(null).split('.')[0]).not.toBe(cursor.split('.')[0]);
    const rotated = await CursorSigner.of(new ConfiguredCursorKeys([s2]), 'scope');
    await expect(rotated.decode(cursor, 3 * DAY)).rejects.toMatchObject({
      code: 'INVALID_CURSOR',
      message: expect.stringContaining('no longer accepted'),
    });
  });
});
