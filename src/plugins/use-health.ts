import { type Plugin, useReadinessCheck } from 'graphql-yoga';
import type { ResultBackend } from '../backend/result-backend.ts';

/**
 * `/healthz`: the process is alive (always 200) and says whether the result
 * backend answers. `/readyz`: 200 only while the backend answers, else 503,
 * so a load balancer can stop routing to a process whose Redis is away.
 */
export function useHealth(backend: ResultBackend): Plugin[] {
  const report = async (status: (up: boolean) => number) => {
    const health = await backend.health();
    return Response.json(
      { status: health.up ? 'ok' : 'degraded', backend: health.up ? 'up' : 'down', ...health },
      { status: status(health.up) },
    );
  };
  return [
    useReadinessCheck({ endpoint: '/healthz', check: () => report(() => 200) }),
    useReadinessCheck({ endpoint: '/readyz', check: () => report((up) => (up ? 200 : 503)) }),
  ];
}
