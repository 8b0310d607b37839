/**
 * taskStats: counts per status of tasks grouped by name, status, worker or
 * queue, failure rates, runtime and wait percentiles, and per-minute, hour
 * or day buckets.
 *
 * Two sources. The index' cells (a ZCOUNT each) and its per-minute counters
 * give exact counts of the tasks whose latest state falls in the window, for
 * as long as the index keeps them (--index-days), results without events
 * included. The rollups (store/stats/, --stats-days) give the percentiles
 * (a mergeable sketch per name, queue and minute or hour), the buckets'
 * retries, revocations and queue samples, and the counts once the window
 * starts before the index' retention (or with --index false): outcomes of
 * the events heard, per task name or queue.
 */
import type { CellStats } from '../../store/index/index-types.ts';
import type { Scope } from '../../store/stats/stats-keys.ts';
import type { IndexStorage, StatsStorage } from '../../store/store.ts';
import { TaskStatuses, type TaskStatus } from '../../store/task-statuses.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { builder } from '../builder.ts';
import type { LensContext } from '../context.ts';
import { toGraphQLError, withCodes } from '../graphql-error.ts';
import { checkWindow, requireIndex } from './task-filter.ts';
import { addPercentiles, rollupBuckets, rollupGroups } from './task-stats-rollups.ts';
import {
  type BucketShape,
  type By,
  type GroupShape,
  INTERVALS,
  type Interval,
  type Minute,
  RUNTIME_SAMPLE,
  type StatsShape,
  TaskStatsBucketRef,
  TaskStatsByEnum,
  TaskStatsGroupRef,
  TaskStatsIntervalEnum,
  TaskStatsMinuteRef,
} from './task-stats-types.ts';

/** The longest window taskStats spans: 31 days of minutes. */
const MAX_WINDOW_MS = 31 * 86_400_000;
const DAY_MS = 86_400_000;

/** Without `interval`: the smallest bucket that keeps a window's answer to a few hundred buckets at most. */
const AUTO_MINUTES_UP_TO_MS = 6 * 3_600_000;
const AUTO_HOURS_UP_TO_MS = 7 * DAY_MS;
const autoInterval = (windowMs: number): Interval =>
  windowMs <= AUTO_MINUTES_UP_TO_MS ? 'MINUTE' : windowMs <= AUTO_HOURS_UP_TO_MS ? 'HOUR' : 'DAY';
/** Minutes over at most a week (10,081 buckets): the answer stays under ~1 MB; longer windows ask HOUR or DAY. */
const MAX_MINUTES_WINDOW_MS = 7 * DAY_MS;

const TaskStatsRef = builder.objectRef<StatsShape>('TaskStats').implement({
  description:
    'Tasks whose latest state falls in [since, until] (from the index), or, once the window starts before the index keeps tasks, outcomes of the events heard in it (from the rollups).',
  fields: (t) => ({
    since: t.expose('since', { type: 'DateTime' }),
    until: t.expose('until', { type: 'DateTime' }),
    groups: t.field({ type: [TaskStatsGroupRef], resolve: (s) => s.groups }),
    interval: t.field({
      type: TaskStatsIntervalEnum,
      description: 'The size of `buckets`: as asked, or chosen from the window.',
      resolve: (s) => s.interval,
    }),
    buckets: t.field({
      type: [TaskStatsBucketRef],
      description: 'Finished tasks per `interval` over [since, until], oldest first.',
      resolve: (s) => s.buckets,
    }),
    perMinute: t.field({
      type: [TaskStatsMinuteRef],
      description: 'Finished tasks per minute over [since, until], oldest first (from the index only).',
      deprecationReason: 'Use `buckets` (with `interval: MINUTE` for minutes).',
      resolve: (s) =>
        s.minutes.map(({ minute, succeeded, failed }) => ({ minute: new Date(minute * 60_000), succeeded, failed })),
    }),
  }),
});

/** Sums the per-minute counts (oldest first, every minute of the window) into buckets of `interval`. */
function bucketsOf(minutes: readonly Minute[], interval: Interval): BucketShape[] {
  const size = INTERVALS[interval];
  const buckets: BucketShape[] = [];
  for (const { minute, succeeded, failed } of minutes) {
    const start = Math.floor((minute * 60_000) / size) * size;
    const last = buckets.at(-1);
    if (last?.start.getTime() === start) {
      last.succeeded += succeeded;
      last.failed += failed;
    } else {
      buckets.push({ start: new Date(start), succeeded, failed, extras: null });
    }
  }
  return buckets;
}

