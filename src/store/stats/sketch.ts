/**
 * The rollups' percentile sketch: DDSketch's logarithmic mapping (Masson,
 * Rim, Lee, VLDB 2019) with UDDSketch's uniform collapse (Epicoco et al.,
 * 2020), kept as fields of a Redis hash so that a Lua script adds to it
 * with HINCRBY, every replica's writes and every bucket merge by adding
 * counts, and its size has a bound.
 *
 * A value v (seconds) falls in bin i = ceil(log_γ(v / MIN)), γ = (1+α)/(1−α):
 * every value of bin i is within α of the bin's estimate 2γ^i/(γ+1)·MIN, so
 * a quantile read from the bins is within α (relative) of the true one. A
 * sketch holds at most MAX_BINS bins; one more and every pair (i → ⌈i/2⌉)
 * is merged, γ squared (its `level` goes up by one): α becomes
 * 2α/(1+α²), ~4 %, then ~8 %, … uniformly, for every quantile. Two
 * sketches merge at the larger level of the two.
 *
 * Why not @datadog/sketches-js (the reference DDSketch in TypeScript, well
 * kept): its store lives in the process and serialises as protobuf; here
 * several replicas add to one sketch at once, which needs the bins as hash
 * fields a script increments, not a blob read, changed and written back.
 */

/** Relative accuracy at level 0. */
export const ALPHA = 0.02;
const GAMMA = (1 + ALPHA) / (1 - ALPHA);
const LN_GAMMA = Math.log(GAMMA);
/** The smallest value told apart, in seconds (0.1 ms); anything below counts as it. */
export const MIN_VALUE = 1e-4;
/** Bins per sketch before a collapse: two sketches and the counters stay under Redis' 128-entry listpack hashes. */
export const MAX_BINS = 56;

/** The level-0 bin of a value in seconds (≥ 0). */
export function binOf(seconds: number): number {
  if (!(seconds > MIN_VALUE)) return 0;
  return Math.ceil(Math.log(seconds / MIN_VALUE) / LN_GAMMA);
}

/** A bin of level 0 as it is at `level`. */
export function atLevel(bin: number, level: number): number {
  let at = bin;
  for (let step = 0; step < level; step += 1) at = Math.ceil(at / 2);
  return at;
}

/** The relative accuracy of a sketch at `level`. */
export function accuracyAt(level: number): number {
  const gamma = GAMMA ** (2 ** level);
  return (gamma - 1) / (gamma + 1);
}

/** A bin's estimate, in seconds: the value within the accuracy of every value the bin holds. */
export function estimate(bin: number, level: number): number {
  if (bin <= 0) return MIN_VALUE;
  const gamma = GAMMA ** (2 ** level);
  return (2 * gamma ** bin * MIN_VALUE) / (gamma + 1);
}

export interface Sketch {
  level: number;
  /** Count per bin. */
  readonly bins: Map<number, number>;
  count: number;
  /** The largest value added, exactly (seconds), or null. */
  max: number | null;
}

export const emptySketch = (): Sketch => ({ level: 0, bins: new Map(), count: 0, max: null });

/** Moves a sketch to a higher level (merging its bins). */
function raise(sketch: Sketch, level: number): void {
  if (level <= sketch.level) return;
  const bins = [...sketch.bins];
  sketch.bins.clear();
  for (const [bin, count] of bins) {
    const at = atLevel(bin, level - sketch.level);
    sketch.bins.set(at, (sketch.bins.get(at) ?? 0) + count);
  }
  sketch.level = level;
}

/** Adds `from` into `into`, at the larger level of the two. */
export function mergeInto(into: Sketch, from: Sketch): void {
  if (from.count === 0) return;
  const level = Math.max(into.level, from.level);
  raise(into, level);
  for (const [bin, count] of from.bins) {
    const at = atLevel(bin, level - from.level);
    into.bins.set(at, (into.bins.get(at) ?? 0) + count);
  }
  into.count += from.count;
  if (from.max !== null) into.max = into.max === null ? from.max : Math.max(into.max, from.max);
}

/** The q-quantile (0 < q ≤ 1), nearest rank, as the estimate of its bin (never above the exact max); null when empty. */
export function quantile(sketch: Sketch, q: number): number | null {
  if (sketch.count === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sketch.count));
  let seen = 0;
  for (const bin of [...sketch.bins.keys()].sort((a, b) => a - b)) {
    seen += sketch.bins.get(bin) ?? 0;
    if (seen >= rank) {
      const value = estimate(bin, sketch.level);
      return sketch.max === null ? value : Math.min(value, sketch.max);
    }
  }
  return sketch.max;
}
