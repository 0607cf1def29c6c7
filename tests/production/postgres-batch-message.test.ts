/**
 * The set-based group commit sends its statements as two multi-statement messages with their
 * JSON documents as dollar-quoted literals (postgres-batch.ts `send`). Two things must hold:
 * - whatever a user typed reaches the row as it was typed, through the literal: dollar-quote
 *   tags (`$d$`, `$d0$`, `$check$`), quotes, backslashes, SQL, emoji, in titles and descriptions;
 *   and no group falls back to the per-request path for it;
 * - a statement whose row count is checked raises inside its DO block when the count is wrong,
 *   so nothing after it in the message, COMMIT included, runs.
 */
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docOf, messageStatement } from '../../src/store/postgres-batch.js';
import { PostgresStore } from '../../src/store/postgres.js';
import type { Change } from '../../src/store/types.js';
import { taskChange } from '../store/task-counts.js';
import { DATABASE_URL, dropSchema, freshSchema } from './env.js';

const schema = freshSchema();
let store: PostgresStore;
let client: pg.Client;

const creator = { id: 'acme/ada', org: 'acme' };
/** Text as users type it, with what a literal could trip over mixed in (no NUL: JSONB refuses it on either path). */
const typed = fc
  .array(fc.oneof(fc.constantFrom('$d$', '$d0$', '$d1$', '$check$', '$$', '$&', "$'", '$`', "'", "''", '\\', '\\"', '$1::jsonb', "'; DROP TABLE events; --", 'é', '😀', '\n'), fc.string()), { maxLength: 6 })
  .map((parts) => parts.join('').replaceAll('\u0000', ''));

function titled(id: string, expectedVersion: number, title: string, description: string): Change {
  const change = taskChange(id, expectedVersion, creator, false, expectedVersion === 0 ? 'received' : 'analyzing', expectedVersion === 0 ? null : 'received');
  const view = { ...(change.view as object), title, description } as never;
  return { ...change, view, events: change.events.map((e) => ({ ...e, state: view })) };
}

describe.skipIf(!DATABASE_URL)('PostgreSQL group commit messages', () => {
  beforeAll(async () => {
    store = await PostgresStore.connect({ connectionString: DATABASE_URL!, schema });
    client = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
    await client.connect();
  });

  afterAll(async () => {
    await Promise.all([client?.end(), store?.close()]);
    await dropSchema(schema);
  });

  it('store what users typed as they typed it, set-based (no fallback)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(typed, typed), { minLength: 1, maxLength: 8 }), async (texts) => {
        // Created and moved in two groups of several requests each: every statement of both
        // messages carries them (a task's title and description are set once, at creation).
        const ids = texts.map(() => `lit-${n++}`);
        const created = await Promise.all(texts.map(([title, description], i) => store.commit([titled(ids[i], 0, title, description)])));
        const moved = await Promise.all(texts.map(([title, description], i) => store.commit([titled(ids[i], 1, title, description)])));
        for (let i = 0; i < texts.length; i++) {
          const [title, description] = texts[i];
          expect(created[i][0].state).toMatchObject({ title, description });
          const task = await store.getTask(ids[i]);
          expect(task).toMatchObject({ title, description, version: 2, status: 'analyzing' });
          const { events } = await store.readAfter(created[i][0].cursor - 1, { entityId: ids[i], limit: 10 });
          expect(events.map((e) => (e.state as { title: string }).title)).toEqual([title, title]);
          expect(events.map((e) => (e.state as { description: string }).description)).toEqual([description, description]);
          expect(events.map((e) => e.cursor)).toEqual([created[i][0].cursor, moved[i][0].cursor]);
        }
      }),
      { numRuns: 40 },
    );
    expect(store.groups.setBased).toBeGreaterThan(0);
    expect(store.groups.perRequest).toBe(0);
  });

  it('a row count that is not what was sent raises in its DO block, and the rest of the message, COMMIT included, does not run', async () => {
    await client.query('CREATE TABLE counted (id int)');
    await client.query('INSERT INTO counted VALUES (1)');
    const update = `UPDATE counted SET id = id WHERE id IN (SELECT (jsonb_array_elements_text($1::jsonb))::int)`;
    const message = (rows: number) =>
      ['BEGIN', 'INSERT INTO counted VALUES (2)', messageStatement([update, docOf('[1, 7]'), [rows, 'snapshots moved under their row locks']]), 'COMMIT'].join(';\n');

    await expect(client.query(message(2))).rejects.toThrow('batch: 1 snapshots moved under their row locks');
    await client.query('ROLLBACK');
    expect((await client.query('SELECT id FROM counted ORDER BY id')).rows).toEqual([{ id: 1 }]);

    await client.query(message(1));
    expect((await client.query('SELECT id FROM counted ORDER BY id')).rows).toEqual([{ id: 1 }, { id: 2 }]);
  });
});
