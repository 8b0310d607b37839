import { LensError } from './lens-error.ts';

/** An argument outside the values it may take (a negative maxDepth, limit or offset). */
export class InvalidArgumentError extends LensError {
  readonly code = 'INVALID_ARGUMENT';

  /** `details`: more for a client to act on (a limit and its measure). */
  constructor(argument: string, reason: string, details: Record<string, unknown> = {}) {
    super(`${argument} ${reason}`, { argument, ...details });
  }
}
