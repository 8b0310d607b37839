import { LensError } from './lens-error.ts';

/**
 * A key under celery-lens' own prefix (goal, timeline, tombstone, index)
 * holding something celery-lens did not write: another Redis type, or a
 * value it cannot decode. Reported instead of "not found", which would let a
 * caller overwrite or ignore it unknowingly.
 */
export class LensDataError extends LensError {
  readonly code = 'UNDECODABLE_LENS_DATA';

  constructor(key: string, reason: string) {
    super(`cannot decode ${key}: ${reason}`, { key });
  }
}
