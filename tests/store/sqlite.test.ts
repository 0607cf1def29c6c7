import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite.js';
import { change, storeContract } from './contract.js';

storeContract('sqlite', async () => new SqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'store-')), 'db') }));
// Every write on the writer thread, or every write on the calling thread (what `:memory:`
// databases use): the default mixes both by group size, and each keeps the same contract.
storeContract('sqlite, writer thread only', async () =>
  new SqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'store-')), 'db'), writer: 'thread' }),
);
storeContract('sqlite, inline writer', async () =>
  new SqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'store-')), 'db'), writer: 'inline' }),
);

describe('SqliteStore', () => {
  it('keeps everything across reopen (WAL file on disk)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'store-')), 'db');
    const first = new SqliteStore({ file });
    await first.commit([change('a', 0)]);
    await first.commit([change('a', 1)]);
    await first.close();
    const second = new SqliteStore({ file });
    expect((await second.load('a'))?.version).toBe(2);
    expect((await second.readAfter(0, { limit: 10 })).events.map((e) => e.version)).toEqual([1, 2]);
    const next = await second.commit([change('b', 0)]);
    expect(next[0].cursor).toBe(3); // cursors continue, never reused
    await second.close();
  });

  it('lets the event loop turn while a caller commits in a loop (commits run on microtasks)', async () => {
    const store = new SqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'store-')), 'db'), writer: 'inline' });
    let fired = false;
    setTimeout(() => (fired = true), 20);
    let version = 0;
    // Each commit resolves within microtasks; without a turn of the event loop now and then the
    // timer above would never fire and this loop would never end.
    while (!fired) await store.commit([change('looping', version++)]);
    expect(version).toBeGreaterThan(0);
    await store.close();
  });

  it('moves between its own thread and the writer thread without reordering or losing a commit', async () => {
    const store = new SqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'store-')), 'db') });
    const resolved: number[] = [];
    const track = (p: Promise<{ cursor: number }[]>) => p.then((events) => resolved.push(...events.map((e) => e.cursor)));
    // Waves of bursts (groups far above the offload size: the writer thread) between single
    // commits (on this thread), several entities each time, some of them re-committed.
    for (let wave = 0; wave < 5; wave++) {
      await track(store.commit([change(`single-${wave}`, 0)]));
      await Promise.all(Array.from({ length: 700 }, (_, i) => track(store.commit([change(`burst-${wave}-${i}`, 0)]))));
      await track(store.commit([change(`single-${wave}`, 1)]));
    }
    const total = 5 * 702;
    expect(resolved).toHaveLength(total);
    // Every commit resolves in cursor order, and cursors are 1..total without a gap.
    expect(resolved).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const { events } = await store.readAfter(0, { limit: total + 1 });
    expect(events.map((e) => e.cursor)).toEqual(resolved);
    expect((await store.load('single-4'))?.version).toBe(2);
    await store.close();
  });
});
