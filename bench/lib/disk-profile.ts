/**
 * Where a data dir's bytes go (issue 14, disk per task): the SQLite file's pages by what they
 * hold, from SQLite's `dbstat` table, each index counted with its table. The disk figure's
 * profile, as a CPU profile is a speed figure's: which part of the layout to change next.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** What a page holds, as the growth table names it. */
export type DiskPart = 'log' | 'tasks' | 'search' | 'snapshots' | 'other';
export const DISK_PARTS: readonly DiskPart[] = ['log', 'tasks', 'search', 'snapshots', 'other'];

/** The part a table (or an index of it) belongs to. */
function partOf(table: string): DiskPart {
  // SQLite's log is `log` and `log_entities` behind the `events` view from schema version 12;
  // a file before it has the `events` table.
  if (table === 'events' || table === 'log' || table === 'log_entities') return 'log';
  if (table === 'tasks') return 'tasks';
  if (table.startsWith('tasks_fts')) return 'search';
  if (table === 'entities' || table === 'entity_effects') return 'snapshots';
  return 'other';
}

/**
 * Bytes of `conveyor.db` in `dataDir` per part, read-only, with the server stopped (a running
 * server's WAL would hold pages not yet in the file). Null when the dir has no SQLite file.
 */
export function diskProfile(dataDir: string): Record<DiskPart, number> | null {
  const file = join(dataDir, 'conveyor.db');
  if (!existsSync(file)) return null;
  const db = new Database(file, { readonly: true });
  try {
    const owner = new Map<string, string>();
    for (const row of db.prepare(`SELECT name, tbl_name FROM sqlite_schema WHERE type IN ('table', 'index')`).all() as { name: string; tbl_name: string }[]) {
      owner.set(row.name, row.tbl_name);
    }
    const parts = Object.fromEntries(DISK_PARTS.map((p) => [p, 0])) as Record<DiskPart, number>;
    for (const row of db.prepare(`SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name`).all() as { name: string; bytes: number }[]) {
      parts[partOf(owner.get(row.name) ?? row.name)] += row.bytes;
    }
    return parts;
  } finally {
    db.close();
  }
}
