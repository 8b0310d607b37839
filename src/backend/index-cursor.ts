/**
 * Page cursors of the task index: the (time, id) of a page's last entry,
 * signed with a secret every replica shares (kept in Redis, task-index.ts)
 * over the filter and order they were issued for. A cursor that was altered,
 * made up, or used with another filter is INVALID_CURSOR, as is one older
 * than the index keeps tasks (nothing it points between is left).
 *
 * A page's edges share one signer (its filter, order and time of issue): an
 * edge's cursor is signed only when a client selects it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidCursorError } from '../errors/invalid-cursor-error.ts';
import type { IndexEntry } from './task-index.ts';

/** Longer is not one of ours. */
const MAX_CURSOR = 1024;
const VERSION = 1;

/** Signs and checks the cursors of one filter and order: `scope`, what they are valid for (canonical). */
export class CursorSigner {
  constructor(
    readonly secret: string,
    readonly scope: string,
    /** When this page's cursors are issued (one time for the page). */
    readonly issuedAt = Date.now(),
  ) {}

  #sign(payload: string): Buffer {
    return createHmac('sha256', this.secret).update(`${payload}\n${this.scope}`).digest().subarray(0, 16);
  }

  encode(entry: IndexEntry): string {
    const payload = Buffer.from(JSON.stringify([VERSION, entry.at, entry.id, this.issuedAt])).toString('base64url');
    return `${payload}.${this.#sign(payload).toString('base64url')}`;
  }

  decode(cursor: string, maxAgeMs: number, now = Date.now()): IndexEntry {
    const [payload, mac, ...rest] = cursor.length > MAX_CURSOR ? [] : cursor.split('.');
    if (payload === undefined || mac === undefined || rest.length > 0) throw new InvalidCursorError('it is not a cursor celery-lens issued');
    const given = Buffer.from(mac, 'base64url');
    const expected = this.#sign(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new InvalidCursorError('it was altered, or issued for another filter or order');
    }
    const [version, at, id, issuedAt] = JSON.parse(Buffer.from(payload, 'base64url').toString()) as [number, number, string, number];
    if (version !== VERSION || typeof at !== 'number' || typeof id !== 'string' || typeof issuedAt !== 'number') {
      throw new InvalidCursorError('it is not a cursor this version reads');
    }
    if (now - issuedAt > maxAgeMs) throw new InvalidCursorError('it is older than the index keeps tasks (--index-days)');
    return { at, id };
  }
}
