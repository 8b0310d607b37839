import { LensError } from './lens-error.ts';

export type WatchScope = 'process' | 'caller' | 'connection';

const FLAGS: Record<WatchScope, string> = {
  process: '--max-watches',
  caller: '--max-watches-per-caller',
  connection: '--max-watches-per-connection',
};

/** A subscription or a wait would make the process, its caller or its connection watch more tasks than allowed. */
export class TooManyWatchesError extends LensError {
  readonly code = 'TOO_MANY_WATCHES';

  constructor(requested: number, held: number, limit: number, scope: WatchScope) {
    super(
      `this subscription would watch ${requested} more tasks while the ${scope} already watches ${held}; the limit is ${limit} (${FLAGS[scope]})`,
      {
        requested,
        held,
        limit,
        scope,
      },
    );
  }
}
