import { type Edge, MarkerType, type NodeHandle, Position, ReactFlow, useReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { NODE_SIZE, layout } from '../graph/layout.ts';
import { type GraphData, type ViewNode, graphCounts, viewModel } from '../graph/model.ts';
import { GraphActionsContext, NODE_TYPE, type ViewFlowNode, nodeTypes } from './graph-nodes.tsx';
import { StatusCounts } from './status-counts.tsx';

const ignoreClick = () => {};
const NO_EDGES: Edge[] = [];

/**
 * Where each kind of node's edge ends are (the middle of its left and right
 * sides), known before React Flow measures a node: edges are placed without
 * waiting for a measure of every node.
 */
const HANDLES: Readonly<Record<ViewNode['kind'], NodeHandle[]>> = Object.fromEntries(
  Object.entries(NODE_SIZE).map(([kind, { width, height }]) => [
    kind,
    [
      { type: 'target', position: Position.Left, x: 0, y: height / 2 - 0.5, width: 1, height: 1 },
      { type: 'source', position: Position.Right, x: width - 1, y: height / 2 - 0.5, width: 1, height: 1 },
    ],
  ]),
) as Record<ViewNode['kind'], NodeHandle[]>;
// maxZoom: a lone node is not blown up to fill the pane. includeHiddenNodes: frame every node by its declared size, measured or not (with onlyRenderVisibleElements
// a node off screen is never measured, and React Flow would otherwise frame only those it measured).
const FIT = { maxZoom: 1.2, padding: 0.1, includeHiddenNodes: true };

/** Frames the whole graph again when nodes come or go (a status change alone moves nothing). */
function FitOnGrowth({ structure, onFitted }: { structure: string; onFitted: () => void }) {
  const flow = useReactFlow();
  useEffect(() => {
    // After React Flow has placed the new nodes.
    const frame = requestAnimationFrame(() => {
      flow.fitView(FIT).then(onFitted, onFitted);
    });
    return () => cancelAnimationFrame(frame);
  }, [flow, structure, onFitted]);
  return null;
}

/**
 * The workflow as a layered drawing. Positions depend on the structure only:
 * when a task changes state its node is recoloured where it stands.
 */
export function WorkflowGraph({ graph, selectedId }: { graph: GraphData; selectedId: string | null }) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const model = useMemo(() => viewModel(graph, expanded), [graph, expanded]);
  // Keyed by the structure string: a new graph object with the same nodes and edges keeps its layout.
  const positions = useMemo(() => {
    const start = performance.now();
    const placed = layout(model.nodes, model.edges);
    // For bench/web-page.ts: how long the layout of the first graph took.
    if (performance.getEntriesByName('lens:layout').length === 0) performance.measure('lens:layout', { start, end: performance.now() });
    return placed;
  }, [model.structure]);
  const nodes = useMemo<ViewFlowNode[]>(
    () =>
      model.nodes.map((view) => ({
        id: view.id,
        type: NODE_TYPE[view.kind],
        position: positions.get(view.id) ?? { x: 0, y: 0 },
        data: { view },
        ...NODE_SIZE[view.kind],
        handles: HANDLES[view.kind],
      })),
    [model, positions],
  );
  const edges = useMemo<Edge[]>(
    () =>
      model.edges.map((edge) => ({
        id: edge.id,
        source: edge.source,
        target: edge.target,
        markerEnd: { type: MarkerType.ArrowClosed },
        className: `edge-${edge.kind.toLowerCase()}`,
      })),
    [model.edges],
  );
  // The first draw is the nodes alone, every one of them, at once; the edges and React Flow's culling of
  // what is off screen (onlyRenderVisibleElements) come once the graph is framed, a frame later: drawing
  // 1,000 edges in the same pass made a big graph's first draw twice as slow.
  const [framed, setFramed] = useState(false);
  const onFitted = useCallback(() => setFramed(true), []);
  const expand = useCallback((groupId: string) => setExpanded((old) => new Set([...old, groupId])), []);
  const actions = useMemo(() => ({ selectedId, expand }), [selectedId, expand]);
  const counts = useMemo(() => graphCounts(graph), [graph]);
  return (
    <section className="graph-panel" aria-label="Workflow graph">
      <div className="graph-head">
        <h2>Workflow</h2>
        <StatusCounts counts={counts} />
      </div>
      {graph.truncated ? (
        <p className="notice" data-testid="graph-truncated" role="status">
          The graph is truncated: the walk stopped at its depth limit, deeper tasks are not shown.
        </p>
      ) : null}
      <div className="graph" data-testid="workflow-graph" data-node-count={graph.nodes.length} data-ready={graph.ready}>
        <GraphActionsContext.Provider value={actions}>
          <ReactFlow
            nodes={nodes}
            edges={framed ? edges : NO_EDGES}
            nodeTypes={nodeTypes}
            fitView
            fitViewOptions={FIT}
            minZoom={0.05}
            nodesDraggable={false}
            nodesConnectable={false}
            nodesFocusable={false}
            edgesFocusable={false}
            elementsSelectable={false}
            onlyRenderVisibleElements={framed && nodes.length > 300}
            // The nodes' own buttons act; a click handler is what makes React Flow let pointer events reach them.
            onNodeClick={ignoreClick}
          >
            <FitOnGrowth structure={model.structure} onFitted={onFitted} />
          </ReactFlow>
        </GraphActionsContext.Provider>
      </div>
    </section>
  );
}
