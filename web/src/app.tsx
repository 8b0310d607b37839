import { type MouseEvent, useEffect } from 'react';
import { watchBackendHealth } from './backend-health.ts';
import { authNeeded } from './lens.ts';
import { ApiKeyPrompt } from './components/api-key-prompt.tsx';
import { BackendBanner } from './components/backend-banner.tsx';
import { SearchBox } from './components/search-box.tsx';
import { AlertsRoute } from './routes/alerts.tsx';
import { FailuresRoute } from './routes/failures.tsx';
import { HomeRoute } from './routes/home.tsx';
import { TaskRoute } from './routes/task.tsx';
import { TasksRoute } from './routes/tasks.tsx';
import { WorkerRoute } from './routes/worker.tsx';
import { type Route, navigate, useRoute } from './router.ts';
import { useStore } from './store.ts';

/** Follows a same-page link without reloading (a modified click still opens a tab). */
const follow = (to: string) => (event: MouseEvent<HTMLAnchorElement>) => {
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  navigate(to);
};

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'task':
      return <TaskRoute id={route.id} />;
    case 'tasks':
      return <TasksRoute params={route.params} />;
    case 'failures':
      return <FailuresRoute params={route.params} />;
    case 'alerts':
      return <AlertsRoute params={route.params} />;
    case 'worker':
      return <WorkerRoute key={route.hostname} hostname={route.hostname} />;
    default:
      return <HomeRoute />;
  }
}

export function App() {
  const route = useRoute();
  const needsKey = useStore(authNeeded);
  useEffect(() => watchBackendHealth(), []);
  const current = (page: Route['page']) => (route.page === page ? 'page' : undefined);
  return (
    <>
      <header className="top">
        <a className="brand" href="/" onClick={follow('/')}>
          celery-lens
        </a>
        <nav className="nav" aria-label="Views">
          <a href="/tasks" aria-current={current('tasks')} data-testid="nav-tasks" onClick={follow('/tasks')}>
            Tasks
          </a>
          <a
            href="/failures"
            aria-current={current('failures')}
            data-testid="nav-failures"
            onClick={follow('/failures')}
          >
            Failures
          </a>
          <a href="/alerts" aria-current={current('alerts')} data-testid="nav-alerts" onClick={follow('/alerts')}>
            Alerts
          </a>
        </nav>
        {route.page === 'task' ? <SearchBox key={route.id} /> : null}
        <a className="graphiql-link" href="/graphql">
          GraphiQL
        </a>
      </header>
      <BackendBanner />
      <ApiKeyPrompt />
      {/* Until a key is accepted nothing below it can load: no empty panels, no "none heard from yet". */}
      {needsKey ? null : <Page route={route} />}
    </>
  );
}
