/** The graph's node elements: every task node carries data-task-id and data-status for tools and tests. */
import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { createContext, useContext } from 'react';
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

function Handles() {
  return (
    <>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </>
  );
}

export function TaskNode({ data }: NodeProps<ViewFlowNode>) {
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

export function GroupNode({ data }: NodeProps<ViewFlowNode>) {
  const view = data.view;
  if (view.kind !== 'group') return null;
  return (
    <div className="graph-node group-node" data-group-id={view.id} data-kind="group" title={`group ${view.id}`}>
      <Handles />
      group · {view.size}
    </div>
  );
}

export function SummaryNode({ data }: NodeProps<ViewFlowNode>) {
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

/** Our own type names: React Flow styles its built-in `group` type. */
export const NODE_TYPE: Readonly<Record<ViewNode['kind'], string>> = { task: 'lensTask', group: 'lensGroup', summary: 'lensSummary' };
export const nodeTypes = { lensTask: TaskNode, lensGroup: GroupNode, lensSummary: SummaryNode };
