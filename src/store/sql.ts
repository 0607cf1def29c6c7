/**
 * The SQL both store adapters run, written once: what differs between SQLite and PostgreSQL is
 * a `Dialect` (a few column types, how a flag is written, how a parameter is named). The
 * adapters keep only what really is theirs: how they reach the database, their transactions,
 * and the few statements one dialect has and the other has not (PostgreSQL's instance table,
 * SQLite's write probe).
 */
import { fts5Query, tsQuery } from './search.js';
import type { TaskQuery, Viewer } from './types.js';

export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  /** Column types that are not the same word in both. */
  readonly types: {
    /** An auto-assigned primary key that only grows (the log's cursor, local issue numbers). */
    serial: string;
    bigint: string;
    json: string;
    flag: string;
    timestamp: string;
  };
  /** A flag's "no", as a literal. */
  readonly no: string;
  /** A condition: `column` (a flag) is set. */
  isSet(column: string): string;
  /** A condition: `column` (a flag) is not set. */
  isNotSet(column: string): string;
  /**
   * The n-th (from 1) bound parameter. SQLite's is `?`, bound in order of appearance, so a
   * statement written for both uses each parameter once, in order.
   */
  param(n: number): string;
}

export const SQLITE: Dialect = {
  name: 'sqlite',
  // AUTOINCREMENT: a number is never reused, even after the row with the highest one is gone.
  types: { serial: 'INTEGER PRIMARY KEY AUTOINCREMENT', bigint: 'INTEGER', json: 'TEXT', flag: 'INTEGER', timestamp: 'TEXT' },
  no: '0',
  isSet: (column) => `${column} = 1`,
  isNotSet: (column) => `${column} = 0`,
  param: () => '?',
};

export const POSTGRES: Dialect = {
  name: 'postgres',
  types: { serial: 'BIGSERIAL PRIMARY KEY', bigint: 'BIGINT', json: 'JSONB', flag: 'BOOLEAN', timestamp: 'TIMESTAMPTZ' },
  no: 'false',
  isSet: (column) => column,
  isNotSet: (column) => `NOT ${column}`,
  param: (n) => `$${n}`,
};

/** `n` parameters from the `from`-th, comma-separated: a VALUES list. */
function params(d: Dialect, n: number, from = 1): string {
  return Array.from({ length: n }, (_, i) => d.param(from + i)).join(', ');
}

/** An event row's columns but the cursor, in the order the writers bind them (see rows.ts). */
export const EVENT_FIELDS = `entity_type, entity_id, version, type, at, actor, payload, org, owner_id, private, prev_status, state`;
/** An event row's columns, in the order `EventRow` (rows.ts) reads them. */
export const EVENT_COLUMNS = `cursor, ${EVENT_FIELDS}`;
/**
 * An `entities` row as `toRecord` (rows.ts) reads it, with the read model's view committed with
 * it: the snapshot's context is stored as a patch against that view (view-patch.ts). A scalar
 * subquery, so that an UPDATE's RETURNING can give it too.
 */
export const ENTITY_COLUMNS = `type, id, version, state, effects,
  coalesce((SELECT view FROM tasks WHERE tasks.id = entities.id), (SELECT view FROM agents WHERE agents.id = entities.id)) AS view`;

/**
 * Visibility, the one place it is written in SQL: a viewer sees their own tasks and the public
 * ones of their org. `viewerId` and `viewerOrg` are the parameters holding theirs.
 */
export function visible(d: Dialect, viewerId: string, viewerOrg: string): string {
  return `(creator_id = ${viewerId} OR (org = ${viewerOrg} AND ${d.isNotSet('private')}))`;
}

/** A statement and the values of its parameters, in order. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** One range of `tasks` in `seq` order, as the conditions of its WHERE clause. */
type Arm = (param: (value: unknown) => string) => string;

/**
 * The ranges whose union is what a task query may see (visibility, `mine`, `creatorId`), each
 * served by an index in `seq` order (schema.ts, migration 5), and whether two of them overlap:
 * a viewer's own public tasks of their org are in both "public of the org" and "mine".
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
 * `listTasks`: a page of the tasks the viewer may see, newest first, one more than asked for
 * (and, where two ranges overlap, up to twice that: `toTaskPage` drops the second copy).
 *
 * A UNION ALL of index ranges, one per visible range and status, each read backwards from
 * `after` and merged in `seq` order (SQLite: MERGE (UNION ALL); PostgreSQL: Merge Append), so
 * a page reads about as many rows as it returns however long the history.
 * tests/store/query-plans.test.ts checks every shape's plan.
 */
