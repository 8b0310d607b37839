/**
 * taskStats from the rollups (store/stats/): groups per task name or queue
 * with their counts by outcome, runtime and wait percentiles, and the
 * buckets' outcomes, percentiles and queue samples.
 */
import { quantile, type Sketch } from '../../store/stats/sketch.ts';
import type { Rollup } from '../../store/stats/stats-fields.ts';
import type { Scope } from '../../store/stats/stats-keys.ts';
import type { StatsStorage } from '../../store/store.ts';
import type { TaskStatus } from '../../store/task-statuses.ts';
import type { BucketExtras, BucketShape, GroupShape, PercentileShape } from './task-stats-types.ts';

export function percentilesOf(sketch: Sketch): PercentileShape {
  return {
    count: sketch.count,
    p50: quantile(sketch, 0.5),
    p95: quantile(sketch, 0.95),
    p99: quantile(sketch, 0.99),
    max: sketch.max,
  };
}

export const extrasOf = (rollup: Rollup): BucketExtras => ({
  retried: rollup.counts.y,
  revoked: rollup.counts.x,
  started: rollup.counts.t,
  runtime: percentilesOf(rollup.runtime),
  wait: percentilesOf(rollup.wait),
  queueLength: rollup.queueLength,
  queueAgeSeconds: rollup.queueAge,
});

/** A rollup as a group: its outcomes (a retry counts as RETRYING), and its percentiles. */
function groupOf(key: string, rollup: Rollup): GroupShape {
  const { s, f, x, y } = rollup.counts;
  const byStatus = (
    [
      ['SUCCEEDED', s],
      ['FAILED', f],
      ['RETRYING', y],
      ['REVOKED', x],
    ] as [TaskStatus, number][]
  )
    .filter(([, count]) => count > 0)
    .map(([status, count]) => ({ status, count }));
  return {
    key,
    total: s + f + x + y,
    byStatus,
    failureRate: s + f === 0 ? null : f / (s + f),
    runtime: percentilesOf(rollup.runtime),
    wait: percentilesOf(rollup.wait),
  };
}

const scopeOf = (kind: 'name' | 'queue', key: string): Scope => ({ kind, key });

/** The groups of every name (or queue) seen in the window, or of `key` only; those with nothing in it left out. */
export async function rollupGroups(
  stats: StatsStorage,
  kind: 'name' | 'queue',
  key: string | null,
  since: number,
  until: number,
): Promise<GroupShape[]> {
  const keys = key === null ? await stats.members(kind, since) : [key];
  const totals = await stats.totals(
    keys.map((each) => scopeOf(kind, each)),
    since,
    until,
  );
  return keys
    .map((each, index) => groupOf(each, totals[index] as Rollup))
    .filter((group) => group.total > 0 || (group.wait?.count ?? 0) > 0 || key !== null)
    .sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
}

/** The percentiles of each group's key (of `kind`), for groups whose counts come from the index. */
export async function addPercentiles(
  stats: StatsStorage,
  kind: 'name' | 'queue',
  groups: GroupShape[],
  since: number,
  until: number,
): Promise<void> {
  const totals = await stats.totals(
    groups.map((group) => scopeOf(kind, group.key)),
    since,
    until,
  );
  groups.forEach((group, index) => {
    const rollup = totals[index] as Rollup;
    group.runtime = percentilesOf(rollup.runtime);
    group.wait = percentilesOf(rollup.wait);
  });
}

/** The buckets of a scope from the rollups alone. */
export async function rollupBuckets(
  stats: StatsStorage,
  scope: Scope,
  since: number,
  until: number,
  sizeMs: number,
): Promise<BucketShape[]> {
  const series = await stats.series(scope, since, until, sizeMs);
  return series.map(({ start, rollup }) => ({
    start: new Date(start),
    succeeded: rollup.counts.s,
    failed: rollup.counts.f,
    extras: extrasOf(rollup),
  }));
}
