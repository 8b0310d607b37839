/**
 * A Relay connection shown page after page (the Tasks and Failures views).
 * While only the first page is shown it is asked again every few seconds:
 * the list is live. Loading the next page (by its cursor) freezes what is
 * shown, since a refreshed first page would no longer meet the pages after
 * it; `backToLive` drops them and resumes.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { backendEpoch } from './backend-health.ts';
import { type GqlError, apiKey, query } from './client.ts';
import type { TypedDocumentString } from './graphql/generated/graphql.ts';
import { useStore } from './store.ts';
import { isFinal } from './use-live.ts';

export interface Connection<N> {
  readonly edges: readonly { readonly cursor: string; readonly node: N }[];
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
  /** Whether the first page is being refreshed (no later page shown). */
  readonly live: boolean;
  readonly loadingMore: boolean;
  readonly loadMore: () => void;
  readonly backToLive: () => void;
}

type PageVariables = { after?: string | null };

/** `variables` null: nothing asked. */
export function usePaged<R, V extends PageVariables, C extends Connection<unknown>>(
  document: TypedDocumentString<R, V>,
  variables: V | null,
  pick: (data: R) => C,
  everyMs: number,
): Paged<C> {
  const epoch = useStore(backendEpoch);
  const key = useStore(apiKey);
  const [first, setFirst] = useState<C | null>(null);
  const [more, setMore] = useState<readonly C[]>([]);
  const [errors, setErrors] = useState<readonly GqlError[]>([]);
  const [loadingMore, setLoadingMore] = useState(false);
  const [round, setRound] = useState(0);
  const variablesKey = JSON.stringify(variables);
  const pickRef = useRef(pick);
  pickRef.current = pick;
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
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const result = await query(document, { ...variables, after: null });
        if (stopped) return;
        setErrors(result.errors);
        if (result.data) setFirst(pickRef.current(result.data));
        // Asking again cannot help (the index is off, a bad window, no credential): the error stays shown.
        else if (isFinal(result.errors)) return;
      } catch {
        // Unreachable server: the backend banner says so; keep what is shown.
      }
      if (!stopped) timer = setTimeout(() => load().catch(() => {}), everyMs);
    };
    load().catch(() => {});
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // variablesKey stands for variables; a document never changes for a call site.
  }, [document, variablesKey, everyMs, epoch, key, round, live]);

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

  const nodes: NodeOf<C>[] = [first, ...more].flatMap((page) => page?.edges.map((edge) => edge.node as NodeOf<C>) ?? []);
  return { nodes, first, errors, hasNextPage: last?.pageInfo.hasNextPage ?? false, live, loadingMore, loadMore, backToLive };
}
