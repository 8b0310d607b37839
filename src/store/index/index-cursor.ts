/**
 * Page cursors of the task index: `<key id>.<payload>.<mac>`, the payload the
 * (time, id) of a page's last entry (or null, null: the start, before every
 * entry) and when it was issued, the mac over the key id, the payload and the
 * filter and order the cursor was issued for. Signed with a key every replica
 * shares (cursor-keys.ts), the newest; any key still in the ring verifies. A
 * cursor that was altered, made up, signed with a key no longer accepted, or
 * used with another filter is INVALID_CURSOR, as is one older than the index
 * keeps tasks (nothing it points between is left).
 *
 * A page's edges share one signer (its filter, order and time of issue): an
 * edge's cursor is signed only when a client selects it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidCursorError } from '../../errors/invalid-cursor-error.ts';
import type { CursorKey, CursorKeys } from '../cursor-keys.ts';
import type { IndexEntry } from './index-types.ts';

/** Longer is not one of ours. */
const MAX_CURSOR = 1024;
const VERSION = 2;

const mac = (key: CursorKey, signed: string, scope: string): Buffer =>
  createHmac('sha256', key.secret).update(`${signed}\n${scope}`).digest().subarray(0, 16);

/** Signs and checks the cursors of one filter and order: `scope`, what they are valid for (canonical). */
export class CursorSigner {
  private constructor(
    readonly keys: CursorKeys,
    readonly key: CursorKey,
    readonly scope: string,
    /** When this page's cursors are issued (one time for the page). */
    readonly issuedAt: number,
  ) {}

  /** A signer with the ring's signing key (read from the store when due). */
  static async of(keys: CursorKeys, scope: string, issuedAt = Date.now()): Promise<CursorSigner> {
    return new CursorSigner(keys, await keys.signing(), scope, issuedAt);
  }

  /** The cursor after `entry`; null: the start (what no `after` means). */
  encode(entry: IndexEntry | null): string {
    const payload = Buffer.from(
      JSON.stringify([VERSION, entry?.at ?? null, entry?.id ?? null, this.issuedAt]),
    ).toString('base64url');
    const signed = `${this.key.id}.${payload}`;
    return `${signed}.${mac(this.key, signed, this.scope).toString('base64url')}`;
  }

  /** The entry a cursor is after (null: the start); INVALID_CURSOR for any cursor this scope did not issue. */
  async decode(cursor: string, maxAgeMs: number, now = Date.now()): Promise<IndexEntry | null> {
    const [id, payload, given, ...rest] = cursor.length > MAX_CURSOR ? [] : cursor.split('.');
    if (id === undefined || payload === undefined || given === undefined || rest.length > 0)
      throw new InvalidCursorError('it is not a cursor celery-lens issued');
    const key = await this.keys.find(id);
    if (!key)
      throw new InvalidCursorError(
        'it was signed with a key that is no longer accepted (rotated out, or another deployment’s)',
      );
    // Compared as text: base64 decoding ignores a last character's spare bits, so two spellings would pass.
    const presented = Buffer.from(given);
    const expected = Buffer.from(mac(key, `${id}.${payload}`, this.scope).toString('base64url'));
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      throw new InvalidCursorError('it was altered, or issued for another filter or order');
    }
    const [version, at, entryId, issuedAt] = JSON.parse(Buffer.from(payload, 'base64url').toString()) as [
      unknown,
      unknown,
      unknown,
      unknown,
    ];
    const start = at === null && entryId === null;
    if (
      version !== VERSION ||
      typeof issuedAt !== 'number' ||
      !(start || (typeof at === 'number' && typeof entryId === 'string'))
    ) {
      throw new InvalidCursorError('it is not a cursor this version reads');
    }
    if (now - issuedAt > maxAgeMs)
      throw new InvalidCursorError('it is older than the index keeps tasks (--index-days)');
    return start ? null : { at: at as number, id: entryId as string };
  }
}
