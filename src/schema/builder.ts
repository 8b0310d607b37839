import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { LensContext } from './context.ts';

export const builder = new SchemaBuilder<{
  Context: LensContext;
  // Fields are non-null unless they say `nullable: true`: clients get honest types.
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  plugins: [DataloaderPlugin],
  defaultFieldNullability: false,
});

builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('JSON', JSONResolver);

builder.queryType({
  description: 'Read Celery task state straight from the Redis result backend.',
});

builder.subscriptionType({
  description:
    "Live task state from Celery's publish-on-set: each emits the current state at once, then every change. " +
    'Over graphql-ws (WebSocket) or SSE on /graphql.',
});
