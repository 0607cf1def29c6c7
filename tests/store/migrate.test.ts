/**
 * The one migration runner (src/store/migrate.ts) over both dialects' histories.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrateSync, migrationsOf, migrationSteps } from '../../src/store/migrate.js';
import { defineUnpacked } from '../../src/store/packed-json.js';
import { POSTGRES, SQLITE } from '../../src/store/sql.js';
import { SqliteLogWrites } from '../../src/store/sqlite-log-writes.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { WireEvent } from '../../src/store/rows.js';
import { change } from './contract.js';

describe('migrations', () => {
  it('keep the versions each dialect has recorded since its first release', () => {
    expect([...migrationsOf(SQLITE).keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    // PostgreSQL's version 1 took in SQLite's 1 to 3 and its own instance table; its 2 is SQLite's 5, its 3 SQLite's 6, its 4 SQLite's 7,
    // its 5 SQLite's 8 (retention; PostgreSQL's has the event_archive table besides), its 6 SQLite's 11;
    // its 7 the task-log tables (SQLite keeps them in logs.db: src/logs/sqlite-logs.ts).
    expect([...migrationsOf(POSTGRES).keys()]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(migrationsOf(POSTGRES).get(7)).toContain('CREATE FUNCTION append_task_logs');
    expect(migrationsOf(SQLITE).get(7)).toContain('updated_seq');
    expect(migrationsOf(POSTGRES).get(4)).toEqual(migrationsOf(SQLITE).get(7)!.replace(/INTEGER/g, 'BIGINT'));
    expect(migrationsOf(SQLITE).get(8)).toContain('CREATE TABLE log_horizon');
    expect(migrationsOf(SQLITE).get(8)).not.toContain('event_archive');
    expect(migrationsOf(POSTGRES).get(5)).toContain('CREATE TABLE event_archive');
    expect(migrationsOf(SQLITE).get(6)).toContain('USING fts5');
    expect(migrationsOf(POSTGRES).get(3)).toContain('USING GIN (search)');
    expect(migrationsOf(POSTGRES).get(2)).toContain('CREATE TABLE task_counts');
    expect(migrationsOf(POSTGRES).get(1)).toContain('CREATE TABLE instances');
    expect(migrationsOf(SQLITE).get(1)).not.toContain('instances');
  });

  it('run only the versions not recorded yet', () => {
    const steps = migrationSteps(SQLITE, 'now');
    expect(steps.next().value).toMatchObject({ exec: expect.stringContaining('schema_migrations') });
    expect(steps.next([]).value).toMatchObject({ query: 'SELECT version FROM schema_migrations' });
    // A database at version 2 (and the write probe's version 0, never a migration).
    let next = steps.next([{ version: 0 }, { version: 1 }, { version: 2 }]);
    const ran: unknown[] = [];
    while (!next.done) {
      ran.push(next.value);
      next = steps.next([]);
    }
    const later = [...migrationsOf(SQLITE).keys()].filter((v) => v > 2);
    expect(later).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(next.value).toEqual(later);
    expect(ran).toEqual(
      later.flatMap((v) => [
        { exec: migrationsOf(SQLITE).get(v) },
        { query: expect.stringContaining('INSERT INTO schema_migrations'), params: [v, 'now'] },
      ]),
    );
  });

  it('leave an SQLite file as it is on reopen: nothing re-runs, nothing is lost', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'store-')), 'db');
    const store = new SqliteStore({ file });
    await store.commit([change('kept', 0)]);
    await store.close();
    const recorded = () => {
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all();
      } finally {
        db.close();
      }
    };
    const before = recorded();
    expect(before.map((r) => (r as { version: number }).version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    const again = new SqliteStore({ file });
    expect((await again.load('kept'))?.version).toBe(1);
    await again.close();
    expect(recorded()).toEqual(before);
    // The runner itself, on the migrated file: nothing to apply.
    const db = new Database(file);
    expect(migrateSync(SQLITE, (step) => ('exec' in step ? [] : db.prepare(step.query).all(...step.params)))).toEqual([]);
    db.close();
  });

  it('move an SQLite file\'s pending effects out of `entities` (version 11), still pending and claimable', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'store-')), 'db');
    const first = new SqliteStore({ file, writer: 'inline' });
    await first.commit([change('busy', 0), change('idle', 0)]);
    await first.close();
    // The file as version 10 left it: effects in the entity's row.
    const effect = { id: 'e1', src: 'openIssue', input: { title: 'Export' }, epoch: 1 };
    const db = new Database(file);
    db.exec(`DROP TABLE entity_effects; DELETE FROM schema_migrations WHERE version = 11;
      ALTER TABLE entities ADD COLUMN effects TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE entities ADD COLUMN has_effects INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE entities ADD COLUMN effects_owner TEXT;
      CREATE INDEX entities_effects ON entities (has_effects) WHERE has_effects = 1;`);
    db.prepare(`UPDATE entities SET effects = ?, has_effects = 1, effects_owner = 'gone' WHERE id = 'busy'`).run(JSON.stringify([effect]));
    db.close();
    const store = new SqliteStore({ file, writer: 'inline' });
    expect((await store.load('busy'))?.effects).toEqual([effect]);
    expect((await store.load('idle'))?.effects).toEqual([]);
    expect((await store.claimOrphanedEffects('me')).map((r) => [r.id, r.effects])).toEqual([['busy', [effect]]]);
    await store.close();
    const after = new Database(file, { readonly: true });
    const columns = (after.prepare(`SELECT name FROM pragma_table_info('entities')`).pluck().all() as string[]).sort();
    after.close();
    expect(columns).toEqual(['id', 'state', 'type', 'version']);
  });

  it('key an SQLite file\'s snapshots by id alone (version 13, WITHOUT ROWID), every snapshot loaded as it was', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'store-')), 'db');
    const first = new SqliteStore({ file, writer: 'inline' });
    await first.commit([change('one', 0), change('two', 0)]);
    await first.commit([change('one', 1)]);
    const before = [await first.load('one'), await first.load('two')];
    await first.close();
    // Back to version 12's layout: a rowid table with its id in a second tree.
    const old = new Database(file);
    old.exec(`CREATE TABLE entities_old (id TEXT PRIMARY KEY, type TEXT NOT NULL, version INTEGER NOT NULL, state TEXT NOT NULL);
      INSERT INTO entities_old SELECT id, type, version, state FROM entities; DROP TABLE entities; ALTER TABLE entities_old RENAME TO entities;
      DELETE FROM schema_migrations WHERE version = 13;`);
    expect(old.prepare(`SELECT count(*) FROM sqlite_master WHERE tbl_name = 'entities' AND type = 'index'`).pluck().get()).toBe(1);
    old.close();

    const store = new SqliteStore({ file, writer: 'inline' });
    expect([await store.load('one'), await store.load('two')]).toEqual(before);
    await store.commit([change('one', 2)]);
    expect((await store.load('one'))?.version).toBe(3);
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'entities'`).pluck().get()).toMatch(/WITHOUT ROWID\s*$/);
    // No second tree for the id; and the old table's pages went back (incremental vacuum).
    expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE tbl_name = 'entities' AND type = 'index'`).pluck().get()).toBe(0);
    expect(db.pragma('freelist_count', { simple: true })).toBe(0);
    db.close();
  });

  it('move an SQLite file\'s log into `log` and `log_entities` behind the `events` view (version 12), every row read back as it was', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'store-')), 'db');
    // A file at version 11, with rows as that version's writers left them.
    const old = new Database(file);
    defineUnpacked(old);
    old.pragma('auto_vacuum = INCREMENTAL'); // as SqliteStore creates a file
    old.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`);
    for (const [version, sql] of migrationsOf(SQLITE)) {
      if (version > 11) break;
      old.exec(sql);
      old.prepare(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, 'then')`).run(version);
    }
    const insert = old.prepare(`INSERT INTO events (cursor, entity_type, entity_id, version, type, at, actor, payload, org, owner_id, private, prev_status, state)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const rows: unknown[][] = [
      [1, 'task', 't-1', 1, 'CREATED', '2026-12-03T13:53:57.248Z', 'ann', null, 'org-a', 'org-a/ann', 1, null, '{"title":"one"}'],
      [2, 'agent', 'a-1', 1, 'REGISTERED', '2026-12-03T13:53:58.000Z', null, '{"name":"bot"}', 'org-a', 'org-a/bob', 0, null, '{"name":"bot"}'],
      [3, 'task', 't-1', 2, 'ANALYSIS_STARTED', '2026-12-03T13:53:59.001Z', 'scheduler', null, 'org-a', 'org-a/ann', 1, 'received', '{"$":{"status":"analyzing"}}'],
      // Times `toISOString` would not spell so, kept as text; and a scope unlike the entity's first.
      [4, 'task', 't-1', 3, 'DISPATCHED', '2026-12-03T13:54:00Z', 'analyzer', null, 'org-b', 'org-b/cy', 0, 'analyzing', '{"$":{}}'],
      [5, 'task', 't-2', 1, 'CREATED', '2026-12-03T13:54:01.123456+00:00', 'cy', null, 'org-b', 'org-b/cy', 0, null, '{"title":"two"}'],
      [7, 'agent', 'a-1', 2, 'HEARTBEAT', '1970-01-01T00:00:00.000Z', null, null, 'org-a', 'org-a/bob', 0, null, '{"$":{}}'],
    ];
    for (const row of rows) insert.run(...row);
    // Cursor 8 was handed out and its row moved away (an archive pass): never handed out again.
    // And a long history of another entity, archived as well, whose pages the old table kept.
    const filler = JSON.stringify({ note: 'x'.repeat(2000) });
    for (let v = 1; v <= 200; v++) insert.run(8 + v, 'agent', 'a-old', v, 'HEARTBEAT', '2026-12-03T13:55:00.000Z', null, null, 'org-a', 'org-a/bob', 0, null, filler);
    insert.run(209, 'task', 't-2', 2, 'CANCELLED', '2026-12-03T13:55:00.000Z', 'cy', null, 'org-b', 'org-b/cy', 0, 'received', '{"$":{}}');
    old.exec(`DELETE FROM events WHERE cursor >= 8`);
    old.close();

    const store = new SqliteStore({ file, writer: 'inline' });
    await store.commit([change('next', 0)]);
    await store.close();
    const db = new Database(file);
    const columns = `cursor, entity_type, entity_id, version, type, at, actor, payload, org, owner_id, private, prev_status, state`;
    const read = () => db.prepare(`SELECT ${columns} FROM events WHERE cursor < 8 ORDER BY cursor`).raw().all();
    expect(read()).toEqual(rows);
    expect(db.prepare(`SELECT min(cursor) FROM events WHERE entity_id = 'next'`).pluck().get()).toBe(210);
    // The old table's pages went back to the file system (incremental vacuum after migration 12).
    expect(db.pragma('freelist_count', { simple: true })).toBe(0);
    expect(db.prepare(`SELECT type FROM sqlite_master WHERE name = 'events'`).pluck().get()).toBe('view');
    // What the migration stored: times as integers where they spell back, scope once per entity.
    expect(db.prepare(`SELECT cursor, typeof(at), org, owner_id, private FROM log WHERE cursor < 8 ORDER BY cursor`).raw().all()).toEqual([
      [1, 'integer', null, null, null],
      [2, 'integer', null, null, null],
      [3, 'integer', null, null, null],
      [4, 'text', 'org-b', 'org-b/cy', 0],
      [5, 'text', null, null, null],
      [7, 'integer', null, null, null],
    ]);
    // The view's INSERT trigger (the writer's path) stores the same rows as the migration did.
    const stored = () => db.prepare(`SELECT * FROM log WHERE cursor < 8 ORDER BY cursor`).raw().all();
    const migrated = stored();
    db.exec(`DELETE FROM events WHERE cursor < 8`);
    expect(read()).toEqual([]);
    const again = db.prepare(`INSERT INTO events (${columns}) VALUES (${columns.split(',').map(() => '?').join(', ')})`);
    for (const row of rows) again.run(...row);
    expect(stored()).toEqual(migrated);
    expect(read()).toEqual(rows);
    // The writer's appends (sqlite-log-writes.ts) store them alike too, cursors their own.
    db.exec(`DELETE FROM events WHERE cursor < 8`);
    const writes = new SqliteLogWrites(db);
    const cursors = rows.map((row) => writes.append(row.slice(1) as WireEvent));
    const appended = db.prepare(`SELECT * FROM log WHERE cursor >= ${cursors[0]} ORDER BY cursor`).raw().all() as unknown[][];
    expect(appended.map((row) => row.slice(1))).toEqual(migrated.map((row) => (row as unknown[]).slice(1)));
    expect(appended.map((row) => row[0])).toEqual(cursors);
    db.close();
  });
});
