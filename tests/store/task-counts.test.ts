/**
 * The SQLite store's task counters against a full recount (tests/store/task-counts.ts), on each
 * writer: the default (small groups on this thread, big ones on the writer thread), the writer
 * thread only, and inline.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite.js';
import { checkCountsProperty } from './task-counts.js';

describe('SQLite task counters equal a recount of tasks', () => {
  it.each(['auto', 'thread', 'inline'] as const)('after random commits (writer: %s)', async (writer) => {
    await checkCountsProperty(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'counts-'));
      const file = join(dir, 'db');
      const store = new SqliteStore({ file, writer });
      const db = new Database(file, { readonly: true });
      return {
        store,
        raw: async (sql) => db.prepare(sql).all() as Record<string, unknown>[],
        close: async () => {
          db.close();
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }, writer === 'auto' ? 40 : 15);
  });
});
