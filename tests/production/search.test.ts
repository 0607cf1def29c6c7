/** Search on the PostgreSQL store (tests/store/search-suite.ts), and the backfill of an older database. */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { searchChange, searchSuite } from '../store/search-suite.js';
import { DATABASE_URL, freshSchema, storesOnFreshSchemas } from './env.js';

const open = storesOnFreshSchemas();


describe.skipIf(!DATABASE_URL)('PostgreSQL search', () => {
  searchSuite(() => open());

  it('fills the search column of the tasks a database had before version 3', async () => {
    const schema = freshSchema();
    const store = await open(schema);
    const ada = { id: 'acme/ada', org: 'acme' };
    await store.commit([searchChange({ id: 'old', title: 'Legacy importer', description: 'slow', branch: 'fix/importer', pr: 77, creator: ada })]);
    const client = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
    await client.connect();
    await client.query(`DROP INDEX tasks_search; ALTER TABLE tasks DROP COLUMN search; DELETE FROM schema_migrations WHERE version = 3`);
    await client.end();
    expect(await store.migrate()).toEqual([3]);
    const viewer = { id: 'acme/bob', name: 'Bob', org: 'acme' };
    for (const q of [['legacy'], ['slow'], ['importer', 'fix'], ['77']]) {
      expect((await store.listTasks({ viewer, search: q, first: 5 })).tasks.map((t) => t.id), q.join(' ')).toEqual(['old']);
    }
    await store.close();
  });
});
