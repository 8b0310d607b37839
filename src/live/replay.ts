/**
 * Task streams that say where they are, and resume from there.
 *
 * Every update delivered carries a cursor (cursor.ts): the highest state
 * number (state-log.ts) the stream has delivered, or, before any, the
 * counter read before its watches opened. Resuming after a cursor:
 *
 * 1. the watches open first (subscribe, then read: task-watcher.ts), so
 *    nothing published from then on is missed;
 * 2. then the log is read: every state of the tasks numbered after the
 *    cursor, replayed oldest first;
 * 3. then the live updates, minus those the replay already gave: the current
 *    value read in 1 and the messages that raced the log read are numbered
 *    too, and one numbered at or before the last replayed state of its task
 *    is dropped. After a task's first newer update, its updates are all newer
 *    (they arrive in publish order) and go through.
 *
 * A cursor the log no longer covers is CURSOR_EXPIRED; one it never made,
 * INVALID_CURSOR. Both before anything is sent.
 */
import { decodeTaskMeta } from '../celery/meta.ts';
import type { CeleryKeys } from '../celery/keys.ts';
import { CursorExpiredError } from '../errors/cursor-errors.ts';
import { MetaDecodeError } from '../errors/meta-decode-error.ts';
import { type DecodedCursor, checkCursor, encodeCursor } from './cursor.ts';
import type { TaskGraph } from '../read/graph-walk.ts';
import type { ResultBackend } from '../read/result-backend.ts';
import { type LoggedState, type Position, type ResumeLog, digestOf } from '../store/store.ts';
import { type TaskStreamOptions, openTaskStream } from './task-stream.ts';
import { type TaskUpdate, type TaskWatcher, rawOf } from './task-watcher.ts';
import { SKIP, mapStream } from './channel.ts';
import { isReEmit } from './re-emits.ts';

export interface ResumeParts {
  readonly watcher: TaskWatcher;
  readonly backend: ResultBackend;
  readonly log: ResumeLog;
  readonly keys: CeleryKeys;
}

export interface ResumeOptions {
  /** Replay what came after this cursor first (decoded, not yet checked against the log). */
  readonly after: DecodedCursor | null;
  /**
   * Told the cursor of each update as the stream hands it out: the stream
   * hands one out only when its reader asks for the next event to send, so
   * it is the cursor of that event. A task emitted again (re-emits.ts) is
   * told the cursor as it stands.
   */
  readonly onCursor: (cursor: string | null, update: TaskUpdate) => void;
}

const digests = new WeakMap<TaskUpdate, string>();
/** One hash per update, however many streams deliver it. */
function digestOnce(update: TaskUpdate, raw: Buffer): string {
  let digest = digests.get(update);
  if (digest === undefined) {
    digest = digestOf(raw);
    digests.set(update, digest);
  }
  return digest;
}

/** How long a failed numbering is retried before the update goes out with the previous cursor. */
const RETRY_MS = [100, 400];

/** A logged state as the watcher would have notified it. */
function decodeLogged(parts: ResumeParts, state: LoggedState): TaskUpdate {
  const key = parts.keys.task(state.id);
  try {
    const meta = decodeTaskMeta(state.id, key, state.raw, parts.backend.valueLimits);
    return { id: state.id, meta, ttlMs: undefined, readAt: new Date() };
  } catch (error) {
    if (error instanceof MetaDecodeError) return error;
    throw error;
  }
}

/** A stream's position after handing out a state numbered `position`: never backwards within an epoch. */
export function advance(current: Position | null, position: Position): Position {
  return current === null || current.epoch !== position.epoch
    ? position
    : { epoch: current.epoch, seq: Math.max(current.seq, position.seq) };
}

