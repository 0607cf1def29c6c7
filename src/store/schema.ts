/**
 * The schema, for both dialects: every change to it, in order, written once (with the column
 * types that differ taken from the `Dialect`), run by the one runner in migrate.ts.
 *
 * Never edit a released migration: add a new one, so existing databases upgrade in place. A
 * migration names the version it is recorded under in each dialect's `schema_migrations`
 * (a dialect it does not name never runs it). The two histories differ where they began: the
 * PostgreSQL adapter came after SQLite's versions 2 and 3, and its version 1 took them in. A new
 * migration takes the next version of each: `{ sqlite: 10, postgres: 6 }`.
 */
import { logTablesSql, POSTGRES_APPEND_FUNCTION } from '../logs/schema.js';
import type { Dialect } from './sql.js';

/**
 * Each task's `updated_seq` from the log: the cursor of the event that made its current version,
 * or its `seq` where the log no longer holds that event. Run by migration 7 and by an import
 * (transfer.ts: the column is derived, not exported).
 */
export const FILL_UPDATED_SEQ = `UPDATE tasks SET updated_seq = coalesce(
  (SELECT cursor FROM events WHERE events.entity_id = tasks.id AND events.version = tasks.version), seq)`;

/**
 * SQLite's log from migration 12 on (issue 14, disk): `events` is a view over two tables, so that
 * every statement written for both dialects reads and writes the log as before, while a row
 * holds only what is its own.
 *
 * - `log_entities`: each entity the log has an event of, once, with an integer `key`, its org,
 *   owner and private flag (a task's or an agent's scope, fixed when it is created).
 * - `log_words`: each event type, actor and status the log has, once, with an integer `code`:
 *   a few dozen words (the machines' event types and statuses, the org's users and agents).
 * - `log`: per event its cursor, the entity's `key` and `kind` (0 task, 1 agent), version, type,
 *   time as integer milliseconds, actor, payload, previous status and state, with type, actor
 *   and previous status as their words' codes (INTEGER columns: 1 byte each, and a code bound
 *   as a JavaScript number, a double, is stored as the integer it is). `org`, `owner_id`
 *   and `private` are null where they are the entity's (all of them today): an event whose scope
 *   differs still says so. A time that `toISOString` would not spell back (no milliseconds, an
 *   offset) is kept as its text.
 *
 * Spelling costs: strftime ~1.5 µs a row, each word's lookup ~0.15 µs. So the log's own reads
 * (pages and windows, `Dialect.eventColumns`) take the stored values (`kind`, `type_code`,
 * `at_stored`, `actor_code`, `prev_status_code`) and spell them in JavaScript (sqlite-log.ts:
 * the words from `log_words`, which only grows; the time with view-patch.ts `isoTime`). The
 * spelt columns are for every other statement (an export, retention's rewrite, an audit).
 *
 * A row so lost its 36-character entity id, its org and owner text, 18 of its time's 24 bytes
 * and ~25 bytes of words; the unique (entity, version) key is integers. The view spells each back; its
 * INSTEAD OF triggers store an INSERT (an import's) in the tables and carry out a DELETE (a
 * repair, a test's damage). The writer appends with prepared statements that store the same
 * rows, ~7 µs an event faster (sqlite-log-writes.ts). Statements that need only cursors and `state` use `log`
 * itself (`Dialect.log`): an archive pass's DELETE, retention's rewrite of the first row it
 * keeps, `max(cursor)`, which SQLite reads off the primary key only on a table.
 */
const word = (column: string) => `(SELECT word FROM log_words WHERE code = ${column})`;
const code = (value: string) => `(SELECT code FROM log_words WHERE word = ${value})`;
/** An ISO time as integer milliseconds where `toISOString` spells them back so, else its text. */
const encodedAt = (value: string) =>
  `CASE WHEN strftime('%Y-%m-%dT%H:%M:%fZ', ${value}) = ${value} THEN CAST(round(unixepoch(${value}, 'subsec') * 1000) AS INTEGER) ELSE ${value} END`;

