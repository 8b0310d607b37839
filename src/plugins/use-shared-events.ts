/**
 * One execution per event and distinct selection, shared by every
 * subscriber that asked for the same: the watcher hands the same decoded
 * update to each subscription of a task, and those with the same document,
 * variables and scopes get the same result object, so it is serialized once
 * (use-response-limit.ts memoizes its JSON) instead of once per subscriber.
 * 20 subscribers of a large result hold one copy of its JSON, not 20.
 * Over graphql-ws, `task(id)` goes further: see src/live/task-cohorts.ts.
 */
import { type DocumentNode, type ExecutionArgs, type ExecutionResult, createSourceEventStream, execute } from 'graphql';
import { type Plugin, isAsyncIterable } from 'graphql-yoga';
import { type AuthConfig, principalOf } from '../auth/principal-of.ts';
import { scopesKey } from '../auth/principal.ts';
import type { TaskCohorts } from '../live/task-cohorts.ts';
import { mapStream } from '../live/channel.ts';

type Outcome = ExecutionResult | Promise<ExecutionResult>;

/** A small number per document: Yoga's parse cache hands back the same document for the same text. */
const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 0;

/**
 * Results by event, then by selection, for the subscribers the event reaches
 * together (in one turn of the event loop); forgotten right after, so no
 * result outlives its delivery (the watcher keeps each task's last update).
 */
const shared = new WeakMap<object, Map<string, Outcome>>();

/** The document's number, the same for the same text (task-cohorts.ts keys its groups by it too). */
export function documentId(document: DocumentNode): number {
  let id = documentIds.get(document);
  if (id === undefined) {
    id = nextDocumentId += 1;
    documentIds.set(document, id);
  }
  return id;
}

function selectionKey(args: ExecutionArgs, config: AuthConfig): string {
  const id = documentId(args.document);
  const principal = principalOf(config, args.contextValue as object);
  // A read token sees only what its grant covers: its results are its own.
  const scopes =
    (principal ? scopesKey(principal.scopes) : '') +
    (principal?.grant ? ` ${principal.id} ${principal.grant.expiresAt}` : '');
  return `${id}\n${args.operationName ?? ''}\n${scopes}\n${JSON.stringify(args.variableValues ?? {})}`;
}

export function useSharedEvents(config: AuthConfig, cohorts: TaskCohorts): Plugin {
  // `task(id)` over graphql-ws joins a cohort (src/live/task-cohorts.ts); the rest streams as below.
  const subscribe = async (args: ExecutionArgs) => {
    const joined = await cohorts.join(args);
    if (joined) return joined;
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return stream as ExecutionResult;
    const key = selectionKey(args, config);
    return mapStream(stream, (event) => {
      const run = () => execute({ ...args, rootValue: event });
      if (typeof event !== 'object' || event === null) return run();
      let results = shared.get(event);
      if (!results) {
        results = new Map();
        shared.set(event, results);
        const forget = event;
        setImmediate(() => shared.delete(forget));
      }
      let result = results.get(key);
      if (!result) {
        result = run();
        results.set(key, result);
      }
      return result;
    });
  };
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(subscribe);
    },
  };
}
