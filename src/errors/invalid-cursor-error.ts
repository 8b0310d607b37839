import { LensError } from './lens-error.ts';

/** A page cursor celery-lens did not issue, issued for another filter or order, or older than the index keeps tasks. */
export class InvalidCursorError extends LensError {
  readonly code = 'INVALID_CURSOR';

  constructor(reason: string) {
    super(`the cursor is not valid: ${reason}; start again without "after"`);
  }
}
