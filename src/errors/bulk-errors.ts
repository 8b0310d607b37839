import { LensError } from './lens-error.ts';

/** cancelBulkAction of an id with no bulk action (never started, or expired a week after it ended). */
export class BulkActionNotFoundError extends LensError {
  readonly code = 'BULK_ACTION_NOT_FOUND';

  constructor(id: string) {
    super(`there is no bulk action "${id.slice(0, 80)}" (unknown, or ended more than a week ago)`, {
      id: id.slice(0, 80),
    });
  }
}
