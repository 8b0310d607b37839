/**
 * Goals as the goal store (store.ts' GoalStorage) answers them: shapes and
 * the key rule only, so that the schema and another implementation name
 * them without the Redis one (goal-store.ts).
 */
import { InvalidGoalKeyError } from '../errors/goal-errors.ts';

export const GoalStatuses = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type GoalStatus = (typeof GoalStatuses)[number];

export interface Goal {
  readonly key: string;
  readonly status: GoalStatus;
  readonly metadata: unknown;
  /** Task ids, oldest first. */
  readonly attempts: readonly string[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

const KEY = /^[A-Za-z0-9:_./-]{1,200}$/;

export function checkGoalKey(key: string): string {
  if (!KEY.test(key)) throw new InvalidGoalKeyError(key);
  return key;
}
