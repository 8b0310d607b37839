/**
 * A layered left-to-right layout: chain links follow each other, group
 * members stack in one column. Computed only when the structure changes, so
 * a status change recolours a node where it stands.
 *
 * Small graphs use dagre (it also untangles crossing edges); past
 * DAGRE_UP_TO nodes its crossing minimisation costs seconds, and a plain
 * rank-and-barycentre pass (linear, near enough for Celery's tree-shaped
 * workflows) draws them instead.
 */
import dagre from '@dagrejs/dagre';
import type { ViewEdge, ViewNode } from './model.ts';

export interface Size {
  readonly width: number;
  readonly height: number;
}

export const NODE_SIZE: Readonly<Record<ViewNode['kind'], Size>> = {
  task: { width: 200, height: 44 },
  group: { width: 110, height: 32 },
  summary: { width: 220, height: 64 },
};

const DAGRE_UP_TO = 200;
const RANK_GAP = 50;
const NODE_GAP = 10;

type Positions = Map<string, { x: number; y: number }>;

export function layout(nodes: readonly ViewNode[], edges: readonly ViewEdge[]): Positions {
  return nodes.length <= DAGRE_UP_TO ? dagreLayout(nodes, edges) : rankLayout(nodes, edges);
}

function dagreLayout(nodes: readonly ViewNode[], edges: readonly ViewEdge[]): Positions {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: NODE_GAP, ranksep: RANK_GAP, marginx: 10, marginy: 10 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) graph.setNode(node.id, { ...NODE_SIZE[node.kind] });
  for (const edge of edges) graph.setEdge(edge.source, edge.target);
  dagre.layout(graph);
  const positions: Positions = new Map();
  for (const node of nodes) {
    const placed = graph.node(node.id) as { x: number; y: number } | undefined;
    const size = NODE_SIZE[node.kind];
    // dagre gives centres; React Flow wants top-left corners.
    positions.set(node.id, { x: (placed?.x ?? 0) - size.width / 2, y: (placed?.y ?? 0) - size.height / 2 });
  }
  return positions;
}

/** Ranks of more nodes than this wrap into several sub-columns. */
const WRAP_OVER = 60;

/**
 * Sub-columns for a rank of `count` nodes, the block about 3:2 wide: a fan-out
 * of 1,000 in one column would be 54,000 px tall, shown whole only at a zoom
 * below React Flow's minimum (so never drawn whole).
 */
function subColumns(count: number, width: number, row: number): number {
  return count <= WRAP_OVER ? 1 : Math.max(1, Math.round(Math.sqrt((count * row * 1.5) / (width + NODE_GAP))));
}

/**
 * Rank = longest path from a source; order in a rank = mean order of the
 * node's parents; a tall rank wraps into sub-columns, in that order.
 */
function rankLayout(nodes: readonly ViewNode[], edges: readonly ViewEdge[]): Positions {
  const parents = new Map<string, string[]>(nodes.map((node) => [node.id, []]));
  const children = new Map<string, string[]>(nodes.map((node) => [node.id, []]));
  for (const edge of edges) {
    if (!parents.has(edge.target) || !children.has(edge.source)) continue;
    parents.get(edge.target)!.push(edge.source);
    children.get(edge.source)!.push(edge.target);
  }
  // Kahn's order; a node on a cycle (none in Celery's graphs, but data is data) keeps rank 0.
  const rank = new Map<string, number>(nodes.map((node) => [node.id, 0]));
  const waiting = new Map(nodes.map((node) => [node.id, parents.get(node.id)!.length]));
  const queue = nodes.filter((node) => waiting.get(node.id) === 0).map((node) => node.id);
  for (let head = 0; head < queue.length; head += 1) {
    const id = queue[head]!;
    for (const child of children.get(id)!) {
      rank.set(child, Math.max(rank.get(child)!, rank.get(id)! + 1));
      const left = waiting.get(child)! - 1;
      waiting.set(child, left);
      if (left === 0) queue.push(child);
    }
  }
  const ranks: ViewNode[][] = [];
  for (const node of nodes) (ranks[rank.get(node.id)!] ??= []).push(node);
  const order = new Map<string, number>();
  const columns = ranks.map((column) => {
    const weight = (node: ViewNode) => {
      const from = parents
        .get(node.id)!
        .map((id) => order.get(id))
        .filter((value): value is number => value !== undefined);
      return from.length === 0 ? 0 : from.reduce((a, b) => a + b, 0) / from.length;
    };
    const sorted = column
      .map((node, index) => ({ node, index, weight: weight(node) }))
      .sort((a, b) => a.weight - b.weight || a.index - b.index);
    sorted.forEach((entry, index) => order.set(entry.node.id, index));
    return sorted.map((entry) => entry.node);
  });
  const blocks = columns.map((column) => {
    const width = Math.max(...column.map((node) => NODE_SIZE[node.kind].width));
    const row = Math.max(...column.map((node) => NODE_SIZE[node.kind].height)) + NODE_GAP;
    const wide = subColumns(column.length, width, row);
    return { column, width, row, wide, rows: Math.ceil(column.length / wide) };
  });
  const tallest = Math.max(0, ...blocks.map((block) => block.rows * block.row));
  const positions: Positions = new Map();
  let x = 10;
  for (const { column, width, row, wide, rows } of blocks) {
    const top = 10 + (tallest - rows * row) / 2;
    column.forEach((node, index) => {
      const size = NODE_SIZE[node.kind];
      const [sub, line] = [Math.floor(index / rows), index % rows];
      positions.set(node.id, {
        x: x + sub * (width + NODE_GAP) + (width - size.width) / 2,
        y: top + line * row + (row - NODE_GAP - size.height) / 2,
      });
    });
    x += wide * (width + NODE_GAP) - NODE_GAP + RANK_GAP;
  }
  return positions;
}
