/**
 * Token buckets by key, in memory: each key may spend `capacity` requests at
 * once and gets them back at `capacity` per `windowSeconds`, continuously.
 * A full bucket is the same as no bucket, so buckets are only kept while
 * they are being refilled; past `maxKeys` the full ones are dropped, then the
 * oldest, so a caller spraying addresses cannot grow the map without bound.
 */
export interface Taken {
  readonly allowed: boolean;
  /** Whole requests left after this one. */
  readonly remaining: number;
  /** Seconds (rounded up) until the next request would be allowed; 0 if it already would. */
  readonly retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date, in ms. */
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  /** Tokens given back per ms. */
  private readonly refill: number;

  constructor(
    readonly capacity: number,
    readonly windowSeconds: number,
    private readonly maxKeys = 100_000,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.refill = capacity / (windowSeconds * 1000);
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Spends one token of `key`'s bucket if it has one. */
  take(key: string): Taken {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(this.capacity, bucket.tokens + (now - bucket.at) * this.refill);
      bucket.at = now;
    } else {
      if (this.buckets.size >= this.maxKeys) this.evict(now);
      bucket = { tokens: this.capacity, at: now };
      this.buckets.set(key, bucket);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      const remaining = Math.floor(bucket.tokens);
      return { allowed: true, remaining, retryAfterSeconds: remaining > 0 ? 0 : this.secondsUntilOne(bucket.tokens) };
    }
    return { allowed: false, remaining: 0, retryAfterSeconds: this.secondsUntilOne(bucket.tokens) };
  }

  private secondsUntilOne(tokens: number): number {
    return Math.max(1, Math.ceil((1 - tokens) / this.refill / 1000));
  }

  private evict(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.refill >= this.capacity) this.buckets.delete(key);
    }
    // Still full of busy callers: forget the oldest tenth (Maps iterate in insertion order).
    let excess = this.buckets.size - Math.floor(this.maxKeys * 0.9);
    for (const key of this.buckets.keys()) {
      if (excess-- <= 0) break;
      this.buckets.delete(key);
    }
  }
}
