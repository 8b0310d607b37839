/**
 * Whether the server and its Redis answer, from `/readyz` (public, like the
 * page itself), polled while the page is open. When the backend comes back,
 * `backendEpoch` moves on and every live view subscribes again to catch up.
 */
import { socketState } from './lens.ts';
import { createStore } from './store.ts';

export interface BackendHealth {
  /** null until the first answer. */
  readonly up: boolean | null;
  readonly detail: string | null;
}

export const backendHealth = createStore<BackendHealth>({ up: null, detail: null });
export const backendEpoch = createStore(0);

const POLL_MS = 2000;
let timer: ReturnType<typeof setTimeout> | undefined;

async function check(): Promise<BackendHealth> {
  try {
    const response = await fetch('/readyz', { cache: 'no-store', headers: { accept: 'application/json' } });
    const body = (await response.json().catch(() => ({}))) as { error?: string; backend?: string; subscriber?: string };
    if (response.ok) return { up: true, detail: null };
    const parts = [
      body.backend === 'down' ? `Redis: ${body.error ?? 'down'}` : null,
      body.subscriber === 'down' ? 'subscriber down' : null,
    ];
    return { up: false, detail: parts.filter(Boolean).join('; ') || `readyz answered ${response.status}` };
  } catch {
    return { up: false, detail: 'celery-lens does not answer' };
  }
}

async function poll(): Promise<void> {
  const before = backendHealth.get().up;
  const now = await check();
  backendHealth.set(now);
  if (before === false && now.up) backendEpoch.set(backendEpoch.get() + 1);
  timer = setTimeout(() => poll().catch(() => {}), POLL_MS);
}

export function watchBackendHealth(): () => void {
  poll().catch(() => {});
  // A socket that reconnected means the server is back too: check now rather than at the next tick.
  const unsubscribe = socketState.subscribe(() => {
    if (socketState.get() !== 'connected') return;
    clearTimeout(timer);
    poll().catch(() => {});
  });
  return () => {
    clearTimeout(timer);
    unsubscribe();
  };
}
