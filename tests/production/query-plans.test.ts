/**
 * PostgreSQL's plans for every list and count query shape (tests/store/query-plans.ts) on a
 * schema of a few thousand tasks with statistics (ANALYZE), as the planner chooses them (no
 * enable_* switches): no sequential scan, no index scan without an index condition (or with
 * only `seq < after`, the rest of the table), no Sort for ORDER BY, and counts that read the
 * counters, never `tasks` (issue 14).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres.js';
import { POSTGRES } from '../../src/store/sql.js';
import { fillTasks, queryShapes, type Shape } from '../store/query-plans.js';
import { fillArchiveSql, retentionShapes } from '../store/retention-plans.js';
import { DATABASE_URL, dropSchema, freshSchema } from './env.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Cond'?: string;
  'Plan Rows'?: number;
  Plans?: PlanNode[];
}

const schema = freshSchema();
let client: pg.Client;
let after: number;
let afterUpdated: number;
let tableRows: number;

describe.skipIf(!DATABASE_URL)('PostgreSQL query plans (93,000 tasks, ANALYZE)', () => {
  beforeAll(async () => {
    const store = await PostgresStore.connect({ connectionString: DATABASE_URL!, schema });
    await fillTasks(store, 3000);
    await store.close();
    client = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
    await client.connect();
    // Thirty times as many rows like them (a commit per task through PostgreSQL takes a few ms):
    // at 3,000 rows of a few hundred pages the planner rightly sorts what a status matches.
    await client.query(`INSERT INTO tasks (id, seq, org, creator_id, private, status, version, view, branch, issue_number, updated_seq)
      SELECT id || '-' || g, seq + g * 100000, org, creator_id, private, status, version, view, branch, issue_number, updated_seq + g * 100000
      FROM tasks, generate_series(1, 30) AS g`);
    after = (await client.query<{ seq: number }>(`SELECT seq FROM tasks ORDER BY seq DESC OFFSET 2000 LIMIT 1`)).rows[0].seq;
    afterUpdated = (await client.query<{ seq: number }>(`SELECT updated_seq AS seq FROM tasks ORDER BY updated_seq DESC OFFSET 2000 LIMIT 1`)).rows[0].seq;
    for (const sql of fillArchiveSql(POSTGRES)) await client.query(sql);
    const tables = await client.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [schema]);
    for (const { table_name } of tables.rows) await client.query(`ANALYZE ${table_name}`);
    tableRows = (await client.query<{ n: number }>(`SELECT reltuples::bigint AS n FROM pg_class WHERE oid = 'tasks'::regclass`)).rows[0].n;
  }, 180_000);

  afterAll(async () => {
    await client?.end();
    await dropSchema(schema);
  });

  const readsTasks = (node: PlanNode): boolean => node['Relation Name'] === 'tasks' || (node.Plans ?? []).some(readsTasks);

  /** What is wrong with a plan, node by node. */
  function faults(shape: Shape, node: PlanNode, parent?: PlanNode, found: string[] = []): string[] {
    const relation = node['Relation Name'];
    const cond = node['Index Cond'];
    // The counters and agents are a few pages (a creator's, an org's rows): a Seq Scan is right.
    if (node['Node Type'] === 'Seq Scan' && relation === 'tasks') found.push('Seq Scan on tasks');
    // A walk in `seq` order without a range is the planner's choice where what it looks for is
    // dense: under a Limit it stops after about Limit × rows / matches. Dense means at least 2 %
    // (it reads at most 50 rows per row returned); anything sparser is a scan of the table.
    const dense = parent?.['Node Type'] === 'Limit' && (node['Plan Rows'] ?? 0) >= 0.02 * tableRows;
    if (/Index/.test(node['Node Type']) && relation === 'tasks' && (!cond || /^\(seq [<>]/.test(cond)) && !dense) {
      found.push(`${node['Node Type']} on tasks without a range (${cond ?? 'no Index Cond'}, ${node['Plan Rows']} of ${tableRows} rows)`);
    }
    // And a Sort is its choice for what it expects to be a few rows (one teammate's of a status):
    // past a thousand it walks the index in order instead; a Sort of more is a sort of history.
    if (shape.kind !== 'count' && /Sort/.test(node['Node Type']) && readsTasks(node) && (node['Plan Rows'] ?? 0) > 1000) {
      found.push(`${node['Node Type']} of ${node['Plan Rows']} rows of tasks`);
    }
    if (shape.kind === 'count' && relation === 'tasks') found.push(`${node['Node Type']} on tasks`);
    for (const child of node.Plans ?? []) faults(shape, child, node, found);
    return found;
  }

  it('serve every list and count shape by index, in order, without a full scan', async () => {
    const bad: Record<string, string[]> = {};
    const shapes = queryShapes(POSTGRES, { id: 'acme/ada', name: 'Ada', org: 'acme' }, 'acme/bob', after, afterUpdated);
    for (const shape of shapes) {
      const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${shape.statement.sql}`, shape.statement.params);
      const found = faults(shape, rows[0]['QUERY PLAN'][0].Plan);
      // A search of everything visible finds its matches by the GIN index (issue 14); one of a
      // creator's tasks may read that creator's range instead (fewer rows: the checks above hold).
      if (shape.kind === 'search' && / all( |$)/.test(shape.name) && !JSON.stringify(rows[0]['QUERY PLAN']).includes('"Index Name":"tasks_search"')) found.push('no tasks_search');
      if (found.length > 0) bad[shape.name] = found;
    }
    expect(shapes.length).toBeGreaterThan(80);
    expect(bad).toEqual({});
  });

  /** Every node of a plan, depth first. */
  const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];

  it('serve retention’s statements by key or index (issue 14); the cutoff’s walk goes in key order', async () => {
    const bad: Record<string, string[]> = {};
    for (const shape of retentionShapes(POSTGRES)) {
      const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${shape.statement.sql}`, shape.statement.params);
      const found: string[] = [];
      for (const node of nodes(rows[0]['QUERY PLAN'][0].Plan)) {
        const relation = node['Relation Name'] ?? '';
        // `agents` and the one-row `log_horizon` are a few pages: a Seq Scan is right there.
        if (node['Node Type'] === 'Seq Scan' && !['agents', 'log_horizon'].includes(relation)) found.push(`Seq Scan on ${relation}`);
        if (/Sort/.test(node['Node Type']) && (node['Plan Rows'] ?? 0) > 1000) found.push(`${node['Node Type']} of ${node['Plan Rows']} rows`);
        if (/Index/.test(node['Node Type']) && relation === 'events' && !node['Index Cond'] && !shape.walk) found.push(`${node['Node Type']} on events without a condition`);
      }
      if (found.length > 0) bad[shape.name] = found;
    }
    expect(bad).toEqual({});
  });
});
