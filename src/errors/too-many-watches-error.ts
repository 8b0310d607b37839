import { LensError } from './lens-error.ts';

/** A subscription would make the process, or its connection, watch more tasks than allowed. */
export class TooManyWatchesError extends LensError {
  readonly code = 'TOO_MANY_WATCHES';

  constructor(requested: number, held: number, limit: number, scope: 'process' | 'connection') {
    const flag = scope === 'process' ? '--max-watches' : '--max-watches-per-connection';
    super(`this subscription would watch ${requested} more tasks while the ${scope} already watches ${held}; the limit is ${limit} (${flag})`, {
      requested,
      held,
      limit,
      scope,
    });
  }
}
