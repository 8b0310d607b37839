import { LensError } from './lens-error.ts';

/** An argument outside the values it may take (a negative maxDepth, limit or offset). */
export class InvalidArgumentError extends LensError {
  readonly code = 'INVALID_ARGUMENT';

  constructor(argument: string, reason: string) {
    super(`${argument} ${reason}`, { argument });
  }
}
