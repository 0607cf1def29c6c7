/**
 * The SQL both store adapters run, written once: what differs between SQLite and PostgreSQL is
 * a `Dialect` (a few column types, how a flag is written, how a parameter is named). The
 * adapters keep only what really is theirs: how they reach the database, their transactions,
 * and the few statements one dialect has and the other has not (PostgreSQL's instance table,
 * SQLite's write probe). The task list, search and count queries are in task-queries.ts.
 */
import { packedWholeSql } from './packed-json.js';

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
  /**
   * The table holding the log's cursors: PostgreSQL's `events`; SQLite's `log`, behind its
   * `events` view (schema.ts, SQLITE_EVENTS_VIEW), where `max(cursor)` is read off the primary
   * key only on a table.
   */
  readonly log: string;
  /**
   * A condition: the log row's entity type is the parameter `param`'s, by an index (SQLite's
   * view spells the type from the row's `kind`, which `log_kind` indexes).
   */
  entityTypeIs(param: string): string;
  /**
   * What the log's reads (pages, windows) select for an event's time: `at` (text), or SQLite's
   * `at_stored`, integer milliseconds where they spell back (schema.ts, SQLITE_EVENTS_VIEW;
   * view-patch.ts `isoTime`).
   */
  readonly eventAt: string;
  /**
   * The columns of a page of the log, in `EventRow` order (rows.ts): `EVENT_COLUMNS`, or on
   * SQLite the stored values, which sqlite-log.ts spells (`SqliteWords`); then `fixedOf`'s.
   */
  readonly eventColumns: string;
  /**
   * The task row's view beside a task keyframe that leaves out the task's fixed keys
   * (view-patch.ts `storedKeyframe`), else null: a key lookup, for one event in five or so.
   * `e` is the log row's alias, with its dot ('' for none).
   */
  fixedOf(e: string): string;
}

/** An event row's columns but the cursor, in the order the writers bind them (see rows.ts). */
export const EVENT_FIELDS = `entity_type, entity_id, version, type, at, actor, payload, org, owner_id, private, prev_status, state`;
/** An event row's columns, in the order `EventRow` (rows.ts) reads them. */
export const EVENT_COLUMNS = `cursor, ${EVENT_FIELDS}`;

/** The task row's view, for a keyframe that leaves out its fixed keys (`Dialect.fixedOf`). */
const FIXED_ROW = (e: string) => `(SELECT ft.view FROM tasks AS ft WHERE ft.id = ${e}entity_id)`;

export const SQLITE: Dialect = {
  name: 'sqlite',
  // AUTOINCREMENT: a number is never reused, even after the row with the highest one is gone.
  types: { serial: 'INTEGER PRIMARY KEY AUTOINCREMENT', bigint: 'INTEGER', json: 'TEXT', flag: 'INTEGER', timestamp: 'TEXT' },
  no: '0',
  isSet: (column) => `${column} = 1`,
  isNotSet: (column) => `${column} = 0`,
  param: () => '?',
  log: 'log',
  entityTypeIs: (param) => `kind = CASE ${param} WHEN 'task' THEN 0 ELSE 1 END`,
  eventAt: 'at_stored',
  get eventColumns() {
    return `cursor, kind, entity_id, version, type_code, at_stored, actor_code, payload, org, owner_id, private, prev_status_code, state, ${this.fixedOf('')}`;
  },
  // A patch is told by its first bytes (view-patch.ts `isPatchText`; packed: its tag,
  // packed-json.ts) without parsing it; a keyframe is parsed for its `^` (an import may have put
  // its keys in any order), or, packed, is taken to have one (the writer's always do).
  fixedOf: (e) =>
    `CASE WHEN ${e}kind = 0 THEN CASE WHEN typeof(${e}state) = 'blob' THEN CASE WHEN ${packedWholeSql(`${e}state`)} THEN ${FIXED_ROW(e)} END
      WHEN substr(${e}state, 1, 4) <> '{"$"' AND json_extract(${e}state, '$."^"') IS NOT NULL THEN ${FIXED_ROW(e)} END END AS fixed`,
};

export const POSTGRES: Dialect = {
  name: 'postgres',
  types: { serial: 'BIGSERIAL PRIMARY KEY', bigint: 'BIGINT', json: 'JSONB', flag: 'BOOLEAN', timestamp: 'TIMESTAMPTZ' },
  no: 'false',
  isSet: (column) => column,
  isNotSet: (column) => `NOT ${column}`,
  param: (n) => `$${n}`,
  log: 'events',
  entityTypeIs: (param) => `entity_type = ${param}`,
  eventAt: 'at',
  get eventColumns() {
    return `${EVENT_COLUMNS}, ${this.fixedOf('')}`;
  },
  fixedOf: (e) => `CASE WHEN ${e}entity_type = 'task' AND ${e}state ? '^' THEN (SELECT ft.view FROM tasks AS ft WHERE ft.id = ${e}entity_id) END AS fixed`,
};

/** `n` parameters from the `from`-th, comma-separated: a VALUES list. */
function params(d: Dialect, n: number, from = 1): string {
  return Array.from({ length: n }, (_, i) => d.param(from + i)).join(', ');
}

/**
 * An `entities` row as `toRecord` (rows.ts) reads it, with the read model's view committed with
 * it: the snapshot's context is stored as a patch against that view (view-patch.ts). A scalar
 * subquery, so that an UPDATE's RETURNING can give it too.
 */
export const ENTITY_COLUMNS = `type, id, version, state,
  coalesce((SELECT effects FROM entity_effects WHERE entity_id = entities.id), '[]') AS effects,
  coalesce((SELECT view FROM tasks WHERE tasks.id = entities.id), (SELECT view FROM agents WHERE agents.id = entities.id)) AS view`;

