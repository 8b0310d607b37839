/**
 * Celery's worker control commands (celery/worker/control.py: pool_grow,
 * pool_shrink, autoscale, add_consumer, cancel_consumer, rate_limit,
 * time_limit, pool_restart, shutdown) through the broker's mailbox, with the
 * arguments `app.control`'s methods send, each answered from the workers'
 * replies as `ok(…)` or `nok(…)` say.
 */
import { type ControlAnswer, controlAnswer } from '../celery/pidbox.ts';
import { WorkerNoReplyError } from '../errors/worker-errors.ts';
import type { BrokerMailbox } from './broker.ts';
import type { WorkerInspector } from './worker-inspector.ts';

/** One worker's answer; hostname null for a command no worker answers (shutdown broadcast to all). */
export interface WorkerReply extends ControlAnswer {
  readonly hostname: string | null;
}

export interface WorkerControlOptions {
  /** How long a command waits for answers. @default 1_000 (ms, Celery's broadcast timeout) */
  readonly timeoutMs?: number;
  /** The workers believed online now: their answers, all in, end a broadcast to all early. */
  readonly online?: () => Iterable<string>;
}

export class WorkerControl {
  readonly timeoutMs: number;

  constructor(
    readonly mailbox: BrokerMailbox,
    readonly inspector: WorkerInspector,
    readonly options: WorkerControlOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 1000;
  }

  /**
   * Sends `method` to `hostname` (every worker when null) and answers each
   * reply. WORKER_NO_REPLY when the named worker did not answer in time; a
   * broadcast to all answers whoever replied (maybe nobody).
   */
  async command(
    method: string,
    args: Readonly<Record<string, unknown>>,
    hostname: string | null,
  ): Promise<WorkerReply[]> {
    const destination = hostname === null ? null : [hostname];
    const answers = await this.mailbox.call(
      { method, arguments: args, destination },
      { timeoutMs: this.timeoutMs, expect: destination ?? [...(this.options.online?.() ?? [])] },
    );
    // What the workers report next (pool, queues, limits) may have changed.
    this.inspector.forget();
    if (hostname !== null && !answers.some((answer) => answer.hostname === hostname)) {
      throw new WorkerNoReplyError(hostname, method, this.timeoutMs);
    }
    return answers
      .map((answer) => ({ hostname: answer.hostname, ...controlAnswer(answer.value) }))
      .sort((a, b) => a.hostname.localeCompare(b.hostname));
  }

  /** Warm shutdown, as `app.control.shutdown()` sends it: a worker exits without a reply. */
  async shutdown(hostname: string | null): Promise<WorkerReply[]> {
    await this.mailbox.cast({ method: 'shutdown', arguments: {}, destination: hostname === null ? null : [hostname] });
    this.inspector.forget();
    return [{ hostname, ok: true, message: 'shutdown sent (a worker exits without answering it)' }];
  }
}
