/**
 * One structured log line per GraphQL operation (a subscription logs when it
 * ends): its name and type, duration and the error codes it returned, and a
 * count of errors by code for /metrics. A document that fails to parse or
 * validate never runs, and gets its line and its count here too. Never
 * variables, results or args: Celery task payloads often hold personal data.
 */
import { type ExecutionResult, type GraphQLError, getOperationAST } from 'graphql';
import { type Plugin, handleStreamOrSingleExecutionResult, isAsyncIterable } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { MemberObserver } from '../live/members.ts';
import { memberOf } from '../live/live-core.ts';

type Args = { document: Parameters<typeof getOperationAST>[0]; operationName?: string | null | undefined };
type Described = { operation: string | null; type: string };

/** Client-chosen names are logged, but not at any length. */
const clip = (name: string | null): string | null =>
  name !== null && name.length > 200 ? `${name.slice(0, 200)}…` : name;

function describe(args: Args): Described {
  const operation = getOperationAST(args.document, args.operationName);
  return {
    operation: clip(operation?.name?.value ?? args.operationName ?? null),
    type: operation?.operation ?? 'unknown',
  };
}

function codes(result: ExecutionResult): string[] {
  return (result.errors ?? []).map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
}

/** The operation name a request or WebSocket message gave, before its document is known. */
function askedName(context: unknown): string | null {
  const name = (context as { params?: { operationName?: unknown } } | null)?.params?.operationName;
  return typeof name === 'string' ? clip(name) : null;
}

export function useOperationLog(logger: Logger, countError: (code: string) => void): Plugin {
  const finish = (what: Described, started: number, errors: string[], events?: number) => {
    // A subscription's errors were counted as they came.
    if (events === undefined) for (const code of errors) countError(code);
    const line = {
      ...what,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      errors,
      ...(events === undefined ? {} : { events }),
    };
    if (errors.length > 0) logger.warn(line, 'operation');
    else logger.info(line, 'operation');
  };
  /**
   * Members of the live core (src/live/members.ts) count their own events and
   * codes: one observer per operation, not a closure per subscription.
   */
  const observers = new WeakMap<Args['document'], Map<string, MemberObserver>>();
  const observerOf = (args: Args): MemberObserver => {
    let byName = observers.get(args.document);
    if (!byName) observers.set(args.document, (byName = new Map()));
    let observer = byName.get(args.operationName ?? '');
    if (!observer) {
      const what = describe(args);
      observer = {
        onNext(next, member) {
          for (const code of codes(next)) {
            countError(code);
            // A set: a subscription lasting days must not keep one entry per event.
            (member.codes ??= new Set()).add(code);
          }
        },
        onEnd: (member) => finish(what, member.startedAt, [...(member.codes ?? [])], member.events),
      };
      byName.set(args.operationName ?? '', observer);
    }
    return observer;
  };
  const failed = (errors: readonly Error[], fallback: string) =>
    errors.map((error) => String((error as Partial<GraphQLError>).extensions?.code ?? fallback));
  return {
    onParse({ context }) {
      const started = performance.now();
      return ({ result }) => {
        if (!(result instanceof Error)) return;
        const errors = failed([result], 'GRAPHQL_PARSE_FAILED');
        finish({ operation: askedName(context), type: 'unknown' }, started, errors);
      };
    },
    onValidate({ context, params }) {
      const started = performance.now();
      return ({ valid, result }) => {
        if (valid) return;
        const what = describe({ document: params.documentAST, operationName: askedName(context) });
        finish(what, started, failed(result, 'GRAPHQL_VALIDATION_FAILED'));
      };
    },
    onExecute({ args }) {
      const started = performance.now();
      const what = describe(args);
      return {
        onExecuteDone: (payload) =>
          handleStreamOrSingleExecutionResult(payload, ({ result }) => finish(what, started, codes(result))),
      };
    },
    onSubscribe({ args }) {
      const started = performance.now();
      const what = describe(args);
      return {
        onSubscribeResult({ result }) {
          const member = memberOf(result);
          if (member) {
            // A member the transport sends itself (src/live/live-core.ts): its events pass outside Envelop.
            member.observe(observerOf(args));
            return undefined;
          }
          if (!isAsyncIterable(result)) {
            finish(what, started, codes(result as ExecutionResult));
            return undefined;
          }
          let events = 0;
          const seen = new Set<string>();
          return {
            onNext({ result: next }) {
              events += 1;
              // A set: a subscription lasting days must not keep one entry per event.
              for (const code of codes(next)) {
                countError(code);
                seen.add(code);
              }
            },
            onEnd() {
              finish(what, started, [...seen], events);
            },
          };
        },
      };
    },
  };
}
