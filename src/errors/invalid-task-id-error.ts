import { LensError } from './lens-error.ts';

/** A task id that does not match the configured task-id pattern. */
export class InvalidTaskIdError extends LensError {
  readonly code = 'INVALID_TASK_ID';

  constructor(id: string, pattern: RegExp) {
    // The id is echoed truncated: it is client input and may be huge.
    const shown = id.length > 80 ? `${id.slice(0, 80)}…` : id;
    super(`"${shown}" is not a valid task id: expected one matching ${pattern.source}`, {
      pattern: pattern.source,
    });
  }
}
