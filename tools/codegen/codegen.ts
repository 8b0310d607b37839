import type { CodegenConfig } from '@graphql-codegen/cli';
import { preset as client } from '@graphql-codegen/client-preset';

const scalarsAndEnums = {
  scalars: { DateTime: 'string', JSON: 'unknown' },
  enumsAsTypes: true,
  useTypeImports: true,
} as const;

/**
 * Typed operations for GraphQL clients, from the checked-in schema.graphql.
 * `npm run codegen` (scripts/codegen.mjs) runs it from the project's root, so
 * paths are the root's; the preset is imported here, from this directory's own
 * install (see package.json beside it), not looked up from the root.
 * The tests' client uses the output in test/gql/, the web page the output in
 * web/src/graphql/generated/, the client library (celery-lens/client) the
 * output in client/src/generated/, so a schema change that breaks any client's
 * operations breaks `npm run typecheck`.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  generates: {
    'test/gql/': {
      documents: ['test/**/*.ts', '!test/gql/**'],
      preset: client,
      config: scalarsAndEnums,
      presetConfig: { fragmentMasking: false },
    },
    'web/src/graphql/generated/': {
      documents: ['web/src/**/*.ts', 'web/src/**/*.tsx', '!web/src/graphql/generated/**'],
      preset: client,
      // Documents as plain strings: the page sends them as they are and needs no GraphQL parser/printer in its bundle.
      config: { ...scalarsAndEnums, documentMode: 'string' },
      presetConfig: { fragmentMasking: false },
    },
    // celery-lens/client: strings too, so the library needs no GraphQL parser in browsers.
    'client/src/generated/': {
      documents: ['client/src/**/*.ts', '!client/src/generated/**'],
      preset: client,
      config: { ...scalarsAndEnums, documentMode: 'string' },
      presetConfig: { fragmentMasking: false },
    },
  },
  ignoreNoDocuments: false,
  // NodeNext ESM: generated files import each other with explicit extensions.
  emitLegacyCommonJSImports: false,
};

export default config;