/** The update's number, retried briefly; null when Redis keeps failing (the previous cursor then stands). */
export async function numberOf(log: ResumeLog, id: string, update: TaskUpdate): Promise<Position | null> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await log.positionOf(id, update);
    } catch {
      const delay = RETRY_MS[attempt];
      if (delay === undefined) return null;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** What a resumable stream keeps: the replay still to hand out, the edges, the last state of each task, its position. */
class Resume {
  /** Replayed states still to hand out, oldest first. */
  #replay: LoggedState[] = [];
  /** Per task still at the replay's edge: the number of its last replayed state (or the cursor's). */
  readonly #edge = new Map<string, number>();
  /** Per task, the digest of the last state handed out: never twice in a row. */
  readonly #last = new Map<string, string>();
  #position: Position | null;

  constructor(
    readonly parts: ResumeParts,
    readonly onCursor: ResumeOptions['onCursor'],
    start: Position | null,
  ) {
    this.#position = start;
  }

  /** Reads what came after `after` for `ids`; throws the cursor's error, if any. */
  async replayAfter(ids: readonly string[], after: DecodedCursor): Promise<void> {
    const { now, replays } = await this.parts.log.after(ids, after.seq);
    checkCursor(after, now, this.parts.log.windowSeconds);
    if (replays.some((replay) => replay.expired))
      throw new CursorExpiredError('a task changed more often since than the states kept');
    const states = replays.flatMap((replay) => (replay.expired ? [] : replay.states)).sort((a, b) => a.seq - b.seq);
    this.#replay = states;
    for (const id of ids) this.#edge.set(id, after.seq);
    for (const state of states) this.#edge.set(state.id, state.seq);
  }

  #advance(position: Position): void {
    this.#position = advance(this.#position, position);
  }

  #emit(id: string, update: TaskUpdate, digest: string | null): TaskUpdate {
    if (digest !== null) this.#last.set(id, digest);
    this.onCursor(this.#position ? encodeCursor(this.#position) : null, update);
    return update;
  }

  /** The next replayed state, as the watcher would have notified it; undefined once the replay is out. */
  replayed(): TaskUpdate | undefined {
    const replayed = this.#replay.shift();
    if (!replayed) return undefined;
    this.#advance({ epoch: (this.#position as Position).epoch, seq: replayed.seq });
    return this.#emit(replayed.id, decodeLogged(this.parts, replayed), replayed.digest);
  }

  /** A live update, numbered; SKIP when the replay gave it already (or it repeats the last state sent). */
  async live(update: TaskUpdate): Promise<TaskUpdate | typeof SKIP> {
    const id =
      update instanceof MetaDecodeError ? (this.parts.keys.taskIdOf(String(update.details.key)) ?? '') : update.id;
    // Emitted again (re-emits.ts): the same state, sent with the cursor as it stands.
    if (isReEmit(update)) return this.#emit(id, update, null);
    const raw = rawOf(update);
    const edge = this.#edge.get(id);
    if (raw === null) {
      // A missing key at the edge: the client saw this task before; nothing newer to say.
      if (edge !== undefined) return SKIP;
      return this.#emit(id, update, null);
    }
    const digest = digestOnce(update, raw);
    if (this.#last.get(id) === digest) return SKIP;
    const position = await numberOf(this.parts.log, id, update);
    if (edge !== undefined && position !== null && position.epoch === this.#position?.epoch && position.seq <= edge)
      return SKIP;
    this.#edge.delete(id);
    if (position) this.#advance(position);
    return this.#emit(id, update, digest);
  }
}

/**
 * Opens a task stream (as openTaskStream) whose updates carry cursors, first
 * replaying what came after `after`. Rejects with the cursor's error, or
 * BACKEND_UNAVAILABLE / TOO_MANY_WATCHES as openTaskStream.
 */
export async function openResumableStream(
  parts: ResumeParts,
  ids: readonly string[],
  options: TaskStreamOptions,
  resume: ResumeOptions,
): Promise<AsyncIterableIterator<TaskUpdate>> {
  const unique = [...new Set(ids)];
  const recording = parts.log.windowSeconds > 0;
  // Sent before the watches open, on the connection that then reads the tasks: Redis runs it
  // first, so every state numbered up to it is in what they read. Not awaited first: a stalled
  // Redis still gets the SUBSCRIBE (and it is left again, see subscriber-channels.ts).
  const reading = !resume.after && recording ? parts.log.now() : null;
  reading?.catch(() => {});
  const inner = await openTaskStream(parts.watcher, unique, options);
  let start: Position | null = resume.after;
  try {
    start ??= reading ? await reading : null;
  } catch (error) {
    await inner.return?.();
    throw error;
  }
  const state = new Resume(parts, recording ? resume.onCursor : () => {}, start);
  if (resume.after) {
    try {
      await state.replayAfter(unique, resume.after);
    } catch (error) {
      await inner.return?.();
      throw error;
    }
  }
  return mapStream(
    inner,
    (update) => state.live(update),
    () => state.replayed(),
  );
}

/**
 * Cursors for a stream of whole graphs (taskGraph): each graph carries the
 * counter read before it was walked, so it reflects every state numbered up
 * to its cursor. Resuming sends the graph as it is now only if one of its
 * tasks has a state numbered after the cursor, else waits for the next change.
 */
export async function* withGraphCursors(
  log: ResumeLog,
  source: AsyncGenerator<TaskGraph, void>,
  after: DecodedCursor | null,
  onCursor: (cursor: string | null) => void,
): AsyncGenerator<TaskGraph, void> {
  let resuming = after;
  try {
    for (;;) {
      const now = log.windowSeconds > 0 ? await log.now() : null;
      const step = await source.next();
      if (step.done) return;
      const graph = step.value;
      if (resuming && now) {
        const since = resuming;
        resuming = null;
        const ids = graph.nodes.filter((node) => node.kind === 'TASK').map((node) => node.id);
        if (now.epoch === since.epoch && !(await log.changedSince(ids, since.seq))) continue;
      }
      onCursor(now ? encodeCursor(now) : null);
      yield graph;
    }
  } finally {
    await source.return();
  }
}

/** Checks a cursor against the log before anything is sent (CURSOR_EXPIRED, INVALID_CURSOR). */
export async function checkResumePoint(log: ResumeLog, after: DecodedCursor): Promise<void> {
  checkCursor(after, log.windowSeconds > 0 ? await log.now() : null, log.windowSeconds);
}
