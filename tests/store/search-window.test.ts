import { describe, expect, it } from 'vitest';
import { SEARCH_WINDOW, searchPage, type Candidate, type SearchPosition } from '../../src/store/search-window.js';
import { random } from '../utils/random.js';

/** `n` matches with seqs spread over a history, scores with many ties. */
function matches(n: number, seed: number): Candidate[] {
  const rnd = random(seed);
  let seq = 0;
  return Array.from({ length: n }, () => ({ seq: (seq += 1 + Math.floor(rnd() * 5)), score: -Math.floor(rnd() * 8) }));
}

function windowOver(all: Candidate[], reads: (number | null)[]) {
  const newestFirst = all.slice().sort((a, b) => b.seq - a.seq);
  return (below: number | null) => {
    reads.push(below);
    return newestFirst.filter((c) => below === null || c.seq < below).slice(0, SEARCH_WINDOW);
  };
}

async function pageThrough(all: Candidate[], first: number) {
  const reads: (number | null)[] = [];
  const window = windowOver(all, reads);
  const pages: (Candidate & { below: number | null })[][] = [];
  let after: SearchPosition | undefined;
  for (;;) {
    const { page, hasNextPage } = await searchPage(first, after, window);
    pages.push(page);
    if (!hasNextPage) return { pages, reads };
    expect(page).toHaveLength(first);
    const last = page.at(-1)!;
    after = { below: last.below, score: last.score, seq: last.seq };
  }
}

describe('search windows', () => {
  it.each([
    [10, 7],
    [SEARCH_WINDOW - 1, 50],
    [SEARCH_WINDOW, 50],
    [2 * SEARCH_WINDOW + 17, 50],
    [3 * SEARCH_WINDOW, 333],
  ])('%i matches in pages of %i: every match once, best first within each window, windows newest first', async (n, first) => {
    const all = matches(n, n);
    const { pages } = await pageThrough(all, first);
    const seen = pages.flat();
    expect(seen.map((c) => c.seq).sort((a, b) => a - b)).toEqual(all.map((c) => c.seq));
    // Window by window (newest first), each ranked: score up, then seq down.
    const newestFirst = all.slice().sort((a, b) => b.seq - a.seq);
    const expected: number[] = [];
    for (let i = 0; i < n; i += SEARCH_WINDOW) {
      const w = newestFirst.slice(i, i + SEARCH_WINDOW).sort((a, b) => a.score - b.score || b.seq - a.seq);
      expected.push(...w.map((c) => c.seq));
    }
    expect(seen.map((c) => c.seq)).toEqual(expected);
  });

  it('fewer matches than a window: one read, ranked as a whole', async () => {
    const all = matches(40, 3);
    const { pages, reads } = await pageThrough(all, 100);
    expect(reads).toEqual([null]);
    expect(pages[0].map((c) => c.score)).toEqual(all.map((c) => c.score).sort((a, b) => a - b));
  });

  it('a page reads at most the windows it spans, never every match', async () => {
    const all = matches(10 * SEARCH_WINDOW, 9);
    const reads: (number | null)[] = [];
    const { page, hasNextPage } = await searchPage(50, undefined, windowOver(all, reads));
    expect(page).toHaveLength(50);
    expect(hasNextPage).toBe(true);
    expect(reads).toEqual([null]);
  });

  it('no match: an empty last page', async () => {
    expect(await searchPage(20, undefined, () => [])).toEqual({ page: [], hasNextPage: false });
  });
});
