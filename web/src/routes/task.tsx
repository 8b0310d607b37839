import { useEffect, useMemo, useRef, useState } from 'react';
import { ErrorMessage } from '../components/error-message.tsx';
import { TaskCard } from '../components/task-card.tsx';
import { Timeline } from '../components/timeline.tsx';
import { WorkersList } from '../components/workers-list.tsx';
import { WorkflowGraph } from '../components/workflow-graph.tsx';
import { graphDone, withChordCallbacks } from '../graph/model.ts';
import { TaskLive, WorkflowGraph as WorkflowGraphDocument } from '../graphql/documents.ts';
import { STATUS } from '../status.ts';
import { isFinal, useLive } from '../use-live.ts';

/** `/tasks/<id>`: the live card, and the graph and timeline of its workflow (from its root). */
export function TaskRoute({ id }: { id: string }) {
  const live = useLive(TaskLive, { id });
  // A result for the previous id may still be showing for one render after a navigation.
  const task = live.result?.data?.task?.id === id ? live.result.data.task : null;
  // Kept while moving between tasks of one workflow, so the graph stays where it is.
  // Until the task says where its root is, the graph starts from the task itself (a deep link is
  // often to a root): the two subscriptions run side by side instead of one after the other.
  const [rootId, setRootId] = useState<string>(id);
  const taskRoot = task?.root?.id ?? null;
  useEffect(() => {
    if (taskRoot !== null) setRootId(taskRoot);
  }, [taskRoot]);
  const lookedAgain = useRef(0);
  useEffect(() => {
    lookedAgain.current = 0;
  }, [rootId]);
  const graphLive = useLive(WorkflowGraphDocument, live.failure && isFinal(live.failure) ? null : { rootId }, (data) => {
    const done = graphDone(data.taskGraph, lookedAgain.current);
    if (!done) lookedAgain.current += 1;
    return done;
  });
  const served = graphLive.result?.data?.taskGraph ?? null;
  const graph = useMemo(() => (served ? withChordCallbacks(served) : null), [served]);
  // For bench/web-page.ts: when the graph's data arrived (the draw follows).
  if (served && performance.getEntriesByName('lens:graph-data').length === 0) performance.mark('lens:graph-data');

  useEffect(() => {
    document.title = task ? `${STATUS[task.status].label} · ${task.name ?? id} · celery-lens` : `${id} · celery-lens`;
  }, [task, id]);

  return (
    <main className="task-page">
      <div className="task-column">
        {live.failure ? <ErrorMessage errors={live.failure} retrying={!isFinal(live.failure)} /> : null}
        {task ? (
          <TaskCard task={task} errors={live.result?.errors ?? []} />
        ) : live.failure ? null : (
          <p className="muted" role="status">Loading task {id}…</p>
        )}
      </div>
      <div className="workflow-column">
        {graphLive.failure && task ? <ErrorMessage errors={graphLive.failure} retrying={!isFinal(graphLive.failure)} /> : null}
        {graph && !live.failure ? (
          <>
            <WorkflowGraph key={rootId} graph={graph} selectedId={task?.id ?? null} />
            <Timeline graph={graph} />
          </>
        ) : null}
        <WorkersList />
      </div>
    </main>
  );
}
