/**
 * Retention on the SQLite store (tests/store/retention.ts has the shared checks; the PostgreSQL
 * run is tests/production/retention.test.ts), and what only SQLite has: archive files under
 * `archive/` beside the database, a pass cut short by a crash finished by the next one, and
 * incremental vacuum.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite.js';
import { retentionSuite } from './retention.js';

describe('retention: SQLite', () => {
  retentionSuite(async () => new SqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'retention-')), 'conveyor.db') }));
});
