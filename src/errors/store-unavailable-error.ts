import { LensError } from './lens-error.ts';

/** celery-lens' own store (--store, when apart from the result backend) could not be reached or did not answer in time. */
export class StoreUnavailableError extends LensError {
  readonly code = 'STORE_UNAVAILABLE';

  constructor(reason: string, options?: ErrorOptions) {
    super(`celery-lens' store is unavailable: ${reason}`, {}, options);
  }
}
