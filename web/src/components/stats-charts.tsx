/**
 * Trends from taskStats' buckets (the rollups): throughput by outcome with
 * the failure rate and the queue length, and runtime and wait percentiles,
 * over a window the user picks, polled while shown. Every number is also in
 * a table, one button away, for keyboards and screen readers.
 */
import { useEffect, useId, useMemo, useState } from 'react';
import { formatTime } from '../format.ts';
import { StatsCharts as StatsQuery } from '../graphql/documents.ts';
import type { StatsChartsQuery, TaskStatsInterval } from '../graphql/generated/graphql.ts';
import { type GqlResult, query } from '../lens.ts';
import { STATUS } from '../status.ts';
import { UPlotChart } from './uplot-chart.tsx';

type Bucket = StatsChartsQuery['taskStats']['buckets'][number];

/** The windows offered: label, length and bucket size, how often it is asked again. */
const WINDOWS = [
  { id: '1h', label: 'Last hour', ms: 3_600_000, interval: 'MINUTE', everyMs: 10_000 },
  { id: '6h', label: 'Last 6 hours', ms: 6 * 3_600_000, interval: 'MINUTE', everyMs: 15_000 },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000, interval: 'HOUR', everyMs: 60_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000, interval: 'HOUR', everyMs: 60_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000, interval: 'HOUR', everyMs: 300_000 },
] as const satisfies readonly { id: string; label: string; ms: number; interval: TaskStatsInterval; everyMs: number }[];
type WindowId = (typeof WINDOWS)[number]['id'];

const COLORS = {
  succeeded: STATUS.SUCCEEDED.color,
  failed: STATUS.FAILED.color,
  retried: STATUS.RETRYING.color,
  rate: '#7c3aed',
  queue: '#475569',
  runtime: '#1d4ed8',
  wait: '#b45309',
};

const rate = (b: Bucket) => (b.succeeded + b.failed === 0 ? null : (100 * b.failed) / (b.succeeded + b.failed));
const seconds = (value: number | null | undefined) => (value == null ? '—' : `${value.toFixed(3)} s`);

/** taskStats over the window ending now, asked again every `everyMs`; the last answer stays while the next comes. */
function useStats(windowId: WindowId, name: string | null): GqlResult<StatsChartsQuery> | null {
  const [result, setResult] = useState<GqlResult<StatsChartsQuery> | null>(null);
  useEffect(() => {
    const chosen = WINDOWS.find((each) => each.id === windowId) ?? WINDOWS[0];
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      const until = Date.now();
      try {
        const next = await query(StatsQuery, {
          since: new Date(until - chosen.ms).toISOString(),
          until: new Date(until).toISOString(),
          interval: chosen.interval,
          key: name,
        });
        if (!stopped) setResult(next);
      } catch {
        // Unreachable server: the backend banner says so; keep the last answer.
      }
      if (!stopped) timer = setTimeout(() => load().catch(() => {}), chosen.everyMs);
    };
    setResult(null);
    load().catch(() => {});
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [windowId, name]);
  return result;
}

