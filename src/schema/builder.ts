import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError, GraphQLScalarType } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { principalOf } from '../auth/principal-of.ts';
import type { Scope } from '../auth/principal.ts';
import type { LensContext } from './context.ts';

export const builder = new SchemaBuilder<{
  Context: LensContext;
  // Fields are non-null unless they say `nullable: true`: clients get honest types.
  DefaultFieldNullability: false;
  /** status: states, timestamps, graphs. payload: results, args, kwargs, tracebacks, metas. control: revoke and send. tokens: createReadToken. */
  AuthScopes: { status: boolean; payload: boolean; control: boolean; tokens: boolean };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  // ScopeAuth first: a forbidden field is refused before anything loads.
  plugins: [ScopeAuthPlugin, DataloaderPlugin, ComplexityPlugin],
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (context) => {
      const scopes = principalOf(context.config, context)?.scopes;
      const has = (scope: Scope) => scopes?.has(scope) ?? false;
      return { status: has('status'), payload: has('payload'), control: has('control'), tokens: has('tokens') };
    },
    unauthorizedError: (_parent, context, info) =>
      new GraphQLError(
        principalOf(context.config, context)?.grant
          ? `not allowed to read ${info.parentType.name}.${info.fieldName}: the read token does not cover it (or lacks payload)`
          : `not allowed to read ${info.parentType.name}.${info.fieldName}: the credential lacks the scope it needs`,
        { extensions: { code: 'FORBIDDEN' } },
      ),
  },
  defaultFieldNullability: false,
  // The weights of what one operation may ask for: each field costs 1, a list
  // multiplies its selection (by 10, or by the ids given). The limits are
  // checked before anything runs, by src/plugins/use-operation-checks.ts.
  complexity: {
    defaultComplexity: 1,
    defaultListMultiplier: 10,
  },
});

// graphql-scalars checks a DateTime and answers the Date itself, which JSON.stringify then writes through
// Date#toJSON, a call back into JS per value: 0.7 µs each, three quarters of writing a tasks(ids) answer
// (docs/benchmarks.md, P2). The same text, made once here, keeps the serializer on its fast path.
builder.addScalarType(
  'DateTime',
  new GraphQLScalarType({
    ...DateTimeResolver.toConfig(),
    serialize: (value) => {
      const checked: unknown = DateTimeResolver.serialize(value);
      return checked instanceof Date ? checked.toISOString() : checked;
    },
  }),
);
builder.addScalarType('JSON', JSONResolver);

// Everything needs the status scope; payload fields ask for more where they are defined.
builder.queryType({
  description: 'Read Celery task state straight from the Redis result backend.',
  authScopes: { status: true },
});

builder.mutationType({
  description:
    "Business goals (the application's own state, in celery-lens' keys only) and, with --control true and the control scope, acting on tasks through the broker.",
  authScopes: { status: true },
});

builder.subscriptionType({
  description:
    "Live task state from Celery's publish-on-set: each emits the current state at once, then every change. " +
    'Over graphql-ws (WebSocket) or SSE on /graphql.',
  authScopes: { status: true },
});
