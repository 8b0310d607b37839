/**
 * Resume cursors: `cl1.<epoch>.<seq>.<at>.<check>`, a point in the state
 * log (state-log.ts) — every state numbered up to `seq` in `epoch` was
 * delivered — with the time it was made (`at`, ms in base 36) and a check
 * over the rest. Cursors grant nothing (a subscription still checks its
 * credential and ids); the check only tells our cursors from anything else,
 * an altered or truncated one included. Only [0-9a-z.] appear, so a cursor
 * fits an SSE `id:` line and a URL as it is.
 */
import { createHash } from 'node:crypto';
import type { ExecutionResult } from 'graphql';
import { CursorExpiredError, InvalidCursorError } from '../errors/cursor-errors.ts';
import type { Position } from '../store/store.ts';

const VERSION = 'cl1';
/** Longest cursor read: anything longer is not ours. */
const MAX_LENGTH = 100;

const check = (body: string) => createHash('sha256').update(`celery-lens cursor ${body}`).digest('hex').slice(0, 12);

export function encodeCursor(position: Position, at = Date.now()): string {
  const body = `${VERSION}.${position.epoch}.${position.seq.toString(36)}.${at.toString(36)}`;
  return `${body}.${check(body)}`;
}

export interface DecodedCursor extends Position {
  /** When it was made, ms since the epoch. */
  readonly at: number;
}

/** The cursor's position; InvalidCursorError for anything celery-lens did not make. */
export function decodeCursor(cursor: string): DecodedCursor {
  if (cursor.length > MAX_LENGTH) throw new InvalidCursorError(`longer than ${MAX_LENGTH} characters`);
  const parts = cursor.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION)
    throw new InvalidCursorError(`expected ${VERSION}.<epoch>.<seq>.<time>.<check>`);
  const [, epoch, seq, at, sum] = parts as [string, string, string, string, string];
  if (sum !== check(parts.slice(0, 4).join('.')))
    throw new InvalidCursorError('its check does not match (altered or truncated)');
  if (!/^[0-9a-f]{1,32}$/.test(epoch) || !/^[0-9a-z]{1,11}$/.test(seq) || !/^[0-9a-z]{1,11}$/.test(at))
    throw new InvalidCursorError('malformed');
  return { epoch, seq: Number.parseInt(seq, 36), at: Number.parseInt(at, 36) };
}

/**
 * Checks a decoded cursor against the log's counter now: from another epoch
 * or older than the window, expired; ahead of the counter, not ours.
 */
export function checkCursor(cursor: DecodedCursor, now: Position | null, windowSeconds: number): void {
  if (windowSeconds === 0) throw new CursorExpiredError('states are not recorded: --resume-window is 0');
  if (now === null || now.epoch !== cursor.epoch)
    throw new CursorExpiredError('Redis no longer holds the states it numbered');
  if (cursor.seq > now.seq) throw new InvalidCursorError('it is ahead of every state recorded');
  if (Date.now() - cursor.at > windowSeconds * 1000)
    throw new CursorExpiredError(`made more than ${windowSeconds} s ago, --resume-window`);
}

const copies = new WeakMap<ExecutionResult, Map<string, ExecutionResult>>();

/**
 * `result` with `extensions.cursor`: one copy per result and cursor, so the
 * subscribers sharing an event's result share the copy too, and its JSON is
 * measured and written once (plugins/use-response-limit.ts).
 */
export function withCursor(result: ExecutionResult, cursor: string): ExecutionResult {
  let byCursor = copies.get(result);
  if (!byCursor) {
    byCursor = new Map();
    copies.set(result, byCursor);
  }
  let copy = byCursor.get(cursor);
  if (!copy) {
    copy = { ...result, extensions: { ...result.extensions, cursor } };
    byCursor.set(cursor, copy);
  }
  return copy;
}
