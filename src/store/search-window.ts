/**
 * How a search page is cut from its matches so that it costs the same however many tasks match
 * (issue 14: a search's first page at 1M tasks within ×1.5 of 10k's).
 *
 * Ranking every match (bm25, ts_rank) and sorting them costs what the terms match: a word in one
 * task of twelve is 83,000 tasks at 1M. So the matches are taken newest first in *windows* of
 * `SEARCH_WINDOW` (the full-text indexes list them in `seq` order: FTS5's doclists by rowid, and
 * PostgreSQL sorts the bitmap's rows by seq, top-N), and ranked within each window: a page is
 * the best matches of the newest window, then of the next older one, and so on. A search that
 * matches fewer tasks than a window — nearly every search a person types — is ranked as a whole;
 * one that matches more shows the best of the recent ones first, which for a word in thousands of
 * tasks is what a dashboard wants (bm25 barely tells them apart).
 *
 * A page's position is (window, score, seq): the window's exclusive upper `seq` (null for the
 * newest), and the last task's score and seq within it. Scores are lower-is-better.
 */

/**
 * Matches per window: four pages of 50 to choose the first from. What a window costs is what the
 * index reads to find it; on SQLite that is the newest partitions until they hold as many
 * matches (search-partitions.ts): for a word in one task of twelve, about as many tasks as a
 * 10,000-task history has, whatever the history. (It was 1,000: at a million tasks, five times
 * the tasks read for a first page at 10,000.)
 */
export const SEARCH_WINDOW = 200;

/** Where a search page ended: which window, and where in its ranking. */
export interface SearchPosition {
  /** The window's exclusive upper bound of `seq` (null: the newest window). */
  below: number | null;
  score: number;
  seq: number;
}

export interface Candidate {
  seq: number;
  score: number;
}

/** A window's row as the drivers return it (PostgreSQL's seq is a bigint string). */
export interface CandidateRow {
  seq: number | string;
  score: number;
}

export const toCandidates = (rows: readonly CandidateRow[]): Candidate[] => rows.map((row) => ({ seq: Number(row.seq), score: Number(row.score) }));

/** Best first: lower score, then newest. */
const byRank = (a: Candidate, b: Candidate) => a.score - b.score || b.seq - a.seq;

/**
 * The seqs of the page of `first` after `after`, with where each came from; `window(below)`
 * reads the newest `SEARCH_WINDOW` matches with `seq < below` (all, when null), newest first,
 * already limited to what the viewer may see and the filter asks for.
 */
export async function searchPage(
  first: number,
  after: SearchPosition | undefined,
  window: (below: number | null) => Promise<Candidate[]> | Candidate[],
): Promise<{ page: (Candidate & { below: number | null })[]; hasNextPage: boolean }> {
  const page: (Candidate & { below: number | null })[] = [];
  let below = after?.below ?? null;
  for (;;) {
    const candidates = await window(below);
    let ranked = candidates.slice().sort(byRank);
    if (after !== undefined && below === after.below) {
      const last = { seq: after.seq, score: after.score };
      ranked = ranked.filter((c) => byRank(c, last) > 0);
    }
    for (const c of ranked) {
      if (page.length === first) return { page, hasNextPage: true };
      page.push({ ...c, below });
    }
    // A short window is the last one: nothing older matches.
    if (candidates.length < SEARCH_WINDOW) return { page, hasNextPage: false };
    below = Math.min(...candidates.map((c) => c.seq));
  }
}
