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
  /** HASH + LIST: a business goal and its task attempts; no TTL. */
  goal(goalKey: string): string;
  goalAttempts(goalKey: string): string;
  /** Pub/sub channel announcing changes of a goal. */
  goalChannel(goalKey: string): string;
}

export function lensKeys(prefix = 'celery-lens:'): LensKeys {
  return {
    history: (id) => `${prefix}task:${id}`,
    events: (id) => `${prefix}events:${id}`,
    children: (id) => `${prefix}children:${id}`,
    groupMembers: (id) => `${prefix}group:${id}`,
    tombstone: (id) => `${prefix}tomb:${id}`,
    goal: (key) => `${prefix}goal:${key}`,
    goalAttempts: (key) => `${prefix}goal:${key}:attempts`,
    goalChannel: (key) => `${prefix}goal:${key}`,
  };
}
