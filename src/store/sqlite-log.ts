/**
 * The SQLite store's reads of the log, on its reading connection: `readAfter` with retention's
 * checks (retention.ts has the rules), the head and the horizon. Each read is one transaction
 * (one snapshot, and nothing else runs on the connection meanwhile), so the horizon, what is
 * kept of an archived entity and the page agree: an archive pass can never make a page silently
 * skip what it moved.
 */
import type Database from 'better-sqlite3';
import { archivedScope, compactEvent, type StoredArchivedEntity, type StoredCompactRow } from './retention.js';
import { retentionSql } from './retention-sql.js';
import { attachBases, planBases, toEvent, type WindowRow } from './rows.js';
import { eventPageSql, readSql, SQLITE } from './sql.js';
import { SqliteWords } from './sqlite-words.js';
import { CursorExpiredError, type LogEvent, type ReadOptions, type ReadResult } from './types.js';

export class SqliteLog {
  private readonly stmt;
  readonly retention = retentionSql(SQLITE);
  /** Raw (array-row) statements by their SQL, for the archive pass's reads. */
  private readonly rawStatements = new Map<string, Database.Statement>();
  /** What the log's rows store as codes, spelt (pages are read with `SQLITE.eventColumns`). */
  private readonly words: SqliteWords;

  constructor(private readonly db: Database.Database) {
    this.words = new SqliteWords(db);
    this.stmt = {
      all: db.prepare(eventPageSql(SQLITE, 'all')).raw(),
      entity: db.prepare(eventPageSql(SQLITE, 'entity')).raw(),
      type: db.prepare(eventPageSql(SQLITE, 'type')).raw(),
      head: db.prepare(readSql(SQLITE).head).pluck(),
      horizon: db.prepare(this.retention.horizon).pluck(),
      archived: db.prepare(this.retention.archivedEntity).raw(),
      compact: db.prepare(this.retention.compactPage).raw(),
      window: db.prepare(readSql(SQLITE).window),
    };
  }

  /** The log's head (in the caller's transaction, if any). */
  head(): number {
    return this.stmt.head.get() as number;
  }

  bounds(): { head: number; horizon: number } {
    return this.db.transaction(() => ({ head: this.head(), horizon: this.stmt.horizon.get() as number }))();
  }

  /** Array rows of a read (the archive pass's). */
  raw<R>(sql: string, params: unknown[]): R[] {
    let statement = this.rawStatements.get(sql);
    if (!statement) this.rawStatements.set(sql, (statement = this.db.prepare(sql).raw()));
    return statement.all(...params) as R[];
  }

  /**
   * Rows read elsewhere (the archive pass's, with `SQLITE.eventColumns`) as events, their patches
   * resolved like a page's.
   */
  events(rows: unknown[][], known?: ReadOptions['known']): LogEvent[] {
    return this.db.transaction(() => this.resolved(this.toEvents(rows), { limit: rows.length, known }))();
  }

  readAfter(cursor: number, options: ReadOptions): ReadResult {
    return this.db.transaction((): ReadResult => {
      const { entityId, limit } = options;
      if (entityId === undefined) {
        const horizon = this.stmt.horizon.get() as number;
        if (cursor < horizon) throw new CursorExpiredError(cursor, horizon, this.head());
        const rows = (options.entityType !== undefined ? this.stmt.type.all(options.entityType, cursor, limit) : this.stmt.all.all(cursor, limit)) as unknown[][];
        return { events: this.resolved(this.toEvents(rows), options), head: this.head() };
      }
      let from = cursor;
      const events: LogEvent[] = [];
      const archived = this.stmt.archived.get(entityId) as StoredArchivedEntity | undefined;
      if (archived && cursor < archived[4]) {
        const upto = archived[4];
        if (archived[0] !== 'task' && !options.fromKept) throw new CursorExpiredError(cursor, upto, this.head());
        if (archived[0] === 'task') {
          const scope = archivedScope(archived);
          for (const row of this.stmt.compact.all(entityId, cursor, upto, limit) as StoredCompactRow[]) events.push(compactEvent(entityId, scope, row));
        }
        from = upto;
      }
      if (events.length < limit) events.push(...this.resolved(this.toEvents(this.stmt.entity.all(entityId, from, limit - events.length) as unknown[][]), options));
      return { events, head: this.head() };
    })();
  }

  /** Rows read with `SQLITE.eventColumns` as events: their words spelt (`SqliteWords`), then rows.ts `toEvent`. */
  private toEvents(rows: unknown[][]): LogEvent[] {
    return this.words.spell(rows).map(toEvent);
  }

  /** A page's patches given the views before them (rows.ts); windows read in the caller's transaction. */
  private resolved(events: LogEvent[], options: ReadOptions): LogEvent[] {
    const plan = planBases(events, options.known);
    if (plan.windows.length > 0) attachBases(plan, plan.windows.flatMap((w) => this.stmt.window.all(w.entityId, w.from, w.to) as WindowRow[]));
    return events;
  }
}
