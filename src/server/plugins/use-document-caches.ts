/**
 * Yoga's parse and validation caches, bounded by what they hold rather than by count alone.
 *
 * Yoga keeps the last 1,024 parsed documents and 1,024 parse errors, keyed by their source and
 * whatever their size, for an hour, and each document's validation result beside it. Found by
 * tests/fuzz/memory.test.ts, all reachable without a token:
 * - a parsed document keeps graphql-js's whole token list through its locations, up to ~50 times
 *   the source: 1,100 distinct 20 KB documents (refused by the alias limit, but parsed and cached
 *   first) held 420 MB of heap, twice that many 1.1 GB;
 * - an error keeps its stack unformatted, with the frames' objects: ~64 KB for each cached parse
 *   error, and for each validation error of a cached document (400 distinct `{ nopeN }` held 31 MB).
 * Here a source over 8 KB is not cached, cached sources stay under 128 KB together and under 256
 * documents, parse errors are not cached at all (a client repeating a broken document only costs
 * a parse), and validation errors are kept with their stack formatted (~5 KB): a few MB at worst.
 * Real clients send a handful of documents of a KB or two, which stay cached as before.
 */
import type { DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';

/** Sum of the cached sources' lengths. */
export const MAX_CACHED_SOURCE = 128 * 1024;
/** A longer source is parsed every time it comes. */
export const MAX_CACHED_DOCUMENT = 8 * 1024;
/** Documents cached (their validation results are kept with them). */
export const MAX_CACHED_DOCUMENTS = 256;

/** Yoga's `parserAndValidationCache` option. */
export function documentCaches() {
  const documentCache = new LRUCache<string, DocumentNode>({
    max: MAX_CACHED_DOCUMENTS,
    ttl: 3_600_000,
    maxSize: MAX_CACHED_SOURCE,
    maxEntrySize: MAX_CACHED_DOCUMENT,
    sizeCalculation: (_document, source) => Math.max(1, source.length),
  });
  const errorCache = { get: () => undefined, set: () => undefined };
  return { documentCache, errorCache, validationCache: true };
}

/** Validation errors, which the cache keeps with their document, with their stack as text. */
export function useCompactValidationErrors(): Plugin {
  return {
    onValidate: () => ({ result }) => {
      // Reading `stack` formats it and lets V8 drop the captured frames (~60 KB an error).
      for (const error of result) error.stack = String(error.stack);
    },
  };
}
