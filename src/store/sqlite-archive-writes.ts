/**
 * The SQLite writer's part of retention (retention.ts): one archive batch in one transaction,
 * and a step of incremental vacuum. Run by SqliteWrites on the writer's connection, so they
 * never write at the same time as a commit (sqlite-writes.ts says why that matters).
 */
import type Database from 'better-sqlite3';
import { archiveBatchRows } from './retention.js';
import { retentionSql } from './retention-sql.js';
import { toEvent, type EventRow } from './rows.js';
import { EVENT_COLUMNS, SQLITE } from './sql.js';

export interface ArchiveBatchResult {
  deleted: number;
  /** The entities whose history moved: id and type. */
  entities: [id: string, type: string][];
  horizon: number;
}

export class SqliteArchiveWrites {
  private readonly stmt;

  constructor(private readonly db: Database.Database) {
    const sql = retentionSql(SQLITE);
    const cursors = `SELECT value FROM json_each(?)`;
    this.stmt = {
      rows: db.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE cursor IN (${cursors}) ORDER BY cursor`).raw(),
      delete: db.prepare(`DELETE FROM events WHERE cursor IN (${cursors})`),
      insertCompact: db.prepare(sql.insertCompact),
      upsertArchived: db.prepare(sql.upsertArchived),
      raiseHorizon: db.prepare(sql.raiseHorizon),
      horizon: db.prepare(sql.horizon).pluck(),
    };
  }

  /**
   * Move these events (those of them still in the log: a pass finished after a crash may find
   * some gone) out of the log: their compact rows and entities' reach written, the horizon
   * raised, the rows deleted, in one transaction. Their archive file was written before.
   */
  batch(cursors: number[]): ArchiveBatchResult {
    return this.db.transaction((): ArchiveBatchResult => {
      const list = JSON.stringify(cursors);
      const events = (this.stmt.rows.all(list) as EventRow[]).map(toEvent);
      if (events.length === 0) return { deleted: 0, entities: [], horizon: this.stmt.horizon.get() as number };
      const rows = archiveBatchRows(events);
      for (const row of rows.timeline) this.stmt.insertCompact.run(...row);
      for (const row of rows.entities) this.stmt.upsertArchived.run(...row);
      this.stmt.raiseHorizon.run(rows.horizon);
      const deleted = this.stmt.delete.run(list).changes;
      return { deleted, entities: rows.entities.map((r) => [r[0], r[1]]), horizon: this.stmt.horizon.get() as number };
    })();
  }

  /**
   * Give up to `pages` free pages back to the file system (auto_vacuum = INCREMENTAL); returns
   * how many are still free. A step at a time, so no single write holds the lock for long.
   */
  vacuumStep(pages: number): { freed: number; left: number } {
    const before = this.db.pragma('freelist_count', { simple: true }) as number;
    if (before === 0 || this.db.pragma('auto_vacuum', { simple: true }) !== 2) return { freed: 0, left: before };
    this.db.pragma(`incremental_vacuum(${Math.max(1, Math.floor(pages))})`);
    const left = this.db.pragma('freelist_count', { simple: true }) as number;
    return { freed: before - left, left };
  }
}
