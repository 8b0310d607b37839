import { useEffect } from 'react';
import { watchBackendHealth } from './backend-health.ts';
import { ApiKeyPrompt } from './components/api-key-prompt.tsx';
import { BackendBanner } from './components/backend-banner.tsx';
import { SearchBox } from './components/search-box.tsx';
import { HomeRoute } from './routes/home.tsx';
import { TaskRoute } from './routes/task.tsx';
import { navigate, useRoute } from './router.ts';

export function App() {
  const route = useRoute();
  useEffect(() => watchBackendHealth(), []);
  return (
    <>
      <header className="top">
        <a
          className="brand"
          href="/"
          onClick={(event) => {
            event.preventDefault();
            navigate('/');
          }}
        >
          celery-lens
        </a>
        {route.page === 'task' ? <SearchBox key={route.id} /> : null}
        <a className="graphiql-link" href="/graphql">GraphiQL</a>
      </header>
      <BackendBanner />
      <ApiKeyPrompt />
      {route.page === 'task' ? <TaskRoute id={route.id} /> : <HomeRoute />}
    </>
  );
}
