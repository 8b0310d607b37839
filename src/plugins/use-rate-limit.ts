/**
 * A per-caller budget: each root field may be asked `max` times per window by
 * each credential (with auth on) or client address (with auth off). Past it:
 * RATE_LIMITED. Counted in memory, per process: a Redis-backed count would
 * add two round trips to every request; N processes allow N times the budget.
 */
import { InMemoryStore, useRateLimiter } from '@envelop/rate-limiter';
import { GraphQLError, type GraphQLSchema, isObjectType } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.ts';
import { principalOf } from '../auth/principal-of.ts';

interface Addressable {
  readonly req?: { readonly socket?: { readonly remoteAddress?: string } };
}

export function useRateLimit(config: Config, schema: GraphQLSchema): Plugin {
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(isObjectType);
  const window = `${config.rateLimitWindowSeconds}s`;
  return useRateLimiter({
    identifyFn: (context) => {
      const principal = config.auth ? principalOf(config, context as object) : null;
      return principal?.id ?? `ip:${(context as Addressable).req?.socket?.remoteAddress ?? 'unknown'}`;
    },
    configByField: roots.flatMap((type) =>
      Object.keys(type.getFields()).map((field) => ({ type: type.name, field, max: config.rateLimit, window, identityArgs: [] })),
    ),
    store: new InMemoryStore(),
    transformError: (message) =>
      new GraphQLError(message, { extensions: { code: 'RATE_LIMITED', limit: config.rateLimit, windowSeconds: config.rateLimitWindowSeconds } }),
    formatError: ({ max, window: span }) => `rate limit of ${max} operations per ${span} exceeded; try again later`,
  }) as unknown as Plugin;
}
