/**
 * A preset dictionary for compressing one task's published meta (the resume
 * log keeps the bytes of states the result backend will not hold:
 * store/state-bytes.ts). Celery's JSON backend writes every meta with the
 * same keys in the same order (`json.dumps` with its default separators),
 * and the task's id once; with those in the dictionary, deflate codes a
 * STARTED meta with `result_extended` (about 300 bytes) in about 70.
 *
 * The text is Celery's field names and common values as
 * celery/backends/base.py writes them (_get_result_meta, prepare_exception),
 * the most frequent last (deflate's nearest matches are the cheapest), the
 * task id at the very end. Changing it makes earlier compressed states
 * unreadable (they then read as expired cursors): `DICTIONARY_VERSION`
 * names it in what is stored.
 */
const COMMON =
  '{"status": "FAILURE", "result": {"exc_type": "", "exc_message": [""], "exc_module": "builtins"}, ' +
  '"traceback": "Traceback (most recent call last):\\n  File \\"/usr/lib/python3/dist-packages/celery/app/trace.py\\", line ' +
  '{"status": "RETRY", "result": {"current": , "total": }, "date_done": null, "group_id": null, "parent_id": null, ' +
  '{"status": "PROGRESS", "result": {"pid": , "hostname": "celery@"}, "traceback": null, "children": [], "date_done": null, ' +
  '"name": "tasks.", "args": [], "kwargs": {}, "worker": "celery@", "retries": 0, "queue": "celery", "task_id": "';

/** Bumped whenever COMMON changes: a lowercase letter, the first byte of a state deflated with it (store/state-bytes.ts). */
export const DICTIONARY_VERSION = 'a';

/** The dictionary for task `id`'s metas. */
export function metaDictionary(id: string): Buffer {
  return Buffer.from(`${COMMON}${id}"}`);
}
