/**
 * Acting on tasks through the broker, as Celery's own client does: a revoke
 * is a broadcast on the pidbox channel every worker listens to; a send is a
 * task message LPUSHed on a queue's list, followed by its task-sent event.
 * The messages are built in src/celery/outgoing-messages.ts.
 *
 * Every send first reserves its id under --lens-prefix (SET NX): of any
 * number of sends of one id, at once or later, one writes a message.
 *
 * Still no write to a result key: the only keys written are the queues'
 * lists and celery-lens' own reservations and links under --lens-prefix.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import {
  type Sender,
  type TaskCall,
  pidboxChannel,
  revokeBroadcast,
  taskMessage,
  taskSentChannel,
  taskSentEvent,
} from '../../celery/outgoing-messages.ts';
import { type PriorityNaming, priorityQueueKey } from '../../celery/queue-keys.ts';
import { TaskExistsError } from '../../errors/control-errors.ts';
import type { LensKeys } from '../../store/lens-keys.ts';
import { execAll, guarded, valueOf } from '../../redis/redis-replies.ts';

export interface TaskControlOptions {
  /** The broker's db: channel names carry it. */
  readonly brokerDb: number;
  /** How long the links between a task and its re-sends are kept, in seconds. */
  readonly linkTtlSeconds: number;
  /** How long a sent id stays reserved after its eta (or now), in seconds: as long as its timeline is kept. */
  readonly reserveSeconds: number;
  /** kombu's priority_steps and sep: which list a priority goes to. */
  readonly priority: PriorityNaming;
}

/** Celery's client-side Sender for this process: one reply-to oid and one Lamport clock. */
function processSender(): Sender {
  let clock = 0;
  return {
    nodename: `gen${process.pid}@${hostname()}`,
    pid: process.pid,
    replyTo: randomUUID(),
    deliveryTag: randomUUID,
    tick: () => (clock += 1),
    now: () => new Date(),
  };
}

/** One control action, for the log line and the metric: never args or kwargs values. */
export interface ControlEntry {
  readonly action: string;
  readonly taskIds: readonly string[];
  /** The principal's id (API key name, JWT subject). */
  readonly by: string;
  /** 'ok', or the error code it was refused with. */
  readonly outcome: string;
}

export class TaskControl {
  readonly #sender: Sender;
  /** Told of every action taken or refused (app.ts logs and counts them). */
  onAction: ((entry: ControlEntry) => void) | null = null;

  constructor(
    /** Where the queues and the pidbox are. */
    readonly broker: Redis,
    /** Where celery-lens' own keys are. */
    readonly redis: Redis,
    readonly keys: LensKeys,
    readonly options: TaskControlOptions,
    sender: Sender = processSender(),
  ) {
    this.#sender = sender;
  }

  /** Broadcasts one revoke for `ids`; resolves with how many connections (workers) heard it. */
  async revoke(ids: readonly string[], terminate: boolean, signal: string): Promise<number> {
    const message = revokeBroadcast(ids, terminate, signal, this.#sender);
    return guarded(() => this.broker.publish(pidboxChannel(this.options.brokerDb), message));
  }

  /**
   * Reserves the call's id, LPUSHes the task message on its queue (or
   * priority sub-queue), then, once it is there, publishes its task-sent
   * event. TASK_EXISTS, and nothing written, when the id is reserved already.
   */
  async send(call: TaskCall): Promise<void> {
    await this.#reserve(call);
    // kombu clamps a message's priority to 0–9 before it picks the list.
    const list = priorityQueueKey(call.queue, Math.max(0, Math.min(9, call.priority ?? 0)), this.options.priority);
    const [pushed] = await execAll(this.broker.pipeline().lpush(list, taskMessage(call, this.#sender)));
    // Redis refused the LPUSH (ACL, OOM, a list of another type): no message, so the id is free again.
    // A timeout or a lost connection may have written it: the id stays reserved (at most once).
    if (pushed?.[0]?.name === 'ReplyError') await guarded(() => this.redis.del(this.keys.sent(call.id)));
    valueOf(pushed, list);
    const channel = taskSentChannel(this.options.brokerDb);
    const [published] = await execAll(this.broker.pipeline().publish(channel, taskSentEvent(call, this.#sender)));
    valueOf(published, channel);
  }

  /** SET NX of the id's reservation, until `reserveSeconds` after the task's eta. */
  async #reserve(call: TaskCall): Promise<void> {
    const key = this.keys.sent(call.id);
    const now = Date.now();
    const wait = call.eta ? Math.max(0, Math.ceil((call.eta.getTime() - now) / 1000)) : 0;
    const [reply] = await execAll(
      this.redis.pipeline().set(key, String(now), 'EX', wait + this.options.reserveSeconds, 'NX'),
    );
    if (valueOf(reply, key) === null) throw new TaskExistsError(call.id);
  }

  /** Records that `from` was sent again as `to`, both ways. */
  async linkResend(from: string, to: string): Promise<void> {
    const ttl = this.options.linkTtlSeconds;
    const replies = await execAll(
      this.redis
        .multi()
        .rpush(this.keys.resentAs(from), to)
        .expire(this.keys.resentAs(from), ttl)
        .set(this.keys.resentFrom(to), from, 'EX', ttl),
    );
    for (const reply of replies) valueOf(reply, this.keys.resentAs(from));
  }

  /** The ids `id` was re-sent as, oldest first. */
  async resentAs(id: string): Promise<string[]> {
    const key = this.keys.resentAs(id);
    const [reply] = await execAll(this.redis.pipeline().lrange(key, 0, -1));
    return (valueOf(reply, key) as Buffer[] | string[]).map(String);
  }

  /** The id `id` is a re-send of, if it is one. */
  async resentFrom(id: string): Promise<string | null> {
    const key = this.keys.resentFrom(id);
    const [reply] = await execAll(this.redis.pipeline().get(key));
    const value = valueOf(reply, key);
    return value === null || value === undefined ? null : String(value);
  }
}
