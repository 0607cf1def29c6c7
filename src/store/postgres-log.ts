/**
 * PostgreSQL's `readAfter` (retention.ts has the rules it keeps): the page, the log's head and
 * horizon, and what is kept of an archived entity, from one statement (retention-sql.ts
 * `boundedEventPageSql`), so from one snapshot. An archive pass deletes and raises the horizon
 * in one transaction, so a page never silently lacks what it moved. Cursor order is commit
 * order (postgres.ts, APPEND_LOCK), so "nothing more matched up to head" holds for the page.
 */
import { archivedScope, compactEvent, type StoredArchivedEntity, type StoredCompactRow } from './retention.js';
import { boundedEventPageSql, retentionSql } from './retention-sql.js';
import { attachBases, MissingBaseError, planBases, toEvent, type EventRow, type WindowRow } from './rows.js';
import { POSTGRES } from './sql.js';
import { CursorExpiredError, type ReadOptions, type ReadResult } from './types.js';

const PAGE = { all: boundedEventPageSql('all'), entity: boundedEventPageSql('entity'), type: boundedEventPageSql('type') };
const SQL = retentionSql(POSTGRES);

/** A page's patches whose view before is not in it: every window in one round trip. */
const WINDOWS = `SELECT e.entity_id, e.version, e.at, e.state, ${POSTGRES.fixedOf('e.')} FROM unnest($1::text[], $2::int[], $3::int[]) AS w(id, lo, hi)
  JOIN events e ON e.entity_id = w.id AND e.version BETWEEN w.lo AND w.hi`;

/** The pool's reads: rows as arrays, and as objects. */
export interface PostgresReads {
  arrays(sql: string, values: unknown[]): Promise<unknown[][]>;
  rows<R>(sql: string, values: unknown[]): Promise<R[]>;
}

/**
 * A page's patches are resolved from windows read by a second statement (view-patch.ts). An
 * archive pass that committed between the two may have taken a window's rows (rewriting the
 * entity's first kept event as a whole view): the page is then read again, once or twice, in a
 * newer snapshot (where the horizon may also say the cursor expired).
 */
const READS_ON_A_MOVED_WINDOW = 3;

export async function postgresReadAfter(reads: PostgresReads, cursor: number, options: ReadOptions): Promise<ReadResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readOnce(reads, cursor, options);
    } catch (error) {
      if (!(error instanceof MissingBaseError) || attempt >= READS_ON_A_MOVED_WINDOW) throw error;
    }
  }
}

async function readOnce(reads: PostgresReads, cursor: number, options: ReadOptions): Promise<ReadResult> {
  const query = (sql: string, values: unknown[]) => reads.arrays(sql, values);
  const { entityId, entityType, limit } = options;
  const filter = entityId !== undefined ? 'entity' : entityType !== undefined ? 'type' : 'all';
  const values = filter === 'entity' ? [entityId, cursor, limit] : filter === 'type' ? [entityType, cursor, limit] : [cursor, limit];
  const rows = await query(PAGE[filter], values);
  const [head, horizon] = rows[0] as [number, number];
  const at = filter === 'entity' ? 4 : 2;
  const page = rows.filter((row) => row[at] !== null).map((row) => toEvent(row.slice(at) as unknown as EventRow));
  const plan = planBases(page, options.known);
  if (plan.windows.length > 0) {
    const windows = await reads.rows<WindowRow>(WINDOWS, [plan.windows.map((w) => w.entityId), plan.windows.map((w) => w.from), plan.windows.map((w) => w.to)]);
    attachBases(plan, windows);
  }
  if (filter !== 'entity') {
    if (cursor < horizon) throw new CursorExpiredError(cursor, horizon, head);
    return { events: page, head: Math.max(head, page.at(-1)?.cursor ?? 0) };
  }
  const [type, upto] = rows[0].slice(2, 4) as [string | null, number | null];
  if (type === null || upto === null || cursor >= upto) return { events: page, head };
  if (type !== 'task') {
    if (!options.fromKept) throw new CursorExpiredError(cursor, upto, head);
    return { events: page, head };
  }
  // A task's compact timeline never changes once written: read up to this snapshot's `upto`,
  // it is what the snapshot had.
  const [row] = await query(SQL.archivedEntity, [entityId]);
  const scope = archivedScope(row as unknown as StoredArchivedEntity);
  const compact = (await query(SQL.compactPage, [entityId, cursor, upto, limit])).map((r) => compactEvent(entityId!, scope, r as unknown as StoredCompactRow));
  return { events: [...compact, ...page].slice(0, limit), head };
}
