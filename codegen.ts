import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed operations for GraphQL clients, from the checked-in schema.graphql.
 * The tests' client uses the output in test/gql/, so a schema change that
 * breaks a client's operation breaks `npm run typecheck`.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/**/*.ts', '!test/gql/**'],
  generates: {
    'test/gql/': {
      preset: 'client',
      config: {
        scalars: { DateTime: 'string', JSON: 'unknown' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
      presetConfig: { fragmentMasking: false },
    },
  },
  ignoreNoDocuments: false,
  // NodeNext ESM: generated files import each other with explicit extensions.
  emitLegacyCommonJSImports: false,
};

export default config;
