/**
 * Versioned SQLite migrations, applied in order at open. Never edit a released migration:
 * add a new one, so existing data directories upgrade in place.
 */
export const SQLITE_MIGRATIONS: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE events (
        cursor      INTEGER PRIMARY KEY AUTOINCREMENT,
        entity_type TEXT    NOT NULL,
        entity_id   TEXT    NOT NULL,
        version     INTEGER NOT NULL,
        type        TEXT    NOT NULL,
        at          TEXT    NOT NULL,
        actor       TEXT,
        payload     TEXT,
        org         TEXT    NOT NULL,
        owner_id    TEXT    NOT NULL,
        private     INTEGER NOT NULL,
        prev_status TEXT,
        state       TEXT    NOT NULL,
        UNIQUE (entity_id, version)
      );
      CREATE INDEX events_entity ON events (entity_id, cursor);
      CREATE INDEX events_type ON events (entity_type, cursor);

      CREATE TABLE entities (
        id          TEXT    PRIMARY KEY,
        type        TEXT    NOT NULL,
        version     INTEGER NOT NULL,
        state       TEXT    NOT NULL,
        effects     TEXT    NOT NULL DEFAULT '[]',
        has_effects INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX entities_effects ON entities (has_effects) WHERE has_effects = 1;

      CREATE TABLE tasks (
        id         TEXT    PRIMARY KEY,
        seq        INTEGER NOT NULL UNIQUE,
        org        TEXT    NOT NULL,
        creator_id TEXT    NOT NULL,
        private    INTEGER NOT NULL,
        status     TEXT    NOT NULL,
        version    INTEGER NOT NULL,
        view       TEXT    NOT NULL
      );
      CREATE INDEX tasks_org ON tasks (org, seq);
      CREATE INDEX tasks_creator ON tasks (creator_id, seq);

      CREATE TABLE agents (
        id      TEXT    PRIMARY KEY,
        org     TEXT    NOT NULL,
        name    TEXT    NOT NULL,
        version INTEGER NOT NULL,
        view    TEXT    NOT NULL,
        UNIQUE (org, name)
      );

      CREATE TABLE deadlines (
        entity_id   TEXT    NOT NULL,
        key         TEXT    NOT NULL,
        entity_type TEXT    NOT NULL,
        due_at      INTEGER NOT NULL,
        event       TEXT    NOT NULL,
        PRIMARY KEY (entity_id, key)
      );
      CREATE INDEX deadlines_due ON deadlines (due_at);

      CREATE TABLE local_issues (
        number INTEGER PRIMARY KEY AUTOINCREMENT,
        key    TEXT    NOT NULL UNIQUE
      );
    `,
  },
  {
    version: 2,
    sql: `
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
    version: 3,
    sql: `ALTER TABLE entities ADD COLUMN effects_owner TEXT;`,
  },
  {
    version: 4,
    // (entity_id, version) is unique and, per entity, in the same order as cursor: the extra
    // (entity_id, cursor) index only cost a write per event.
    sql: `DROP INDEX events_entity;`,
  },
];