export const SQLITE_EVENTS_VIEW = `
  CREATE VIEW events AS SELECT
    l.cursor AS cursor,
    CASE l.kind WHEN 0 THEN 'task' ELSE 'agent' END AS entity_type,
    k.id AS entity_id,
    l.version AS version,
    ${word('l.type')} AS type,
    CASE WHEN typeof(l.at) = 'integer' THEN strftime('%Y-%m-%dT%H:%M:%fZ', l.at / 1000.0, 'unixepoch') ELSE l.at END AS at,
    ${word('l.actor')} AS actor,
    l.payload AS payload,
    coalesce(l.org, k.org) AS org,
    coalesce(l.owner_id, k.owner_id) AS owner_id,
    coalesce(l.private, k.private) AS private,
    ${word('l.prev_status')} AS prev_status,
    l.state AS state,
    l.kind AS kind,
    l.type AS type_code,
    l.at AS at_stored,
    l.actor AS actor_code,
    l.prev_status AS prev_status_code
  FROM log AS l JOIN log_entities AS k ON k.key = l.entity;

  CREATE TRIGGER events_insert INSTEAD OF INSERT ON events BEGIN
    INSERT INTO log_entities (id, org, owner_id, private) VALUES (NEW.entity_id, NEW.org, NEW.owner_id, NEW.private)
      ON CONFLICT (id) DO NOTHING;
    INSERT OR IGNORE INTO log_words (word) VALUES (NEW.type);
    INSERT OR IGNORE INTO log_words (word) SELECT NEW.actor WHERE NEW.actor IS NOT NULL;
    INSERT OR IGNORE INTO log_words (word) SELECT NEW.prev_status WHERE NEW.prev_status IS NOT NULL;
    INSERT INTO log (cursor, kind, entity, version, type, at, actor, payload, prev_status, org, owner_id, private, state)
      SELECT NEW.cursor, CASE NEW.entity_type WHEN 'task' THEN 0 WHEN 'agent' THEN 1 END, k.key, NEW.version, ${code('NEW.type')},
        ${encodedAt('NEW.at')},
        ${code('NEW.actor')}, NEW.payload, ${code('NEW.prev_status')},
        nullif(NEW.org, k.org), nullif(NEW.owner_id, k.owner_id), nullif(NEW.private, k.private), NEW.state
      FROM log_entities AS k WHERE k.id = NEW.entity_id;
  END;

  CREATE TRIGGER events_delete INSTEAD OF DELETE ON events BEGIN
    DELETE FROM log WHERE cursor = OLD.cursor;
  END;
`;