/**
 * Visibility, the one place it is written in SQL: a viewer sees their own tasks and the public
 * ones of their org. `viewerId` and `viewerOrg` are the parameters holding theirs. `unindexed`:
 * a check of rows found otherwise, which the planner must not serve from an index (SQLite's
 * unary `+` keeps a term off them; PostgreSQL costs the key lookup lower anyway).
 */
export function visible(d: Dialect, viewerId: string, viewerOrg: string, options: { unindexed?: boolean } = {}): string {
  const c = (column: string) => (options.unindexed && d.name === 'sqlite' ? `+${column}` : column);
  return `(${c('creator_id')} = ${viewerId} OR (${c('org')} = ${viewerOrg} AND ${d.isNotSet(c('private'))}))`;
}

/** A statement and the values of its parameters, in order. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * `readAfter`: a page of the log after a cursor, all of it or one entity's or one type's (the
 * filter's value is the first parameter, then the cursor, then the limit). Per entity, version
 * order is cursor order, and (entity_id, version) is the unique index both dialects have.
 */
export function eventPageSql(d: Dialect, filter: 'all' | 'entity' | 'type'): string {
  const where = filter === 'entity' ? `entity_id = ${d.param(1)} AND ` : filter === 'type' ? `${d.entityTypeIs(d.param(1))} AND ` : '';
  const next = filter === 'all' ? 1 : 2;
  const order = filter === 'entity' ? 'version' : 'cursor';
  return `SELECT ${d.eventColumns} FROM events WHERE ${where}cursor > ${d.param(next)} ORDER BY ${order} LIMIT ${d.param(next + 1)}`;
}

/** The reads both adapters make as they are, by name; the parameters are the method's, in order. */
export function readSql(d: Dialect) {
  const p = (n: number) => d.param(n);
  return {
    load: `SELECT ${ENTITY_COLUMNS} FROM entities WHERE id = ${p(1)}`,
    /** One entity's events `from`..`to` by version: the window a patch is resolved from (view-patch.ts). */
    window: `SELECT entity_id, version, ${d.eventAt} AS at, state, ${d.fixedOf('')} FROM events WHERE entity_id = ${p(1)} AND version BETWEEN ${p(2)} AND ${p(3)}`,
    head: `SELECT coalesce(max(cursor), 0) AS head FROM ${d.log}`,
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
    /**
     * An entity's snapshot, and its pending effects in `entity_effects` (schema.ts migration 11):
     * SQLite runs `putEffects` or `dropEffects` after it (sqlite-writes.ts); PostgreSQL does all
     * in the one statement, its parameters those of SQLite's two: (id, type, version, state,
     * effects, has effects, owner) to insert, (version, state, effects, has effects, owner, id,
     * expected version) to update. Either returns a row if the entity was written (a new id, or
     * the expected version), none on a conflict.
     */
    insertEntity:
      d.name === 'postgres'
        ? `WITH e AS (INSERT INTO entities (id, type, version, state) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING RETURNING id),
        x AS (INSERT INTO entity_effects (entity_id, effects, owner) SELECT id, $5::jsonb, $7 FROM e WHERE $6::boolean)
      SELECT id FROM e`
        : `INSERT INTO entities (id, type, version, state) VALUES (?, ?, ?, ?)`,
    updateEntity:
      d.name === 'postgres'
        ? `WITH e AS (UPDATE entities SET version = $1, state = $2 WHERE id = $6 AND version = $7 RETURNING id),
        x AS (DELETE FROM entity_effects WHERE NOT $4::boolean AND entity_id IN (SELECT id FROM e)),
        y AS (INSERT INTO entity_effects (entity_id, effects, owner) SELECT id, $3::jsonb, $5 FROM e WHERE $4::boolean
          ON CONFLICT (entity_id) DO UPDATE SET effects = excluded.effects, owner = excluded.owner)
      SELECT id FROM e`
        : `UPDATE entities SET version = ?, state = ? WHERE id = ? AND version = ?`,
    putEffects: `INSERT INTO entity_effects (entity_id, effects, owner) VALUES (${params(d, 3)})
      ON CONFLICT (entity_id) DO UPDATE SET effects = excluded.effects, owner = excluded.owner`,
    dropEffects: `DELETE FROM entity_effects WHERE entity_id = ${p(1)}`,
    insertEvent: `INSERT INTO events (${EVENT_FIELDS}) VALUES (${params(d, 12)})`,
    /**
     * A task's row: `seq` the cursor of the commit's first event (kept by later commits),
     * `updated_seq` of its last (rewritten by every commit: the `updated` order). PostgreSQL's
     * also takes its search words (search.ts: the title's, then the description's and refs',
     * space-joined) for the tsvector; SQLite's go to its search partitions (search-partitions.ts).
     */
    upsertTask:
      d.name === 'postgres'
        ? `INSERT INTO tasks (id, seq, org, creator_id, private, status, version, view, branch, issue_number, updated_seq, search)
      VALUES (${params(d, 11)}, setweight(to_tsvector('simple', ${p(12)}), 'A') || to_tsvector('simple', ${p(13)}))
      ON CONFLICT (id) DO UPDATE SET status = excluded.status, version = excluded.version, view = excluded.view,
        branch = excluded.branch, issue_number = excluded.issue_number, updated_seq = excluded.updated_seq, search = excluded.search`
        : `INSERT INTO tasks (id, seq, org, creator_id, private, status, version, view, branch, issue_number, updated_seq)
      VALUES (${params(d, 11)})
      ON CONFLICT (id) DO UPDATE SET status = excluded.status, version = excluded.version, view = excluded.view,
        branch = excluded.branch, issue_number = excluded.issue_number, updated_seq = excluded.updated_seq`,
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