/** Nearest-rank percentile of sorted values. */
const percentile = (sorted: readonly number[], p: number): number | null =>
  sorted.length === 0 ? null : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null);

const keyOf = (cell: CellStats, by: By): string =>
  by === 'NAME' ? cell.name : by === 'STATUS' ? cell.status : by === 'WORKER' ? cell.worker : cell.queue;

/** The index' cells as groups; runtimes of the cells' samples (by NAME) when `sampled`. */
export function groupCells(cells: readonly CellStats[], by: By, sampled = true): GroupShape[] {
  const groups = new Map<string, { counts: Map<TaskStatus, number>; runtimes: number[] }>();
  for (const cell of cells) {
    const key = keyOf(cell, by);
    const group = groups.get(key) ?? { counts: new Map<TaskStatus, number>(), runtimes: [] as number[] };
    groups.set(key, group);
    group.counts.set(cell.status, (group.counts.get(cell.status) ?? 0) + cell.count);
    for (const runtime of cell.runtimes) group.runtimes.push(runtime);
  }
  const order = Object.keys(TaskStatuses) as TaskStatus[];
  return [...groups]
    .map(([key, { counts, runtimes }]) => {
      const byStatus = order
        .filter((status) => counts.has(status))
        .map((status) => ({ status, count: counts.get(status) ?? 0 }));
      const [succeeded, failed] = [counts.get('SUCCEEDED') ?? 0, counts.get('FAILED') ?? 0];
      const sorted = runtimes.sort((a, b) => a - b);
      return {
        key,
        total: byStatus.reduce((sum, { count }) => sum + count, 0),
        byStatus,
        failureRate: succeeded + failed === 0 ? null : failed / (succeeded + failed),
        runtime:
          by === 'NAME' && sampled
            ? {
                count: sorted.length,
                p50: percentile(sorted, 50),
                p95: percentile(sorted, 95),
                p99: null,
                max: sorted.at(-1) ?? null,
              }
            : null,
        wait: null,
      };
    })
    .sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
}

interface Ask {
  readonly since: number;
  readonly until: number;
  readonly by: By;
  readonly interval: Interval;
  readonly key: string | null;
}

const kindOf = (by: By): 'name' | 'queue' | null => (by === 'NAME' ? 'name' : by === 'QUEUE' ? 'queue' : null);

/** Adds the counts of `older` (rollup groups) into `groups` (index groups), by key. */
function addCounts(groups: GroupShape[], older: readonly GroupShape[]): GroupShape[] {
  const byKey = new Map(groups.map((group) => [group.key, group]));
  for (const old of older) {
    const group = byKey.get(old.key);
    if (!group) {
      groups.push({ ...old, runtime: null, wait: null });
      continue;
    }
    for (const { status, count } of old.byStatus) {
      const entry = group.byStatus.find((each) => each.status === status);
      if (entry) entry.count += count;
      else group.byStatus.push({ status, count });
    }
    group.total += old.total;
    const [succeeded, failed] = ['SUCCEEDED', 'FAILED'].map(
      (status) => group.byStatus.find((each) => each.status === status)?.count ?? 0,
    ) as [number, number];
    group.failureRate = succeeded + failed === 0 ? null : failed / (succeeded + failed);
  }
  return groups.sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
}

/**
 * Counts from the index, and from the rollups for the part of the window
 * older than the index keeps (`cutoff`); percentiles and the buckets'
 * extras from the rollups (when kept).
 */
