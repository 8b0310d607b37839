import { LensError } from './lens-error.ts';

/**
 * A stored value (a result, args, kwargs, an exception's args) larger than
 * --max-value-bytes or nested deeper than celery-lens serializes. Reported
 * for that one field: the task's state and the rest of the answer still
 * resolve, and one huge result cannot fill the server's memory.
 */
export class ValueTooLargeError extends LensError {
  readonly code = 'VALUE_TOO_LARGE';

  constructor(key: string, field: string, measure: 'bytes' | 'depth', limit: number) {
    super(
      measure === 'bytes'
        ? `the ${field} stored in ${key} is larger than ${limit} bytes (--max-value-bytes)`
        : `the ${field} stored in ${key} is nested deeper than ${limit} levels`,
      { field, measure, limit },
    );
  }
}
