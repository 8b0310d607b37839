/**
 * A query re-run every few seconds while the view is shown: the page's live
 * lists that have no subscription (queue lengths, workers). A failed poll
 * keeps the last answer on screen (the backend banner says why); the next
 * one is tried on schedule, at once when the backend comes back or the API
 * key changes.
 */
import { useCallback, useEffect, useState } from 'react';
import type { Operation } from 'celery-lens/client';
import { backendEpoch } from './backend-health.ts';
import { type GqlResult, lens, query } from './lens.ts';
import { useStore } from './store.ts';

export interface Polled<R> {
  /** The latest answer, null before the first. */
  readonly result: GqlResult<R> | null;
  /** Asks again now (after a change the user made). */
  readonly refresh: () => void;
}

/** `variables` null: nothing is asked (a form not submitted yet). `everyMs` 0: asked once, and on refresh. */
export function usePolled<R, V>(document: Operation<R, V>, variables: V | null, everyMs: number): Polled<R> {
  const epoch = useStore(backendEpoch);
  const client = useStore(lens);
  const [result, setResult] = useState<GqlResult<R> | null>(null);
  const [round, setRound] = useState(0);
  const variablesKey = JSON.stringify(variables);
  const refresh = useCallback(() => setRound((n) => n + 1), []);

  // Other variables are another answer: do not show the old one meanwhile.
  useEffect(() => setResult(null), [variablesKey]);

  useEffect(() => {
    if (variables === null) return undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const next = await query(document, variables);
        if (!stopped) setResult(next);
      } catch {
        // Unreachable server: the backend banner says so; keep the last answer.
      }
      if (!stopped && everyMs > 0) timer = setTimeout(() => load().catch(() => {}), everyMs);
    };
    load().catch(() => {});
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // variablesKey stands for variables; a document never changes for a call site.
  }, [document, variablesKey, everyMs, epoch, client, round]);

  return { result, refresh };
}
