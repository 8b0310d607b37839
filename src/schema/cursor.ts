/**
 * Resume cursors on the GraphQL side: the `after` argument (or, over SSE,
 * the `Last-Event-ID` header an EventSource sends when it reconnects), and
 * where each operation keeps the cursor of the event its stream handed out
 * last, for its live member (src/live/members.ts) to put in the event's
 * `extensions.cursor`.
 *
 * Why extensions and not a field: `task`, `tasks` and `taskGraph` return the
 * same types as the queries (`Task`, `TaskGraph`), where a cursor means
 * nothing; every graphql-ws `next` payload and SSE `data:` line is an
 * ExecutionResult, so `extensions.cursor` sits beside `data` for any client,
 * whatever it selected, and the SSE writer can copy it to the `id:` line.
 */
import { type DecodedCursor, decodeCursor } from '../live/cursor.ts';
import type { TaskGraph } from '../read/graph-walk.ts';
import { checkResumePoint, openResumableStream, withGraphCursors } from '../live/replay.ts';
import type { TaskStreamOptions } from '../live/task-stream.ts';
import type { TaskUpdate } from '../live/task-watcher.ts';
import { LensError } from '../errors/lens-error.ts';
import type { LensContext } from './context.ts';
import { toGraphQLError, withCodes } from './graphql-error.ts';
import { streamLimits } from './stream-limits.ts';

export const AFTER_DESCRIPTION =
  'Resume: replay what changed after this cursor (the `extensions.cursor` of an event), then go live. ' +
  'Over SSE the Last-Event-ID header does the same. CURSOR_EXPIRED: read again without it; INVALID_CURSOR: not a cursor of ours.';

/** The cursor of the event each operation is sending; keyed by its context. */
const cursors = new WeakMap<object, string | null>();

export function currentCursor(context: object): string | null | undefined {
  return cursors.get(context);
}

export function setCursor(context: object, cursor: string | null): void {
  cursors.set(context, cursor);
}

/** `after`, or the Last-Event-ID header of an SSE request; decoded, or INVALID_CURSOR. */
export function resumePoint(after: string | null | undefined, context: LensContext): DecodedCursor | null {
  const request = (context as { request?: Request }).request;
  const given = after ?? request?.headers.get('last-event-id') ?? null;
  if (given === null || given === '') return null;
  try {
    return decodeCursor(given);
  } catch (error) {
    throw error instanceof LensError ? toGraphQLError(error) : error;
  }
}

/** A task stream whose events carry cursors, resuming after `after` when given. */
export function resumableStream(
  ids: readonly string[],
  context: LensContext,
  options: TaskStreamOptions,
  after: DecodedCursor | null,
): Promise<AsyncIterableIterator<TaskUpdate>> {
  const parts = { watcher: context.watcher, backend: context.backend, log: context.states, keys: context.backend.keys };
  const streamOptions = { ...streamLimits(context), ...options };
  // The stream hands out an update only when it is asked for the next event to send (live/channel.ts'
  // mapStream): the cursor of the update handed out is the cursor of the event being sent.
  const onCursor = (cursor: string | null) => setCursor(context, cursor);
  return withCodes(() => openResumableStream(parts, ids, streamOptions, { after, onCursor }));
}

/** Checks `after` (or Last-Event-ID) for a graph subscription before it starts; null when not resuming. */
export async function graphResumePoint(
  after: string | null | undefined,
  context: LensContext,
): Promise<DecodedCursor | null> {
  const point = resumePoint(after, context);
  if (point) await withCodes(() => checkResumePoint(context.states, point));
  return point;
}

/** The graphs of `source`, each with its cursor; resuming skips the first one if nothing changed since `after`. */
export function graphWithCursors(
  source: AsyncGenerator<TaskGraph, void>,
  context: LensContext,
  after: DecodedCursor | null,
): AsyncGenerator<TaskGraph, void> {
  return withGraphCursors(context.states, source, after, (cursor) => setCursor(context, cursor));
}
