import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite.js';
import { leanLogContract } from './lean-log.js';

const file = () => join(mkdtempSync(join(tmpdir(), 'lean-')), 'db');
leanLogContract('sqlite', async () => new SqliteStore({ file: file() }));
leanLogContract('sqlite, writer thread only', async () => new SqliteStore({ file: file(), writer: 'thread' }));
