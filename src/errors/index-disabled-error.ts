import { LensError } from './lens-error.ts';

/** A query of the task index on a process started with --index false. */
export class IndexDisabledError extends LensError {
  readonly code = 'INDEX_DISABLED';

  constructor(field: string) {
    super(`${field} needs the task index, which this celery-lens runs without (--index false)`, { field });
  }
}
