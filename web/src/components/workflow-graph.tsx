import { ReactFlow, ViewportPortal, getViewportForBounds, useReactFlow, useStore, useStoreApi } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { NODE_SIZE, layout } from '../graph/layout.ts';
import { type GraphData, graphCounts, viewModel } from '../graph/model.ts';
import { GraphEdges, GraphNodes, type Positions } from './graph-nodes.tsx';
import { StatusCounts } from './status-counts.tsx';

const MIN_ZOOM = 0.05;
// A lone node is not blown up to fill the pane.
const FIT_MAX_ZOOM = 1.2;
const FIT_PADDING = 0.1;

/** The rectangle around every node. */
function boundsOf(positions: Positions, kinds: ReadonlyMap<string, keyof typeof NODE_SIZE>) {
  let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [id, at] of positions) {
    const size = NODE_SIZE[kinds.get(id) ?? 'task'];
    [left, top] = [Math.min(left, at.x), Math.min(top, at.y)];
    [right, bottom] = [Math.max(right, at.x + size.width), Math.max(bottom, at.y + size.height)];
  }
  return left === Infinity
    ? { x: 0, y: 0, width: 1, height: 1 }
    : { x: left, y: top, width: right - left, height: bottom - top };
}

/**
 * Frames the whole graph once the pane has a size, and again when nodes come
 * or go (a status change alone moves nothing). React Flow's own fitView
 * frames the nodes it was given, and it is given none: the page draws them.
 */
function FitOnGrowth({
  structure,
  bounds,
  onFitted,
}: {
  structure: string;
  bounds: ReturnType<typeof boundsOf>;
  onFitted: () => void;
}) {
  const flow = useReactFlow();
  const store = useStoreApi();
  const sized = useStore((state) => state.width > 0 && state.height > 0);
  useEffect(() => {
    if (!sized) return undefined;
    let frame = 0;
    const fit = () => {
      const { width, height } = store.getState();
      const viewport = getViewportForBounds(bounds, width, height, MIN_ZOOM, FIT_MAX_ZOOM, FIT_PADDING);
      // False until React Flow's pan and zoom is set up (its effect may run after ours): try at the next frame.
      flow.setViewport(viewport).then((done) => (done ? onFitted() : (frame = requestAnimationFrame(fit))), onFitted);
    };
    fit();
    return () => cancelAnimationFrame(frame);
    // bounds change with the structure only.
  }, [flow, store, structure, sized, onFitted]);
  return null;
}

/**
 * The workflow as a layered drawing. Positions depend on the structure only:
 * when a task changes state its node is recoloured where it stands. React
 * Flow pans and zooms; the nodes and edges are the page's own elements
 * (graph-nodes.tsx).
 */
export function WorkflowGraph({ graph, selectedId }: { graph: GraphData; selectedId: string | null }) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const model = useMemo(() => viewModel(graph, expanded), [graph, expanded]);
  // Keyed by the structure string: a new graph object with the same nodes and edges keeps its layout.
  const { positions, bounds } = useMemo(() => {
    const start = performance.now();
    const placed = layout(model.nodes, model.edges);
    // For bench/web-page.ts: how long the layout of the first graph took.
    if (performance.getEntriesByName('lens:layout').length === 0)
      performance.measure('lens:layout', { start, end: performance.now() });
    return { positions: placed, bounds: boundsOf(placed, new Map(model.nodes.map((node) => [node.id, node.kind]))) };
  }, [model.structure]);
  // The nodes are drawn first, alone; the edges once the graph is framed, a frame later.
  const [framed, setFramed] = useState(false);
  const onFitted = useCallback(() => setFramed(true), []);
  const expand = useCallback((groupId: string) => setExpanded((old) => new Set([...old, groupId])), []);
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
        <ReactFlow minZoom={MIN_ZOOM} nodesDraggable={false} nodesConnectable={false} elementsSelectable={false}>
          <FitOnGrowth structure={model.structure} bounds={bounds} onFitted={onFitted} />
          <ViewportPortal>
            {framed ? <GraphEdges nodes={model.nodes} edges={model.edges} positions={positions} /> : null}
            <GraphNodes nodes={model.nodes} positions={positions} selectedId={selectedId} expand={expand} />
          </ViewportPortal>
        </ReactFlow>
      </div>
    </section>
  );
}
