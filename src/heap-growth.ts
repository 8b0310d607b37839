/**
 * V8's heap growing factor: tight unless the process is busy answering HTTP
 * queries with few subscriptions open.
 *
 * V8 lets the old generation grow up to 4× what survived the last full
 * collection before it collects again, and keeps the pages it grew into.
 * Opening many subscriptions at once promotes each one's short-lived work
 * with it: 10,000 idle subscriptions held 7.9 KiB of RSS each for 2.4 KiB of
 * live heap. At 1.2× (`--heap-growing-percent=20`) the heap is collected and
 * compacted as it grows: 2.7–3.7 KiB each (docs/benchmarks.md, P3b). But
 * under a stream of queries the more frequent full collections cost each
 * query CPU (P1 on machine E: 510 against 310 µs per task(id) query), and
 * queries keep little once answered. So the factor is V8's own while GraphQL
 * requests come over HTTP at `busyAt` a second or more (tasks(ids) of 1,000
 * ids keeps a core busy at 50 a second) and fewer than `tightAt / 2`
 * subscriptions are open, and tight otherwise (and from the start: idle, or
 * opening a burst of subscriptions). A query with few subscriptions open
 * loosens it at once. V8 reads the flag each time it sets the next limit,
 * after a collection.
 */
import { setFlagsFromString } from 'node:v8';

export interface HeapGrowthOptions {
  /** Live subscriptions from which the factor is tight whatever the queries. @default 1000 */
  readonly tightAt?: number;
  /** GraphQL requests over HTTP a second from which the process counts as busy with queries. @default 10 */
  readonly busyAt?: number;
  /** The tight factor, as V8's percent over 1. @default 20 (1.2×) */
  readonly percent?: number;
  /** How the flag is set (tests). @default node:v8's setFlagsFromString */
  readonly setFlag?: (flag: string) => void;
}

/** What main.ts calls: `tick` every 100 ms with the live subscriptions and the last second's GraphQL requests over HTTP, `queried` at each of those requests. */
export interface HeapGrowth {
  tick(live: number, requestsPerSecond: number): void;
  /** A query came: loosened at once when few subscriptions are open (a fresh process' first burst pays no full collections for it). */
  queried(live: number): void;
}

/** Sets the tight factor now; see HeapGrowth. */
export function heapGrowth({
  tightAt = 1000,
  busyAt = 10,
  percent = 20,
  setFlag = setFlagsFromString,
}: HeapGrowthOptions = {}): HeapGrowth {
  let tight = true;
  setFlag(`--heap-growing-percent=${percent}`);
  const set = (loose: boolean) => {
    if (loose !== tight) return;
    tight = !loose;
    // 0 is V8's default: its own factor, from the allocation and collection speeds.
    setFlag(`--heap-growing-percent=${tight ? percent : 0}`);
  };
  return {
    tick(live, requestsPerSecond) {
      // Each bound with room below it (half, a fifth): a load that hovers near one does not flip the flag at each call.
      set(
        tight ? live < tightAt / 2 && requestsPerSecond >= busyAt : live < tightAt && requestsPerSecond >= busyAt / 5,
      );
    },
    queried(live) {
      if (tight && live < tightAt / 2) set(true);
    },
  };
}
