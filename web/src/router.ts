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

/**
 * What the user typed or pasted into the search box, as a task id: the id
 * itself, or the last path segment of a URL (a link to this page, Flower's
 * /task/<id>, a log line's URL), without its query or fragment.
 */
export function taskIdFromInput(input: string): string | null {
  const text = input.trim();
  if (text === '') return null;
  if (!text.includes('/')) return text;
  const withoutQuery = text.split(/[?#]/, 1)[0] ?? '';
  const last = withoutQuery.split('/').filter((part) => part !== '').pop();
  if (!last) return null;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
