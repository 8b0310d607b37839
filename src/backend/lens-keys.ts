/**
 * celery-lens' own keys, all under one prefix (default `celery-lens:`) so an
 * ACL can give it write access there and read-only access to Celery's keys.
 */
export interface LensKeys {
  /** HASH: first/last event times and what events said about a task. */
  history(taskId: string): string;
  /** ZSET: the task's events (score: ms since epoch), deduplicated by content. */
  events(taskId: string): string;
  /** ZSET: ids of tasks that named this one as their parent (score: first seen, ms). */
  children(taskId: string): string;
  /** ZSET: ids of tasks seen with this group_id (score: first seen, ms). */
  groupMembers(groupId: string): string;
  /** STRING: the last final outcome seen, kept after Celery's key expires. */
  tombstone(taskId: string): string;
  /** HASH: a business goal; no TTL. */
  goal(goalKey: string): string;
  /**
   * LIST: a goal's task attempts; no TTL. Its own kind (`goal-attempts:`), not
   * a suffix of the goal's key: goal keys may contain `:`, so `goal:K:attempts`
   * was also the hash of the goal `K:attempts`.
   */
  goalAttempts(goalKey: string): string;
  /** LIST: attempts as earlier versions stored them; read, never written (see GoalStore.read). */
  legacyGoalAttempts(goalKey: string): string;
  /** Pub/sub channel announcing changes of a goal. */
  goalChannel(goalKey: string): string;
  /**
   * Prefix of the task index' keys (task-index.ts): `ix:all`, `ix:rec`,
   * `ix:cells`, `ix:c:<cell>`, `ix:r:<root>`, `ix:k:<key>=<json>`, … and its
   * `ix:changes` channel. Built inside its Lua scripts from this prefix.
   */
  readonly index: string;
}

/**
 * Every key is `<prefix><kind>:<id>`, with kinds that contain no `:`, so the
 * kind decides the type and no two (kind, id) pairs share a key.
 */
export function lensKeys(prefix = 'celery-lens:'): LensKeys {
  return {
    history: (id) => `${prefix}task:${id}`,
    events: (id) => `${prefix}events:${id}`,
    children: (id) => `${prefix}children:${id}`,
    groupMembers: (id) => `${prefix}group:${id}`,
    tombstone: (id) => `${prefix}tomb:${id}`,
    goal: (key) => `${prefix}goal:${key}`,
    goalAttempts: (key) => `${prefix}goal-attempts:${key}`,
    legacyGoalAttempts: (key) => `${prefix}goal:${key}:attempts`,
    goalChannel: (key) => `${prefix}goal:${key}`,
    index: `${prefix}ix:`,
  };
}
