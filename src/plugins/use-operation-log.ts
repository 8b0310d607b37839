/**
 * One structured log line per GraphQL operation (a subscription logs when it
 * ends): its name and type, duration and the error codes it returned, and a
 * count of errors by code for /metrics. Never variables, results or args:
 * Celery task payloads often hold personal data.
 */
import { type ExecutionResult, getOperationAST } from 'graphql';
import { type Plugin, handleStreamOrSingleExecutionResult } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';

type Args = { document: Parameters<typeof getOperationAST>[0]; operationName?: string | null | undefined };

function describe(args: Args) {
  const operation = getOperationAST(args.document, args.operationName);
  return { operation: operation?.name?.value ?? args.operationName ?? null, type: operation?.operation ?? 'unknown' };
}

function codes(result: ExecutionResult): string[] {
  return (result.errors ?? []).map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
}

export function useOperationLog(logger: Logger, errorsByCode: Counter<'code'>): Plugin {
  const finish = (what: ReturnType<typeof describe>, started: number, errors: string[], events?: number) => {
    for (const code of errors) errorsByCode.inc({ code });
    const line = { ...what, durationMs: Math.round((performance.now() - started) * 10) / 10, errors, ...(events === undefined ? {} : { events }) };
    if (errors.length > 0) logger.warn(line, 'operation');
    else logger.info(line, 'operation');
  };
  return {
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
          if (!(Symbol.asyncIterator in Object(result))) {
            finish(what, started, codes(result as ExecutionResult));
            return undefined;
          }
          let events = 0;
          const seen: string[] = [];
          return {
            onNext({ result: next }) {
              events += 1;
              seen.push(...codes(next));
            },
            onEnd() {
              finish(what, started, seen, events);
            },
          };
        },
      };
    },
  };
}
