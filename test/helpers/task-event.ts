import type { TaskEvent, TaskEventType } from '../../src/celery/events.ts';

/** A decoded task event as the consumer hands it to the stores: nothing known but its type, task, time and worker. */
export function taskEvent(type: TaskEventType, taskId: string, at: number, extra: Partial<TaskEvent> = {}): TaskEvent {
  return {
    kind: 'task',
    type,
    taskId,
    at,
    hostname: 'w1@h',
    name: null,
    parentId: null,
    rootId: null,
    retries: null,
    queue: null,
    runtime: null,
    exception: null,
    ...extra,
  };
}
