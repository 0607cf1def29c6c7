/**
 * The log's page reads on PostgreSQL (postgres-log.ts), planned as the store's log connections
 * plan them (`LOG_READ_PLANNER`), on a log that has not been analyzed since it grew, as a fresh
 * deployment's is until autovacuum's first ANALYZE (and a bench's, filled in seconds): autovacuum
 * off on `events`, 30,000 events. Every page shape must walk an index in cursor (or version)
 * order and stop at its limit, without JIT.
 *
 * The same "events of a type after a cursor" page planned with the default settings is shown to
 * read every event after the cursor (bitmap scan and top-N sort: the planner expects ~100): the
 * bench resume on PostgreSQL ran at 20,000 events/s so, and at 87,000 with the log connections'
 * settings (README, issue 15).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundedEventPageSql } from '../../src/store/retention-sql.js';
import { LOG_READ_PLANNER, PostgresStore } from '../../src/store/postgres.js';
import { DATABASE_URL, dropSchema, freshSchema } from './env.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

const schema = freshSchema();
const LIMIT = 500;
const AGENTS = 100;
let store: PostgresStore;
let tuned: pg.Client;
let plain: pg.Client;

/** Insert `n` agent events (heartbeats of AGENTS agents, versions going on from `from`), one statement. */
function insertEvents(from: number, n: number): string {
  return `INSERT INTO events (entity_type, entity_id, version, type, at, actor, payload, org, owner_id, private, prev_status, state)
    SELECT 'agent', 'agent-' || (g % ${AGENTS}), ${from} + g / ${AGENTS}, 'HEARTBEAT', '2026-12-04T00:00:00.000Z', 'bench',
      '{"type":"HEARTBEAT"}'::jsonb, 'acme', 'acme/u', false, NULL, '{"value":"idle"}'::jsonb
    FROM generate_series(0, ${n - 1}) AS g`;
}

function nodes(node: PlanNode, out: PlanNode[] = []): PlanNode[] {
  out.push(node);
  for (const child of node.Plans ?? []) nodes(child, out);
  return out;
}

async function explain(client: pg.Client, sql: string, values: unknown[]): Promise<{ plan: PlanNode; jit: boolean }> {
  const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode; JIT?: unknown }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, values);
  const [top] = rows[0]['QUERY PLAN'];
  return { plan: top.Plan, jit: top.JIT !== undefined };
}

/** The scans of `events` in a plan, and how many rows each produced in all. */
function eventScans(plan: PlanNode): { type: string; rows: number }[] {
  return nodes(plan)
    .filter((n) => n['Relation Name'] === 'events' && /Scan/.test(n['Node Type']))
    .map((n) => ({ type: n['Node Type'], rows: (n['Actual Rows'] ?? 0) * (n['Actual Loops'] ?? 1) }));
}

describe.skipIf(!DATABASE_URL)('PostgreSQL log page reads on a log not analyzed since it grew', () => {
  beforeAll(async () => {
    store = await PostgresStore.connect({ connectionString: DATABASE_URL!, schema });
    const connect = async (settings: string) => {
      const client = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}${settings}` });
      await client.connect();
      return client;
    };
    plain = await connect('');
    tuned = await connect(LOG_READ_PLANNER);
    await plain.query(`ALTER TABLE events SET (autovacuum_enabled = false)`);
    await plain.query(insertEvents(1, 30_000));
  }, 60_000);

  afterAll(async () => {
    await Promise.all([tuned?.end(), plain?.end(), store?.close()]);
    await dropSchema(schema);
  });

  const shapes = [
    { name: 'events of a type after a cursor', sql: boundedEventPageSql('type'), values: ['agent', 15_000, LIMIT] },
    { name: 'every event after a cursor', sql: boundedEventPageSql('all'), values: [15_000, LIMIT] },
    { name: "one entity's events after a cursor", sql: boundedEventPageSql('entity'), values: ['agent-7', 15_000, LIMIT] },
  ];

  it.each(shapes)('$name: an index walk that stops at the limit, no bitmap or sequential scan of events, no JIT', async ({ sql, values }) => {
    const { plan, jit } = await explain(tuned, sql, values);
    const scans = eventScans(plan).filter((s) => s.rows > 1); // the head's max(cursor) reads one
    expect(scans.length, JSON.stringify(plan)).toBeGreaterThan(0);
    for (const scan of scans) {
      expect(scan.type, JSON.stringify(plan)).toMatch(/^Index (Only )?Scan$/);
      expect(scan.rows, JSON.stringify(plan)).toBeLessThanOrEqual(LIMIT);
    }
    expect(jit).toBe(false);
  });

  it('the default planner reads every event after the cursor for a page of a type (why the log connections are tuned)', async () => {
    const { plan } = await explain(plain, boundedEventPageSql('type'), ['agent', 15_000, LIMIT]);
    const read = Math.max(...eventScans(plan).map((s) => s.rows));
    expect(read, JSON.stringify(plan)).toBeGreaterThan(20 * LIMIT);
  });

  it("the store's readAfter pages through the grown log in order (on the log connections)", async () => {
    let cursor = 15_000;
    let total = 0;
    for (let page = 0; page < 5; page++) {
      const { events } = await store.readAfter(cursor, { entityType: 'agent', limit: LIMIT });
      expect(events).toHaveLength(LIMIT);
      expect(events.every((e, i) => e.cursor > cursor && (i === 0 || e.cursor > events[i - 1].cursor))).toBe(true);
      cursor = events.at(-1)!.cursor;
      total += events.length;
    }
    expect(total).toBe(5 * LIMIT);
  });
});
