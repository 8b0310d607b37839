/**
 * A live view over one subscription: the latest result, and the failure
 * that stopped it. The client retries a stream that failed (the backend
 * down, a server restarting) by itself, and says so; the view subscribes
 * afresh when the backend comes back or the API key changes.
 */
import { useEffect, useState } from 'react';
import type { Operation } from 'celery-lens/client';
import { backendEpoch } from './backend-health.ts';
import { type GqlError, type GqlResult, errorsOf, lens, subscribe } from './lens.ts';
import { useStore } from './store.ts';

export interface Live<R> {
  readonly result: GqlResult<R> | null;
  /** Why the stream stopped: being retried when `retrying`, ended otherwise (a bad id, no credential). */
  readonly failure: readonly GqlError[] | null;
  readonly retrying: boolean;
}

const EMPTY: Live<never> = { result: null, failure: null, retrying: false };

/** `finished`: what the server completes the stream on (a ready graph); any other completion is retried. */
export function useLive<R, V>(
  document: Operation<R, V>,
  variables: V | null,
  finished?: (data: R) => boolean,
): Live<R> {
  const epoch = useStore(backendEpoch);
  const client = useStore(lens);
  const [live, setLive] = useState<Live<R>>(EMPTY);
  const variablesKey = JSON.stringify(variables);

  // A new subject starts empty; a retry keeps what was shown.
  useEffect(() => setLive(EMPTY), [variablesKey, client]);

  useEffect(() => {
    if (variables === null) return undefined;
    return subscribe(
      document,
      variables,
      {
        next: (data, errors) => setLive({ result: { data, errors }, failure: null, retrying: false }),
        failed: (error, retrying) => {
          // A lost connection or a server going away (no error of the server's) is the backend banner's to tell.
          if (retrying && error.errors.length === 0) return;
          setLive((old) => ({ ...old, failure: errorsOf(error), retrying }));
        },
      },
      finished,
    );
    // variablesKey stands for variables; document and finished never change for a call site.
  }, [document, variablesKey, epoch, client]);

  return live;
}
