import { QueuesPanel } from '../components/queues-panel.tsx';
import { SearchBox } from '../components/search-box.tsx';
import { StatsChartsPanel } from '../components/stats-charts.tsx';
import { WorkersList } from '../components/workers-list.tsx';

/** `/`: find a task, see the trends, the queues and the workers, live. */
export function HomeRoute() {
  return (
    <main className="home">
      <section className="intro">
        <h1>Find a task</h1>
        <p>Paste a Celery task id (or a link ending in one) to watch it and its workflow live.</p>
        <SearchBox />
      </section>
      <div className="home-panels">
        <StatsChartsPanel />
        <QueuesPanel />
        <WorkersList />
      </div>
    </main>
  );
}
