import { LensError } from './lens-error.ts';

/**
 * A resume cursor celery-lens did not make: not its format, altered, or
 * ahead of every state it recorded. Nothing is replayed.
 */
export class InvalidCursorError extends LensError {
  readonly code = 'INVALID_CURSOR';

  constructor(reason: string) {
    super(`the cursor is not one celery-lens gave: ${reason}`);
  }
}

/**
 * A resume cursor older than the states kept (--resume-window, or the
 * latest 1,000 states of a task, or Redis lost them): what was missed cannot
 * be replayed. Read the task (or subscribe without `after`) again.
 */
export class CursorExpiredError extends LensError {
  readonly code = 'CURSOR_EXPIRED';

  constructor(reason: string) {
    super(
      `the cursor is older than the states celery-lens keeps (${reason}): read the current state again and subscribe without \`after\``,
    );
  }
}
