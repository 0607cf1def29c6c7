/**
 * The EventStore contract on PostgreSQL, and gap-free cursors under concurrent writers.
 */
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/store/types.js';
import { change, storeContract } from '../store/contract.js';
import { DATABASE_URL, freshSchema, storesOnFreshSchemas } from './env.js';

const open = storesOnFreshSchemas();

describe.skipIf(!DATABASE_URL)('PostgresStore', () => {
  storeContract('postgres', () => open());

  it('migrations run once, also when several instances start together', async () => {
    const schema = freshSchema();
    const stores = await Promise.all([open(schema), open(schema), open(schema)]);
    expect(await stores[0].migrate()).toEqual([]); // all applied already, exactly once
    for (const s of stores) await s.close();
  });

  it('readers following cursors miss nothing while several writers commit concurrently', async () => {
    const schema = freshSchema();
    const writers = await Promise.all(Array.from({ length: 4 }, () => open(schema)));
    const reader = await open(schema);
    const WRITES_PER_WRITER = 150;
    const seenByReaders: number[][] = [[], [], []];
    let writing = true;

    // Readers poll the log by cursor, as the feed does, as fast as they can.
    const readers = seenByReaders.map(async (seen) => {
      let cursor = 0;
      while (writing || cursor < (await reader.head())) {
        const { events } = await reader.readAfter(cursor, { limit: 50 });
        for (const e of events) {
          seen.push(e.cursor);
          cursor = e.cursor;
        }
      }
    });
    // Writers: each its own pool (connections), many entities, concurrently, in group commits.
    const writes = writers.map(async (store, w) => {
      for (let i = 0; i < WRITES_PER_WRITER; i += 5) {
        await Promise.all(
          Array.from({ length: 5 }, (_, k) => store.commit([change(`w${w}-e${i + k}`, 0)])),
        );
      }
    });
    await Promise.all(writes);
    writing = false;
    await Promise.all(readers);

    const all: LogEvent[] = [];
    for (let cursor = 0; ; ) {
      const { events } = await reader.readAfter(cursor, { limit: 1000 });
      if (events.length === 0) break;
      all.push(...events);
      cursor = events.at(-1)!.cursor;
    }
    expect(all).toHaveLength(4 * WRITES_PER_WRITER);
    const every = all.map((e) => e.cursor);
    for (const seen of seenByReaders) expect(seen).toEqual(every); // nothing skipped, in order
    for (const s of [...writers, reader]) await s.close();
  }, 60_000);

  it('two writers updating one entity: one wins, the other conflicts; no version is reused', async () => {
    const schema = freshSchema();
    const [a, b] = await Promise.all([open(schema), open(schema)]);
    await a.commit([change('shared', 0)]);
    const results = await Promise.allSettled([a.commit([change('shared', 1)]), b.commit([change('shared', 1)])]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')?.reason?.name).toBe('VersionConflictError');
    const { events } = await a.readAfter(0, { limit: 10, entityId: 'shared' });
    expect(events.map((e) => e.version)).toEqual([1, 2]);
    await a.close();
    await b.close();
  });
});
