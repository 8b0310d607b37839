/**
 * taskStats' GraphQL types and the shapes behind them (task-stats.ts
 * resolves the field, task-stats-rollups.ts reads the rollups).
 */
import { ALPHA } from '../../store/stats/sketch.ts';
import type { TaskStatus } from '../../store/task-statuses.ts';
import { builder } from '../builder.ts';
import { TaskStatusEnum } from './task-history.ts';

/** Runtimes read per cell at most when there are no rollups: the latest ones (p50/p95 of those). */
export const RUNTIME_SAMPLE = 2000;
const DAY_MS = 86_400_000;

export const TaskStatsByEnum = builder.enumType('TaskStatsBy', {
  values: ['NAME', 'STATUS', 'WORKER', 'QUEUE'] as const,
});
export type By = 'NAME' | 'STATUS' | 'WORKER' | 'QUEUE';

/** Bucket sizes, in ms; buckets start on UTC boundaries of their size. */
export const INTERVALS = { MINUTE: 60_000, HOUR: 3_600_000, DAY: DAY_MS } as const;
export type Interval = keyof typeof INTERVALS;
export const TaskStatsIntervalEnum = builder.enumType('TaskStatsInterval', {
  description: "The size of taskStats' buckets, on UTC boundaries.",
  values: ['MINUTE', 'HOUR', 'DAY'] as const,
});

export interface PercentileShape {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}
export interface GroupShape {
  key: string;
  total: number;
  byStatus: { status: TaskStatus; count: number }[];
  failureRate: number | null;
  runtime: PercentileShape | null;
  wait: PercentileShape | null;
}
export interface Minute {
  minute: number;
  succeeded: number;
  failed: number;
}
/** What the rollups add to a bucket (null without them). */
export interface BucketExtras {
  retried: number;
  revoked: number;
  started: number;
  runtime: PercentileShape;
  wait: PercentileShape;
  queueLength: number | null;
  queueAgeSeconds: number | null;
}
export interface BucketShape {
  start: Date;
  succeeded: number;
  failed: number;
  extras: BucketExtras | null;
}
export interface StatsShape {
  since: Date;
  until: Date;
  interval: Interval;
  groups: GroupShape[];
  buckets: BucketShape[];
  minutes: readonly Minute[];
}

const accuracy = `within ${ALPHA * 100} % of the true value (more when one bucket's values span over ×10: docs/api.md)`;

const percentileFields = (unit: string) => (t: PercentileFieldBuilder) => ({
  count: t.exposeInt('count', { description: `Values ${unit}.` }),
  p50: t.exposeFloat('p50', { nullable: true }),
  p95: t.exposeFloat('p95', { nullable: true }),
  p99: t.exposeFloat('p99', { nullable: true }),
  max: t.exposeFloat('max', { nullable: true, description: 'Exact.' }),
});
type PercentileFieldBuilder = Parameters<
  NonNullable<Parameters<ReturnType<typeof builder.objectRef<PercentileShape>>['implement']>[0]['fields']>
>[0];

export const RuntimeStatsRef = builder.objectRef<PercentileShape>('RuntimeStats').implement({
  description: `Seconds, from task-succeeded events' runtime. From the rollups' sketch: percentiles ${accuracy}. With --stats-days 0, of the index' latest ${RUNTIME_SAMPLE.toLocaleString('en')} finished tasks per name, worker and queue (p99 null).`,
  fields: percentileFields('added: succeeded tasks with a runtime'),
});

export const WaitStatsRef = builder.objectRef<PercentileShape>('WaitStats').implement({
  description: `Seconds from a task's send (its task-sent event; its receipt by a worker without one, or for a retry) to its start, from the rollups' sketch: percentiles ${accuracy}.`,
  fields: percentileFields('added: started tasks'),
});

const StatusCountRef = builder.objectRef<{ status: TaskStatus; count: number }>('StatusCount').implement({
  fields: (t) => ({ status: t.field({ type: TaskStatusEnum, resolve: (c) => c.status }), count: t.exposeInt('count') }),
});

export const TaskStatsGroupRef = builder.objectRef<GroupShape>('TaskStatsGroup').implement({
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
      description: 'Only when by: NAME or QUEUE (QUEUE: with the rollups only).',
      resolve: (g) => g.runtime,
    }),
    wait: t.field({
      type: WaitStatsRef,
      nullable: true,
      description: 'Only when by: NAME or QUEUE, from the rollups (null with --stats-days 0).',
      resolve: (g) => g.wait,
    }),
  }),
});

export const TaskStatsMinuteRef = builder
  .objectRef<{ minute: Date; succeeded: number; failed: number }>('TaskStatsMinute')
  .implement({
    fields: (t) => ({
      minute: t.expose('minute', { type: 'DateTime' }),
      succeeded: t.exposeInt('succeeded'),
      failed: t.exposeInt('failed'),
    }),
  });

const fromRollups = 'From the rollups; null with --stats-days 0 (and for a minute older than two days: ask HOUR).';

export const TaskStatsBucketRef = builder.objectRef<BucketShape>('TaskStatsBucket').implement({
  description: 'Tasks that finished in one bucket (the part of it inside [since, until]).',
  fields: (t) => ({
    start: t.expose('start', {
      type: 'DateTime',
      description: 'Where the bucket starts: a UTC minute, hour or day (the first may start before `since`).',
    }),
    succeeded: t.exposeInt('succeeded'),
    failed: t.exposeInt('failed'),
    retried: t.int({ nullable: true, description: `Retries. ${fromRollups}`, resolve: (b) => b.extras?.retried }),
    revoked: t.int({ nullable: true, description: `Revoked tasks. ${fromRollups}`, resolve: (b) => b.extras?.revoked }),
    started: t.int({ nullable: true, description: `Tasks started. ${fromRollups}`, resolve: (b) => b.extras?.started }),
    runtime: t.field({
      type: RuntimeStatsRef,
      nullable: true,
      description: fromRollups,
      resolve: (b) => b.extras?.runtime,
    }),
    wait: t.field({ type: WaitStatsRef, nullable: true, description: fromRollups, resolve: (b) => b.extras?.wait }),
    queueLength: t.int({
      nullable: true,
      description: `The longest queue length sampled (every 15 s; all queues summed unless \`key\` names one). ${fromRollups}`,
      resolve: (b) => b.extras?.queueLength,
    }),
    queueAgeSeconds: t.float({
      nullable: true,
      description: `How long the oldest queued message had waited at most (seconds; from task-sent events). ${fromRollups}`,
      resolve: (b) => b.extras?.queueAgeSeconds,
    }),
  }),
});
