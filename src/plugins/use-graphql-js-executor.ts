/**
 * Runs operations with graphql-js' own execute and subscribe instead of
 * Yoga's default executor (@graphql-tools/executor, built for @defer and
 * @stream, which this schema does not use). Same results; less per
 * operation: measured in docs/benchmarks.md (P1, P3).
 */
import { execute, subscribe } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export function useGraphQLJsExecutor(): Plugin {
  return {
    onExecute({ setExecuteFn }) {
      setExecuteFn(execute);
    },
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(subscribe);
    },
  };
}
