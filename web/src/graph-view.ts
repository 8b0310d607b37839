/**
 * The workflow graph's code (React Flow, dagre, the drawing: about half of
 * the page's script) in a chunk of its own. A deep link to a task starts
 * loading it at once (main.tsx), so it is evaluated while the page waits for
 * the graph's data rather than before the WebSocket opens; other pages load
 * it when they first show a graph.
 */
import { lazy } from 'react';

type GraphModule = typeof import('./components/workflow-graph.tsx');
let loading: Promise<GraphModule> | null = null;

/** The chunk, loaded once; a failed load (the server restarting) is tried again on the next call. */
export function loadGraphView(): Promise<GraphModule> {
  loading ??= import('./components/workflow-graph.tsx').catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

const RETRY_MS = 2000;

/** React keeps a failed lazy component failed: the chunk is asked for until it comes. */
async function untilLoaded(): Promise<GraphModule> {
  for (;;) {
    try {
      return await loadGraphView();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}

export const LazyWorkflowGraph = lazy(() => untilLoaded().then((module) => ({ default: module.WorkflowGraph })));
