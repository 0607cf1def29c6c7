import { badInput } from '../errors.js';
import type { SearchPosition } from '../store/search-window.js';
import type { TaskPage } from '../store/types.js';

/** Log cursors are opaque strings to clients; today they are the decimal log position. */
export function formatCursor(cursor: number): string {
  return String(cursor);
}

export function parseCursor(value: string | null | undefined, argument = 'after'): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (!/^(0|[1-9][0-9]{0,15})$/.test(value)) {
    throw badInput(`"${argument}" is not a cursor this server issued`, { argument });
  }
  return Number(value);
}

/**
 * A search page's cursor (issue 14): where the page ended in rank order — the last task's score
 * and seq, and the window it was ranked in (store/search-window.ts) — as one opaque string (`s` +
 * base64url of `score:seq`, then `:below` unless it is the newest window).
 */
export function formatSearchCursor(position: SearchPosition): string {
  const text = position.below === null ? `${position.score}:${position.seq}` : `${position.score}:${position.seq}:${position.below}`;
  return `s${Buffer.from(text).toString('base64url')}`;
}

export function parseSearchCursor(value: string | null | undefined, argument = 'after'): SearchPosition | undefined {
  if (value === null || value === undefined) return undefined;
  const text = /^s[A-Za-z0-9_-]{1,64}$/.test(value) ? Buffer.from(value.slice(1), 'base64url').toString() : '';
  const match = /^(-?[0-9.e+-]+):(0|[1-9][0-9]{0,15})(?::([1-9][0-9]{0,15}))?$/.exec(text);
  const score = match ? Number(match[1]) : NaN;
  if (!match || !Number.isFinite(score)) {
    throw badInput(`"${argument}" is not a cursor this server issued for this search`, { argument });
  }
  return { score, seq: Number(match[2]), below: match[3] === undefined ? null : Number(match[3]) };
}

/** The cursor of a page's `i`-th task, as the client sees it: a search page's carries its rank too. */
export function formatEdgeCursor(page: TaskPage, i: number): string {
  const rank = page.ranks?.[i];
  return rank === undefined ? formatCursor(page.keys[i]) : formatSearchCursor({ score: rank, seq: page.keys[i], below: page.windows?.[i] ?? null });
}

/** A task page's `endCursor` as the client sees it: a search page's carries its rank too. */
export function formatPageCursor(page: TaskPage): string | null {
  if (page.endCursor === null) return null;
  return page.endRank !== undefined && page.endRank !== null
    ? formatSearchCursor({ score: page.endRank, seq: page.endCursor, below: page.endWindow ?? null })
    : formatCursor(page.endCursor);
}