async function fromIndex(
  index: IndexStorage,
  stats: StatsStorage | null,
  ask: Ask,
  cutoff: number,
): Promise<StatsShape> {
  const { since, until, by, interval, key } = ask;
  const kind = kindOf(by);
  const size = INTERVALS[interval];
  const [cells, minutes] = await Promise.all([
    index.cells(since, until, by === 'NAME' && !stats ? RUNTIME_SAMPLE : 0),
    index.minutes(since, until),
  ]);
  let groups = groupCells(cells, by, stats === null);
  if (key !== null) groups = groups.filter((group) => group.key === key);
  if (stats && kind && since < cutoff)
    groups = addCounts(groups, await rollupGroups(stats, kind, key, since, Math.min(until, cutoff - 1)));
  if (stats && kind) await addPercentiles(stats, kind, groups, since, until);
  let buckets = bucketsOf(minutes, interval);
  if (stats && kind && key !== null) {
    buckets = await rollupBuckets(stats, { kind, key }, since, until, size);
  } else if (stats) {
    const rolled = new Map(
      (await rollupBuckets(stats, { kind: 'all' }, since, until, size)).map((each) => [each.start.getTime(), each]),
    );
    for (const bucket of buckets) {
      const rollup = rolled.get(bucket.start.getTime());
      bucket.extras = rollup?.extras ?? null;
      // A bucket the index no longer holds any of: its counts from the rollups.
      if (rollup && bucket.start.getTime() + size <= cutoff) {
        bucket.succeeded = rollup.succeeded;
        bucket.failed = rollup.failed;
      }
    }
  }
  return { since: new Date(since), until: new Date(until), interval, groups, buckets, minutes };
}

/** Everything from the rollups (--index false): by NAME or QUEUE only. */
async function fromRollups(stats: StatsStorage, ask: Ask): Promise<StatsShape> {
  const { since, until, by, interval, key } = ask;
  const kind = kindOf(by) ?? 'name';
  const scope: Scope = key === null ? { kind: 'all' } : { kind, key };
  const [groups, buckets] = await Promise.all([
    rollupGroups(stats, kind, key, since, until),
    rollupBuckets(stats, scope, since, until, INTERVALS[interval]),
  ]);
  return { since: new Date(since), until: new Date(until), interval, groups, buckets, minutes: [] };
}

/** Which source answers: the index (and the rollups before it), or the rollups alone without it (NAME and QUEUE). */
async function answer(context: LensContext, ask: Ask): Promise<StatsShape> {
  const { index, stats } = context;
  if (index) return fromIndex(index, stats, ask, Date.now() - context.config.indexSeconds * 1000);
  if (!stats || kindOf(ask.by) === null) requireIndex(context, 'taskStats');
  return fromRollups(stats as StatsStorage, ask);
}

builder.queryField('taskStats', (t) =>
  t.field({
    type: TaskStatsRef,
    description:
      'Counts by status per group, failure rates, runtime and wait percentiles, and finished tasks per minute, hour or day. By default the last 24 hours, at most 31 days.',
    args: {
      since: t.arg({ type: 'DateTime' }),
      until: t.arg({ type: 'DateTime' }),
      by: t.arg({ type: TaskStatsByEnum, defaultValue: 'NAME' }),
      interval: t.arg({
        type: TaskStatsIntervalEnum,
        description:
          'The size of `buckets`. Without it: MINUTE for a window up to 6 hours, HOUR up to 7 days, DAY beyond. MINUTE spans at most 7 days.',
      }),
      key: t.arg.string({
        description:
          'Only this task name (by: NAME) or queue (by: QUEUE): `groups` holds its group, and `buckets` count its tasks (from the rollups).',
      }),
    },
    resolve: (_root, args, context) => {
      if (!context.stats) requireIndex(context, 'taskStats');
      const window = checkWindow(args.since, args.until);
      const until = window.until ?? Date.now();
      const since = window.since ?? Math.min(until, until - DAY_MS);
      if (until - since > MAX_WINDOW_MS)
        throw toGraphQLError(new InvalidArgumentError('since', 'taskStats spans at most 31 days'));
      const by = (args.by ?? 'NAME') as By;
      const interval = (args.interval as Interval | null | undefined) ?? autoInterval(until - since);
      if (interval === 'MINUTE' && until - since > MAX_MINUTES_WINDOW_MS) {
        throw toGraphQLError(
          new InvalidArgumentError('interval', 'MINUTE spans at most 7 days: ask HOUR or DAY for a longer window'),
        );
      }
      const key = args.key ?? null;
      if (key !== null && (key.length > 512 || kindOf(by) === null))
        throw toGraphQLError(
          new InvalidArgumentError(
            'key',
            'names one task name (by: NAME) or queue (by: QUEUE), at most 512 characters',
          ),
        );
      return withCodes(() => answer(context, { since, until, by, interval, key }));
    },
  }),
);
