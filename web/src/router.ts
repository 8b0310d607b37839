/**
 * The page's addresses, on the History API: `/`, `/tasks/<id>`, `/tasks`
 * (the Tasks view, its filters in the query string), `/failures`, `/alerts` and
 * `/workers/<hostname>` (a worker's page). Links
 * push an entry, so the back button returns to the previous page or filter.
 */
import { createStore, useStore } from './store.ts';

const here = () => window.location.pathname + window.location.search;
const location = createStore(here());
window.addEventListener('popstate', () => location.set(here()));

export type Route =
  | { readonly page: 'home' }
  | { readonly page: 'task'; readonly id: string }
  | { readonly page: 'tasks'; readonly params: URLSearchParams }
  | { readonly page: 'failures'; readonly params: URLSearchParams }
  | { readonly page: 'alerts'; readonly params: URLSearchParams }
  | { readonly page: 'worker'; readonly hostname: string };

const decoded = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

export function parseRoute(address: string): Route {
  const url = new URL(address, 'http://page');
  const pathname = url.pathname.replace(/\/+$/, '');
  if (pathname === '/tasks') return { page: 'tasks', params: url.searchParams };
  if (pathname === '/failures') return { page: 'failures', params: url.searchParams };
  if (pathname === '/alerts') return { page: 'alerts', params: url.searchParams };
  const worker = /^\/workers\/([^/]+)$/.exec(pathname);
  if (worker?.[1]) return { page: 'worker', hostname: decoded(worker[1]) };
  const match = /^\/tasks\/([^/]+)$/.exec(pathname);
  if (!match?.[1]) return { page: 'home' };
  return { page: 'task', id: decoded(match[1]) };
}

export function useRoute(): Route {
  return parseRoute(useStore(location));
}

export const taskPath = (id: string) => `/tasks/${encodeURIComponent(id)}`;
export const workerPath = (hostname: string) => `/workers/${encodeURIComponent(hostname)}`;

/** `path` with `params` as its query string (none when empty). */
export function withParams(path: string, params: URLSearchParams): string {
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

export function navigate(to: string): void {
  if (to === here()) return;
  window.history.pushState(null, '', to);
  location.set(here());
  window.scrollTo(0, 0);
}