/** The charts of one task name (`name`), or of all tasks with the queues' length. */
export function StatsChartsPanel({ name = null }: { name?: string | null }) {
  const [windowId, setWindowId] = useState<WindowId>('1h');
  const [asTable, setAsTable] = useState(false);
  const result = useStats(windowId, name);
  const buckets = result?.data?.taskStats.buckets ?? [];
  const tableId = useId();
  const withQueue = name === null;

  const throughput = useMemo(() => {
    const times = buckets.map((b) => Date.parse(b.start) / 1000);
    const series = [
      buckets.map((b) => b.succeeded),
      buckets.map((b) => b.failed),
      buckets.map((b) => b.retried ?? null),
      buckets.map(rate),
      ...(withQueue ? [buckets.map((b) => b.queueLength ?? null)] : []),
    ];
    return [times, ...series] as [number[], ...(number | null)[][]];
  }, [buckets, withQueue]);
  const latency = useMemo(() => {
    const times = buckets.map((b) => Date.parse(b.start) / 1000);
    const pick = (of: 'runtime' | 'wait', p: 'p50' | 'p95' | 'p99') => buckets.map((b) => b[of]?.[p] ?? null);
    return [
      times,
      pick('runtime', 'p50'),
      pick('runtime', 'p95'),
      pick('runtime', 'p99'),
      pick('wait', 'p50'),
      pick('wait', 'p95'),
      pick('wait', 'p99'),
    ] as [number[], ...(number | null)[][]];
  }, [buckets]);

  const totals = buckets.reduce(
    (sum, b) => ({ succeeded: sum.succeeded + b.succeeded, failed: sum.failed + b.failed }),
    { succeeded: 0, failed: 0 },
  );
  const chosen = WINDOWS.find((each) => each.id === windowId) ?? WINDOWS[0];
  const scope = name === null ? 'all tasks' : name;

  return (
    <section className="panel stats-charts" aria-label={`Trends of ${scope}`} data-testid="stats-charts">
      <div className="card-head">
        <h2>Trends</h2>
        <label>
          Window{' '}
          <select value={windowId} onChange={(event) => setWindowId(event.target.value as WindowId)}>
            {WINDOWS.map((each) => (
              <option key={each.id} value={each.id}>
                {each.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" aria-pressed={asTable} aria-controls={tableId} onClick={() => setAsTable(!asTable)}>
          {/* A toggle button keeps its name; aria-pressed tells its state. */}
          Table view
        </button>
      </div>
      {result?.errors.length ? <p className="error-text">{result.errors[0]?.message}</p> : null}
      {result === null ? <p className="muted">Loading…</p> : null}
      <div hidden={asTable} className="charts">
        <UPlotChart
          testId="throughput-chart"
          caption={`Throughput of ${scope} per ${chosen.interval.toLowerCase()}, ${chosen.label.toLowerCase()}: ${totals.succeeded} succeeded, ${totals.failed} failed.`}
          series={[
            { label: 'Succeeded', color: COLORS.succeeded },
            { label: 'Failed', color: COLORS.failed },
            { label: 'Retried', color: COLORS.retried, dash: [4, 4] },
            { label: 'Failure rate %', color: COLORS.rate, scale: '%', points: true },
            ...(withQueue ? [{ label: 'Queue length', color: COLORS.queue, dash: [2, 3] }] : []),
          ]}
          axes={{ left: 'tasks', right: { scale: '%', label: 'failure rate %' } }}
          data={throughput}
        />
        <UPlotChart
          testId="latency-chart"
          caption={`Runtime and wait (send to start) percentiles of ${scope}, in seconds.`}
          series={[
            { label: 'Runtime p50', color: COLORS.runtime, points: true },
            { label: 'Runtime p95', color: COLORS.runtime, dash: [6, 3], points: true },
            { label: 'Runtime p99', color: COLORS.runtime, dash: [2, 3], points: true },
            { label: 'Wait p50', color: COLORS.wait, points: true },
            { label: 'Wait p95', color: COLORS.wait, dash: [6, 3], points: true },
            { label: 'Wait p99', color: COLORS.wait, dash: [2, 3], points: true },
          ]}
          axes={{ left: 'seconds' }}
          data={latency}
        />
      </div>
      <div id={tableId} hidden={!asTable} className="table-scroll">
        {asTable ? <StatsTable buckets={buckets} withQueue={withQueue} scope={scope} /> : null}
      </div>
    </section>
  );
}

function StatsTable({ buckets, withQueue, scope }: { buckets: readonly Bucket[]; withQueue: boolean; scope: string }) {
  return (
    <table className="list" data-testid="stats-table">
      <caption className="muted">Per bucket, oldest first, of {scope}</caption>
      <thead>
        <tr>
          <th scope="col">From</th>
          <th scope="col" className="num">
            Succeeded
          </th>
          <th scope="col" className="num">
            Failed
          </th>
          <th scope="col" className="num">
            Retried
          </th>
          <th scope="col" className="num">
            Failure rate
          </th>
          <th scope="col">Runtime p50 / p95 / p99</th>
          <th scope="col">Wait p50 / p95 / p99</th>
          {withQueue ? (
            <th scope="col" className="num">
              Queue length
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {buckets.map((b) => (
          <tr key={b.start}>
            <th scope="row">{formatTime(b.start)}</th>
            <td className="num">{b.succeeded}</td>
            <td className="num">{b.failed}</td>
            <td className="num">{b.retried ?? '—'}</td>
            <td className="num">{rate(b) === null ? '—' : `${(rate(b) as number).toFixed(1)} %`}</td>
            <td>{[b.runtime?.p50, b.runtime?.p95, b.runtime?.p99].map(seconds).join(' / ')}</td>
            <td>{[b.wait?.p50, b.wait?.p95, b.wait?.p99].map(seconds).join(' / ')}</td>
            {withQueue ? <td className="num">{b.queueLength ?? '—'}</td> : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
