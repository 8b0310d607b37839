import { backendHealth } from '../backend-health.ts';
import { socketState } from '../lens.ts';
import { useStore } from '../store.ts';

/** Says so when the server or its Redis is down; the page reconnects and catches up by itself. */
export function BackendBanner() {
  const health = useStore(backendHealth);
  const socket = useStore(socketState);
  if (health.up !== false && socket !== 'closed') return null;
  return (
    <div className="banner" role="alert" data-testid="backend-banner">
      <strong>Backend unavailable</strong>: {health.detail ?? 'the live connection closed'}. Reconnecting; the page
      catches up when it is back.
    </div>
  );
}
