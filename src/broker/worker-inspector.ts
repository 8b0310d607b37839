/**
 * Celery's inspect commands (active, reserved, scheduled, registered, stats,
 * active_queues, conf) through the broker's mailbox, for the Worker fields.
 *
 * One broadcast per command to every worker, its answers kept `cacheMs` and
 * shared: every field of every worker that any request asks for meanwhile
 * reads the same answers (a page of twenty workers is seven broadcasts, not
 * a hundred and forty). A broadcast ends after `timeoutMs`, or as soon as
 * every worker known online (and the one asked about) has answered.
 */
import type { WorkerAnswer } from '../celery/pidbox.ts';
import { WorkerNoReplyError } from '../errors/worker-errors.ts';
import type { BrokerMailbox } from './broker.ts';

/** The inspect commands the Worker fields use, and the arguments Celery's client sends with each. */
export const INSPECT_COMMANDS = {
  active: { safe: true },
  reserved: {},
  scheduled: {},
  registered: {},
  stats: {},
  active_queues: {},
  conf: { with_defaults: false },
} as const;
export type InspectCommand = keyof typeof INSPECT_COMMANDS;

export interface WorkerInspectorOptions {
  /** How long a broadcast waits for answers. @default 1_000 (ms, Celery's inspect timeout) */
  readonly timeoutMs?: number;
  /** How long its answers are reused. @default 2_000 (ms) */
  readonly cacheMs?: number;
  /** The workers believed online now (the event consumer's): their answers, all in, end a broadcast early. */
  readonly online?: () => Iterable<string>;
  readonly now?: () => number;
}

/** One worker's answer to one command, and when the broadcast that brought it was sent. */
export interface Inspected {
  readonly value: unknown;
  readonly at: number;
}

interface Broadcast {
  readonly at: number;
  /** The workers whose answers could end it early: another worker asked about may have been cut short. */
  readonly expect: ReadonlySet<string>;
  readonly answers: Promise<Map<string, unknown>>;
}

export class WorkerInspector {
  readonly timeoutMs: number;
  readonly cacheMs: number;
  readonly #broadcasts = new Map<InspectCommand, Broadcast>();
  readonly #now: () => number;

  constructor(
    readonly mailbox: BrokerMailbox,
    readonly options: WorkerInspectorOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.cacheMs = options.cacheMs ?? 2000;
    this.#now = options.now ?? Date.now;
  }

  /** What `hostname` answered to `command`; WORKER_NO_REPLY when it did not answer in time. */
  async inspect(command: InspectCommand, hostname: string): Promise<Inspected> {
    const broadcast = this.#broadcast(command, hostname);
    const answers = await broadcast.answers;
    if (!answers.has(hostname)) throw new WorkerNoReplyError(hostname, command, this.timeoutMs);
    return { value: answers.get(hostname), at: broadcast.at };
  }

  /**
   * When the oldest of the kept answers of `hostname` was asked for (ms): the
   * age of what its inspect fields show; null when none is kept. Looks after
   * the fields of the same request have started their broadcasts.
   */
  async inspectedAt(hostname: string): Promise<number | null> {
    await null;
    const now = this.#now();
    const kept = [...this.#broadcasts.values()].filter((broadcast) => now - broadcast.at < this.cacheMs);
    const answered = await Promise.all(
      kept.map(async (broadcast) => ((await broadcast.answers.catch(() => null))?.has(hostname) ? broadcast.at : null)),
    );
    const times = answered.filter((at): at is number => at !== null);
    return times.length === 0 ? null : Math.min(...times);
  }

  /** Forgets every kept answer: after a control command, the next read asks again. */
  forget(): void {
    this.#broadcasts.clear();
  }

  #broadcast(command: InspectCommand, hostname: string): Broadcast {
    const now = this.#now();
    const kept = this.#broadcasts.get(command);
    if (kept && now - kept.at < this.cacheMs && kept.expect.has(hostname)) return kept;
    const expect = new Set([...(this.options.online?.() ?? []), hostname]);
    const call = this.mailbox.call(
      { method: command, arguments: INSPECT_COMMANDS[command], destination: null },
      { timeoutMs: this.timeoutMs, expect: [...expect] },
    );
    const broadcast: Broadcast = {
      at: now,
      expect,
      answers: call.then((answers: WorkerAnswer[]) => new Map(answers.map((a) => [a.hostname, a.value]))),
    };
    this.#broadcasts.set(command, broadcast);
    // A failed broadcast is not kept: the next caller asks again.
    broadcast.answers.catch(() => {
      if (this.#broadcasts.get(command) === broadcast) this.#broadcasts.delete(command);
    });
    return broadcast;
  }
}
