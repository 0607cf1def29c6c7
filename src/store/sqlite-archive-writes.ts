/**
 * The SQLite writer's part of retention (retention.ts): one archive batch in one transaction,
 * and a step of incremental vacuum. Run by SqliteWrites on the writer's connection, so they
 * never write at the same time as a commit (sqlite-writes.ts says why that matters).
 */
import type Database from 'better-sqlite3';
import type { ArchiveBatchRows } from './retention.js';
import { retentionSql } from './retention-sql.js';
import { asKeyframe, json, type EventRow } from './rows.js';
import { SQLITE } from './sql.js';
import { restoreView, type View } from './view-patch.js';

/** A batch as the writer gets it (strings and numbers): its cursors and what they leave behind. */
export interface ArchiveBatch extends ArchiveBatchRows {
  cursors: number[];
}

export interface ArchiveBatchResult {
  deleted: number;
  horizon: number;
}

export class SqliteArchiveWrites {
  private readonly stmt;

  constructor(private readonly db: Database.Database) {
    const sql = retentionSql(SQLITE);
    this.stmt = {
      delete: db.prepare(`DELETE FROM log WHERE cursor IN (SELECT value FROM json_each(?))`),
      insertCompact: db.prepare(sql.insertCompact),
      upsertArchived: db.prepare(sql.upsertArchived),
      raiseHorizon: db.prepare(sql.raiseHorizon),
      horizon: db.prepare(sql.horizon).pluck(),
      eventAt: db.prepare(sql.eventAt).raw(),
      rewriteState: db.prepare(sql.rewriteState),
    };
  }

  /**
   * Move these events (those of them still in the log: a pass finished after a crash may find
   * some gone) out of the log, in one transaction: their compact rows and entities' reach
   * written, each entity's first kept event made a whole view, the horizon raised, the rows
   * deleted. Their archive file was sealed before.
   */
  batch(batch: ArchiveBatch): ArchiveBatchResult {
    return this.db.transaction((): ArchiveBatchResult => {
      for (const row of batch.timeline) this.stmt.insertCompact.run(...row);
      for (const row of batch.entities) this.stmt.upsertArchived.run(...row);
      for (const [entityId, version, view] of batch.bases) {
        const next = this.stmt.eventAt.get(entityId, version + 1) as EventRow | undefined;
        const whole = next ? asKeyframe(next, restoreView(json<View>(view))) : null;
        if (whole !== null) this.stmt.rewriteState.run(whole, next![0]);
      }
      this.stmt.raiseHorizon.run(batch.horizon);
      const deleted = this.stmt.delete.run(JSON.stringify(batch.cursors)).changes;
      return { deleted, horizon: this.stmt.horizon.get() as number };
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
