/**
 * Page cursors of the task index: the (time, id) of a page's last entry,
 * signed with a secret every replica shares (kept in Redis, task-index.ts)
 * over the filter and order they were issued for. A cursor that was altered,
 * made up, or used with another filter is INVALID_CURSOR, as is one older
 * than the index keeps tasks (nothing it points between is left).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidCursorError } from '../errors/invalid-cursor-error.ts';
import type { IndexEntry } from './task-index.ts';

/** Longer is not one of ours. */
const MAX_CURSOR = 1024;

const sign = (secret: string, payload: string, scope: string) =>
  createHmac('sha256', secret).update(`${payload}\n${scope}`).digest().subarray(0, 16);

/** `scope`: what the cursor is valid for (the filter and order, canonical). */
export function encodeCursor(secret: string, entry: IndexEntry, scope: string, issuedAt = Date.now()): string {
  const payload = Buffer.from(JSON.stringify([1, entry.at, entry.id, issuedAt])).toString('base64url');
  return `${payload}.${sign(secret, payload, scope).toString('base64url')}`;
}

export function decodeCursor(secret: string, cursor: string, scope: string, maxAgeMs: number, now = Date.now()): IndexEntry {
  const [payload, mac, ...rest] = cursor.length > MAX_CURSOR ? [] : cursor.split('.');
  if (payload === undefined || mac === undefined || rest.length > 0) throw new InvalidCursorError('it is not a cursor celery-lens issued');
  const given = Buffer.from(mac, 'base64url');
  const expected = sign(secret, payload, scope);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new InvalidCursorError('it was altered, or issued for another filter or order');
  }
  const [version, at, id, issuedAt] = JSON.parse(Buffer.from(payload, 'base64url').toString()) as [number, number, string, number];
  if (version !== 1 || typeof at !== 'number' || typeof id !== 'string' || typeof issuedAt !== 'number') {
    throw new InvalidCursorError('it is not a cursor this version reads');
  }
  if (now - issuedAt > maxAgeMs) throw new InvalidCursorError('it is older than the index keeps tasks (--index-days)');
  return { at, id };
}
