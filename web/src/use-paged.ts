/**
 * A Relay connection shown page after page (the Tasks and Failures views).
 * While only the first page is shown it is live: a subscription's events
 * change it in place (a row's new state, a new task at the top) or ask it
 * again (a new failure regroups the Failures view), with no polling.
 * Loading the next page (by its cursor) freezes what is shown, since a
 * changing first page would no longer meet the pages after it; `backToLive`
 * drops them and resumes.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { type Operation, isTransient } from 'celery-lens/client';
import { backendEpoch } from './backend-health.ts';
import { type GqlError, lens, query, subscribe } from './lens.ts';
import { useStore } from './store.ts';

export interface Connection<N> {
  readonly edges: readonly { readonly node: N }[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
  readonly totalCount: number;
}

type NodeOf<C extends Connection<unknown>> = C['edges'][number]['node'];

export interface Paged<C extends Connection<unknown>> {
  /** Every node of the pages shown, in order. */
  readonly nodes: readonly NodeOf<C>[];
  /** The first page's connection (totals), null before it came. */
  readonly first: C | null;
  readonly errors: readonly GqlError[];
  readonly hasNextPage: boolean;
  /** Whether the first page follows the events (no later page shown). */
  readonly live: boolean;
  readonly loadingMore: boolean;
  readonly loadMore: () => void;
  readonly backToLive: () => void;
}

/** What keeps the first page live: a subscription, and what each of its events does to the page. */
export interface LiveEvents<C, E, EV> {
  readonly document: Operation<E, EV>;
  readonly variables: EV;
  /** The first page after the event; null: ask the server for it again. */
  readonly apply: (page: C, event: E) => C | null;
}

type PageVariables = { after?: string | null };

const RETRY_MS = 2000;
/** Events that ask for the page again within this are answered by one query. */
const REFETCH_GAP_MS = 250;

/** `variables` null: nothing asked. */
export function usePaged<R, V extends PageVariables, C extends Connection<unknown>, E, EV>(
  document: Operation<R, V>,
  variables: V | null,
  pick: (data: R) => C,
  events: LiveEvents<C, E, EV>,
): Paged<C> {
  const epoch = useStore(backendEpoch);
  const client = useStore(lens);
  const [first, setFirst] = useState<C | null>(null);
  const [more, setMore] = useState<readonly C[]>([]);
  const [errors, setErrors] = useState<readonly GqlError[]>([]);
  const [loadingMore, setLoadingMore] = useState(false);
  const [round, setRound] = useState(0);
  const variablesKey = JSON.stringify(variables);
  const eventsKey = JSON.stringify(events.variables);
  const pickRef = useRef(pick);
  pickRef.current = pick;
  const applyRef = useRef(events.apply);
  applyRef.current = events.apply;
  const live = more.length === 0;

  // New variables: a new list from its first page.
  useEffect(() => {
    setFirst(null);
    setMore([]);
    setErrors([]);
  }, [variablesKey]);

  useEffect(() => {
    if (variables === null || !live) return undefined;
    let stopped = false;
    // The page as last shown; null while it is read (again): events meanwhile wait in `early` for what comes.
    let page: C | null = null;
    const early: E[] = [];
    /** Which read is the latest: an older one's answer is dropped. */
    let reads = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let unsubscribe = () => {};
    const stop = () => {
      stopped = true;
      clearTimeout(timer);
      unsubscribe();
    };
    const applyEvent = (event: E) => {
      if (page === null) return void early.push(event);
      const next = applyRef.current(page, event);
      if (next === null) readIn(REFETCH_GAP_MS);
      else if (next !== page) setFirst((page = next));
    };
    const read = async () => {
      const mine = (reads += 1);
      page = null;
      try {
        const result = await query(document, { ...variables, after: null });
        if (stopped || mine !== reads) return;
        setErrors(result.errors);
        if (result.data) {
          setFirst((page = pickRef.current(result.data)));
          for (const event of early.splice(0)) applyEvent(event);
        } else if (!isTransient(result.errors[0]?.extensions?.code)) {
          // Asking again cannot help (the index is off, a bad window, no credential): the error stays shown.
          stop();
        }
      } catch {
        // Unreachable server: the backend banner says so; keep what is shown, try again.
        if (!stopped && mine === reads) readIn(RETRY_MS);
      }
    };
    const readIn = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => read().catch(() => {}), ms);
    };
    // Subscribed before the page is asked: a change made meanwhile is not missed.
    unsubscribe = subscribe(events.document, events.variables, {
      next: (data) => !stopped && applyEvent(data),
      // The client tries again by itself (the backend down, the server restarting); a final error stays shown.
      failed: (error, retrying) => {
        if (stopped) return;
        if (error.errors.length > 0) setErrors(error.errors);
        if (!retrying) stop();
      },
      // taskEvents has no cursor: what changed while it was away is read again with the page.
      resubscribed: () => {
        read().catch(() => {});
      },
    });
    read().catch(() => {});
    return stop;
    // variablesKey and eventsKey stand for the variables; documents never change for a call site.
  }, [document, variablesKey, eventsKey, epoch, client, round, live]);

  const last = more.at(-1) ?? first;
  const loadMore = useCallback(() => {
    const after = last?.pageInfo.endCursor;
    if (variables === null || !after || loadingMore) return;
    setLoadingMore(true);
    query(document, { ...variables, after })
      .then((result) => {
        setErrors(result.errors);
        if (result.data) {
          const page = pickRef.current(result.data);
          setMore((pages) => [...pages, page]);
        }
      })
      .catch(() => {})
      .finally(() => setLoadingMore(false));
    // variablesKey stands for variables.
  }, [document, variablesKey, last, loadingMore]);

  const backToLive = useCallback(() => {
    setMore([]);
    setRound((n) => n + 1);
  }, []);

  const nodes: NodeOf<C>[] = [first, ...more].flatMap(
    (page) => page?.edges.map((edge) => edge.node as NodeOf<C>) ?? [],
  );
  return {
    nodes,
    first,
    errors,
    hasNextPage: last?.pageInfo.hasNextPage ?? false,
    live,
    loadingMore,
    loadMore,
    backToLive,
  };
}
