/**
 * Reads key TTLs only for operations that ask for them. A PTTL per key costs
 * more than the MGET it rides with (1,000 keys: 4 ms against 0.8 ms, see
 * docs/benchmarks.md), and most status queries want the state, not the expiry.
 * An operation whose document names `ttlSeconds` or `expiresAt` anywhere
 * (fragments included) reads every TTL; the rest read none.
 */
import { BREAK, type DocumentNode, Kind, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { TtlRead } from '../read/result-backend.ts';

/** Task fields computed from the key's TTL. */
const TTL_FIELDS = new Set(['ttlSeconds', 'expiresAt']);

// Yoga's parse cache hands back the same document for the same query text.
const decided = new WeakMap<DocumentNode, TtlRead>();

export function ttlReadOf(document: DocumentNode): TtlRead {
  let read = decided.get(document);
  if (read === undefined) {
    read = 'none';
    visit(document, {
      [Kind.FIELD](node) {
        if (!TTL_FIELDS.has(node.name.value)) return undefined;
        read = 'all';
        return BREAK;
      },
    });
    decided.set(document, read);
  }
  return read;
}

export function useTtlOnDemand(): Plugin<{ ttlRead?: TtlRead }> {
  return {
    onExecute({ args, extendContext }) {
      extendContext({ ttlRead: ttlReadOf(args.document) });
    },
    onSubscribe({ args, extendContext }) {
      extendContext({ ttlRead: ttlReadOf(args.document) });
    },
  };
}
