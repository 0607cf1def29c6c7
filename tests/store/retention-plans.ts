/**
 * The statements retention adds (src/store/retention-sql.ts), for the query-plan tests of both
 * dialects (tests/store/query-plans.test.ts, tests/production/query-plans.test.ts): each must be
 * served by a key or an index, except `firstAtOrAfter`, which walks the log's primary key in
 * order from its oldest event (retention-sql.ts says why that walk stays short).
 */
import { boundedEventPageSql, retentionSql } from '../../src/store/retention-sql.js';
import type { Dialect, Statement } from '../../src/store/sql.js';

export interface RetentionShape {
  name: string;
  statement: Statement;
  /** Walks the log's primary key in order (no index on `at`). */
  walk?: boolean;
}

export function retentionShapes(d: Dialect): RetentionShape[] {
  const sql = retentionSql(d);
  const shapes: RetentionShape[] = [
    { name: 'archivedEntity', statement: { sql: sql.archivedEntity, params: ['agent-7'] } },
    { name: 'compactPage', statement: { sql: sql.compactPage, params: ['task-7', 0, 1_000_000, 500] } },
    { name: 'candidates', statement: { sql: sql.candidates, params: [100, 4000, 4000, 1000] } },
    { name: 'candidateRows', statement: { sql: sql.candidateRows, params: [100, 4000, 4000, 1000] } },
    { name: 'eventAt', statement: { sql: sql.eventAt, params: ['plan-7', 2] } },
    { name: 'firstAtOrAfter', statement: { sql: sql.firstAtOrAfter, params: ['2026-01-01T00:00:00.000Z'] }, walk: true },
  ];
  if (d.name === 'postgres') {
    shapes.push(
      { name: 'readAfter all', statement: { sql: boundedEventPageSql('all'), params: [100, 500] } },
      { name: 'readAfter type', statement: { sql: boundedEventPageSql('type'), params: ['task', 100, 500] } },
      { name: 'readAfter entity', statement: { sql: boundedEventPageSql('entity'), params: ['plan-7', 0, 500] } },
    );
  }
  return shapes;
}

/** Rows for the retention tables' statistics: archived entities and their compact timelines. */
export function fillArchiveSql(d: Dialect): string[] {
  if (d.name === 'postgres') {
    return [
      `INSERT INTO archived_entities SELECT 'task-' || g, 'task', 'acme', 'acme/ada', false, g * 10 FROM generate_series(1, 20000) AS g`,
      `INSERT INTO compact_timeline SELECT 'task-' || g, g * 10 + v, v, 'STEP', '2026-01-01T00:00:00.000Z', 'Ada', 'merged', '"merged"'
        FROM generate_series(1, 20000) AS g, generate_series(1, 5) AS v`,
    ];
  }
  return [
    `WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 20000)
      INSERT INTO archived_entities SELECT 'task-' || n, 'task', 'acme', 'acme/ada', 0, n * 10 FROM g`,
    `WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 20000), v(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM v WHERE k < 5)
      INSERT INTO compact_timeline SELECT 'task-' || n, n * 10 + k, k, 'STEP', '2026-01-01T00:00:00.000Z', 'Ada', 'merged', '"merged"' FROM g, v`,
  ];
}
