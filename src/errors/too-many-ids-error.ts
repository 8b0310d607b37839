import { LensError } from './lens-error.ts';

/** A list argument, or a list of tasks to answer, longer than the configured batch limit. */
export class TooManyIdsError extends LensError {
  readonly code = 'TOO_MANY_IDS';

  /** `what`: a list to answer rather than ids asked for, e.g. "task <id> has more than N tasks" (count null: not counted to the end). */
  constructor(count: number | null, limit: number, what?: string) {
    super(
      what === undefined
        ? `${count} ids were requested at once; the limit is ${limit}`
        : `${what}; one answer lists at most ${limit} (--max-ids): page with offset and limit`,
      count === null ? { limit } : { count, limit },
    );
  }
}
