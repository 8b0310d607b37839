/**
 * A per-caller budget of operations: a token bucket of --rate-limit
 * operations, refilled at --rate-limit per --rate-limit-window seconds. The
 * caller is the principal with auth on (an API key's name, a JWT's subject:
 * each has its own bucket) and otherwise, or without a valid credential, the
 * client address (X-Forwarded-For only from --trust-proxy hops).
 *
 * Counted once per operation (an HTTP request, or one graphql-ws
 * subscribe), not per root field nor by cost: --max-complexity already bounds
 * what one operation may cost, and the count is then one Map lookup, before
 * anything executes. Past it: RATE_LIMITED, HTTP 429 with Retry-After and
 * the IETF RateLimit/RateLimit-Policy fields (draft-ietf-httpapi-ratelimit-headers).
 * In memory, per process: N processes allow N times the budget.
 */
import { type Plugin, createGraphQLError } from 'graphql-yoga';
import { type CallerConfig, callerNamer } from '../auth/caller-of.ts';
import type { Config } from '../config/config.ts';
import { TokenBuckets } from './token-buckets.ts';

type Options = CallerConfig & Pick<Config, 'rateLimit' | 'rateLimitWindowSeconds'>;

export function useRateLimit(config: Options): Plugin {
  const buckets = new TokenBuckets(config.rateLimit, config.rateLimitWindowSeconds);
  const policy = `"default";q=${config.rateLimit};w=${config.rateLimitWindowSeconds}`;
  const callerOf = callerNamer(config);

  const refusal = (retryAfterSeconds: number) =>
    createGraphQLError(
      `rate limit exceeded: ${config.rateLimit} operations per ${config.rateLimitWindowSeconds} s for this caller; retry in ${retryAfterSeconds} s`,
      {
        extensions: {
          code: 'RATE_LIMITED',
          limit: config.rateLimit,
          windowSeconds: config.rateLimitWindowSeconds,
          retryAfterSeconds,
          http: {
            status: 429,
            headers: {
              'Retry-After': String(retryAfterSeconds),
              'RateLimit-Policy': policy,
              RateLimit: `"default";r=0;t=${retryAfterSeconds}`,
            },
          },
        },
      },
    );

  const check = (context: unknown, stop: (result: { errors: ReturnType<typeof refusal>[] }) => void) => {
    const taken = buckets.take(callerOf(context as object));
    if (!taken.allowed) stop({ errors: [refusal(taken.retryAfterSeconds)] });
  };

  return {
    onExecute: ({ args, setResultAndStopExecution }) => check(args.contextValue, setResultAndStopExecution),
    onSubscribe: ({ args, setResultAndStopExecution }) => check(args.contextValue, setResultAndStopExecution),
  };
}
