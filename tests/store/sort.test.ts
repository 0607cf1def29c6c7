/** The list by latest change on the SQLite store (tests/store/sort-suite.ts), and its migration's backfill. */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite.js';
import { searchChange } from './search-suite.js';
import { sortSuite } from './sort-suite.js';

const file = () => join(mkdtempSync(join(tmpdir(), 'sort-')), 'db');

describe('SQLite sort by latest change (inline writer)', () => {
  sortSuite(async () => new SqliteStore({ file: file(), writer: 'inline' }));
});

describe('SQLite sort by latest change (writer thread)', () => {
  sortSuite(async () => new SqliteStore({ file: file(), writer: 'thread' }));
});

describe('SQLite sort migration', () => {
  it('fills updated_seq from the log for the tasks a database had before version 7', async () => {
    const path = file();
    const first = new SqliteStore({ file: path, writer: 'inline' });
    const ada = { id: 'acme/ada', org: 'acme' };
    await first.commit([searchChange({ id: 'a', title: 'a', creator: ada })]);
    await first.commit([searchChange({ id: 'b', title: 'b', creator: ada })]);
    const [changed] = await first.commit([searchChange({ id: 'a', title: 'a', creator: ada, status: 'coding' }, 2, 'received')]);
    await first.close();
    const db = new Database(path);
    db.exec(`DROP INDEX tasks_public_updated; DROP INDEX tasks_creator_updated; DROP INDEX tasks_creator_public_updated;
      ALTER TABLE tasks DROP COLUMN updated_seq; DELETE FROM schema_migrations WHERE version = 7`);
    db.close();
    const store = new SqliteStore({ file: path, writer: 'inline' });
    const page = await store.listTasks({ viewer: { ...ada, name: 'Ada' }, first: 5, sort: 'updated' });
    expect(page.tasks.map((t) => t.id)).toEqual(['a', 'b']);
    expect(page.keys[0]).toBe(changed.cursor);
    await store.close();
  });
});
