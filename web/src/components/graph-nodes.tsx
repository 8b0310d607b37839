/**
 * The graph's elements, drawn by the page itself inside React Flow's viewport
 * (which pans and zooms them): plain absolutely placed elements, a few per
 * node, and one SVG path per edge. As React Flow nodes and edges, each of a
 * thousand tasks was a wrapper subscribed to React Flow's store, measured by a
 * ResizeObserver, with its handles measured again; that was most of a big
 * graph's first draw. Every task node carries data-task-id and data-status for
 * tools and tests.
 */
import { type CSSProperties, memo } from 'react';
import { NODE_SIZE } from '../graph/layout.ts';
import type { ViewEdge, ViewNode } from '../graph/model.ts';
import { navigate, taskPath } from '../router.ts';
import { STATUS, STATUS_ORDER, statusIconImage } from '../status.ts';
import { StatusIcon } from './status-icon.tsx';

export interface Point {
  readonly x: number;
  readonly y: number;
}
export type Positions = ReadonlyMap<string, Point>;

type TaskView = Extract<ViewNode, { kind: 'task' }>;
type GroupView = Extract<ViewNode, { kind: 'group' }>;
type SummaryView = Extract<ViewNode, { kind: 'summary' }>;

const shortName = (name: string | null) => (name ? (name.split('.').pop() ?? name) : 'task');
const box = (kind: ViewNode['kind'], at: Point) => ({ left: at.x, top: at.y, ...NODE_SIZE[kind] });

/**
 * Two elements and one text: 1,000 of them are a big graph's first draw, and
 * each element more was a fifth more of React's, the style pass' and layout's
 * work. The button's first line (the status) is bold by `::first-line`; its
 * icon is the status' SVG as a mask of `::before` (styles.css), no element.
 */
function TaskNodeView({ view, at, selected }: { view: TaskView; at: Point; selected: boolean }) {
  const look = STATUS[view.status];
  return (
    <div
      className={`graph-node task-node${selected ? ' selected' : ''}`}
      data-task-id={view.id}
      data-status={view.status}
      style={
        {
          ...box('task', at),
          color: look.color,
          background: look.background,
          borderColor: look.color,
          '--status-icon': statusIconImage(view.status),
        } as CSSProperties
      }
    >
      <button
        type="button"
        className="node-button"
        aria-current={selected ? 'page' : undefined}
        aria-label={`${shortName(view.name)} ${view.id}: ${look.label}`}
        title={view.name ?? view.id}
        onClick={() => navigate(taskPath(view.id))}
      >
        {`${look.label}\n${view.name ? shortName(view.name) : view.id.slice(0, 8)}`}
      </button>
    </div>
  );
}

function GroupNodeView({ view, at }: { view: GroupView; at: Point }) {
  return (
    <div
      className="graph-node group-node"
      data-group-id={view.id}
      data-kind="group"
      title={`group ${view.id}`}
      style={box('group', at)}
    >
      group · {view.size}
    </div>
  );
}

function SummaryNodeView({ view, at, expand }: { view: SummaryView; at: Point; expand: (groupId: string) => void }) {
  return (
    <div
      className="graph-node summary-node"
      data-group-id={view.groupId}
      data-kind="summary"
      style={box('summary', at)}
    >
      <button
        type="button"
        className="node-button"
        onClick={() => expand(view.groupId)}
        aria-label={`Expand the group of ${view.size} tasks`}
      >
        <span>{view.size} tasks (expand)</span>
        <span className="summary-counts">
          {STATUS_ORDER.filter((status) => view.counts.has(status)).map((status) => (
            <span key={status} data-status={status} style={{ color: STATUS[status].color }}>
              <StatusIcon status={status} />
              <span className="visually-hidden">{STATUS[status].label}</span> {view.counts.get(status)}
            </span>
          ))}
        </span>
      </button>
    </div>
  );
}

// Re-rendered only when their own look changes: a status change recolours one node, a new selection two.
const TaskNode = memo(
  TaskNodeView,
  (a, b) =>
    a.at === b.at &&
    a.selected === b.selected &&
    a.view.id === b.view.id &&
    a.view.status === b.view.status &&
    a.view.name === b.view.name,
);
const GroupNode = memo(
  GroupNodeView,
  (a, b) => a.at === b.at && a.view.id === b.view.id && a.view.size === b.view.size,
);
const SummaryNode = memo(SummaryNodeView);

export interface GraphNodesProps {
  readonly nodes: readonly ViewNode[];
  readonly positions: Positions;
  readonly selectedId: string | null;
  expand(groupId: string): void;
}

/** Every node, placed where the layout put it (positions change with the structure only). */
export function GraphNodes({ nodes, positions, selectedId, expand }: GraphNodesProps) {
  const origin = { x: 0, y: 0 };
  return (
    <div className="graph-layer">
      {nodes.map((view) => {
        const at = positions.get(view.id) ?? origin;
        if (view.kind === 'task')
          return <TaskNode key={view.id} view={view} at={at} selected={view.id === selectedId} />;
        if (view.kind === 'group') return <GroupNode key={view.id} view={view} at={at} />;
        return <SummaryNode key={view.id} view={view} at={at} expand={expand} />;
      })}
    </div>
  );
}

/** A curve from the middle of the source's right side to the middle of the target's left side, as React Flow's default edge. */
function edgePath(from: Point, fromKind: ViewNode['kind'], to: Point, toKind: ViewNode['kind']): string {
  const [sx, sy] = [from.x + NODE_SIZE[fromKind].width, from.y + NODE_SIZE[fromKind].height / 2];
  const [tx, ty] = [to.x, to.y + NODE_SIZE[toKind].height / 2];
  const bend = Math.max(25, Math.abs(tx - sx) / 2);
  const r = Math.round;
  return `M${r(sx)},${r(sy)} C${r(sx + bend)},${r(sy)} ${r(tx - bend)},${r(ty)} ${r(tx)},${r(ty)}`;
}

export const ARROW_ID = 'lens-graph-arrow';

/** Every edge, one path each (their ends are known from the layout: nothing is measured). */
export const GraphEdges = memo(function GraphEdges({
  nodes,
  edges,
  positions,
}: {
  nodes: readonly ViewNode[];
  edges: readonly ViewEdge[];
  positions: Positions;
}) {
  const kindOf = new Map(nodes.map((node) => [node.id, node.kind]));
  return (
    <svg className="graph-edges" aria-hidden="true">
      <defs>
        <marker
          id={ARROW_ID}
          viewBox="-10 -10 20 20"
          markerWidth="12.5"
          markerHeight="12.5"
          orient="auto-start-reverse"
          refX="0"
          refY="0"
        >
          <polyline points="-5,-4 0,0 -5,4 -5,-4" />
        </marker>
      </defs>
      {edges.map((edge) => {
        const [from, to] = [positions.get(edge.source), positions.get(edge.target)];
        const [fromKind, toKind] = [kindOf.get(edge.source), kindOf.get(edge.target)];
        if (!from || !to || !fromKind || !toKind) return null;
        return (
          <path
            key={edge.id}
            className={`graph-edge edge-${edge.kind.toLowerCase()}`}
            data-id={edge.id}
            d={edgePath(from, fromKind, to, toKind)}
            markerEnd={`url(#${ARROW_ID})`}
          />
        );
      })}
    </svg>
  );
});
