/** The graph's node elements: every task node carries data-task-id and data-status for tools and tests. */
import type { Node, NodeProps } from '@xyflow/react';
import { createContext, memo, useContext } from 'react';
import type { ViewNode } from '../graph/model.ts';
import { navigate, taskPath } from '../router.ts';
import { STATUS, STATUS_ORDER } from '../status.ts';

export interface GraphActions {
  readonly selectedId: string | null;
  expand(groupId: string): void;
}
export const GraphActionsContext = createContext<GraphActions>({ selectedId: null, expand: () => {} });

export type ViewFlowNode = Node<{ view: ViewNode }>;

const shortName = (name: string | null) => (name ? (name.split('.').pop() ?? name) : 'task');

/**
 * The edge ends, as plain elements with React Flow's handle classes (so it
 * measures them) rather than <Handle>s: nothing is ever connected by hand,
 * and a <Handle> subscribes to React Flow's store, two per node, a thousand
 * nodes on a big graph's first draw. Edges are placed before any measure
 * from the nodes' `handles` (workflow-graph.tsx).
 */
function Handles() {
  return (
    <>
      <div className="react-flow__handle react-flow__handle-left target" data-handlepos="left" />
      <div className="react-flow__handle react-flow__handle-right source" data-handlepos="right" />
    </>
  );
}

function TaskNodeView({ data }: NodeProps<ViewFlowNode>) {
  const { selectedId } = useContext(GraphActionsContext);
  const view = data.view;
  if (view.kind !== 'task') return null;
  const look = STATUS[view.status];
  const selected = selectedId === view.id;
  return (
    <div className={`graph-node task-node${selected ? ' selected' : ''}`} data-task-id={view.id} data-status={view.status} style={{ color: look.color, background: look.background, borderColor: look.color }}>
      <Handles />
      <button
        type="button"
        className="node-button"
        aria-current={selected ? 'page' : undefined}
        aria-label={`${shortName(view.name)} ${view.id}: ${look.label}`}
        onClick={() => navigate(taskPath(view.id))}
      >
        <span className="node-status">
          <span aria-hidden="true">{look.icon}</span> {look.label}
        </span>
        <span className="node-name" title={view.name ?? view.id}>{view.name ? shortName(view.name) : view.id.slice(0, 8)}</span>
      </button>
    </div>
  );
}

function GroupNodeView({ data }: NodeProps<ViewFlowNode>) {
  const view = data.view;
  if (view.kind !== 'group') return null;
  return (
    <div className="graph-node group-node" data-group-id={view.id} data-kind="group" title={`group ${view.id}`}>
      <Handles />
      group · {view.size}
    </div>
  );
}

function SummaryNodeView({ data }: NodeProps<ViewFlowNode>) {
  const { expand } = useContext(GraphActionsContext);
  const view = data.view;
  if (view.kind !== 'summary') return null;
  return (
    <div className="graph-node summary-node" data-group-id={view.groupId} data-kind="summary">
      <Handles />
      <button type="button" className="node-button" onClick={() => expand(view.groupId)} aria-label={`Expand the group of ${view.size} tasks`}>
        <span>{view.size} tasks (expand)</span>
        <span className="summary-counts">
          {STATUS_ORDER.filter((status) => view.counts.has(status)).map((status) => (
            <span key={status} data-status={status} style={{ color: STATUS[status].color }}>
              <span aria-hidden="true">{STATUS[status].icon}</span>
              <span className="visually-hidden">{STATUS[status].label}</span> {view.counts.get(status)}
            </span>
          ))}
        </span>
      </button>
    </div>
  );
}

// Re-rendered only when their own data changes (a status change recolours one node, not all).
function sameView({ data: { view: a } }: NodeProps<ViewFlowNode>, { data: { view: b } }: NodeProps<ViewFlowNode>): boolean {
  if (a.kind === 'task' && b.kind === 'task') return a.id === b.id && a.status === b.status && a.name === b.name;
  if (a.kind === 'group' && b.kind === 'group') return a.id === b.id && a.size === b.size;
  return a === b;
}
export const TaskNode = memo(TaskNodeView, sameView);
export const GroupNode = memo(GroupNodeView, sameView);
export const SummaryNode = memo(SummaryNodeView, sameView);

/** Our own type names: React Flow styles its built-in `group` type. */
export const NODE_TYPE: Readonly<Record<ViewNode['kind'], string>> = { task: 'lensTask', group: 'lensGroup', summary: 'lensSummary' };
export const nodeTypes = { lensTask: TaskNode, lensGroup: GroupNode, lensSummary: SummaryNode };
