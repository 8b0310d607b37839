/**
 * The Broker (broker/broker.ts) on Celery's Redis transport: queues are
 * lists named after the queue, with kombu's priority sub-queues beside them
 * (src/celery/queue-keys.ts); a revoke is a broadcast on the pidbox channel
 * every worker listens to; a send is a task message LPUSHed on a queue's
 * list, followed by its task-sent event; inspect and worker control go
 * through the pidbox with a reply list of celery-lens' own (redis-mailbox.ts). The messages are built in
 * src/celery/outgoing-messages.ts. No write to a result key: the only keys
 * written are the queues' lists. Celery's events come through
 * redis-events.ts, on the consumer's pattern subscriber.
 */
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
import { DEFAULT_PRIORITY_NAMING, type PriorityNaming, priorityQueueKey } from '../../celery/queue-keys.ts';
import { downReason } from '../../redis/connection.ts';
import { execAll, guarded, valueOf } from '../../redis/redis-replies.ts';
import type { Broker, BrokerEvents, BrokerHealth, BrokerMailbox, QueueLists } from '../broker.ts';
import { processSender } from '../process-sender.ts';
import { BrokerQueues } from './broker-queues.ts';
import { lensKeys } from '../../store/lens-keys.ts';
import { readQueueLists } from './queue-lists.ts';
import { RedisMailbox } from './redis-mailbox.ts';

export interface RedisBrokerOptions {
  /** The broker's db: channel names carry it. */
  readonly db: number;
  /** The queues celery-lens reads (and may send to), and how many messages of each the search reads at most. */
  readonly queues: readonly string[];
  readonly scanLimit: number;
  /** kombu's priority_steps and sep: how a queue's priority lists are named. @default kombu's */
  readonly priority?: PriorityNaming;
  /** Celery's events (redis-events.ts); null when this process does not consume them. @default null */
  readonly events?: BrokerEvents | null;
  /** The key of the list inspect and control replies come back on. @default pidboxReplies under the default --lens-prefix */
  readonly replyKey?: (oid: string) => string;
}

export class RedisBroker implements Broker {
  readonly queued: BrokerQueues;
  readonly priority: PriorityNaming;
  readonly events: BrokerEvents | null;
  readonly mailbox: BrokerMailbox;
  readonly #sender: Sender;

  constructor(
    /** Where the queues and the pidbox are. */
    readonly redis: Redis,
    readonly options: RedisBrokerOptions,
    sender: Sender = processSender(),
  ) {
    this.priority = options.priority ?? DEFAULT_PRIORITY_NAMING;
    this.queued = new BrokerQueues(redis, options.queues, options.scanLimit, { priority: this.priority });
    this.events = options.events ?? null;
    this.#sender = sender;
    this.mailbox = new RedisMailbox(
      redis,
      { db: options.db, replyKey: options.replyKey ?? lensKeys().pidboxReplies },
      sender,
    );
  }

  health(): BrokerHealth {
    const reason = downReason(this.redis);
    return { up: reason === null, reason };
  }

  readQueues(): Promise<QueueLists[]> {
    return readQueueLists(this.redis, this.options.queues, this.priority);
  }

  async revoke(ids: readonly string[], terminate: boolean, signal: string): Promise<number> {
    const message = revokeBroadcast(ids, terminate, signal, this.#sender);
    return guarded(() => this.redis.publish(pidboxChannel(this.options.db), message));
  }

  /** LPUSHes the task message on its queue (or priority sub-queue), then, once it is there, publishes its task-sent event. */
  async sendTask(call: TaskCall, refused: () => Promise<unknown>): Promise<void> {
    // kombu clamps a message's priority to 0–9 before it picks the list.
    const list = priorityQueueKey(call.queue, Math.max(0, Math.min(9, call.priority ?? 0)), this.priority);
    const [pushed] = await execAll(this.redis.pipeline().lpush(list, taskMessage(call, this.#sender)));
    // Redis refused the LPUSH (ACL, OOM, a list of another type): no message.
    // A timeout or a lost connection may have written it: not refused.
    if (pushed?.[0]?.name === 'ReplyError') await refused();
    valueOf(pushed, list);
    const channel = taskSentChannel(this.options.db);
    const [published] = await execAll(this.redis.pipeline().publish(channel, taskSentEvent(call, this.#sender)));
    valueOf(published, channel);
  }
}
