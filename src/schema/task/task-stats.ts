/**
 * taskStats: counts per status of tasks grouped by name, status, worker or
 * queue, runtimes per name and finished tasks per minute, hour or day, all
 * from the index' cells (a ZCOUNT each) and its per-minute counters: exact,
 * and the cost grows with the cells (combinations of name, status, worker,
 * queue), not with the tasks. Hours and days are sums of minutes: the answer
 * is as small as the bucket is large (a week: 169 hours, not 10,081 minutes).
 */
import type { CellStats } from '../../store/index/index-types.ts';
import { TaskStatuses, type TaskStatus } from '../../store/task-statuses.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { builder } from '../builder.ts';
import { toGraphQLError, withCodes } from '../graphql-error.ts';
import { checkWindow, requireIndex } from './task-filter.ts';
import { TaskStatusEnum } from './task-history.ts';

/** Runtimes read per cell at most: the latest ones (p50/p95 of those). */
const RUNTIME_SAMPLE = 2000;
/** The longest window taskStats spans: 31 days of minutes. */
const MAX_WINDOW_MS = 31 * 86_400_000;
const DAY_MS = 86_400_000;

const TaskStatsByEnum = builder.enumType('TaskStatsBy', { values: ['NAME', 'STATUS', 'WORKER', 'QUEUE'] as const });
type By = 'NAME' | 'STATUS' | 'WORKER' | 'QUEUE';

/** Bucket sizes, in ms; buckets start on UTC boundaries of their size. */
const INTERVALS = { MINUTE: 60_000, HOUR: 3_600_000, DAY: DAY_MS } as const;
type Interval = keyof typeof INTERVALS;
const TaskStatsIntervalEnum = builder.enumType('TaskStatsInterval', {
  description: "The size of taskStats' buckets, on UTC boundaries.",
  values: ['MINUTE', 'HOUR', 'DAY'] as const,
});
/** Without `interval`: the smallest bucket that keeps a window's answer to a few hundred buckets at most. */
const AUTO_MINUTES_UP_TO_MS = 6 * 3_600_000;
const AUTO_HOURS_UP_TO_MS = 7 * DAY_MS;
const autoInterval = (windowMs: number): Interval =>
  windowMs <= AUTO_MINUTES_UP_TO_MS ? 'MINUTE' : windowMs <= AUTO_HOURS_UP_TO_MS ? 'HOUR' : 'DAY';
/** Minutes over at most a week (10,081 buckets): the answer stays under ~1 MB; longer windows ask HOUR or DAY. */
const MAX_MINUTES_WINDOW_MS = 7 * DAY_MS;

interface RuntimeShape {
  count: number;
  p50: number | null;
  p95: number | null;
  max: number | null;
}
interface GroupShape {
  key: string;
  total: number;
  byStatus: { status: TaskStatus; count: number }[];
  failureRate: number | null;
  runtime: RuntimeShape | null;
}
interface Minute {
  minute: number;
  succeeded: number;
  failed: number;
}
interface BucketShape {
  start: Date;
  succeeded: number;
  failed: number;
}
interface StatsShape {
  since: Date;
  until: Date;
  interval: Interval;
  groups: GroupShape[];
  minutes: readonly Minute[];
}

const StatusCountRef = builder.objectRef<{ status: TaskStatus; count: number }>('StatusCount').implement({
  fields: (t) => ({ status: t.field({ type: TaskStatusEnum, resolve: (c) => c.status }), count: t.exposeInt('count') }),
});

const RuntimeStatsRef = builder.objectRef<RuntimeShape>('RuntimeStats').implement({
  description: `Seconds, from task-succeeded events' runtime: of the latest ${RUNTIME_SAMPLE.toLocaleString('en')} finished tasks per name, worker and queue that have one.`,
  fields: (t) => ({
    count: t.exposeInt('count'),
    p50: t.exposeFloat('p50', { nullable: true }),
    p95: t.exposeFloat('p95', { nullable: true }),
    max: t.exposeFloat('max', { nullable: true }),
  }),
});

