/**
 * Retention on PostgreSQL (tests/store/retention.ts has the shared checks), and what only
 * PostgreSQL has: archived events in `event_archive` chunks, and one pass at a time across
 * instances (the advisory lock).
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { RETENTION_LOCK } from '../../src/store/postgres-archive.js';
import { CUTOFF, expectedArchived, fillLog, retentionSuite } from '../store/retention.js';
import { DATABASE_URL, freshSchema, hasServices, storesOnFreshSchemas } from './env.js';

describe.skipIf(!hasServices)('retention: PostgreSQL', () => {
  const open = storesOnFreshSchemas();
  retentionSuite(() => open());

  it('runs one pass at a time across instances: another instance skips its turn', async () => {
    const schema = freshSchema();
    const store = await open(schema);
    const before = await fillLog(store);
    // Another instance's pass holds the lock (on its own session, as a pass does).
    const other = new pg.Client({ connectionString: DATABASE_URL });
    await other.connect();
    await other.query('SELECT pg_advisory_lock($1)', [RETENTION_LOCK]);
    try {
      expect(await store.archive({ before: CUTOFF })).toBeNull();
      expect((await store.logBounds()).horizon).toBe(0);
    } finally {
      await other.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK]);
      await other.end();
    }
    // Once it is done, the next pass runs; and a pass lets go of the lock when it ends.
    expect(await store.archive({ before: CUTOFF })).toMatchObject({ archived: expectedArchived(before).length, tasks: 2, agents: 1 });
    const [{ free }] = (await store.transfer('read').then(async (session) => {
      const rows = await session.rows<{ free: boolean }>('SELECT pg_try_advisory_lock($1) AS free', [RETENTION_LOCK]);
      await session.rows('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK]);
      await session.end(false);
      return rows;
    }));
    expect(free).toBe(true);
    await store.close();
  });

  it('keeps the archived events in event_archive chunks of at most a batch each', async () => {
    const store = await open();
    const before = await fillLog(store);
    const pass = (await store.archive({ before: CUTOFF, batchSize: 3 }))!;
    const archived = expectedArchived(before).map((e) => e.cursor);
    const batches = Array.from({ length: Math.ceil(archived.length / 3) }, (_, i) => archived.slice(3 * i, 3 * i + 3));
    expect(pass.where).toHaveLength(batches.length);
    const client = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${(store as unknown as { schema: string }).schema}` });
    await client.connect();
    const chunks = (await client.query<{ first_cursor: number; last_cursor: string; events: number }>('SELECT first_cursor, last_cursor, events FROM event_archive ORDER BY first_cursor')).rows;
    await client.end();
    expect(chunks.map((c) => [Number(c.first_cursor), Number(c.last_cursor), c.events])).toEqual(batches.map((b) => [b[0], b.at(-1), b.length]));
    await store.close();
  });
});
