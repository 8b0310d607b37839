/**
 * Bounds what one response or one subscription event may carry, on every
 * transport (Yoga's JSON, our SSE writer, graphql-ws): the result is
 * measured by walking it before anything serializes it, and one over
 * --max-response-bytes (a value selected many times, e.g. a goal's
 * `attempts { result }`) or nested too deep for JSON.stringify becomes a
 * RESPONSE_TOO_LARGE error for that response or event; a subscription goes on.
 *
 * Stored values are bounded where they are decoded (--max-value-bytes,
 * src/celery/meta.ts); this is the net under everything else. Should a
 * serializer still throw, the result's `stringify` (used by Yoga's result
 * processors and http/event-stream.ts) answers the same error instead of a 500.
 */
import type { ExecutionResult } from 'graphql';
import { type Plugin, createGraphQLError, handleStreamOrSingleExecutionResult } from 'graphql-yoga';
import { exceedsJsonLimits } from '../celery/json-size.ts';
import { MAX_VALUE_DEPTH } from '../celery/meta.ts';

/** Values at their deepest, inside the selections around them; JSON.stringify still has room at twice that. */
const MAX_RESPONSE_DEPTH = MAX_VALUE_DEPTH * 2;

type Stringify = (result: ExecutionResult) => string;

export function tooLargeResult(message: string, extensions: Record<string, unknown> = {}): ExecutionResult {
  return {
    data: null,
    errors: [createGraphQLError(message, { extensions: { code: 'RESPONSE_TOO_LARGE', ...extensions } })],
  };
}

/** JSON.stringify, or the RESPONSE_TOO_LARGE answer when it throws (stack overflow, string length). */
export const safeStringify: Stringify = (result) => {
  try {
    return JSON.stringify(result);
  } catch {
    return JSON.stringify(tooLargeResult('the response cannot be serialized: it is too large or too deeply nested'));
  }
};

/** JSON of `answer`, made once however many subscribers it goes to (the live core shares results, src/live/live-core.ts). */
function stringifyOnce(answer: ExecutionResult): Stringify {
  let json: string | undefined;
  // Yoga hands a copy when it strips internals from errors: that one is serialized as it is.
  return (result) => (result === answer ? (json ??= safeStringify(result)) : safeStringify(result));
}

/**
 * What a result is answered with under `maxBytes`: itself, or RESPONSE_TOO_LARGE.
 * Measured once per result, however many subscribers it goes to (also used by
 * the live core's members, src/live/members.ts, which answer outside Envelop).
 */
export function answerWithin(maxBytes: number): (result: ExecutionResult) => ExecutionResult {
  const answers = new WeakMap<ExecutionResult, ExecutionResult>();
  return (result) => {
    let answer = answers.get(result);
    if (!answer) {
      const excess = exceedsJsonLimits(result.data, { maxBytes, maxDepth: MAX_RESPONSE_DEPTH });
      const chosen: ExecutionResult & { stringify?: Stringify } = excess
        ? tooLargeResult(
            excess.measure === 'bytes'
              ? `the response is larger than ${maxBytes} bytes (--max-response-bytes); select fewer values at once`
              : `the response is nested deeper than ${excess.limit} levels`,
            { measure: excess.measure, limit: excess.limit },
          )
        : result;
      chosen.stringify = stringifyOnce(chosen);
      answers.set(result, chosen);
      answer = chosen;
    }
    return answer;
  };
}

export function useResponseLimit(maxBytes: number): Plugin {
  const answer = answerWithin(maxBytes);
  const bound = ({ result, setResult }: { result: ExecutionResult; setResult: (result: ExecutionResult) => void }) => {
    const chosen = answer(result);
    if (chosen !== result) setResult(chosen);
  };
  return {
    onExecute: () => ({ onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, bound) }),
    onSubscribe: () => ({
      onSubscribeResult: (payload) =>
        handleStreamOrSingleExecutionResult(
          payload as Parameters<typeof handleStreamOrSingleExecutionResult>[0],
          bound,
        ),
    }),
  };
}
