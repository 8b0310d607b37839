/** What the resume log holds for a task (src/store/state-bytes.ts says how it is stored), for tests to wait on. */
import type { Redis } from 'ioredis';
import { lensKeys } from '../../src/store/lens-keys.ts';
import { type ParsedLog, parseLog } from '../../src/store/state-bytes.ts';

const keys = lensKeys();

/** The task's log under the default prefix. */
export async function stateLogOf(redis: Redis, id: string): Promise<ParsedLog> {
  return parseLog(await redis.getBuffer(keys.stateLog(id)));
}

/** How many states of the task the log holds. */
export async function loggedStates(redis: Redis, id: string): Promise<number> {
  return (await stateLogOf(redis, id)).entries.length;
}

/** The resume log's counter (deleting it is "Redis lost the states"). */
export const STATE_CLOCK = keys.stateClock();
