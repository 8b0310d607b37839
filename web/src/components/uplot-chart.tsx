/**
 * One uPlot chart (bundled by Vite, no CDN): made once per set of series,
 * fed new data in place, sized to its box. The canvas is hidden from
 * screen readers; the figure's caption says what it shows and the table
 * view (stats-charts.tsx) gives every number.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  /** The scale it is drawn on: `y` left, another name right. @default 'y' */
  readonly scale?: string;
  readonly dash?: number[];
  /** Dots on its values: for sparse series, where a bucket alone between empty ones draws no line. */
  readonly points?: boolean;
}

export interface UPlotChartProps {
  readonly testId: string;
  readonly caption: string;
  readonly series: readonly ChartSeries[];
  /** Times in seconds, then one array per series (null: no value). */
  readonly data: uPlot.AlignedData;
  /** Labels of the left axis and, when a series uses it, the right one. */
  readonly axes: { readonly left: string; readonly right?: { readonly scale: string; readonly label: string } };
  readonly height?: number;
}

export function UPlotChart({ testId, caption, series, data, axes, height = 220 }: UPlotChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = JSON.stringify([series, axes]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `shape` stands for series and axes; data follows in its own effect.
  useEffect(() => {
    const element = box.current;
    if (!element) return undefined;
    const options: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height,
      series: [
        {},
        ...series.map((each) => ({
          label: each.label,
          stroke: each.color,
          width: 2,
          scale: each.scale ?? 'y',
          spanGaps: false,
          points: { show: each.points ?? false, size: 5 },
          ...(each.dash ? { dash: each.dash } : {}),
        })),
      ],
      axes: [
        {},
        { scale: 'y', label: axes.left },
        ...(axes.right
          ? [{ scale: axes.right.scale, label: axes.right.label, side: 1 as const, grid: { show: false } }]
          : []),
      ],
      legend: { live: false },
    };
    const made = new uPlot(options, data, element);
    plot.current = made;
    const resize = new ResizeObserver(() => made.setSize({ width: Math.max(200, element.clientWidth), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      made.destroy();
      plot.current = null;
    };
  }, [shape, height]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return (
    <figure className="chart" data-testid={testId}>
      <div ref={box} aria-hidden="true" />
      <figcaption>{caption}</figcaption>
    </figure>
  );
}
