/**
 * The rollups' sketch (src/store/stats/sketch.ts): quantiles within its
 * stated accuracy, merging, collapsing; and the read plan of a window
 * (src/store/stats/stats-read.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  ALPHA,
  MAX_BINS,
  accuracyAt,
  atLevel,
  binOf,
  emptySketch,
  estimate,
  mergeInto,
  quantile,
  type Sketch,
} from '../../src/store/stats/sketch.ts';
import { plan } from '../../src/store/stats/stats-read.ts';

/** A sketch of `values`, collapsing as record.lua does past MAX_BINS. */
function sketchOf(values: readonly number[]): Sketch {
  const sketch = emptySketch();
  for (const value of values) {
    const bin = atLevel(binOf(value), sketch.level);
    sketch.bins.set(bin, (sketch.bins.get(bin) ?? 0) + 1);
    sketch.count += 1;
    sketch.max = Math.max(sketch.max ?? 0, value);
    while (sketch.bins.size > MAX_BINS) {
      const bins = [...sketch.bins];
      sketch.bins.clear();
      for (const [at, count] of bins)
        sketch.bins.set(Math.ceil(at / 2), (sketch.bins.get(Math.ceil(at / 2)) ?? 0) + count);
      sketch.level += 1;
    }
  }
  return sketch;
}

const exact = (values: readonly number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number;
};

/** A deterministic spread: log-uniform between `low` and `high` seconds. */
const spread = (n: number, low: number, high: number) =>
  Array.from({ length: n }, (_, i) => low * (high / low) ** (((i * 7919) % n) / n));

describe('sketch', () => {
  it('every value of a bin is within α of its estimate', () => {
    for (const value of [0.0002, 0.001, 0.0137, 0.5, 1, 3.3, 60, 3600, 86_400]) {
      const bin = binOf(value);
      expect(Math.abs(estimate(bin, 0) - value) / value).toBeLessThanOrEqual(ALPHA + 1e-12);
    }
  });

  it('p50, p95, p99 within α while the values span under ×10', () => {
    const values = spread(5000, 0.05, 0.4);
    const sketch = sketchOf(values);
    expect(sketch.level).toBe(0);
    for (const q of [0.5, 0.95, 0.99]) {
      const truth = exact(values, q);
      expect(Math.abs((quantile(sketch, q) as number) - truth) / truth).toBeLessThanOrEqual(ALPHA + 1e-9);
    }
  });

  it('collapses uniformly past MAX_BINS: the accuracy of its level, for every quantile', () => {
    const values = spread(5000, 0.001, 100);
    const sketch = sketchOf(values);
    expect(sketch.level).toBeGreaterThan(0);
    expect(sketch.bins.size).toBeLessThanOrEqual(MAX_BINS);
    for (const q of [0.5, 0.95, 0.99]) {
      const truth = exact(values, q);
      expect(Math.abs((quantile(sketch, q) as number) - truth) / truth).toBeLessThanOrEqual(
        accuracyAt(sketch.level) + 1e-9,
      );
    }
  });

  it('merging two sketches is the sketch of both sets of values', () => {
    const [a, b] = [spread(1000, 0.01, 0.05), spread(1000, 1, 500)];
    const merged = sketchOf(a);
    mergeInto(merged, sketchOf(b));
    const both = [...a, ...b];
    expect(merged.count).toBe(2000);
    for (const q of [0.5, 0.95, 0.99]) {
      const truth = exact(both, q);
      expect(Math.abs((quantile(merged, q) as number) - truth) / truth).toBeLessThanOrEqual(
        accuracyAt(merged.level) + 1e-9,
      );
    }
    expect(quantile(emptySketch(), 0.5)).toBeNull();
  });
});

describe('read plan', () => {
  const H = 3_600_000;
  const M = 60_000;
  const base = Math.floor(Date.now() / H) * H - 10 * H;

  it('whole hours as hours, the cut ones as minutes while kept', () => {
    const refs = plan(base + 58 * M, base + 2 * H + M + 30_000, () => true);
    expect(refs).toEqual([
      { resolution: 'm', start: base + 58 * M },
      { resolution: 'm', start: base + 59 * M },
      { resolution: 'h', start: base + H },
      { resolution: 'm', start: base + 2 * H },
      { resolution: 'm', start: base + 2 * H + M },
    ]);
  });

  it('a cut hour whose minutes are gone is read whole', () => {
    expect(plan(base + 30 * M, base + H - 1, () => false)).toEqual([{ resolution: 'h', start: base }]);
  });
});
