import { LensError } from './lens-error.ts';

/** A task graph with more nodes than --max-graph-nodes. */
export class GraphTooLargeError extends LensError {
  readonly code = 'GRAPH_TOO_LARGE';

  constructor(limit: number) {
    super(`the task graph has more than ${limit} nodes; ask for a smaller maxDepth or raise --max-graph-nodes`, { limit });
  }
}
