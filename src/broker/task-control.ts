/**
 * Acting on tasks through the broker, as Celery's own client does: a revoke
 * broadcast, or a task message sent (Broker, broker/broker.ts).
 *
 * Every send first reserves its id under --lens-prefix (store/sent-tasks.ts):
 * of any number of sends of one id, at once or later, one writes a message.
 * A message the broker refused frees its id again; one that may have been
 * written (a timeout, a lost connection) keeps it reserved (at most once).
 */
import type { TaskCall } from '../celery/outgoing-messages.ts';
import type { SentTaskStorage } from '../store/store.ts';
import type { Broker } from './broker.ts';

/** One control action, for the log line and the metric: never args or kwargs values. */
export interface ControlEntry {
  readonly action: string;
  readonly taskIds: readonly string[];
  /** The principal's id (API key name, JWT subject). */
  readonly by: string;
  /** 'ok', or the error code it was refused with. */
  readonly outcome: string;
  /** What a worker control action was sent to: a worker's node name, or `*` for every worker. */
  readonly target?: string;
}

export class TaskControl {
  /** Told of every action taken or refused (app.ts logs and counts them). */
  onAction: ((entry: ControlEntry) => void) | null = null;

  constructor(
    readonly broker: Broker,
    readonly sent: SentTaskStorage,
  ) {}

  /** Broadcasts one revoke for `ids`; resolves with how many connections (workers) heard it. */
  revoke(ids: readonly string[], terminate: boolean, signal: string): Promise<number> {
    return this.broker.revoke(ids, terminate, signal);
  }

  /**
   * Reserves the call's id, puts the task message on its queue, then
   * announces it. TASK_EXISTS, and nothing written, when the id is reserved already.
   */
  async send(call: TaskCall): Promise<void> {
    await this.sent.reserve(call);
    await this.broker.sendTask(call, () => this.sent.release(call.id));
  }

  /** Records that `from` was sent again as `to`, both ways. */
  linkResend(from: string, to: string): Promise<void> {
    return this.sent.linkResend(from, to);
  }

  /** The ids `id` was re-sent as, oldest first. */
  resentAs(id: string): Promise<string[]> {
    return this.sent.resentAs(id);
  }

  /** The id `id` is a re-send of, if it is one. */
  resentFrom(id: string): Promise<string | null> {
    return this.sent.resentFrom(id);
  }
}
