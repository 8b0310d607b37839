/**
 * The one place that builds Celery key and channel names.
 * See docs/celery-wire-format.md, "Keys".
 */

/** Celery's own prefixes (celery/backends/base.py, KeyValueStoreBackend). */
export const TASK_KEY_PREFIX = 'celery-task-meta-';
export const GROUP_KEY_PREFIX = 'celery-taskset-meta-';

export interface CeleryKeys {
  /** Key (and pub/sub channel) of a task's meta: `celery-task-meta-<id>`. */
  task(id: string): string;
  /** Key of a saved group (GroupResult.save()): `celery-taskset-meta-<id>`. */
  group(id: string): string;
  /**
   * A running chord's keys, gone once it fires: its size (`.s`), the tasks
   * added to it while it runs (`.t`, `add_to_chord`: not a count of finished
   * ones), and its finished header tasks' results (`.j`).
   */
  chordSize(groupId: string): string;
  chordAdded(groupId: string): string;
  chordResults(groupId: string): string;
  /** PSUBSCRIBE pattern of every task channel. */
  readonly taskPattern: string;
  /** The task id in a task key or channel name, or null when it is not one. */
  taskIdOf(keyOrChannel: string): string | null;
}

/**
 * Applies Celery's `global_keyprefix` rule (Celery ≥ 5.3,
 * `result_backend_transport_options={'global_keyprefix': ...}`): the prefix is
 * prepended to every key prefix, with a `_` added unless it already ends in one
 * of `:_-.`.
 */
export function normalizeGlobalKeyprefix(prefix: string): string {
  if (prefix === '') return '';
  return ':_-.'.includes(prefix.at(-1) ?? '') ? prefix : `${prefix}_`;
}

export function celeryKeys(globalKeyprefix = ''): CeleryKeys {
  const base = normalizeGlobalKeyprefix(globalKeyprefix);
  const taskPrefix = base + TASK_KEY_PREFIX;
  const groupPrefix = base + GROUP_KEY_PREFIX;
  return {
    task: (id) => taskPrefix + id,
    group: (id) => groupPrefix + id,
    chordSize: (id) => `${groupPrefix}${id}.s`,
    chordAdded: (id) => `${groupPrefix}${id}.t`,
    chordResults: (id) => `${groupPrefix}${id}.j`,
    taskPattern: `${taskPrefix}*`,
    taskIdOf: (name) => (name.startsWith(taskPrefix) ? name.slice(taskPrefix.length) : null),
  };
}
