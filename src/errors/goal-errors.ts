import { LensError } from './lens-error.ts';

/** A goal key that is empty, too long, or has characters outside [A-Za-z0-9:_./-]. */
export class InvalidGoalKeyError extends LensError {
  readonly code = 'INVALID_GOAL_KEY';

  constructor(key: string) {
    super(`"${key.slice(0, 80)}" is not a valid goal key: use 1 to 200 of A-Z a-z 0-9 : _ . / -`);
  }
}

/** createGoal for a key that already has a goal. */
export class GoalExistsError extends LensError {
  readonly code = 'GOAL_EXISTS';

  constructor(key: string) {
    super(`a goal "${key}" already exists`, { key });
  }
}

/** A mutation on a key that has no goal. */
export class GoalNotFoundError extends LensError {
  readonly code = 'GOAL_NOT_FOUND';

  constructor(key: string) {
    super(`there is no goal "${key}"`, { key });
  }
}
