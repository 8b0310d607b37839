/**
 * The fields of one rollup hash (stats-keys.ts) and what they decode to.
 *
 * Counters (HINCRBY): `s` succeeded, `f` failed (rejected included), `x`
 * revoked, `y` retried, `t` started. Two sketches (sketch.ts), runtime `r`
 * and wait `w`: bins `r<bin>` (HINCRBY), `rL` its level, `rB` its number of
 * bins, `rM` the largest value (seconds). Samples of the broker: `ql` the
 * longest queue length seen, `qa` the oldest message's age (seconds). Every
 * field is written by lua/record.lua.
 */
import { type Sketch, emptySketch, mergeInto } from './sketch.ts';

export const COUNTERS = ['s', 'f', 'x', 'y', 't'] as const;
export type Counter = (typeof COUNTERS)[number];
/** Fields a write keeps the largest of (lua/record.lua). */
export const MAX_FIELDS: ReadonlySet<string> = new Set(['rM', 'wM', 'ql', 'qa']);

/** A queue as the sampler saw it. */
export interface QueueSample {
  readonly queue: string;
  readonly length: number;
  /** How long its oldest message has waited (seconds), when known. */
  readonly oldestAgeSeconds: number | null;
}

export interface Rollup {
  readonly counts: Record<Counter, number>;
  readonly runtime: Sketch;
  readonly wait: Sketch;
  queueLength: number | null;
  /** Seconds. */
  queueAge: number | null;
}

export const emptyRollup = (): Rollup => ({
  counts: { s: 0, f: 0, x: 0, y: 0, t: 0 },
  runtime: emptySketch(),
  wait: emptySketch(),
  queueLength: null,
  queueAge: null,
});

const maxOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
const finite = (text: string | undefined): number | null => {
  const value = text === undefined ? Number.NaN : Number(text);
  return Number.isFinite(value) ? value : null;
};

/** One rollup hash as HGETALL answers it; fields it does not know are left out. */
export function decodeRollup(hash: Readonly<Record<string, string>>): Rollup {
  const rollup = emptyRollup();
  for (const counter of COUNTERS) rollup.counts[counter] = finite(hash[counter]) ?? 0;
  for (const [kind, sketch] of [
    ['r', rollup.runtime],
    ['w', rollup.wait],
  ] as const) {
    sketch.level = finite(hash[`${kind}L`]) ?? 0;
    sketch.max = finite(hash[`${kind}M`]);
  }
  for (const [field, text] of Object.entries(hash)) {
    const bin = /^([rw])(\d+)$/.exec(field);
    const count = finite(text);
    if (!bin || count === null || count <= 0) continue;
    const sketch = bin[1] === 'r' ? rollup.runtime : rollup.wait;
    sketch.bins.set(Number(bin[2]), count);
    sketch.count += count;
  }
  rollup.queueLength = finite(hash.ql);
  rollup.queueAge = finite(hash.qa);
  return rollup;
}

/** Adds `from` into `into`: counts and sketches add up, samples keep the largest. */
export function addRollup(into: Rollup, from: Rollup): void {
  for (const counter of COUNTERS) into.counts[counter] += from.counts[counter];
  mergeInto(into.runtime, from.runtime);
  mergeInto(into.wait, from.wait);
  into.queueLength = maxOf(into.queueLength, from.queueLength);
  into.queueAge = maxOf(into.queueAge, from.queueAge);
}
