/**
 * What celery-lens needs from Celery's broker, whatever it is: the queues'
 * lengths and oldest messages, a search of the queues for a task's message,
 * a revoke broadcast to every worker, and a task message sent as Celery's
 * own client sends it. The Redis broker implements it in broker/redis/;
 * callers (the schema, the queue lengths, task control) know only this.
 *
 * Celery's events come in through the event consumer (intake/), still on
 * Redis connections of its own: not part of this interface yet.
 */
import type { TaskCall } from '../celery/outgoing-messages.ts';

/** One list of a queue (the queue's own, or one of kombu's priority sub-queues). */
export interface QueueList {
  readonly priority: number;
  /** The name the broker knows it by. */
  readonly key: string;
  readonly length: number;
  /** The task id of its oldest message, when that is a task message. */
  readonly oldestTaskId: string | null;
}

/** One configured queue as the broker holds it now. */
export interface QueueLists {
  readonly name: string;
  /** Its lists that hold messages or none (not those of another kind). */
  readonly lists: readonly QueueList[];
  /** Names of the queue that hold something else than a queue: not counted. */
  readonly wrongTypeKeys: readonly string[];
}

/** The search of the queues for tasks nothing else knows about. */
export interface QueuedTasks {
  /** For each id, the queue its message waits in, or null. Throws BACKEND_UNAVAILABLE when the broker fails. */
  find(ids: readonly string[]): Promise<(string | null)[]>;
}

export interface Broker {
  /** Searched for queued tasks (a bounded scan, shared by the callers that come while one runs). */
  readonly queued: QueuedTasks;
  /** Each configured queue, in their order. Throws BACKEND_UNAVAILABLE when the broker fails. */
  readQueues(): Promise<QueueLists[]>;
  /** Broadcasts one revoke for `ids`; resolves with how many workers heard it. */
  revoke(ids: readonly string[], terminate: boolean, signal: string): Promise<number>;
  /**
   * Puts the call's task message on its queue, then announces it (task-sent
   * event). When the broker refused the message (nothing written), awaits
   * `refused` before it throws; a timeout or a lost connection may have
   * written it, and does not call it.
   */
  sendTask(call: TaskCall, refused: () => Promise<unknown>): Promise<void>;
}
