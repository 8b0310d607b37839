/**
 * The page's addresses, on the History API: `/`, `/tasks/<id>`, `/tasks`
 * (the Tasks view, its filters in the query string), `/failures` and `/alerts`. Links
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
  | { readonly page: 'alerts'; readonly params: URLSearchParams };

export function parseRoute(address: string): Route {
  const url = new URL(address, 'http://page');
  const pathname = url.pathname.replace(/\/+$/, '');
  if (pathname === '/tasks') return { page: 'tasks', params: url.searchParams };
  if (pathname === '/failures') return { page: 'failures', params: url.searchParams };
  if (pathname === '/alerts') return { page: 'alerts', params: url.searchParams };
  const match = /^\/tasks\/([^/]+)$/.exec(pathname);
  if (!match?.[1]) return { page: 'home' };
  try {
    return { page: 'task', id: decodeURIComponent(match[1]) };
  } catch {
    return { page: 'task', id: match[1] };
  }
}

export function useRoute(): Route {
  return parseRoute(useStore(location));
}

export const taskPath = (id: string) => `/tasks/${encodeURIComponent(id)}`;

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
