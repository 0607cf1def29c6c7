/** The list by latest change on the PostgreSQL store (tests/store/sort-suite.ts), and its migration's backfill. */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { searchChange } from '../store/search-suite.js';
import { sortSuite } from '../store/sort-suite.js';
import { DATABASE_URL, freshSchema, storesOnFreshSchemas } from './env.js';

const open = storesOnFreshSchemas();

describe.skipIf(!DATABASE_URL)('PostgreSQL sort by latest change', () => {
  sortSuite(() => open());

  it('fills updated_seq from the log for the tasks a database had before version 4', async () => {
    const schema = freshSchema();
    const store = await open(schema);
    const ada = { id: 'acme/ada', org: 'acme' };
    await store.commit([searchChange({ id: 'a', title: 'a', creator: ada })]);
    await store.commit([searchChange({ id: 'b', title: 'b', creator: ada })]);
    const [changed] = await store.commit([searchChange({ id: 'a', title: 'a', creator: ada, status: 'coding' }, 2, 'received')]);
    const client = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
    await client.connect();
    await client.query(`ALTER TABLE tasks DROP COLUMN updated_seq; DELETE FROM schema_migrations WHERE version = 4`);
    await client.end();
    expect(await store.migrate()).toEqual([4]);
    const page = await store.listTasks({ viewer: { ...ada, name: 'Ada' }, first: 5, sort: 'updated' });
    expect(page.tasks.map((t) => t.id)).toEqual(['a', 'b']);
    expect(page.keys[0]).toBe(changed.cursor);
    await store.close();
  });
});