const TaskStatsGroupRef = builder.objectRef<GroupShape>('TaskStatsGroup').implement({
  fields: (t) => ({
    key: t.exposeString('key', {
      description: 'The task name, status, worker hostname or queue (by `by`); empty when Celery did not say.',
    }),
    total: t.exposeInt('total'),
    byStatus: t.field({ type: [StatusCountRef], resolve: (g) => g.byStatus }),
    failureRate: t.exposeFloat('failureRate', {
      nullable: true,
      description: 'Failed / (succeeded + failed); null when neither.',
    }),
    runtime: t.field({
      type: RuntimeStatsRef,
      nullable: true,
      description: 'Only when by: NAME.',
      resolve: (g) => g.runtime,
    }),
  }),
});

const TaskStatsMinuteRef = builder
  .objectRef<{ minute: Date; succeeded: number; failed: number }>('TaskStatsMinute')
  .implement({
    fields: (t) => ({
      minute: t.expose('minute', { type: 'DateTime' }),
      succeeded: t.exposeInt('succeeded'),
      failed: t.exposeInt('failed'),
    }),
  });

const TaskStatsBucketRef = builder.objectRef<BucketShape>('TaskStatsBucket').implement({
  description: 'Tasks that finished in one bucket (the part of it inside [since, until]).',
  fields: (t) => ({
    start: t.expose('start', {
      type: 'DateTime',
      description: 'Where the bucket starts: a UTC minute, hour or day (the first may start before `since`).',
    }),
    succeeded: t.exposeInt('succeeded'),
    failed: t.exposeInt('failed'),
  }),
});

const TaskStatsRef = builder.objectRef<StatsShape>('TaskStats').implement({
  description: 'Tasks of the index whose latest state falls in [since, until].',
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
      resolve: (s) => bucketsOf(s.minutes, s.interval),
    }),
    perMinute: t.field({
      type: [TaskStatsMinuteRef],
      description: 'Finished tasks per minute over [since, until], oldest first.',
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
      buckets.push({ start: new Date(start), succeeded, failed });
    }
  }
  return buckets;
}

/** Nearest-rank percentile of sorted values. */
const percentile = (sorted: readonly number[], p: number): number | null =>
  sorted.length === 0 ? null : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null);

const keyOf = (cell: CellStats, by: By): string =>
  by === 'NAME' ? cell.name : by === 'STATUS' ? cell.status : by === 'WORKER' ? cell.worker : cell.queue;

export function groupCells(cells: readonly CellStats[], by: By): GroupShape[] {
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
          by === 'NAME'
            ? {
                count: sorted.length,
                p50: percentile(sorted, 50),
                p95: percentile(sorted, 95),
                max: sorted.at(-1) ?? null,
              }
            : null,
      };
    })
    .sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
}

builder.queryField('taskStats', (t) =>
  t.field({
    type: TaskStatsRef,
    description:
      'Counts of the index’ tasks by status per group, failure rates, runtimes and finished tasks per minute, hour or day. By default the last 24 hours, at most 31 days.',
    args: {
      since: t.arg({ type: 'DateTime' }),
      until: t.arg({ type: 'DateTime' }),
      by: t.arg({ type: TaskStatsByEnum, defaultValue: 'NAME' }),
      interval: t.arg({
        type: TaskStatsIntervalEnum,
        description:
          'The size of `buckets`. Without it: MINUTE for a window up to 6 hours, HOUR up to 7 days, DAY beyond. MINUTE spans at most 7 days.',
      }),
    },
    resolve: (_root, args, context) => {
      const index = requireIndex(context, 'taskStats');
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
      return withCodes(async () => {
        const [cells, minutes] = await Promise.all([
          index.cells(since, until, by === 'NAME' ? RUNTIME_SAMPLE : 0),
          index.minutes(since, until),
        ]);
        return { since: new Date(since), until: new Date(until), interval, groups: groupCells(cells, by), minutes };
      });
    },
  }),
);
