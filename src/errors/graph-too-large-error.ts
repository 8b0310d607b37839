import { LensError } from './lens-error.ts';

/** A task graph, parent chain or member scan with more than --max-graph-nodes tasks. */
export class GraphTooLargeError extends LensError {
  readonly code = 'GRAPH_TOO_LARGE';

  /** `what`: the sentence's subject when it is not a taskGraph, e.g. "the parent chain of <id>". */
  constructor(limit: number, what?: string) {
    super(
      what === undefined
        ? `the task graph has more than ${limit} nodes; ask for a smaller maxDepth or raise --max-graph-nodes`
        : `${what} has more than ${limit} tasks (--max-graph-nodes)`,
      { limit },
    );
  }
}
