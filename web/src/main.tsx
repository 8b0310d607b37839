import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { TaskLive, WorkflowGraph, graphReady } from './graphql/documents.ts';
import { subscribeEarly } from './lens.ts';
import { loadGraphView } from './graph-view.ts';
import { parseRoute } from './router.ts';
import './styles.css';

// A deep link to a task: its card's and its workflow's subscriptions go out with the WebSocket's first
// messages, while React renders (task.tsx asks for the graph from the task itself until it knows the root).
const route = parseRoute(window.location.pathname);
if (route.page === 'task') {
  subscribeEarly(TaskLive, { id: route.id });
  subscribeEarly(WorkflowGraph, { rootId: route.id }, graphReady);
  loadGraphView().catch(() => {});
}
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
// In a transition, React yields every few milliseconds while it renders the page's first frame: the
// WebSocket's open and acknowledgement (and with them the early subscriptions) are handled meanwhile.
startTransition(() =>
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