export function taskPageQuery(d: Dialect, query: TaskQuery): Statement {
  const values: unknown[] = [];
  const param = (value: unknown) => d.param(values.push(value));
  const { arms, overlap } = visibleArms(d, query.viewer, query);
  const statuses = query.statuses && query.statuses.length > 0 ? [...new Set(query.statuses)] : [undefined];
  const limit = query.first + 1;
  const selects: string[] = [];
  for (const status of statuses) {
    for (const arm of arms) {
      const where = [arm(param)];
      if (status !== undefined) where.push(`status = ${param(status)}`);
      if (query.after !== undefined) where.push(`seq < ${param(query.after)}`);
      const select = `SELECT seq, view FROM tasks WHERE ${where.join(' AND ')}`;
      // PostgreSQL merges parenthesised arms each ordered and limited (a Merge Append of backward
      // index scans); SQLite takes no ORDER BY inside a compound and merges the arms itself.
      selects.push(d.name === 'postgres' && (arms.length > 1 || statuses.length > 1) ? `(${select} ORDER BY seq DESC LIMIT ${param(limit)})` : select);
    }
  }
  const total = overlap ? 2 * limit : limit;
  return { sql: `${selects.join(' UNION ALL ')} ORDER BY seq DESC LIMIT ${param(total)}`, params: values };
}

/**
 * `listTasks` with a search (search.ts: `query.search` holds its terms, none is no search): the
 * matching tasks the viewer may see, best match first, ties newest first, one more than asked
 * for, after `query.searchAfter`. Scores are lower-is-better in both dialects (FTS5's bm25, and
 * PostgreSQL's ts_rank negated, as float8 so that the cursor's copy compares equal).
 *
 * Found through the full-text index (FTS5's table, the GIN index), each match joined to its row
 * (SQLite: by the unique `seq`) and kept if visible (the same rule as every list): a page reads
 * every match, not a range, so a search costs what its terms match, not what the org holds.
 */
