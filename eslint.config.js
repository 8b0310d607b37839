// Lint for what the type checker does not catch: promises nobody awaits (a
// rejected one ends the process), promises where a callback is expected, and
// `any`. Formatting is Biome's (biome.json; `npm run format` applies it, `npm run lint` checks it).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'test/gql/',
      'web/dist/',
      'web/src/graphql/generated/',
      'client/dist/',
      'client/src/generated/',
      'coverage/',
      '.tmp/',
      'test-artifacts/',
      'dist/',
      'tools/codegen/',
    ],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // `void promise` still crashes the process when it rejects: handle it or await it.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }],
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
