/**
 * Every list and count query shape (tests/store/query-plans.ts) is served by indexes on a
 * database of a few thousand tasks with statistics (ANALYZE): no full scan of a table, no sort
 * of the rows read for ORDER BY, and counts that read the counters, never `tasks` (issue 14).
 * A missing index, or a query the planner cannot serve in `seq` order, fails here.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQLITE } from '../../src/store/sql.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { fillTasks, queryShapes, type Shape } from './query-plans.js';
import { fillArchiveSql, retentionShapes } from './retention-plans.js';

const dir = mkdtempSync(join(tmpdir(), 'plans-'));
let db: Database.Database;
let after: number;
let afterUpdated: number;

beforeAll(async () => {
  const file = join(dir, 'db');
  const store = new SqliteStore({ file });
  await fillTasks(store, 4000);
  const viewer = { id: 'acme/ada', name: 'Ada', org: 'acme' };
  after = (await store.listTasks({ viewer, first: 500 })).endCursor!;
  afterUpdated = (await store.listTasks({ viewer, first: 500, sort: 'updated' })).endCursor!;
  await store.close();
  db = new Database(file);
  for (const sql of fillArchiveSql(SQLITE)) db.exec(sql);
  db.exec('ANALYZE');
}, 120_000);

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What is wrong with a shape's plan (EXPLAIN QUERY PLAN's lines), if anything. */
function faults(shape: Shape, plan: string[]): string[] {
  return plan.filter(
    (line) =>
      /^SCAN (tasks|task_counts|org_task_counts|agents)\b/.test(line) ||
      // A range of `seq` alone (`after`) is the rest of the table: the scan again, from a page on.
      /^SEARCH tasks USING (COVERING )?INDEX \S+ \((updated_)?seq[<>]/.test(line) ||
      (shape.kind !== 'count' && /USE TEMP B-TREE FOR ORDER BY/.test(line)) ||
      // A search window or count reads the FTS5 index alone (visibility and status are its words),
      // newest first without sorting: never a row of `tasks` (search-window.ts).
      (shape.kind === 'search' && /^(SCAN|SEARCH) (tasks|t)\b/.test(line)) ||
      (shape.kind === 'count' && /^(SCAN|SEARCH) tasks\b/.test(line)),
  );
}

describe('SQLite query plans (4,000 tasks, ANALYZE)', () => {
  it('serve every list and count shape by index, in order, without a full scan', () => {
    const viewer = { id: 'acme/ada', name: 'Ada', org: 'acme' };
    const bad: Record<string, string[]> = {};
    const shapes = queryShapes(SQLITE, viewer, 'acme/bob', after, afterUpdated);
    for (const shape of shapes) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${shape.statement.sql}`).all(...shape.statement.params) as { detail: string }[]).map((r) => r.detail);
      const found = faults(shape, plan);
      if (shape.kind === 'search' && !plan.some((line) => /^SCAN tasks_fts_p0 VIRTUAL TABLE INDEX \d+:M/.test(line))) found.push('no FTS5 index');
      if (found.length > 0) bad[shape.name] = plan;
    }
    expect(shapes.length).toBeGreaterThan(80);
    expect(bad).toEqual({});
  });

  it('serve retention’s statements by key or index (issue 14); the cutoff’s walk goes in key order', () => {
    const bad: Record<string, string[]> = {};
    for (const shape of retentionShapes(SQLITE)) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${shape.statement.sql}`).all(...shape.statement.params) as { detail: string }[]).map((r) => r.detail);
      const found = plan.filter(
        (line) =>
          /USE TEMP B-TREE/.test(line) ||
          (/^SCAN /.test(line) && !(shape.walk && /^SCAN events$/.test(line))) ||
          // The pass's range of the log is a range of its key, never a walk of all of it.
          (shape.name.startsWith('candidate') && /^(SEARCH|SCAN) e\b/.test(line) && !/INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/.test(line)),
      );
      if (found.length > 0) bad[shape.name] = plan;
    }
    expect(bad).toEqual({});
  });
});
