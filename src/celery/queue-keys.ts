/**
 * How kombu's Redis transport names the lists of one queue
 * (docs/celery-wire-format.md, "Priority sub-queues"; kombu/transport/redis.py,
 * `PRIORITY_STEPS`, `sep` and `Channel._q_for_pri`, kombu 5.2.4 as Celery
 * 5.2.6 ships it and unchanged since).
 *
 * A message is LPUSHed to the list of its priority's step: the step is the
 * largest of `priority_steps` not above the message's priority, and the list
 * is the queue's own name for step 0, `<queue>\x06\x16<step>` otherwise. A
 * worker BRPOPs the lists in step order, so each list's tail is its oldest
 * message and step 0 is delivered first.
 */

/** kombu's default `priority_steps` (a transport option). */
export const PRIORITY_STEPS: readonly number[] = [0, 3, 6, 9];
/** kombu's default `sep` (a transport option) between a queue's name and its step. */
export const PRIORITY_SEP = '\x06\x16';

/** kombu's `priority_steps` and `sep` transport options. */
export interface PriorityNaming {
  readonly steps: readonly number[];
  readonly sep: string;
}

export const DEFAULT_PRIORITY_NAMING: PriorityNaming = { steps: PRIORITY_STEPS, sep: PRIORITY_SEP };

export interface PriorityKey {
  /** The step: every priority from it up to the next step lands in this list. */
  readonly priority: number;
  /** The Redis list holding the messages of that step. */
  readonly key: string;
}

/** The Redis list kombu LPUSHes a message of `priority` to, as `_q_for_pri`. */
export function priorityQueueKey(
  queue: string,
  priority: number,
  { steps, sep }: PriorityNaming = DEFAULT_PRIORITY_NAMING,
): string {
  // steps[bisect_right(steps, priority) - 1]; Python's index -1 (a priority below every step) is the last step.
  const below = steps.filter((step) => step <= priority);
  const step = below.length > 0 ? (below.at(-1) as number) : (steps.at(-1) ?? 0);
  return step ? `${queue}${sep}${step}` : queue;
}

/** Every list of `queue`, in the order a worker reads them (step 0 first). */
export function priorityKeys(queue: string, naming: PriorityNaming = DEFAULT_PRIORITY_NAMING): PriorityKey[] {
  return naming.steps.map((priority) => ({ priority, key: priorityQueueKey(queue, priority, naming) }));
}