export function taskSearchQuery(d: Dialect, query: TaskQuery): Statement {
  const terms = query.search ?? [];
  const values: unknown[] = [];
  const param = (value: unknown) => d.param(values.push(value));
  const head =
    d.name === 'sqlite'
      ? `SELECT t.seq AS seq, t.view AS view, f.score AS score
      FROM (SELECT rowid AS id, bm25(tasks_fts, 4.0, 1.0, 2.0) AS score FROM tasks_fts WHERE tasks_fts MATCH ${param(fts5Query(terms))}) AS f
      JOIN tasks AS t ON t.seq = f.id`
      : `SELECT seq, view, score FROM (SELECT seq, view, creator_id, org, private, status, -(ts_rank(search, q.query)::float8) AS score
      FROM tasks, to_tsquery('simple', ${param(tsQuery(terms))}) AS q (query) WHERE search @@ q.query) AS t`;
  const where = [visible(d, param(query.viewer.id), param(query.viewer.org))];
  if (query.mine) where.push(`creator_id = ${param(query.viewer.id)}`);
  if (query.creatorId !== undefined) where.push(`creator_id = ${param(query.creatorId)}`);
  const statuses = [...new Set(query.statuses ?? [])];
  if (statuses.length > 0) where.push(`status IN (${statuses.map((s) => param(s)).join(', ')})`);
  const after = query.searchAfter;
  if (after !== undefined) {
    where.push(`(score > ${param(after.score)} OR (score = ${param(after.score)} AND seq < ${param(after.seq)}))`);
  }
  return { sql: `${head} WHERE ${where.join(' AND ')} ORDER BY score, seq DESC LIMIT ${param(query.first + 1)}`, params: values };
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

/**
 * `readAfter`: a page of the log after a cursor, all of it or one entity's or one type's (the
 * filter's value is the first parameter, then the cursor, then the limit). Per entity, version
 * order is cursor order, and (entity_id, version) is the unique index both dialects have.
 */
export function eventPageSql(d: Dialect, filter: 'all' | 'entity' | 'type'): string {
  const where = filter === 'entity' ? `entity_id = ${d.param(1)} AND ` : filter === 'type' ? `entity_type = ${d.param(1)} AND ` : '';
  const next = filter === 'all' ? 1 : 2;
  const order = filter === 'entity' ? 'version' : 'cursor';
  return `SELECT ${EVENT_COLUMNS} FROM events WHERE ${where}cursor > ${d.param(next)} ORDER BY ${order} LIMIT ${d.param(next + 1)}`;
}

/** The reads both adapters make as they are, by name; the parameters are the method's, in order. */
export function readSql(d: Dialect) {
  const p = (n: number) => d.param(n);
  return {
    load: `SELECT ${ENTITY_COLUMNS} FROM entities WHERE id = ${p(1)}`,
    /** One entity's events `from`..`to` by version: the window a patch is resolved from (view-patch.ts). */
    window: `SELECT entity_id, version, at, state FROM events WHERE entity_id = ${p(1)} AND version BETWEEN ${p(2)} AND ${p(3)}`,
    head: `SELECT coalesce(max(cursor), 0) AS head FROM events`,
    getTask: `SELECT view FROM tasks WHERE id = ${p(1)}`,
    getAgent: `SELECT view FROM agents WHERE id = ${p(1)}`,
    agentByName: `SELECT view FROM agents WHERE org = ${p(1)} AND name = ${p(2)}`,
    listAgents: `SELECT view FROM agents WHERE org = ${p(1)} ORDER BY name`,
    allAgents: `SELECT view FROM agents`,
    dispatched: `SELECT view FROM tasks WHERE status = 'dispatched' ORDER BY seq LIMIT ${p(1)}`,
    byBranch: `SELECT view FROM tasks WHERE branch = ${p(1)} ORDER BY seq DESC LIMIT 1`,
    byIssue: `SELECT view FROM tasks WHERE issue_number = ${p(1)} ORDER BY seq DESC LIMIT 1`,
    delivery: `SELECT outcome FROM webhook_deliveries WHERE id = ${p(1)}`,
    due: `SELECT entity_type, entity_id, key, due_at, event FROM deadlines WHERE due_at <= ${p(1)} ORDER BY due_at LIMIT ${p(2)}`,
    nextDue: `SELECT min(due_at) AS due FROM deadlines`,
  };
}

/**
 * The writes of a commit and the other writes both adapters make, by name. Parameters are
 * positional, in the order written here (the SQLite writer binds them so: named parameters cost
 * ~2 µs more per 12-column row in better-sqlite3).
 */
export function writeSql(d: Dialect) {
  const p = (n: number) => d.param(n);
  return {
    insertEntity: `INSERT INTO entities (id, type, version, state, effects, has_effects, effects_owner) VALUES (${params(d, 7)})`,
    updateEntity: `UPDATE entities SET version = ${p(1)}, state = ${p(2)}, effects = ${p(3)}, has_effects = ${p(4)}, effects_owner = ${p(5)}
      WHERE id = ${p(6)} AND version = ${p(7)}`,
    insertEvent: `INSERT INTO events (${EVENT_FIELDS}) VALUES (${params(d, 12)})`,
    /**
     * A task's row. PostgreSQL's also takes its search words (search.ts: the title's, then the
     * description's and refs', space-joined) for the tsvector; SQLite's go to tasks_fts (`indexTask`).
     */
    upsertTask:
      d.name === 'postgres'
        ? `INSERT INTO tasks (id, seq, org, creator_id, private, status, version, view, branch, issue_number, search)
      VALUES (${params(d, 10)}, setweight(to_tsvector('simple', ${p(11)}), 'A') || to_tsvector('simple', ${p(12)}))
      ON CONFLICT (id) DO UPDATE SET status = excluded.status, version = excluded.version,
        view = excluded.view, branch = excluded.branch, issue_number = excluded.issue_number, search = excluded.search`
        : `INSERT INTO tasks (id, seq, org, creator_id, private, status, version, view, branch, issue_number)
      VALUES (${params(d, 10)})
      ON CONFLICT (id) DO UPDATE SET status = excluded.status, version = excluded.version,
        view = excluded.view, branch = excluded.branch, issue_number = excluded.issue_number`,
    /** SQLite: a task's search words (rowid = its seq), replacing what the commit before wrote. */
    indexTask: `INSERT OR REPLACE INTO tasks_fts (rowid, title, description, refs) VALUES (${params(d, 4)})`,
    upsertAgent: `INSERT INTO agents (id, org, name, version, view) VALUES (${params(d, 5)})
      ON CONFLICT (id) DO UPDATE SET version = excluded.version, view = excluded.view`,
    setDeadline: `INSERT INTO deadlines (entity_id, key, entity_type, due_at, event) VALUES (${params(d, 5)})
      ON CONFLICT (entity_id, key) DO UPDATE SET due_at = excluded.due_at, event = excluded.event`,
    clearDeadline: `DELETE FROM deadlines WHERE entity_id = ${p(1)} AND key = ${p(2)}`,
    consumeDeadline: `DELETE FROM deadlines WHERE entity_id = ${p(1)} AND key = ${p(2)} AND due_at = ${p(3)}`,
    recordDelivery: `INSERT INTO webhook_deliveries (id, received_at, outcome) VALUES (${params(d, 3)}) ON CONFLICT (id) DO NOTHING`,
    /** What a task's counters are keyed by, as stored before this commit writes its row. */
    taskCounted: `SELECT creator_id, org, private, status, seq FROM tasks WHERE id = ${p(1)}`,
    /** Add `n` (negative to take away) to a creator's counter, `CountDeltas` order (task-counts.ts). */
    addCount: `INSERT INTO task_counts (creator_id, org, private, status, n) VALUES (${params(d, 5)})
      ON CONFLICT (creator_id, org, private, status) DO UPDATE SET n = task_counts.n + excluded.n`,
    /** Add `n` to an org's counter of public tasks. */
    addOrgCount: `INSERT INTO org_task_counts (org, status, n) VALUES (${params(d, 3)})
      ON CONFLICT (org, status) DO UPDATE SET n = org_task_counts.n + excluded.n`,
  };
}
