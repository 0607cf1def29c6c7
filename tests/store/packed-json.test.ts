/**
 * SQLite's packed JSON (src/store/packed-json.ts): what is packed reads back as the very text
 * committed, a patch is told from its tag, and the dictionary of a tag never changes (rows
 * packed with it are read with it for ever).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineUnpacked, DICTIONARY_V1_BYTES, isPacked, isPackedPatch, packJson, parseStored, unpackJson } from '../../src/store/packed-json.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { isStoredPatch } from '../../src/store/view-patch.js';
import { change } from './contract.js';

describe('packed JSON', () => {
  it('keeps dictionary v1 byte for byte: rows packed with it must inflate with it', () => {
    expect(DICTIONARY_V1_BYTES.length).toBe(1972);
    expect(createHash('sha256').update(DICTIONARY_V1_BYTES).digest('hex')).toBe('095af7722b1b536e7c9152d6bf2b3b4e31562800d4faefd2962548b2ebd02e23');
  });

  it('reads back every text exactly, packed or left as it is', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, asPatch) => {
        const text = JSON.stringify(asPatch ? { $: value } : { v: value });
        const stored = packJson(text);
        expect(parseStored(stored)).toEqual(JSON.parse(text));
        if (isPacked(stored)) {
          expect(unpackJson(stored)).toBe(text);
          expect(stored.length).toBeLessThan(Buffer.byteLength(text));
          expect(isPackedPatch(stored)).toBe(asPatch);
          expect(isStoredPatch(stored)).toBe(asPatch);
        } else {
          expect(stored).toBe(text);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('leaves short texts as text, and packs a task view to well under half', () => {
    expect(packJson('{"$":{"status":"coding"}}')).toBe('{"$":{"status":"coding"}}');
    const view = JSON.stringify({
      id: 'c35ea0c6-4839-44a7-83bf-21d8ed606ec3', title: 'Fix the CSV import', description: 'Rows with a BOM are read as one column.', private: false,
      creator: { id: 'acme/ada', name: 'Ada' }, org: 'acme', createdAt: '2026-12-04T02:01:15.687Z', clarifications: [],
      waiting: { code: 'no_agent_online', reason: 'no agent of acme is online', since: '2026-12-04T02:01:16.391Z' },
      status: 'dispatched', stateValue: { active: { dispatched: 'queued' } }, version: 5, updatedAt: '2026-12-04T02:01:16.570Z', '~': 4094,
    });
    const packed = packJson(view);
    expect(isPacked(packed) && !isPackedPatch(packed)).toBe(true);
    expect((packed as Buffer).length).toBeLessThan(Buffer.byteLength(view) / 2);
  });

  it('refuses a tag it does not know, with what it is', () => {
    expect(() => unpackJson(Buffer.from([9, 1, 2, 3]))).toThrow(/packed with tag 9, which this version does not know/);
  });

  it('is what an SQLite store writes for a task, and SQL reads it back through unpacked()', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'packed-')), 'db');
    const store = new SqliteStore({ file, writer: 'inline' });
    await store.commit([change('t-1', 0)]);
    await store.commit([change('t-1', 1)]);
    const committed = await store.getTask('t-1');
    await store.close();
    const db = new Database(file, { readonly: true });
    const view = db.prepare(`SELECT view FROM tasks WHERE id = 't-1'`).pluck().get();
    expect(isPacked(view)).toBe(true);
    expect(parseStored(view)).toMatchObject({ id: 't-1', version: 2 });
    const states = db.prepare(`SELECT typeof(state) FROM events WHERE entity_id = 't-1' ORDER BY version`).pluck().all();
    expect(states).toContain('blob');
    defineUnpacked(db);
    expect(db.prepare(`SELECT json_extract(unpacked(view), '$.id') FROM tasks`).pluck().get()).toBe('t-1');
    expect(db.prepare(`SELECT unpacked('{"a":1}')`).pluck().get()).toBe('{"a":1}');
    db.close();
    const again = new SqliteStore({ file, writer: 'inline' });
    expect(await again.getTask('t-1')).toEqual(committed);
    await again.close();
  });
});
