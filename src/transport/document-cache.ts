/**
 * Yoga's parse cache, bounded by what its documents hold as well as by their
 * number. Yoga's own keeps 1,024 documents whatever their size, and a parsed
 * document keeps every token with its location (~350 bytes each): 1,024
 * documents of 2,000 tokens (--max-tokens) would hold 700 MB. Every other
 * per-document cache (Yoga's validation results, operation checks, compiled
 * operations, cohorts' shapes, operation logs) is a WeakMap keyed by the
 * cached document, so it goes when the document leaves this cache.
 */
import type { DocumentNode, Token } from 'graphql';
import { LRUCache } from 'lru-cache';

/** Documents (and parse errors) kept, at most. */
const MAX_DOCUMENTS = 1024;
/** What they may hold in all, as estimated below. */
const MAX_BYTES = 16 * 1024 * 1024;
/** Measured: ~340 bytes per token (its Token, Location and share of the AST), and the text (two bytes a character at worst). */
const BYTES_PER_TOKEN = 350;
/** How long a document unused stays (Yoga's own). */
const TTL_MS = 3_600_000;

function tokensOf(document: DocumentNode, text: string): number {
  let count = 0;
  for (let token: Token | null | undefined = document.loc?.startToken; token; token = token.next) count += 1;
  // Parsed without locations: about one token per three characters of a dense document.
  return document.loc ? count : Math.ceil(text.length / 3);
}

const documentBytes = (document: DocumentNode, text: string): number =>
  2 * text.length + BYTES_PER_TOKEN * tokensOf(document, text);

/** Yoga's `parserAndValidationCache`: its documents and parse errors, each bounded by count and bytes. */
export function documentCaches() {
  return {
    documentCache: new LRUCache<string, DocumentNode>({
      max: MAX_DOCUMENTS,
      maxSize: MAX_BYTES,
      sizeCalculation: documentBytes,
      ttl: TTL_MS,
    }),
    // An error keeps the source text it points into.
    errorCache: new LRUCache<string, object>({
      max: MAX_DOCUMENTS,
      maxSize: MAX_BYTES,
      sizeCalculation: (_error, text) => 2 * text.length + 1024,
      ttl: TTL_MS,
    }),
  };
}
