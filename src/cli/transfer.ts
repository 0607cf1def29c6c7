/**
 * `conveyor export` / `conveyor import`: a store's log as NDJSON (src/store/transfer.ts), from
 * and into the embedded SQLite store of a data dir or PostgreSQL (DATABASE_URL).
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { loadConfigOrExit } from '../server/env.js';
import { PostgresStore } from '../store/postgres.js';
import type { SqlStore } from '../store/sql-store.js';
import { SqliteStore } from '../store/sqlite.js';
import { exportLines, importLines, TransferError } from '../store/transfer.js';
import { parseCommandLine } from './command-line.js';

const WHERE = `  --data-dir <dir>  the embedded SQLite store of this data dir (default: DATA_DIR, ./data)
                    without it, DATABASE_URL (and DATABASE_SCHEMA) selects PostgreSQL`;

const EXPORT_USAGE = `Usage: conveyor export [--data-dir ./data] [--out FILE|-] [--archived]

${WHERE}
  --out <file>      where to write (default -, stdout); gzipped when it ends in .gz
  --archived        also the events retention archived (RETENTION_DAYS), as archivedEvent lines

Writes the store's log and current rows as NDJSON (README: Export and import).`;

const IMPORT_USAGE = `Usage: conveyor import [--data-dir ./data] [--in FILE|-]

${WHERE}
  --in <file>       what to read (default -, stdin); gunzipped when it ends in .gz

Imports an export into an empty store, all of it or nothing.`;

/** The store the options and the environment name: --data-dir first, then DATABASE_URL, then DATA_DIR. */
async function openTarget(dataDir: string | undefined): Promise<{ store: SqlStore; name: string }> {
  const env = { ...process.env, ...(dataDir ? { DATA_DIR: dataDir, DATABASE_URL: undefined } : {}) };
  const config = loadConfigOrExit(env);
  if (config.database) {
    const store = await PostgresStore.connect({ connectionString: config.database.url, schema: config.database.schema });
    return { store, name: `PostgreSQL schema "${config.database.schema}"` };
  }
  const file = join(config.dataDir, 'conveyor.db');
  return { store: await SqliteStore.open({ file, synchronous: config.sqliteSynchronous }), name: file };
}

async function failed(error: unknown): Promise<never> {
  console.error(error instanceof TransferError ? `import refused: ${error.message}` : `failed: ${(error as Error).message ?? String(error)}`);
  process.exit(1);
}

export async function runExport(argv: string[]): Promise<void> {
  const options = parseCommandLine(argv, ['data-dir', 'out'] as const, ['archived'] as const);
  if (options.help) return void console.log(EXPORT_USAGE);
  const { store, name } = await openTarget(options['data-dir']);
  const path = options.out ?? '-';
  const file = path === '-' ? null : createWriteStream(path);
  const gzip = path.endsWith('.gz') ? createGzip() : null;
  if (gzip && file) gzip.pipe(file);
  const out: Writable = gzip ?? file ?? process.stdout;
  let lines = 0;
  try {
    for await (const line of exportLines(store, undefined, { archived: options.archived === true })) {
      lines++;
      if (!out.write(`${line}\n`)) await once(out, 'drain');
    }
    if (out !== process.stdout) {
      out.end();
      await finished(file!);
    }
  } catch (error) {
    await store.close();
    return failed(error);
  }
  await store.close();
  console.error(`exported ${lines} lines from ${name} to ${path === '-' ? 'stdout' : path}`);
}

export async function runImport(argv: string[]): Promise<void> {
  const options = parseCommandLine(argv, ['data-dir', 'in'] as const);
  if (options.help) return void console.log(IMPORT_USAGE);
  const path = options.in ?? '-';
  let input: Readable = path === '-' ? process.stdin : createReadStream(path);
  if (path.endsWith('.gz')) input = input.pipe(createGunzip());
  const { store, name } = await openTarget(options['data-dir']);
  try {
    const { rows } = await importLines(store, createInterface({ input, crlfDelay: Infinity }));
    await store.close();
    console.log(`imported into ${name}: ${Object.entries(rows).map(([kind, n]) => `${n} ${kind}`).join(', ')}`);
  } catch (error) {
    await store.close();
    return failed(error);
  }
}
