/**
 * Every subscription runs on the live core (src/live/live-core.ts): its
 * subscribe step joins the core, which shares each event's execution among
 * the subscribers with the same document, scopes and variables, so 20
 * subscribers of a large result hold one copy of its JSON, not 20
 * (use-response-limit.ts memoizes it).
 */
import type { Plugin } from 'graphql-yoga';
import type { LiveCore } from '../live/live-core.ts';

export function useLiveCore(core: LiveCore): Plugin {
  const subscribe = (args: Parameters<LiveCore['join']>[0]) => core.join(args);
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(subscribe);
    },
  };
}
