/**
 * The task list, search and count queries (issue 14: every one stays flat however long the
 * history), for both dialects, written once over a `Dialect` (sql.ts). Each list query is a
 * union of index ranges read newest first, so a page reads about as many rows as it returns;
 * tests/store/query-plans.test.ts and tests/production/query-plans.test.ts check every shape's
 * plan (tests/store/query-plans.ts lists them).
 */
import { TASK_STATUSES } from '../machines/index.js';
import { fts5Query, tsQuery } from './search.js';
import { visible, type Dialect, type Statement } from './sql.js';
import type { TaskQuery, TaskSort, Viewer } from './types.js';

/** One range of `tasks` in the list's order, as the conditions of its WHERE clause. */
type Arm = (param: (value: unknown) => string) => string;

/**
 * The column a list is ordered by, newest first. `created`: `seq`, the cursor of the task's first
 * event. `updated`: `updated_seq`, the cursor of its latest event, which every commit of the task
 * rewrites (sql.ts `upsertTask`; schema.ts, migration 7). Both are unique per task (a cursor is
 * one event of one entity), so either alone is a keyset cursor.
 */
export function sortColumn(sort: TaskSort | undefined): 'seq' | 'updated_seq' {
  return sort === 'updated' ? 'updated_seq' : 'seq';
}

/**
 * The ranges whose union is what a task query may see (visibility, `mine`, `creatorId`), each
 * served by an index in the list's order (schema.ts, migrations 5 and 7), and whether two of them
 * overlap: a viewer's own public tasks of their org are in both "public of the org" and "mine".
 *
 * Written as one condition (creator is me, or org is mine and not private) the planner had no
 * index in `seq` order for it and walked the whole table by `seq` (issue 14: ×14 for ×50 tasks).
 */
function visibleArms(d: Dialect, viewer: Viewer, scope: { mine?: boolean; creatorId?: string }): { arms: Arm[]; overlap: boolean } {
  const own: Arm = (param) => `creator_id = ${param(viewer.id)}`;
  const publicOf = (creatorId?: string): Arm => (param) =>
    `${creatorId === undefined ? '' : `creator_id = ${param(creatorId)} AND `}org = ${param(viewer.org)} AND ${d.isNotSet('private')}`;
  const { mine, creatorId } = scope;
  // Mine: every task I created is visible to me (in any org). With another creator too: none.
  if (mine) return { arms: [creatorId === undefined ? own : (param) => `${own(param)} AND creator_id = ${param(creatorId)}`], overlap: false };
  if (creatorId === viewer.id) return { arms: [own], overlap: false };
  // Someone else's: their public tasks of my org.
  if (creatorId !== undefined) return { arms: [publicOf(creatorId)], overlap: false };
  return { arms: [publicOf(), own], overlap: true };
}

/**
 * `listTasks`: a page of the tasks the viewer may see, newest first by creation or by latest
 * change (`query.sort`), one more than asked for (and, where two ranges overlap, up to twice
 * that: `toTaskPage` drops the second copy). Each row is the task's view and its `pos`, its
 * value of the sort column.
 *
 * A UNION ALL of index ranges, one per visible range and status, each read backwards from
 * `after` and merged in order (SQLite: MERGE (UNION ALL); PostgreSQL: Merge Append), so a page
 * reads about as many rows as it returns however long the history.
 *
 * In `updated` order every index has the status before `updated_seq` (one index per arm instead
 * of two: each is rewritten by every commit of a task, migration 7 says what that costs), so a
 * list of every status is the union of one range per status and arm.
 */
export function taskPageQuery(d: Dialect, query: TaskQuery): Statement {
  const values: unknown[] = [];
  const param = (value: unknown) => d.param(values.push(value));
  const key = sortColumn(query.sort);
  const { arms, overlap } = visibleArms(d, query.viewer, query);
  const chosen = query.statuses && query.statuses.length > 0 ? [...new Set(query.statuses)] : null;
  const statuses = chosen ?? (key === 'updated_seq' ? [...TASK_STATUSES] : [undefined]);
  const limit = query.first + 1;
  const selects: string[] = [];
  for (const status of statuses) {
    for (const arm of arms) {
      const where = [arm(param)];
      if (status !== undefined) where.push(`status = ${param(status)}`);
      if (query.after !== undefined) where.push(`${key} < ${param(query.after)}`);
      const select = `SELECT ${key} AS pos, view FROM tasks WHERE ${where.join(' AND ')}`;
      // PostgreSQL merges parenthesised arms each ordered and limited (a Merge Append of backward
      // index scans); SQLite takes no ORDER BY inside a compound and merges the arms itself.
      selects.push(d.name === 'postgres' && (arms.length > 1 || statuses.length > 1) ? `(${select} ORDER BY ${key} DESC LIMIT ${param(limit)})` : select);
    }
  }
  const total = overlap ? 2 * limit : limit;
  return { sql: `${selects.join(' UNION ALL ')} ORDER BY pos DESC LIMIT ${param(total)}`, params: values };
}

