/**
 * A live view over one subscription: the latest result, and the error that
 * ended it. Subscribes again after a transient failure (the backend down, the
 * stream cut), when the backend comes back, and when the API key changes;
 * errors that another try cannot fix (bad id, no credential) end it.
 */
import { useEffect, useState } from 'react';
import { backendEpoch } from './backend-health.ts';
import { type GqlError, type GqlResult, apiKey, subscribe } from './client.ts';
import type { TypedDocumentString } from './graphql/generated/graphql.ts';
import { useStore } from './store.ts';

const FINAL_CODES = new Set([
  'INVALID_TASK_ID',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'GRAPH_TOO_LARGE',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'INDEX_DISABLED',
  'INVALID_ARGUMENT',
  'INVALID_CURSOR',
]);
const RETRY_MS = 2000;

export interface Live<R> {
  readonly result: GqlResult<R> | null;
  /** The errors that ended the stream (it is retried unless they are final). */
  readonly failure: readonly GqlError[] | null;
  readonly completed: boolean;
}

export function isFinal(errors: readonly GqlError[]): boolean {
  return errors.some((error) => FINAL_CODES.has(error.extensions?.code ?? ''));
}

/**
 * `isDone` tells a stream that completed because its subject is finished
 * (a ready graph) from one cut short (the server restarting): only the
 * latter is subscribed again.
 */
export function useLive<R, V>(
  document: TypedDocumentString<R, V>,
  variables: V | null,
  isDone: (data: R) => boolean = () => false,
): Live<R> {
  const epoch = useStore(backendEpoch);
  const key = useStore(apiKey);
  const [live, setLive] = useState<Live<R>>({ result: null, failure: null, completed: false });
  const [attempt, setAttempt] = useState(0);
  const variablesKey = JSON.stringify(variables);

  // A new subject starts empty; a retry keeps what was shown.
  useEffect(() => setLive({ result: null, failure: null, completed: false }), [variablesKey, key]);

  useEffect(() => {
    if (variables === null) return undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let last: R | null = null;
    const again = () => {
      retry = setTimeout(() => setAttempt((n) => n + 1), RETRY_MS);
    };
    const unsubscribe = subscribe(document, variables, {
      next(result) {
        // A result without data is the stream failing (e.g. BACKEND_UNAVAILABLE).
        if (result.data === null) {
          setLive((old) => ({ ...old, failure: result.errors, completed: false }));
          if (!isFinal(result.errors)) again();
          return;
        }
        last = result.data;
        setLive({ result, failure: null, completed: false });
      },
      error(errors) {
        setLive((old) => ({ ...old, failure: errors }));
        if (!isFinal(errors)) again();
      },
      complete() {
        if (last === null || !isDone(last)) return again();
        setLive((old) => ({ ...old, completed: true }));
      },
    });
    return () => {
      clearTimeout(retry);
      unsubscribe();
    };
    // variablesKey stands for variables; document and isDone never change for a call site.
  }, [document, variablesKey, epoch, key, attempt]);

  return live;
}
