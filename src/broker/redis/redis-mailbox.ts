/**
 * Celery's remote-control mailbox on the Redis transport (BrokerMailbox,
 * broker/broker.ts), as kombu's Mailbox uses it (celery/pidbox.ts has the
 * messages): a command is PUBLISHed on `/<db>.celery.pidbox`; replies come
 * back on a list of celery-lens' own that a member of
 * `_kombu.binding.reply.celery.pidbox` binds to the reply exchange under this
 * process' oid.
 *
 * One oid and one reply list per process, whatever number of broadcasts wait
 * at once: each reply carries its command's ticket. While a broadcast waits
 * the list is read and deleted every `pollMs` (a MULTI of LRANGE and DEL: no
 * blocking connection of its own); once none waits, the binding is removed
 * (later replies are dropped by the workers) and the list deleted, again a
 * moment later for a reply pushed between a worker's read of the binding and
 * its LPUSH. Nothing written when nothing is asked: the binding and the list
 * exist only while a broadcast waits.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Sender } from '../../celery/outgoing-messages.ts';
import { pidboxChannel } from '../../celery/outgoing-messages.ts';
import {
  type PidboxCommand,
  REPLY_BINDING_KEY,
  type WorkerAnswer,
  commandMessage,
  decodeReply,
  replyBinding,
} from '../../celery/pidbox.ts';
import { execAll, valueOf } from '../../redis/redis-replies.ts';
import type { BrokerMailbox, CallOptions } from '../broker.ts';

export interface RedisMailboxOptions {
  /** The broker's db: the pidbox channel's name carries it. */
  readonly db: number;
  /** The reply list's key for an oid (store/lens-keys.ts' pidboxReplies). */
  readonly replyKey: (oid: string) => string;
  /** How often the reply list is read while a broadcast waits. @default 25 (ms) */
  readonly pollMs?: number;
  /** How long after the last broadcast the list is deleted once more. @default 1_000 (ms) */
  readonly graceMs?: number;
}

interface Waiting {
  readonly answers: WorkerAnswer[];
  /** Node names whose answers end the wait; null: the whole timeout. */
  readonly expect: ReadonlySet<string> | null;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (answers: WorkerAnswer[]) => void;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class RedisMailbox implements BrokerMailbox {
  readonly #oid = randomUUID();
  readonly #key: string;
  readonly #member: string;
  readonly #waiting = new Map<string, Waiting>();
  readonly #pollMs: number;
  readonly #graceMs: number;
  #polling = false;
  #grace: NodeJS.Timeout | null = null;
  /** Whether a broadcast ever bound the reply list: a process that never asked writes nothing, not even at close. */
  #used = false;

  constructor(
    readonly redis: Redis,
    readonly options: RedisMailboxOptions,
    readonly sender: Sender,
  ) {
    this.#key = options.replyKey(this.#oid);
    this.#member = replyBinding(this.#oid, this.#key);
    this.#pollMs = options.pollMs ?? 25;
    this.#graceMs = options.graceMs ?? 1000;
  }

  async call(command: PidboxCommand, options: CallOptions): Promise<WorkerAnswer[]> {
    const ticket = randomUUID();
    const expected = options.expect ?? command.destination;
    const answers = new Promise<WorkerAnswer[]>((resolve) => {
      this.#waiting.set(ticket, {
        answers: [],
        expect: expected && expected.length > 0 ? new Set(expected) : null,
        timer: setTimeout(() => this.#finish(ticket), options.timeoutMs),
        resolve,
      });
    });
    const channel = pidboxChannel(this.options.db);
    const message = commandMessage(command, { ticket, oid: this.#oid }, this.sender);
    this.#used = true;
    try {
      // One connection, in order: the binding is there before any worker hears the command.
      const [bound, published] = await execAll(
        this.redis.pipeline().sadd(REPLY_BINDING_KEY, this.#member).publish(channel, message),
      );
      valueOf(bound, REPLY_BINDING_KEY);
      valueOf(published, channel);
    } catch (error) {
      this.#finish(ticket);
      throw error;
    }
    this.#poll();
    return answers;
  }

  async cast(command: PidboxCommand): Promise<void> {
    const channel = pidboxChannel(this.options.db);
    const [published] = await execAll(
      this.redis.pipeline().publish(channel, commandMessage(command, null, this.sender)),
    );
    valueOf(published, channel);
  }

  async close(): Promise<void> {
    for (const ticket of [...this.#waiting.keys()]) this.#finish(ticket);
    if (this.#grace) clearTimeout(this.#grace);
    this.#grace = null;
    if (!this.#used) return;
    await this.#unbind().catch(() => {
      // Redis gone: nothing to clean up with.
    });
  }

  #finish(ticket: string): void {
    const waiting = this.#waiting.get(ticket);
    if (!waiting) return;
    this.#waiting.delete(ticket);
    clearTimeout(waiting.timer);
    waiting.resolve(waiting.answers);
  }

  #poll(): void {
    if (this.#polling) return;
    this.#polling = true;
    if (this.#grace) clearTimeout(this.#grace);
    this.#grace = null;
    const done = () => {
      this.#polling = false;
      // A broadcast that came while the binding was being removed: its own loop.
      if (this.#waiting.size > 0) this.#poll();
    };
    this.#loop().then(done, done);
  }

  async #loop(): Promise<void> {
    while (this.#waiting.size > 0) {
      await delay(this.#pollMs);
      await this.#drain().catch(() => {
        // Redis failed a read: the next one may not; the broadcasts time out meanwhile.
      });
    }
    await this.#unbind().catch(() => {
      // Left for close() or the next broadcast's end.
    });
    this.#grace = setTimeout(() => {
      this.#grace = null;
      if (this.#waiting.size === 0) this.redis.del(this.#key).catch(() => {});
    }, this.#graceMs);
    this.#grace.unref();
  }

  /** Reads and deletes the reply list, handing each reply to the broadcast its ticket names. */
  async #drain(): Promise<void> {
    const [read] = await execAll(this.redis.multi().lrange(this.#key, 0, -1).del(this.#key));
    const raws = valueOf(read, this.#key) as string[];
    // LPUSHed: the oldest last.
    for (const raw of raws.reverse()) {
      let reply: ReturnType<typeof decodeReply>;
      try {
        reply = decodeReply(raw);
      } catch {
        continue; // not a reply kombu wrote: nothing to tell anyone
      }
      const waiting = reply.ticket === null ? undefined : this.#waiting.get(reply.ticket);
      if (!waiting) continue; // late: its broadcast has ended
      for (const answer of reply.answers) {
        if (!waiting.answers.some((known) => known.hostname === answer.hostname)) waiting.answers.push(answer);
      }
      const expect = waiting.expect;
      if (expect && [...expect].every((name) => waiting.answers.some((answer) => answer.hostname === name))) {
        this.#finish(reply.ticket as string);
      }
    }
  }

  #unbind(): Promise<unknown> {
    return execAll(this.redis.pipeline().srem(REPLY_BINDING_KEY, this.#member).del(this.#key));
  }
}