/**
 * The tasks matching `terms` through the full-text index (FTS5's table, the GIN index), as a
 * FROM clause whose rows have the task's columns and, `ranked`, its `score` (lower is better in
 * both dialects: FTS5's bm25, and PostgreSQL's ts_rank negated, as float8 so that the cursor's
 * copy compares equal). SQLite joins each match to its row by the unique `seq`.
 */
function matches(d: Dialect, param: (value: unknown) => string, terms: readonly string[], ranked: boolean): string {
  if (d.name === 'sqlite') {
    const score = ranked ? `, bm25(tasks_fts, 4.0, 1.0, 2.0) AS score` : '';
    return `(SELECT rowid AS id${score} FROM tasks_fts WHERE tasks_fts MATCH ${param(fts5Query(terms))}) AS f
      JOIN tasks AS t ON t.seq = f.id`;
  }
  const score = ranked ? `, -(ts_rank(search, q.query)::float8) AS score` : '';
  return `(SELECT seq, view, creator_id, org, private, status${score}
      FROM tasks, to_tsquery('simple', ${param(tsQuery(terms))}) AS q (query) WHERE search @@ q.query) AS t`;
}

/** The conditions every search adds to its matches: visibility, and the filter's scope and statuses. */
function searchWhere(d: Dialect, param: (value: unknown) => string, viewer: Viewer, scope: { mine?: boolean; creatorId?: string; statuses?: readonly string[] }): string[] {
  const where = [visible(d, param(viewer.id), param(viewer.org))];
  if (scope.mine) where.push(`creator_id = ${param(viewer.id)}`);
  if (scope.creatorId !== undefined) where.push(`creator_id = ${param(scope.creatorId)}`);
  const statuses = [...new Set(scope.statuses ?? [])];
  if (statuses.length > 0) where.push(`status IN (${statuses.map((s) => param(s)).join(', ')})`);
  return where;
}

/**
 * `listTasks` with a search (search.ts: `query.search` holds its terms, none is no search): the
 * matching tasks the viewer may see, best match first, ties newest first, one more than asked
 * for, after `query.searchAfter`.
 *
 * Each match found through the full-text index is kept if visible (the same rule as every list):
 * a page reads every match, not a range, so a search costs what its terms match, not what the
 * org holds.
 */
export function taskSearchQuery(d: Dialect, query: TaskQuery): Statement {
  const values: unknown[] = [];
  const param = (value: unknown) => d.param(values.push(value));
  const columns = d.name === 'sqlite' ? `t.seq AS seq, t.view AS view, f.score AS score` : `seq, view, score`;
  const from = matches(d, param, query.search ?? [], true);
  const where = searchWhere(d, param, query.viewer, query);
  const after = query.searchAfter;
  if (after !== undefined) {
    where.push(`(score > ${param(after.score)} OR (score = ${param(after.score)} AND seq < ${param(after.seq)}))`);
  }
  return { sql: `SELECT ${columns} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY score, seq DESC LIMIT ${param(query.first + 1)}`, params: values };
}

/**
 * `countTasks` with a search: how many tasks match per status, of those the viewer may see in
 * the scope, the same matches `taskSearchQuery` pages through (so a count is what one can page
 * to). A grouped count over the full-text matches: it costs what the terms match, not the history.
 */
export function taskSearchCountQuery(d: Dialect, viewer: Viewer, scope: { mine: boolean; creatorId?: string }, terms: readonly string[]): Statement {
  const values: unknown[] = [];
  const param = (value: unknown) => d.param(values.push(value));
  const from = matches(d, param, terms, false);
  const where = searchWhere(d, param, viewer, scope);
  return { sql: `SELECT status, count(*) AS n FROM ${from} WHERE ${where.join(' AND ')} GROUP BY status`, params: values };
}

/**
 * `countTasks`: how many tasks the viewer may see, per status, from the counters the commits
 * keep (schema.ts, migration 5), never from `tasks`: the org's public tasks, plus the viewer's
 * own that those do not include (private ones, and their tasks in other orgs); or, for `mine`
 * or a creator, that creator's counters as far as the viewer may see them.
 */
export function taskCountQuery(d: Dialect, viewer: Viewer, scope: { mine: boolean; creatorId?: string }): Statement {
  const values: unknown[] = [];
  const param = (value: unknown) => d.param(values.push(value));
  const sum = `SELECT status, sum(n) AS n FROM`;
  if (!scope.mine && scope.creatorId === undefined) {
    const org = `SELECT status, n FROM org_task_counts WHERE org = ${param(viewer.org)}`;
    const own = `SELECT status, n FROM task_counts WHERE creator_id = ${param(viewer.id)} AND NOT (org = ${param(viewer.org)} AND ${d.isNotSet('private')})`;
    return { sql: `${sum} (${org} UNION ALL ${own}) AS c GROUP BY status HAVING sum(n) > 0`, params: values };
  }
  const where = [visible(d, param(viewer.id), param(viewer.org))];
  if (scope.mine) where.push(`creator_id = ${param(viewer.id)}`);
  if (scope.creatorId !== undefined) where.push(`creator_id = ${param(scope.creatorId)}`);
  return { sql: `${sum} task_counts WHERE ${where.join(' AND ')} GROUP BY status HAVING sum(n) > 0`, params: values };
}
