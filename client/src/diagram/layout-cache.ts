import { layoutGraph } from './layout.js';
import type { Layout } from './layout.js';
import { toGraph } from './machine-graph.js';

export type LayoutResult = { ok: true; layout: Layout; key: number } | { ok: false; error: string };

// Keyed by the serialised definition, not object identity: every refetch of the machines query
// yields a new but equal object, and a layout pass is far costlier than a JSON.stringify.
const cache = new Map<string, Promise<LayoutResult>>();
const MAX_ENTRIES = 16;
let nextKey = 1;

/**
 * The layout for a definition, computed once and shared. The promise never rejects, so a
 * component can hand it straight to React's `use()`. Failures are cached too: a component that
 * suspends on first mount loses its state and asks again, and must get the same promise back.
 */
export function cachedLayout(definition: unknown): Promise<LayoutResult> {
  const serialised = JSON.stringify(definition) ?? '';
  const hit = cache.get(serialised);
  if (hit) return hit;
  const key = nextKey++;
  const result = Promise.resolve()
    .then(() => layoutGraph(toGraph(definition)))
    .then(
      (layout): LayoutResult => ({ ok: true, layout, key }),
      (error: unknown): LayoutResult => ({
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  cache.set(serialised, result);
  // Maps iterate in insertion order, so the first key is the oldest entry.
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value ?? '');
  return result;
}
