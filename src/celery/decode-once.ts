/**
 * Each published state decoded once per process. A process that consumes
 * events hears a watched task's state twice: on the subscriber connection,
 * where the task watcher (live/task-watcher.ts) subscribed the task's
 * channel, and on the consumer's pattern connection (intake/event-consumer.ts),
 * which hears every task. The first of them to decode it leaves the decoded
 * meta here for the second, which takes it (the bytes are compared, not
 * parsed: Celery publishes exactly the bytes it stores) instead of parsing
 * the JSON again. Callers pass bytes they own (redis/own-bytes.ts): kept
 * bytes must not hold a socket chunk of ioredis'.
 *
 * A decode is left only when its caller says the other will hear the same
 * bytes; one the other never takes (it stopped watching meanwhile, its
 * connection dropped) is let go after `keepMs`, and at most `maxKept` wait.
 */
import { type TaskMeta, type ValueLimits, decodeTaskMeta } from './meta.ts';
import { MetaDecodeError } from '../errors/meta-decode-error.ts';

interface Kept {
  readonly key: string;
  /** Null once taken: a taken decode waiting behind an older one to be let go holds none of its MBs. */
  bytes: Uint8Array | null;
  result: TaskMeta | MetaDecodeError | null;
  readonly at: number;
}

export interface DecodeOnceOptions {
  /** How long a decode waits for its second hearer. @default 30_000 // 30 s */
  readonly keepMs?: number;
  /** Decodes waiting at most (the oldest go first). @default 10_000 */
  readonly maxKept?: number;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

export class DecodeOnce {
  /** Decodes waiting, by key, oldest first. */
  readonly #byKey = new Map<string, Kept[]>();
  /** Every decode waiting, oldest first: what is let go first (those before `#head` are let go: null). */
  #order: (Kept | null)[] = [];
  #head = 0;
  readonly #keepMs: number;
  readonly #maxKept: number;
  /** JSON parses done, and decodes taken from the other hearer instead (for tests and metrics). */
  decodes = 0;
  reused = 0;

  constructor(
    /** The one set of value limits every hearer decodes with (--max-value-bytes). */
    readonly limits: ValueLimits,
    options: DecodeOnceOptions = {},
  ) {
    this.#keepMs = options.keepMs ?? 30_000;
    this.#maxKept = options.maxKept ?? 10_000;
  }

  #kept = 0;

  /** Decodes waiting for their second hearer now. */
  get kept(): number {
    return this.#kept;
  }

  /**
   * The meta of `bytes` published on `key` (the task's key, which is its
   * channel's name): taken from the other hearer when it decoded the same
   * bytes, else decoded, and left for the other when `heardAgain`. Throws
   * MetaDecodeError as decodeTaskMeta does.
   */
  decode(id: string, key: string, bytes: Uint8Array, heardAgain: boolean): TaskMeta {
    const result = this.#take(key, bytes) ?? this.#decode(id, key, bytes, heardAgain);
    if (result instanceof MetaDecodeError) throw result;
    return result;
  }

  #take(key: string, bytes: Uint8Array): TaskMeta | MetaDecodeError | undefined {
    const kept = this.#byKey.get(key);
    const index = kept?.findIndex((entry) => entry.bytes !== null && sameBytes(entry.bytes, bytes)) ?? -1;
    if (!kept || index < 0) return undefined;
    const [entry] = kept.splice(index, 1) as [Kept];
    if (kept.length === 0) this.#byKey.delete(key);
    const { result } = entry;
    entry.bytes = null;
    entry.result = null;
    this.#kept -= 1;
    this.reused += 1;
    this.#letGo(Date.now());
    return result ?? undefined;
  }

  #decode(id: string, key: string, bytes: Uint8Array, heardAgain: boolean): TaskMeta | MetaDecodeError {
    this.decodes += 1;
    let result: TaskMeta | MetaDecodeError;
    try {
      result = decodeTaskMeta(id, key, bytes, this.limits);
    } catch (error) {
      if (!(error instanceof MetaDecodeError)) throw error;
      result = error;
    }
    if (heardAgain) this.#keep({ key, bytes, result, at: Date.now() });
    return result;
  }

  #keep(entry: Kept): void {
    const kept = this.#byKey.get(entry.key);
    if (kept) kept.push(entry);
    else this.#byKey.set(entry.key, [entry]);
    this.#order.push(entry);
    this.#kept += 1;
    this.#letGo(entry.at);
  }

  /** Lets go of the decodes taken, too old, or past maxKept, from the oldest. */
  #letGo(now: number): void {
    while (this.#head < this.#order.length) {
      const oldest = this.#order[this.#head] as Kept;
      const taken = oldest.bytes === null;
      if (!taken && this.#kept <= this.#maxKept && now - oldest.at < this.#keepMs) break;
      // Its bytes and meta go now, not when the array is compacted (a state may be MBs).
      this.#order[this.#head] = null;
      this.#head += 1;
      if (!taken) this.#forget(oldest);
    }
    // Compacted once the front half is spent: shifting one by one would be quadratic.
    if (this.#head > 1024 && this.#head * 2 > this.#order.length) {
      this.#order = this.#order.slice(this.#head);
      this.#head = 0;
    }
  }

  #forget(entry: Kept): void {
    const kept = this.#byKey.get(entry.key);
    const index = kept?.indexOf(entry) ?? -1;
    if (!kept || index < 0) return;
    kept.splice(index, 1);
    if (kept.length === 0) this.#byKey.delete(entry.key);
    entry.bytes = null;
    entry.result = null;
    this.#kept -= 1;
  }
}
