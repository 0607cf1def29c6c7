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
import { defineUnpacked } from '../../src/store/packed-json.js';
import { migrationsOf } from '../../src/store/migrate.js';
import { SQLITE } from '../../src/store/sql.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { fillTasks, logShapes, queryShapes, type Shape } from './query-plans.js';
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
    // A search page's rows are fetched by their seqs, the visibility rule checked on each row.
    const rows = shapes.find((shape) => shape.name === 'search page rows')!;
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${rows.statement.sql}`).all(...rows.statement.params) as { detail: string }[]).map((r) => r.detail);
    expect(plan).toEqual([expect.stringMatching(/^SEARCH tasks USING INDEX sqlite_autoindex_tasks_2 \(seq=\?\)$/)]);
  });

  it('serve the log’s reads through the `events` view by key or index, in order (issue 14, disk)', () => {
    const plans = Object.fromEntries(
      logShapes(SQLITE, 'plan-7', after).map((shape) => [
        shape.name,
        (db.prepare(`EXPLAIN QUERY PLAN ${shape.statement.sql}`).all(...shape.statement.params) as { detail: string }[]).map((r) => r.detail),
      ]),
    );
    const bad = Object.fromEntries(Object.entries(plans).filter(([, plan]) => plan.some((line) => /^SCAN |USE TEMP B-TREE/.test(line))));
    expect(bad).toEqual({});
    // Each page walks the log from the cursor: the key, or for a type the (kind, cursor) index.
    expect(plans['log page'][0]).toMatch(/^SEARCH l USING INTEGER PRIMARY KEY \(rowid>\?\)$/);
    // A type's page: the key walk, or the (kind, cursor) index, whichever the statistics favour
    // (here, ANALYZEd with tasks alone, the key); a store never ANALYZEs, and without statistics
    // the planner takes the index, which keeps an agent's page from walking every task event.
    for (const name of ['log page of tasks', 'log page of agents']) {
      expect(plans[name][0]).toMatch(/^SEARCH l USING (INTEGER PRIMARY KEY \(rowid>\?\)|INDEX log_kind \(kind=\? AND (rowid|cursor)>\?\))$/);
    }
    const fresh = new Database(':memory:');
    defineUnpacked(fresh);
    for (const sql of migrationsOf(SQLITE).values()) fresh.exec(sql);
    const [, , tasks, agents] = logShapes(SQLITE, 'plan-7', after);
    for (const shape of [tasks, agents]) {
      const plan = (fresh.prepare(`EXPLAIN QUERY PLAN ${shape.statement.sql}`).all(...shape.statement.params) as { detail: string }[]).map((r) => r.detail);
      expect(plan[0], shape.name).toMatch(/^SEARCH l USING INDEX log_kind \(kind=\? AND (rowid|cursor)>\?\)$/);
    }
    fresh.close();
    expect(plans['log page of an entity'].slice(0, 2)).toEqual([
      expect.stringMatching(/^SEARCH k USING (COVERING )?INDEX sqlite_autoindex_log_entities_1 \(id=\?\)$/),
      expect.stringMatching(/^SEARCH l USING INDEX sqlite_autoindex_log_1 \(entity=\?\)$/),
    ]);
    // Each word of a row (type, actor, previous status) is its code's key lookup.
    for (const plan of Object.values(plans)) {
      for (const line of plan) if (/log_words/.test(line)) expect(line).toBe('SEARCH log_words USING INTEGER PRIMARY KEY (rowid=?)');
    }
    expect(plans.head).toEqual([expect.stringMatching(/^SEARCH log$/)]);
  });

  it('serve retention’s statements by key or index (issue 14); the cutoff’s walk goes in key order', () => {
    const bad: Record<string, string[]> = {};
    for (const shape of retentionShapes(SQLITE)) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${shape.statement.sql}`).all(...shape.statement.params) as { detail: string }[]).map((r) => r.detail);
      const found = plan.filter(
        (line) =>
          /USE TEMP B-TREE/.test(line) ||
          (/^SCAN /.test(line) && !(shape.walk && /^SCAN l$/.test(line))),
      );
      // The pass's range of the log (`log`, as the `events` view names it) is a range of its key,
      // never a walk of all of it.
      if (shape.name.startsWith('candidate') && !/^SEARCH l USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)$/.test(plan[0])) found.push('not a key range');
      if (found.length > 0) bad[shape.name] = plan;
    }
    expect(bad).toEqual({});
  });
});
