/** Search on the SQLite store (tests/store/search-suite.ts), and the filter's input rules. */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import { formatSearchCursor, parseSearchCursor } from '../../src/services/cursor.js';
import { parseSearch } from '../../src/services/tasks.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { searchChange, searchSuite } from './search-suite.js';

describe('SQLite search (inline writer)', () => {
  searchSuite(async () => new SqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'search-')), 'db'), writer: 'inline' }));
});

describe('SQLite search (writer thread)', () => {
  searchSuite(async () => new SqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'search-')), 'db'), writer: 'thread' }));
});

describe('filter.search input', () => {
  it('is plain words; blank or punctuation is no search; over 200 characters is BAD_USER_INPUT', () => {
    expect(parseSearch(null)).toEqual([]);
    expect(parseSearch('   ')).toEqual([]);
    expect(parseSearch('"*(-)"')).toEqual([]);
    expect(parseSearch('Login NEAR "form" login')).toEqual(['login', 'near', 'form']);
    expect(parseSearch('x'.repeat(200))).toEqual(['x'.repeat(64)]);
    expect(() => parseSearch('x'.repeat(201))).toThrow(expect.objectContaining({ code: ErrorCode.BAD_USER_INPUT }));
  });

  it('pages by an opaque cursor that round-trips a score exactly, and refuses others', () => {
    for (const score of [-1.234567890123457e-7, 0, -3.5, -0.1 - 0.2]) {
      expect(parseSearchCursor(formatSearchCursor({ score, seq: 77, below: null }))).toEqual({ score, seq: 77, below: null });
      expect(parseSearchCursor(formatSearchCursor({ score, seq: 77, below: 1200 }))).toEqual({ score, seq: 77, below: 1200 });
    }
    for (const bad of ['12', 'sxyz', 's', `s${Buffer.from('NaN:1').toString('base64url')}`, `s${Buffer.from('1:-1').toString('base64url')}`, `s${Buffer.from('1:2:0').toString('base64url')}`, `s${Buffer.from('1:2:x').toString('base64url')}`]) {
      expect(() => parseSearchCursor(bad), bad).toThrow(expect.objectContaining({ code: ErrorCode.BAD_USER_INPUT }));
    }
  });
});

describe('SQLite search migration', () => {
  it('fills tasks_fts from the tasks a database had before version 6', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'search-')), 'db');
    const first = new SqliteStore({ file, writer: 'inline' });
    await first.commit([searchChange({ id: 'old', title: 'Legacy importer', description: 'slow', branch: 'fix/importer', pr: 77, creator: { id: 'acme/ada', org: 'acme' } })]);
    await first.close();
    const db = new Database(file);
    db.exec(`DROP TABLE tasks_fts_p0; DROP TABLE search_partitions; DELETE FROM schema_migrations WHERE version IN (6, 9, 10)`);
    db.close();
    const store = new SqliteStore({ file, writer: 'inline' });
    const viewer = { id: 'acme/bob', name: 'Bob', org: 'acme' };
    for (const q of [['legacy'], ['slow'], ['importer', 'fix'], ['77']]) {
      expect((await store.listTasks({ viewer, search: q, first: 5 })).tasks.map((t) => t.id), q.join(' ')).toEqual(['old']);
    }
    await store.close();
  });
});
