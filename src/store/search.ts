/**
 * Task search (issue 14): one tokenisation rule, used to write the search index of both stores,
 * to build their queries, and to match a live subscription's events in memory, so the three
 * agree (tests/store/search-differential.ts checks them on a generated corpus).
 *
 * The rule: a task's words are the runs of letters and digits (Unicode L, N and Co, what FTS5's
 * unicode61 tokenizer keeps) of its title, description, branch, issue number and PR number,
 * lower-cased, each cut to its first 64 characters. A query is the same words of the search
 * text (so `"`, `*`, `(`, `-`, `:` and `&` are separators, never syntax, and `NEAR`, `AND`, `OR` are
 * words), and a task matches when every query word is a prefix of one of its words.
 *
 * The index is written from the words this module computes, joined by spaces, never from the raw
 * text: SQLite's unicode61 and PostgreSQL's default parser (with the 'simple' configuration)
 * then both see plain words and keep each as one token, where on raw text they disagree
 * (PostgreSQL keeps `a-b`, `x.y/z` and e-mail addresses whole, FTS5 splits them).
 */
import type { TaskView } from '../machines/index.js';

/** Longest search text accepted, in characters (services/tasks.ts refuses longer ones). */
export const MAX_SEARCH_LENGTH = 200;
/** A word's characters beyond these are not indexed (PostgreSQL refuses lexemes over 2 KB). */
const MAX_WORD = 64;
const SEPARATOR = /[^\p{L}\p{N}\p{Co}]+/u;

/** The words of `text` under the rule above, in order. */
export function words(text: string | number | null | undefined): string[] {
  if (text === null || text === undefined) return [];
  const out: string[] = [];
  for (const word of String(text).toLowerCase().split(SEPARATOR)) {
    if (word.length === 0) continue;
    out.push(word.length > MAX_WORD ? Array.from(word).slice(0, MAX_WORD).join('') : word);
  }
  return out;
}

/** What a task is searched by, as the index stores it: each part's words, space-joined. */
export interface SearchDoc {
  title: string;
  description: string;
  /** Branch, issue number and PR number. */
  refs: string;
}

export function searchDoc(view: Pick<TaskView, 'title' | 'description' | 'branch' | 'issue' | 'pr'>): SearchDoc {
  return {
    title: words(view.title).join(' '),
    description: words(view.description).join(' '),
    refs: [...words(view.branch), ...words(view.issue?.number), ...words(view.pr?.number)].join(' '),
  };
}

/** The query words of a search text (duplicates dropped); none means no search filter. */
export function searchTerms(text: string | null | undefined): string[] {
  return [...new Set(words(text))];
}

/** Whether every term is a prefix of one of the task's words: the in-memory twin of the SQL. */
export function matchesSearch(view: Pick<TaskView, 'title' | 'description' | 'branch' | 'issue' | 'pr'>, terms: readonly string[]): boolean {
  if (terms.length === 0) return true;
  const doc = searchDoc(view);
  const all = `${doc.title} ${doc.description} ${doc.refs}`.split(' ').filter((w) => w.length > 0);
  return terms.every((term) => all.some((word) => word.startsWith(term)));
}

/** The FTS5 MATCH expression: each term a quoted prefix, AND-ed (terms hold no `"`). */
export function fts5Query(terms: readonly string[]): string {
  return terms.map((term) => `"${term}"*`).join(' AND ');
}

/*
 * SQLite's index also holds, beside a task's words, who may see it and its status, as words of
 * two more columns (`scope`, `status`) that no search term reaches: a search's terms are kept to
 * the text columns by a column filter. So FTS5 alone finds the matches a viewer may see, with a
 * status, newest first (its doclists are in rowid = seq order), and a search page reads a bounded
 * number of them instead of joining every match to its row (task-queries.ts).
 *
 * The words are an id's UTF-8 bytes in hex behind a letter saying what it is — exact, whatever
 * the id holds, and never a prefix of another kind's: `o…` an org whose public tasks these are
 * (private tasks have none), `c…` the creator, `s…` the status.
 */
const hex = (value: string) => Buffer.from(value, 'utf8').toString('hex');
export const orgWord = (org: string) => `o${hex(org)}`;
export const creatorWord = (creatorId: string) => `c${hex(creatorId)}`;
export const statusWord = (status: string) => `s${hex(status)}`;

/** A task's `scope` words: its creator's, and its org's if it is public. */
export function scopeWords(org: string, creatorId: string, isPrivate: boolean | number): string {
  return isPrivate === true || isPrivate === 1 ? creatorWord(creatorId) : `${orgWord(org)} ${creatorWord(creatorId)}`;
}

/** What an FTS5 search matches beside its terms: who may see it, whose it is, its statuses. */
export interface SearchScope {
  viewer: { id: string; org: string };
  /** Only these creators' tasks (the viewer for `mine`, a creator filter): all of them, so two different is none. */
  creators?: readonly string[];
  statuses?: readonly string[];
}

/**
 * The whole MATCH expression of a search: the terms in the text columns, and the viewer's
 * visibility rule (public tasks of the viewer's org, or the viewer's own: services/visibility.ts)
 * on the scope words, a creator and statuses if asked for.
 */
export function fts5Match(terms: readonly string[], scope: SearchScope): string {
  const parts = [`{title description refs} : (${fts5Query(terms)})`];
  parts.push(`scope : ("${orgWord(scope.viewer.org)}" OR "${creatorWord(scope.viewer.id)}")`);
  for (const creator of new Set(scope.creators ?? [])) parts.push(`scope : "${creatorWord(creator)}"`);
  if (scope.statuses !== undefined && scope.statuses.length > 0) {
    parts.push(`status : (${[...new Set(scope.statuses)].map((status) => `"${statusWord(status)}"`).join(' OR ')})`);
  }
  return parts.join(' AND ');
}

/** The `to_tsquery('simple', …)` text: each term a quoted prefix, AND-ed (terms hold no `'`). */
export function tsQuery(terms: readonly string[]): string {
  return terms.map((term) => `'${term}':*`).join(' & ');
}
