import { LensError } from './lens-error.ts';

/** The Redis result backend could not be reached or did not answer in time. */
export class BackendUnavailableError extends LensError {
  readonly code = 'BACKEND_UNAVAILABLE';

  constructor(reason: string, options?: ErrorOptions) {
    super(`the Celery result backend is unavailable: ${reason}`, {}, options);
  }
}
