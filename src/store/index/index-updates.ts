/**
 * What the task index learns from each event and each published meta: the
 * status celery-lens shows (store/task-statuses.ts' mapping), when, and the fields it
 * filters on.
 */
import { createHash } from 'node:crypto';
import type { TaskEvent, TaskEventType } from '../../celery/events.ts';
import type { TaskMeta } from '../../celery/meta.ts';
import { kwargsFromRepr } from '../../celery/python-repr.ts';
import { CeleryStates, READY_STATES } from '../../celery/states.ts';
import type { IndexUpdate } from './index-types.ts';
import { FROM_STATE, type TaskStatus } from '../task-statuses.ts';

const FROM_EVENT: Readonly<Record<TaskEventType, TaskStatus>> = {
  'task-sent': 'QUEUED',
  'task-received': 'QUEUED',
  'task-started': 'RUNNING',
  'task-retried': 'RETRYING',
  'task-succeeded': 'SUCCEEDED',
  'task-failed': 'FAILED',
  'task-revoked': 'REVOKED',
  'task-rejected': 'FAILED',
};

/** Longest kwargs value indexed, in bytes of JSON: a business key, not a document. */
export const MAX_KWARG_JSON = 200;
/** Longest name, worker, queue or exception type indexed. */
const MAX_TEXT = 512;

const bounded = (text: string | null | undefined): string | null =>
  text === null || text === undefined || text === '' || text.length > MAX_TEXT || /[\x1e\x1f]/.test(text) ? null : text;

/** Celery 5.2.6 sends billiard's wrapper's repr in task-failed: only the meta tells the type. */
function exceptionTypeOf(repr: string | null): string | null {
  const type = repr === null ? null : (/^([A-Za-z_][\w.]*)\(/.exec(repr)?.[1] ?? null);
  return type === 'ExceptionWithTraceback' ? null : bounded(type);
}

/** The JSON text of a kwargs value as the index keys it (and as a filter value is compared). */
export function kwargJson(value: unknown): string | null {
  const json = JSON.stringify(value);
  return json === undefined || json.length > MAX_KWARG_JSON ? null : json;
}

/** Ids the index can hold: its records are joined by \x1e and \x1f. */
export const indexableId = (id: string): boolean => id.length <= MAX_TEXT && !/[\x1e\x1f]/.test(id);

export function updateFromEvent(event: TaskEvent, kwargKeys: readonly string[]): IndexUpdate {
  const kwargs = event.kwargs && kwargKeys.length > 0 ? kwargsFromRepr(event.kwargs, kwargKeys) : {};
  for (const [key, json] of Object.entries(kwargs)) if (json.length > MAX_KWARG_JSON) delete kwargs[key];
  return {
    id: event.taskId,
    status: FROM_EVENT[event.type],
    at: event.at,
    name: bounded(event.name),
    // task-sent's hostname is the client's.
    worker: event.type === 'task-sent' ? null : bounded(event.hostname),
    queue: bounded(event.queue),
    rootId: bounded(event.rootId),
    parentId: event.parentId === event.taskId ? null : bounded(event.parentId),
    exceptionType: event.type === 'task-failed' ? exceptionTypeOf(event.exception) : null,
    runtime: event.runtime,
    kwargs,
    source: event.type === 'task-sent' ? 'client' : 'worker',
    digest: null,
  };
}

/**
 * What tells one unfinished stored state from the next. Such a state has no
 * time of its own (it is stamped on receipt), so every replica hearing it
 * would stamp its own: the index keeps the first (the same PROGRESS update
 * moves a task once, and is one taskEvents event).
 */
function stateDigest(meta: TaskMeta): string | null {
  if (READY_STATES.has(meta.state)) return null;
  return createHash('sha1')
    .update(JSON.stringify([meta.state, meta.result, meta.retries, meta.worker]))
    .digest('base64url')
    .slice(0, 11);
}

/** A meta's state at its date_done, or (unfinished states have none) when celery-lens received it. */
export function updateFromMeta(meta: TaskMeta, kwargKeys: readonly string[], receivedAt: number): IndexUpdate {
  const kwargs: Record<string, string> = {};
  const given = meta.kwargs;
  if (typeof given === 'object' && given !== null && !Array.isArray(given)) {
    for (const key of kwargKeys) {
      if (!Object.hasOwn(given, key)) continue;
      const json = kwargJson((given as Record<string, unknown>)[key]);
      if (json !== null) kwargs[key] = json;
    }
  }
  return {
    id: meta.id,
    status: FROM_STATE.get(meta.state) ?? 'RUNNING',
    at: meta.dateDone?.getTime() ?? receivedAt,
    name: bounded(meta.name),
    worker: bounded(meta.worker),
    queue: bounded(meta.queue),
    rootId: null,
    parentId: bounded(meta.parentId),
    exceptionType: meta.state === CeleryStates.FAILURE ? bounded(meta.exception?.type) : null,
    runtime: null,
    kwargs,
    source: 'meta',
    digest: stateDigest(meta),
  };
}
