/**
 * The PostgreSQL store's task counters against a full recount (tests/store/task-counts.ts), and
 * the migration's backfill of a database whose tasks were stored before the counters existed.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres.js';
import { checkCountsProperty, expectCountsMatchRecount, taskChange } from '../store/task-counts.js';
import { DATABASE_URL, dropSchema, freshSchema } from './env.js';

const schemas: string[] = [];
afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema);
});

async function openWithRaw(schema: string) {
  if (!schemas.includes(schema)) schemas.push(schema);
  const store = await PostgresStore.connect({ connectionString: DATABASE_URL!, schema });
  const client = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
  await client.connect();
  return {
    store,
    raw: async (sql: string) => (await client.query(sql)).rows as Record<string, unknown>[],
    close: async () => {
      await client.end();
      await store.close();
    },
  };
}

describe.skipIf(!DATABASE_URL)('PostgreSQL task counters equal a recount of tasks', () => {
  it('after random commits', async () => {
    // One schema for every run: its counters and tasks add up across runs, and must still agree.
    const schema = freshSchema();
    await checkCountsProperty(() => openWithRaw(schema), 12);
  });

  it('are filled from the tasks a database had before version 2', async () => {
    const schema = freshSchema();
    const { store, raw, close } = await openWithRaw(schema);
    await store.commit([taskChange('old-1', 0, { id: 'acme/ada', org: 'acme' }, false, 'received', null)]);
    await store.commit([taskChange('old-2', 0, { id: 'acme/ada', org: 'acme' }, true, 'received', null)]);
    await store.commit([taskChange('old-1', 1, { id: 'acme/ada', org: 'acme' }, false, 'merged', 'received')]);
    await store.commit([taskChange('old-3', 0, { id: 'roamer', org: 'globex' }, false, 'failed', null)]);
    // As a database of version 1 had them: no counters, version 2 not recorded.
    await raw(`DROP TABLE task_counts; DROP TABLE org_task_counts; DROP INDEX tasks_public, tasks_public_status, tasks_creator_status, tasks_creator_public, tasks_creator_public_status;
      CREATE INDEX tasks_org ON tasks (org, seq); DELETE FROM schema_migrations WHERE version = 2`);
    expect(await store.migrate()).toEqual([2]);
    await expectCountsMatchRecount(store, raw);
    expect((await store.countTasks({ id: 'acme/bob', name: 'B', org: 'acme' }, { mine: false })).byStatus).toEqual({ merged: 1 });
    await close();
  });
});
