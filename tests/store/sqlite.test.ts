import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite.js';
import { change, storeContract } from './contract.js';

storeContract('sqlite', async () => new SqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'store-')), 'db') }));
// Writes on the calling thread (what `:memory:` databases use) keep the same contract.
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
});
