import { Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { ErrorMessage } from '../components/error-message.tsx';
import { type LiveTask, TaskCard } from '../components/task-card.tsx';
import { Timeline } from '../components/timeline.tsx';
import { WorkersList } from '../components/workers-list.tsx';
import { TaskLive, WorkflowGraph as WorkflowGraphDocument, WorkflowTimes, graphReady } from '../graphql/documents.ts';
import { LazyWorkflowGraph } from '../graph-view.ts';
import type { GraphTimes } from '../graph/model.ts';
import { STATUS } from '../status.ts';
import { useLive } from '../use-live.ts';

function withTimesOf(task: LiveTask | null, times: GraphTimes | null): GraphTimes | null {
  if (!task || !times) return times;
  const { sentAt, receivedAt, startedAt, finishedAt, dateDone } = task;
  return {
    ...times,
    nodes: times.nodes.map((node) =>
      node.id === task.id ? { ...node, task: { sentAt, receivedAt, startedAt, finishedAt, dateDone } } : node,
    ),
  };
}

/** `/tasks/<id>`: the live card, and the graph and timeline of its workflow (from its root). */
export function TaskRoute({ id }: { id: string }) {
  const live = useLive(TaskLive, { id });
  // A result for the previous id may still be showing for one render after a navigation.
  const task = live.result?.data?.task?.id === id ? live.result.data.task : null;
  // Kept while moving between tasks of one workflow, so the graph stays where it is.
  // Until the task says where its root is, the graph starts from the task itself (a deep link is
  // often to a root): the two subscriptions run side by side instead of one after the other.
  // Only a root a task named is kept: after a bad id (which names none) the next task starts from itself,
  // not from that id (whose graph would only fail).
  // A task drawn in the graph shown keeps that graph: each header task of a chord a client sent is its own root.
  const [knownRoot, setKnownRoot] = useState<string | null>(null);
  const taskRoot = task?.root?.id ?? null;
  const drawn = useRef<ReadonlySet<string>>(new Set());
  useEffect(() => {
    if (taskRoot !== null) setKnownRoot((shown) => (shown !== null && drawn.current.has(id) ? shown : taskRoot));
  }, [taskRoot, id]);
  const rootId = knownRoot ?? id;
  // The server completes the stream once every task is ready (a chord's callback included: it waits for late children).
  const graphVariables = live.failure && !live.retrying ? null : { rootId };
  const graphLive = useLive(WorkflowGraphDocument, graphVariables, graphReady);
  const graph = graphLive.result?.data?.taskGraph ?? null;
  drawn.current = useMemo(() => new Set(graph?.nodes.map((node) => node.id)), [graph]);
  // Asked for once the graph is there: the server resolves it first, and the times (a history read per task) after.
  const workflowTimes =
    useLive(WorkflowTimes, graph ? graphVariables : null, graphReady).result?.data?.taskGraph ?? null;
  // The shown task's times as its card has them: its events may come after the workflow's stream completed.
  const times = useMemo(() => withTimesOf(task, workflowTimes), [task, workflowTimes]);
  // For bench/web-page.ts: when the graph's data arrived (the draw follows).
  if (graph && performance.getEntriesByName('lens:graph-data').length === 0) performance.mark('lens:graph-data');

  useEffect(() => {
    document.title = task ? `${STATUS[task.status].label} · ${task.name ?? id} · celery-lens` : `${id} · celery-lens`;
  }, [task, id]);

  return (
    <main className="task-page">
      <div className="task-column">
        {live.failure ? <ErrorMessage errors={live.failure} retrying={live.retrying} /> : null}
        {task ? (
          <TaskCard task={task} errors={live.result?.errors ?? []} />
        ) : live.failure ? null : (
          <p className="muted" role="status">
            Loading task {id}…
          </p>
        )}
      </div>
      <div className="workflow-column">
        {graphLive.failure && task ? <ErrorMessage errors={graphLive.failure} retrying={graphLive.retrying} /> : null}
        {graph && !live.failure ? (
          <>
            <Suspense
              fallback={
                <p className="muted" role="status">
                  Drawing the workflow…
                </p>
              }
            >
              <LazyWorkflowGraph key={rootId} graph={graph} selectedId={task?.id ?? null} />
            </Suspense>
            {/* After its times: 200 rows drawn beside a big graph's first draw would delay it. */}
            {times ? <Timeline graph={graph} times={times} /> : null}
          </>
        ) : null}
        <WorkersList />
      </div>
    </main>
  );
}
