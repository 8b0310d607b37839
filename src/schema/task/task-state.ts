import { CeleryStates } from '../../celery/states.ts';
import { builder } from '../builder.ts';

const descriptions: Record<keyof typeof CeleryStates | 'CUSTOM', string> = {
  PENDING: 'No result key: never sent, still queued, or expired. Celery cannot tell which.',
  RECEIVED: 'A worker received the task.',
  STARTED: 'A worker started the task (stored only with task_track_started=True).',
  SUCCESS: 'The task returned; `result` holds its return value.',
  FAILURE: 'The task raised; `error` holds the exception and traceback.',
  REVOKED: 'The task was revoked.',
  REJECTED: 'A worker rejected the task.',
  RETRY: 'The task is waiting to be retried; `error` holds the exception that caused it.',
  IGNORED: 'The task asked Celery not to store its state (raised Ignore).',
  CUSTOM: 'A state the application set with update_state(), e.g. PROGRESS; see `rawState` and `meta`.',
};

export const TaskStateEnum = builder.enumType('TaskState', {
  description: "Celery's task state. Custom states map to CUSTOM; `Task.rawState` keeps the exact string.",
  values: Object.fromEntries(
    Object.entries(descriptions).map(([name, description]) => [name, { value: name, description }]),
  ) as Record<keyof typeof descriptions, { value: keyof typeof descriptions; description: string }>,
});