export interface Migration {
  version: { sqlite?: number; postgres?: number };
  sql(d: Dialect): string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: { sqlite: 1, postgres: 1 },
    sql: ({ types: t, no, isSet }) => `
      CREATE TABLE events (
        cursor      ${t.serial},
        entity_type TEXT    NOT NULL,
        entity_id   TEXT    NOT NULL,
        version     INTEGER NOT NULL,
        type        TEXT    NOT NULL,
        at          TEXT    NOT NULL,
        actor       TEXT,
        payload     ${t.json},
        org         TEXT    NOT NULL,
        owner_id    TEXT    NOT NULL,
        private     ${t.flag} NOT NULL,
        prev_status TEXT,
        state       ${t.json} NOT NULL,
        UNIQUE (entity_id, version)
      );

      CREATE TABLE entities (
        id          TEXT    PRIMARY KEY,
        type        TEXT    NOT NULL,
        version     INTEGER NOT NULL,
        state       ${t.json} NOT NULL,
        effects     ${t.json} NOT NULL DEFAULT '[]',
        has_effects ${t.flag} NOT NULL DEFAULT ${no}
      );

      CREATE TABLE tasks (
        id         TEXT    PRIMARY KEY,
        seq        ${t.bigint} NOT NULL UNIQUE,
        org        TEXT    NOT NULL,
        creator_id TEXT    NOT NULL,
        private    ${t.flag} NOT NULL,
        status     TEXT    NOT NULL,
        version    INTEGER NOT NULL,
        view       ${t.json} NOT NULL
      );

      CREATE TABLE agents (
        id      TEXT    PRIMARY KEY,
        org     TEXT    NOT NULL,
        name    TEXT    NOT NULL,
        version INTEGER NOT NULL,
        view    ${t.json} NOT NULL,
        UNIQUE (org, name)
      );

      CREATE TABLE deadlines (
        entity_id   TEXT    NOT NULL,
        key         TEXT    NOT NULL,
        entity_type TEXT    NOT NULL,
        due_at      ${t.bigint} NOT NULL,
        event       ${t.json} NOT NULL,
        PRIMARY KEY (entity_id, key)
      );

      CREATE TABLE local_issues (
        number ${t.serial},
        key    TEXT NOT NULL UNIQUE
      );

      -- The paths reads take beyond the keys.
      CREATE INDEX events_entity ON events (entity_id, cursor);
      CREATE INDEX events_type ON events (entity_type, cursor);
      CREATE INDEX entities_effects ON entities (has_effects) WHERE ${isSet('has_effects')};
      CREATE INDEX tasks_org ON tasks (org, seq);
      CREATE INDEX tasks_creator ON tasks (creator_id, seq);
      CREATE INDEX deadlines_due ON deadlines (due_at);
    `,
  },
  {
    version: { sqlite: 2, postgres: 1 },
    sql: () => `
      -- Webhooks link pull requests to tasks by branch or by the tracking issue's number.
      ALTER TABLE tasks ADD COLUMN branch TEXT;
      ALTER TABLE tasks ADD COLUMN issue_number INTEGER;
      CREATE INDEX tasks_branch ON tasks (branch) WHERE branch IS NOT NULL;
      CREATE INDEX tasks_issue ON tasks (issue_number) WHERE issue_number IS NOT NULL;
      CREATE INDEX tasks_status ON tasks (status, seq);

      -- X-GitHub-Delivery ids already handled: a redelivery is acknowledged, not re-applied.
      CREATE TABLE webhook_deliveries (
        id          TEXT PRIMARY KEY,
        received_at TEXT NOT NULL,
        outcome     TEXT NOT NULL
      );
    `,
  },
  {
    version: { sqlite: 3, postgres: 1 },
    sql: () => `ALTER TABLE entities ADD COLUMN effects_owner TEXT;`,
  },
  {
    // (entity_id, version) is unique and, per entity, in the same order as cursor: the extra
    // (entity_id, cursor) index only cost a write per event. (PostgreSQL still has it.)
    version: { sqlite: 4 },
    sql: () => `DROP INDEX events_entity;`,
  },
  {
    // Live server instances, for adopting the effects of one that died (one process owns an
    // SQLite file: every effect it did not start is orphaned).
    version: { postgres: 1 },
    sql: () => `
      CREATE TABLE instances (
        id      TEXT PRIMARY KEY,
        seen_at TIMESTAMPTZ NOT NULL
      );
    `,
  },
  {
    // Issue 14: costs that do not grow with history.
    //
    // Task counts kept by the commit that changes them (sqlite-writes.ts, postgres.ts), so that
    // `countTasks` reads a few rows instead of a GROUP BY over the org's tasks: per creator
    // (with org and private flag, for "mine", a creator, and a viewer's own tasks elsewhere)
    // and per org for its public tasks (what every teammate sees). Filled from `tasks` here.
    //
    // And an index for every arm of the task list (taskPageQuery, sql.ts), each a range in
    // `seq` order: public tasks of an org; a creator's tasks; a creator's public tasks of an org
    // (another user's, as a teammate sees them); each with and without a status. tasks_public
    // replaces tasks_org, which it extends; tasks_creator (creator_id, seq) was there.
    version: { sqlite: 5, postgres: 2 },
    sql: ({ types: t, isNotSet }) => `
      CREATE TABLE task_counts (
        creator_id TEXT    NOT NULL,
        org        TEXT    NOT NULL,
        private    ${t.flag} NOT NULL,
        status     TEXT    NOT NULL,
        n          INTEGER NOT NULL,
        PRIMARY KEY (creator_id, org, private, status)
      );
      CREATE TABLE org_task_counts (
        org    TEXT    NOT NULL,
        status TEXT    NOT NULL,
        n      INTEGER NOT NULL,
        PRIMARY KEY (org, status)
      );
      INSERT INTO task_counts (creator_id, org, private, status, n)
        SELECT creator_id, org, private, status, count(*) FROM tasks GROUP BY creator_id, org, private, status;
      INSERT INTO org_task_counts (org, status, n)
        SELECT org, status, count(*) FROM tasks WHERE ${isNotSet('private')} GROUP BY org, status;

      DROP INDEX tasks_org;
      CREATE INDEX tasks_public ON tasks (org, private, seq);
      CREATE INDEX tasks_public_status ON tasks (org, private, status, seq);
      CREATE INDEX tasks_creator_status ON tasks (creator_id, status, seq);
      CREATE INDEX tasks_creator_public ON tasks (creator_id, org, private, seq);
      CREATE INDEX tasks_creator_public_status ON tasks (creator_id, org, private, status, seq);
    `,
  },
  {
    // Issue 14: search (src/store/search.ts says the rule). SQLite: an FTS5 table, its rowid the
    // task's seq, rewritten by every commit that writes the task (sqlite-writes.ts). PostgreSQL:
    // a tsvector column and its GIN index, written by the same upsert (sql.ts, upsertTask).
    // The commits index the words search.ts computes; the backfill here indexes the raw text
    // (FTS5 splits it nearly alike; PostgreSQL's parser keeps a few more compound tokens, such
    // as `a-b` or a path, beside their parts) until the task's next commit rewrites it.
    version: { sqlite: 6, postgres: 3 },
    sql: (d) =>
      d.name === 'sqlite'
        ? `
      CREATE VIRTUAL TABLE tasks_fts USING fts5 (title, description, refs, tokenize = 'unicode61 remove_diacritics 0');
      INSERT INTO tasks_fts (rowid, title, description, refs)
        SELECT seq, coalesce(json_extract(v, '$.title'), ''), coalesce(json_extract(v, '$.description'), ''),
          trim(coalesce(json_extract(v, '$.branch'), '') || ' ' || coalesce(json_extract(v, '$.issue.number'), '') || ' ' || coalesce(json_extract(v, '$.pr.number'), ''))
        FROM (SELECT seq, unpacked(view) AS v FROM tasks);
    `
        : `
      ALTER TABLE tasks ADD COLUMN search tsvector NOT NULL DEFAULT ''::tsvector;
      UPDATE tasks SET search = setweight(to_tsvector('simple', coalesce(view->>'title', '')), 'A')
        || to_tsvector('simple', concat_ws(' ', view->>'description', view->>'branch', view#>>'{issue,number}', view#>>'{pr,number}'));
      CREATE INDEX tasks_search ON tasks USING GIN (search);
    `,
  },
  {
    // Issue 14: the task list by latest change (`sort: UPDATED`). `updated_seq` is the cursor of
    // the task's latest event, set by the upsert of every commit that writes the task (sql.ts
    // `upsertTask`), filled here from the log (FILL_UPDATED_SEQ).
    //
    // One index per arm of the list (task-queries.ts `taskPageQuery`), each with the status
    // before the key, so that one serves a status and the union of every status alike: public
    // tasks of an org; a creator's; a creator's public ones of an org. Three, not six as in `seq`
    // order, because an index on `updated_seq` is not like one on `seq`: every commit of a task
    // moves its entry, where a `seq` index entry moves only when the status does. What that
    // costs the commits is measured in the README (Benchmarks, "What recently updated costs").
    version: { sqlite: 7, postgres: 4 },
    sql: ({ types: t }) => `
      ALTER TABLE tasks ADD COLUMN updated_seq ${t.bigint} NOT NULL DEFAULT 0;
      ${FILL_UPDATED_SEQ};
      CREATE INDEX tasks_public_updated ON tasks (org, private, status, updated_seq);
      CREATE INDEX tasks_creator_updated ON tasks (creator_id, status, updated_seq);
      CREATE INDEX tasks_creator_public_updated ON tasks (creator_id, org, private, status, updated_seq);
    `,
  },
  {
    // Issue 14: retention (docs/design.md, "Retention"; src/store/retention.ts). An archive pass
    // moves finished tasks' and agents' old events out of `events` and records, in the same
    // transaction: the log horizon (one row: a read of the log after a cursor below it fails
    // with CURSOR_EXPIRED), per archived entity the cursor its archived history reaches (a read
    // of that entity starting below it is served from the compact timeline, or fails for an
    // agent, which has none), and per archived task event its compact timeline row (type, time,
    // actor, status and machine state value: what `timeline` still answers). SQLite writes the
    // archived events to gzip NDJSON files under DATA_DIR/archive; PostgreSQL to
    // `event_archive`, one gzip NDJSON chunk per batch (the same lines as an export's events).
    version: { sqlite: 8, postgres: 5 },
    sql: ({ name, types: t }) => `
      CREATE TABLE log_horizon (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        horizon ${t.bigint} NOT NULL
      );
      INSERT INTO log_horizon (id, horizon) VALUES (1, 0);

      CREATE TABLE archived_entities (
        entity_id   TEXT    PRIMARY KEY,
        entity_type TEXT    NOT NULL,
        org         TEXT    NOT NULL,
        owner_id    TEXT    NOT NULL,
        private     ${t.flag} NOT NULL,
        upto        ${t.bigint} NOT NULL
      );

      CREATE TABLE compact_timeline (
        entity_id   TEXT    NOT NULL,
        cursor      ${t.bigint} NOT NULL,
        version     INTEGER NOT NULL,
        type        TEXT    NOT NULL,
        at          TEXT    NOT NULL,
        actor       TEXT,
        status      TEXT    NOT NULL,
        state_value TEXT    NOT NULL, -- JSON text: a state value may be a bare string
        PRIMARY KEY (entity_id, cursor)
      )${name === 'sqlite' ? ' WITHOUT ROWID' : ''};
      ${
        name === 'postgres'
          ? `
      CREATE TABLE event_archive (
        first_cursor BIGINT      PRIMARY KEY,
        last_cursor  BIGINT      NOT NULL,
        events       INTEGER     NOT NULL,
        archived_at  TIMESTAMPTZ NOT NULL,
        data         BYTEA       NOT NULL
      );`
          : ''
      }
    `,
  },
  {
    // Issue 14: the search index without a copy of what it indexes (leaner log), and with who
    // may see each task and its status as words of two more columns (search.ts says why).
    // Search reads only rowids and bm25 (task-queries.ts), so tasks_fts becomes contentless;
    // `contentless_delete` (SQLite 3.43) keeps the INSERT OR REPLACE each commit makes. The
    // text comes from the old table, whose words already had the word rule applied; the scope
    // and status words from `tasks`, spelt as search.ts spells them (hex of the UTF-8 bytes).
    version: { sqlite: 9 },
    sql: () => `
      CREATE VIRTUAL TABLE tasks_fts_lean USING fts5 (title, description, refs, scope, status, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0');
      INSERT INTO tasks_fts_lean (rowid, title, description, refs, scope, status)
        SELECT f.rowid, f.title, f.description, f.refs,
          CASE WHEN t.private = 1 THEN '' ELSE 'o' || lower(hex(t.org)) || ' ' END || 'c' || lower(hex(t.creator_id)),
          's' || lower(hex(t.status))
        FROM tasks_fts AS f JOIN tasks AS t ON t.seq = f.rowid;
      DROP TABLE tasks_fts;
      ALTER TABLE tasks_fts_lean RENAME TO tasks_fts;
    `,
  },
  {
    // Issue 14: the search index in partitions of consecutive seqs (search-partitions.ts says
    // why and how). What `tasks_fts` holds becomes partition 0, from seq 0, however many tasks
    // it has; the next new task opens partition 1 once it has PARTITION_TASKS.
    version: { sqlite: 10 },
    sql: () => `
      CREATE TABLE search_partitions (
        id        INTEGER PRIMARY KEY,
        first_seq INTEGER NOT NULL UNIQUE,
        n         INTEGER NOT NULL
      );
      ALTER TABLE tasks_fts RENAME TO tasks_fts_p0;
      INSERT INTO search_partitions (id, first_seq, n) VALUES (0, 0, (SELECT count(*) FROM tasks));
    `,
  },
  {
    // Issue 14 (disk): pending effects in a table of their own, a row while an entity has some.
    // In `entities` a row grew with an effect's input (a task's title and description, while it
    // is analysed and its issue opened) and shrank once it ran, leaving its page two-thirds
    // empty: 380 of a task's 580 bytes there were free space. `owner` is the instance running
    // them (migration 3's `effects_owner`).
    version: { sqlite: 11, postgres: 6 },
    sql: ({ name, types: t, isSet }) => `
      CREATE TABLE entity_effects (
        entity_id TEXT    PRIMARY KEY,
        effects   ${t.json} NOT NULL,
        owner     TEXT
      )${name === 'sqlite' ? ' WITHOUT ROWID' : ''};
      INSERT INTO entity_effects (entity_id, effects, owner)
        SELECT id, effects, effects_owner FROM entities WHERE ${isSet('has_effects')};
      DROP INDEX entities_effects;
      ALTER TABLE entities DROP COLUMN effects;
      ALTER TABLE entities DROP COLUMN has_effects;
      ALTER TABLE entities DROP COLUMN effects_owner;
    `,
  },
  {
    // Issue 14 (disk): SQLite's log as `log` and `log_entities` behind an `events` view
    // (SQLITE_EVENTS_VIEW says what each holds). Entity keys follow the entities' first events,
    // so one entity's rows and its neighbours' stay near. The cursor sequence carries over:
    // AUTOINCREMENT never hands out a cursor again, even one whose row an archive pass moved.
    version: { sqlite: 12 },
    sql: () => `
      CREATE TABLE log_entities (
        key      INTEGER PRIMARY KEY,
        id       TEXT    NOT NULL UNIQUE,
        org      TEXT    NOT NULL,
        owner_id TEXT    NOT NULL,
        private  INTEGER NOT NULL
      );
      CREATE TABLE log_words (
        code INTEGER PRIMARY KEY,
        word TEXT    NOT NULL UNIQUE
      );
      CREATE TABLE log (
        cursor      INTEGER PRIMARY KEY AUTOINCREMENT,
        kind        INTEGER NOT NULL,
        entity      INTEGER NOT NULL,
        version     INTEGER NOT NULL,
        type        INTEGER NOT NULL,
        at          INTEGER NOT NULL,
        actor       INTEGER,
        payload     TEXT,
        prev_status INTEGER,
        org         TEXT,
        owner_id    TEXT,
        private     INTEGER,
        state       TEXT    NOT NULL,
        UNIQUE (entity, version)
      );
      INSERT INTO log_entities (id, org, owner_id, private)
        SELECT entity_id, org, owner_id, private FROM (
          SELECT entity_id, org, owner_id, private, min(cursor) AS first FROM events GROUP BY entity_id
        ) ORDER BY first;
      INSERT INTO log_words (word)
        SELECT type FROM events UNION SELECT actor FROM events WHERE actor IS NOT NULL
        UNION SELECT prev_status FROM events WHERE prev_status IS NOT NULL;
      INSERT INTO log (cursor, kind, entity, version, type, at, actor, payload, prev_status, org, owner_id, private, state)
        SELECT e.cursor, CASE e.entity_type WHEN 'task' THEN 0 WHEN 'agent' THEN 1 END, k.key, e.version, ${code('e.type')},
          ${encodedAt('e.at')}, ${code('e.actor')}, e.payload, ${code('e.prev_status')},
          nullif(e.org, k.org), nullif(e.owner_id, k.owner_id), nullif(e.private, k.private), e.state
        FROM events AS e JOIN log_entities AS k ON k.id = e.entity_id ORDER BY e.cursor;
      INSERT INTO sqlite_sequence (name, seq) SELECT 'log', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'log');
      UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)) WHERE name = 'log';
      DROP TABLE events;
      CREATE INDEX log_kind ON log (kind, cursor);
      ${SQLITE_EVENTS_VIEW}
    `,
  },
  {
    // Issue 14 (disk): SQLite's snapshots keyed by their id alone. A rowid table kept a second
    // B-tree for \`id\` (its PRIMARY KEY), ~60 bytes a task; WITHOUT ROWID the table is that tree.
    // Its rows are small (a snapshot is a patch against the view, ~20 bytes), as such a table wants.
    version: { sqlite: 13 },
    sql: () => `
      CREATE TABLE entities_by_id (
        id      TEXT    PRIMARY KEY,
        type    TEXT    NOT NULL,
        version INTEGER NOT NULL,
        state   TEXT    NOT NULL
      ) WITHOUT ROWID;
      INSERT INTO entities_by_id (id, type, version, state) SELECT id, type, version, state FROM entities;
      DROP TABLE entities;
      ALTER TABLE entities_by_id RENAME TO entities;
    `,
  },
  {
    // Issue 16: task logs, beside the event log (src/logs/schema.ts says what each table holds).
    // SQLite keeps them in a file of its own (src/logs/sqlite-logs.ts), so only PostgreSQL here.
    version: { postgres: 7 },
    sql: (d) => logTablesSql(d) + POSTGRES_APPEND_FUNCTION,
  },
];
