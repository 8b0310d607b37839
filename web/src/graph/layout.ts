/**
 * A layered left-to-right layout (dagre): chain links follow each other,
 * group members stack in one column. Computed only when the structure
 * changes, so a status change recolours a node where it stands.
 */
import dagre from '@dagrejs/dagre';
import type { ViewNode, ViewEdge } from './model.ts';

export interface Size {
  readonly width: number;
  readonly height: number;
}

export const NODE_SIZE: Readonly<Record<ViewNode['kind'], Size>> = {
  task: { width: 200, height: 44 },
  group: { width: 110, height: 32 },
  summary: { width: 220, height: 64 },
};

export function layout(nodes: readonly ViewNode[], edges: readonly ViewEdge[]): Map<string, { x: number; y: number }> {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 10, ranksep: 50, marginx: 10, marginy: 10 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) graph.setNode(node.id, { ...NODE_SIZE[node.kind] });
  for (const edge of edges) graph.setEdge(edge.source, edge.target);
  dagre.layout(graph);
  const positions = new Map<string, { x: number; y: number }>();
  for (const node of nodes) {
    const placed = graph.node(node.id) as { x: number; y: number } | undefined;
    const size = NODE_SIZE[node.kind];
    // dagre gives centres; React Flow wants top-left corners.
    positions.set(node.id, { x: (placed?.x ?? 0) - size.width / 2, y: (placed?.y ?? 0) - size.height / 2 });
  }
  return positions;
}
