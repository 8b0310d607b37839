/**
 * The page's two addresses, on the History API: `/` and `/tasks/<id>`. Links
 * push an entry, so the back button returns to the previous task.
 */
import { createStore, useStore } from './store.ts';

const path = createStore(window.location.pathname);
window.addEventListener('popstate', () => path.set(window.location.pathname));

export type Route = { readonly page: 'home' } | { readonly page: 'task'; readonly id: string };

export function parseRoute(pathname: string): Route {
  const match = /^\/tasks\/([^/]+)\/?$/.exec(pathname);
  if (!match?.[1]) return { page: 'home' };
  try {
    return { page: 'task', id: decodeURIComponent(match[1]) };
  } catch {
    return { page: 'task', id: match[1] };
  }
}

export function useRoute(): Route {
  return parseRoute(useStore(path));
}

export const taskPath = (id: string) => `/tasks/${encodeURIComponent(id)}`;

export function navigate(to: string): void {
  if (to === window.location.pathname) return;
  window.history.pushState(null, '', to);
  path.set(window.location.pathname);
  window.scrollTo(0, 0);
}
