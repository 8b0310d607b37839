/**
 * Watches per caller: one caller (an API key, a JWT subject, a read token,
 * or a client address with auth off) must not take every watch of the
 * process by opening many connections. Each operation's watches count
 * against its connection's quota and its caller's, whichever connection it
 * comes on; a caller's quota is kept only while it holds watches, so callers
 * that come and go leave nothing behind.
 */
import { WatchQuota } from './watch-quota.ts';

/** A caller's quota, in the registry from its first watch until it holds none. */
class CallerQuota extends WatchQuota {
  constructor(
    limit: number,
    readonly caller: string,
    readonly registry: Map<string, CallerQuota>,
  ) {
    super(limit, 'caller');
  }

  override take(count: number): void {
    if (count > 0) this.registry.set(this.caller, this);
    super.take(count);
  }

  override give(count: number): void {
    super.give(count);
    if (this.used === 0 && this.registry.get(this.caller) === this) this.registry.delete(this.caller);
  }
}

/**
 * One operation's watches, as its context's quota: counted against its
 * connection's quota and its caller's. The caller is named when watches are
 * taken (the operation's credentials are read by then), and looked up again
 * whenever the operation holds none: a quota given back to zero may have
 * left the registry, and a caller has one quota at a time.
 */
class OperationWatches extends WatchQuota {
  #caller: WatchQuota | null = null;
  /** Names the caller from the operation's context, once: then the context is let go (a member outlives it). */
  #nameOf: (() => string) | null;
  #name: string | null = null;

  constructor(
    readonly connection: WatchQuota,
    nameOf: () => string,
    /** The caller's quota by its name (CallerWatches): not a closure, which would share forOperation's scope. */
    readonly callers: { quotaOf(caller: string): WatchQuota },
  ) {
    super(connection.limit, 'connection');
    this.#nameOf = nameOf;
  }

  #callerNow(): WatchQuota {
    if (this.#caller === null || this.used === 0) {
      if (this.#name === null) {
        this.#name = (this.#nameOf as () => string)();
        this.#nameOf = null;
      }
      this.#caller = this.callers.quotaOf(this.#name);
    }
    return this.#caller;
  }

  override refusal(count: number) {
    return this.connection.refusal(count) ?? this.#callerNow().refusal(count);
  }

  override take(count: number): void {
    const caller = this.#callerNow();
    super.take(count);
    this.connection.take(count);
    caller.take(count);
  }

  override give(count: number): void {
    const held = Math.min(count, this.used);
    super.give(held);
    this.connection.give(held);
    this.#caller?.give(held);
  }
}

/** A closure in a scope of its own: closures made in one scope share it, so the context would outlive its first use. */
function namer(callerOf: (context: object) => string, context: object): () => string {
  return () => callerOf(context);
}

export class CallerWatches {
  readonly #quotas = new Map<string, CallerQuota>();

  constructor(
    /** Most watches one caller may hold over all its connections. */
    readonly limit: number,
    /** Names the caller of an operation from its context (caller-of.ts). */
    readonly callerOf: (context: object) => string,
  ) {}

  /** Callers holding watches now. */
  get size(): number {
    return this.#quotas.size;
  }

  /** The quota of `context`'s operation: its connection's, and its caller's once it takes any. */
  forOperation(context: object, connection: WatchQuota): WatchQuota {
    return new OperationWatches(connection, namer(this.callerOf, context), this);
  }

  quotaOf(caller: string): CallerQuota {
    return this.#quotas.get(caller) ?? new CallerQuota(this.limit, caller, this.#quotas);
  }
}
