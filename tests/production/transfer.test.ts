/**
 * `conveyor export` / `import` from SQLite into PostgreSQL (src/store/transfer.ts): the imported
 * schema answers everything as the SQLite source does, its counters equal a recount, new writes
 * go on past the imported cursors and issue numbers, and a non-empty target or a bad line is
 * refused with nothing written.
 */
import pg from 'pg';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { importLines, TransferError } from '../../src/store/transfer.js';
import { taskChange } from '../store/task-counts.js';
import { exportAll, expectVariedFill, expectWorkingAfterImport, fillDataDir, storeSnapshot } from '../store/transfer.js';
import { DATABASE_URL, dropSchema, freshSchema } from './env.js';

const schemas: string[] = [];
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  for (const schema of schemas) await dropSchema(schema);
});

async function openPg() {
  const schema = freshSchema();
  schemas.push(schema);
  const store = await PostgresStore.connect({ connectionString: DATABASE_URL!, schema });
  const client = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
  await client.connect();
  closers.push(async () => {
    await client.end();
    await store.close();
  });
  return { store, raw: async (sql: string) => (await client.query(sql)).rows as Record<string, unknown>[] };
}

describe.skipIf(!DATABASE_URL)('export from SQLite, import into PostgreSQL', () => {
  let source: SqliteStore;
  let lines: string[];
  beforeAll(async () => {
    const dir = await fillDataDir();
    source = await SqliteStore.open({ file: join(dir, 'conveyor.db') });
    closers.push(async () => {
      await source.close();
      rmSync(dir, { recursive: true, force: true });
    });
    lines = await exportAll(source);
  }, 60_000);

  it('answers everything as the source does; counters, cursors and issue numbers go on', async () => {
    const { store, raw } = await openPg();
    const summary = await importLines(store, lines);
    expect(summary.header.dialect).toBe('sqlite');
    const before = await storeSnapshot(source);
    expectVariedFill(before);
    expect(await storeSnapshot(store)).toEqual(before);
    const head = await store.head();
    const lastIssue = Math.max(...lines.map((l) => JSON.parse(l)).filter((l) => l.kind === 'localIssue').map((l) => l.number));
    await expectWorkingAfterImport(store, raw, lastIssue);
    const events = await store.commit([taskChange('after-import', 0, { id: 'acme/ada', org: 'acme' }, false, 'received', null)]);
    expect(events[0].cursor).toBe(head + 1);

    // And back out of PostgreSQL: the same rows (JSONB orders keys its own way: compared parsed).
    const again = (await exportAll(store)).map((l) => JSON.parse(l));
    const original = lines.map((l) => JSON.parse(l));
    expect(again[0]).toMatchObject({ dialect: 'postgres', head: head + 1 });
    const withoutNew = again.filter((l) => l.entityId !== 'after-import' && l.id !== 'after-import' && l.key !== 'after-import' && l.kind !== 'end');
    expect(withoutNew.slice(1)).toEqual(original.slice(1, -1));
  });

  it('refuses a non-empty schema, a bad line and another format version, writing nothing', async () => {
    const { store, raw } = await openPg();
    const count = async () => Number((await raw(`SELECT count(*) AS n FROM events`))[0].n) + Number((await raw(`SELECT count(*) AS n FROM entities`))[0].n);
    const refusal = (input: string[]) => importLines(store, input).then(() => null, (e: unknown) => e as Error);

    const n = lines.findLastIndex((l) => l.includes('"kind":"agent"')) + 1;
    const bad = [...lines];
    bad[n - 1] = JSON.stringify({ ...JSON.parse(bad[n - 1]), version: 'two' });
    const error = await refusal(bad);
    expect(error).toBeInstanceOf(TransferError);
    expect(error!.message).toMatch(new RegExp(`^line ${n}: bad agent: version: `));
    expect(await count()).toBe(0);

    expect((await refusal([JSON.stringify({ ...JSON.parse(lines[0]), version: 99 }), ...lines.slice(1)]))!.message).toMatch(/^line 1: format version 99/);
    expect(await count()).toBe(0);

    await importLines(store, lines);
    const stored = await count();
    expect((await refusal(lines))!.message).toMatch(/not empty/);
    expect(await count()).toBe(stored);
  });
});
