/**
 * Versioned PostgreSQL migrations, applied in order at start (under an advisory lock, so several
 * instances starting together migrate once) or alone with `npm run migrate`.
 * Never edit a released migration: add a new one.
 */
export const POSTGRES_MIGRATIONS: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE events (
        cursor      BIGSERIAL PRIMARY KEY,
        entity_type TEXT    NOT NULL,
        entity_id   TEXT    NOT NULL,
        version     INTEGER NOT NULL,
        type        TEXT    NOT NULL,
        at          TEXT    NOT NULL,
        actor       TEXT,
        payload     JSONB,
        org         TEXT    NOT NULL,
        owner_id    TEXT    NOT NULL,
        private     BOOLEAN NOT NULL,
        prev_status TEXT,
        state       JSONB   NOT NULL,
        UNIQUE (entity_id, version)
      );
      CREATE INDEX events_entity ON events (entity_id, cursor);
      CREATE INDEX events_type ON events (entity_type, cursor);

      CREATE TABLE entities (
        id            TEXT    PRIMARY KEY,
        type          TEXT    NOT NULL,
        version       INTEGER NOT NULL,
        state         JSONB   NOT NULL,
        effects       JSONB   NOT NULL DEFAULT '[]',
        has_effects   BOOLEAN NOT NULL DEFAULT false,
        effects_owner TEXT
      );
      CREATE INDEX entities_effects ON entities (has_effects) WHERE has_effects;

      CREATE TABLE tasks (
        id           TEXT    PRIMARY KEY,
        seq          BIGINT  NOT NULL UNIQUE,
        org          TEXT    NOT NULL,
        creator_id   TEXT    NOT NULL,
        private      BOOLEAN NOT NULL,
        status       TEXT    NOT NULL,
        version      INTEGER NOT NULL,
        view         JSONB   NOT NULL,
        branch       TEXT,
        issue_number INTEGER
      );
      CREATE INDEX tasks_org ON tasks (org, seq);
      CREATE INDEX tasks_creator ON tasks (creator_id, seq);
      CREATE INDEX tasks_status ON tasks (status, seq);
      CREATE INDEX tasks_branch ON tasks (branch) WHERE branch IS NOT NULL;
      CREATE INDEX tasks_issue ON tasks (issue_number) WHERE issue_number IS NOT NULL;

      CREATE TABLE agents (
        id      TEXT    PRIMARY KEY,
        org     TEXT    NOT NULL,
        name    TEXT    NOT NULL,
        version INTEGER NOT NULL,
        view    JSONB   NOT NULL,
        UNIQUE (org, name)
      );

      CREATE TABLE deadlines (
        entity_id   TEXT   NOT NULL,
        key         TEXT   NOT NULL,
        entity_type TEXT   NOT NULL,
        due_at      BIGINT NOT NULL,
        event       JSONB  NOT NULL,
        PRIMARY KEY (entity_id, key)
      );
      CREATE INDEX deadlines_due ON deadlines (due_at);

      CREATE TABLE local_issues (
        number BIGSERIAL PRIMARY KEY,
        key    TEXT NOT NULL UNIQUE
      );

      CREATE TABLE webhook_deliveries (
        id          TEXT PRIMARY KEY,
        received_at TEXT NOT NULL,
        outcome     TEXT NOT NULL
      );

      -- Live server instances, for adopting the effects of one that died.
      CREATE TABLE instances (
        id      TEXT PRIMARY KEY,
        seen_at TIMESTAMPTZ NOT NULL
      );
    `,
  },
];
