/**
 * The task list, search and count queries (issue 14: every one stays flat however long the
 * history), for both dialects, written once over a `Dialect` (sql.ts). Each list query is a
 * union of index ranges read newest first, so a page reads about as many rows as it returns;
 * tests/store/query-plans.test.ts and tests/production/query-plans.test.ts check every shape's
 * plan (tests/store/query-plans.ts lists them).
 */
import { TASK_STATUSES } from '../machines/index.js';
import { fts5Match, tsQuery } from './search.js';
import { partitionTable } from './search-partitions.js';
import { SEARCH_WINDOW } from './search-window.js';
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

/** The conditions every search adds to its matches: visibility, and the filter's scope and statuses. */
function searchWhere(d: Dialect, param: (value: unknown) => string, viewer: Viewer, scope: { mine?: boolean; creatorId?: string; statuses?: readonly string[] }): string[] {
  const where = [visible(d, param(viewer.id), param(viewer.org))];
  if (scope.mine) where.push(`creator_id = ${param(viewer.id)}`);
  if (scope.creatorId !== undefined) where.push(`creator_id = ${param(scope.creatorId)}`);
  const statuses = [...new Set(scope.statuses ?? [])];
  if (statuses.length > 0) where.push(`status IN (${statuses.map((s) => param(s)).join(', ')})`);
  return where;
}

/** The creators a search is kept to: the viewer for `mine`, and a creator filter. */
const creatorsOf = (viewer: Viewer, scope: { mine?: boolean; creatorId?: string }) =>
  [scope.mine ? viewer.id : undefined, scope.creatorId].filter((c): c is string => c !== undefined);

/**
 * One window of a search (search-window.ts): the newest `SEARCH_WINDOW` matches with a `seq`
 * below `below` (all, when null) that the viewer may see in the filter, as `seq` and `score`
 * (lower is better in both dialects: FTS5's bm25, PostgreSQL's ts_rank negated, as float8 so
 * that the cursor's copy compares equal).
 *
 * SQLite: FTS5 alone, visibility, creator and statuses being words of the index (search.ts
 * `fts5Match`), its doclists walked from the newest rowid (= seq) down, in one partition of the
 * index (`table`, search-partitions.ts: the store reads them newest first until the window has
 * `limit` matches). PostgreSQL: the GIN index's matches, kept by the same conditions as every
 * list, the newest taken (a top-N sort of the bitmap's rows).
 */
export function searchWindowQuery(d: Dialect, query: TaskQuery, below: number | null, table = partitionTable(0), limit = SEARCH_WINDOW): Statement {
  const values: unknown[] = [];
  const param = (value: unknown) => d.param(values.push(value));
  const terms = query.search ?? [];
  if (d.name === 'sqlite') {
    const match = fts5Match(terms, { viewer: query.viewer, creators: creatorsOf(query.viewer, query), statuses: query.statuses });
    const where = [`${table} MATCH ${param(match)}`];
    if (below !== null) where.push(`rowid < ${param(below)}`);
    return {
      sql: `SELECT rowid AS seq, bm25(${table}, 4.0, 1.0, 2.0, 0.0, 0.0) AS score FROM ${table} WHERE ${where.join(' AND ')} ORDER BY rowid DESC LIMIT ${param(limit)}`,
      params: values,
    };
  }
  const q = `to_tsquery('simple', ${param(tsQuery(terms))})`;
  const where = [`search @@ q.query`, ...searchWhere(d, param, query.viewer, query)];
  if (below !== null) where.push(`seq < ${param(below)}`);
  return {
    sql: `SELECT seq, -(ts_rank(search, q.query)::float8) AS score FROM tasks, ${q} AS q (query) WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ${param(limit)}`,
    params: values,
  };
}

/**
 * The rows of a search page's tasks, by their seqs, each still checked against the visibility
 * rule: the window found them visible through the index's words, and a list never shows a task
 * its viewer may not see on the index's word alone.
 */
export function searchRowsQuery(d: Dialect, viewer: Viewer, seqs: readonly number[]): Statement {
  const values: unknown[] = [];
  const param = (value: unknown) => d.param(values.push(value));
  const list = seqs.map((seq) => param(seq)).join(', ');
  // The rows by their seqs, always, the rule checked on each: SQLite would otherwise weigh serving
  // the rule's OR from the creator and org indexes, every task the viewer may see (seen at 1M
  // tasks, 950 ms for a page, with fewer indexes than there are now).
  return { sql: `SELECT seq, view FROM tasks WHERE seq IN (${list}) AND ${visible(d, param(viewer.id), param(viewer.org), { unindexed: true })}`, params: values };
}

/**
 * `countTasks` with a search: how many tasks match per status, of those the viewer may see in
 * the scope, the same matches the search pages through (so a count is what one can page to).
 * It costs what the terms match, not the history. SQLite: one FTS5 count per status, the status
 * and visibility being words of the index (no row is read), in one partition (`table`: the
 * store adds up the partitions); PostgreSQL: a grouped count of the GIN index's matches.
 */
export function taskSearchCountQuery(d: Dialect, viewer: Viewer, scope: { mine: boolean; creatorId?: string }, terms: readonly string[], table = partitionTable(0)): Statement {
  const values: unknown[] = [];
  const param = (value: unknown) => d.param(values.push(value));
  if (d.name === 'sqlite') {
    const creators = creatorsOf(viewer, scope);
    const counts = TASK_STATUSES.map(
      (status) =>
        `SELECT ${param(status)} AS status, count(*) AS n FROM ${table} WHERE ${table} MATCH ${param(fts5Match(terms, { viewer, creators, statuses: [status] }))}`,
    );
    return { sql: `SELECT status, n FROM (${counts.join(' UNION ALL ')}) WHERE n > 0`, params: values };
  }
  const where = [`search @@ q.query`, ...searchWhere(d, param, viewer, scope)];
  return {
    sql: `SELECT status, count(*) AS n FROM tasks, to_tsquery('simple', ${param(tsQuery(terms))}) AS q (query) WHERE ${where.join(' AND ')} GROUP BY status`,
    params: values,
  };
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
