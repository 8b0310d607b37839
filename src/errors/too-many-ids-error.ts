import { LensError } from './lens-error.ts';

/** A list argument longer than the configured batch limit. */
export class TooManyIdsError extends LensError {
  readonly code = 'TOO_MANY_IDS';

  constructor(count: number, limit: number) {
    super(`${count} ids were requested at once; the limit is ${limit}`, { count, limit });
  }
}
