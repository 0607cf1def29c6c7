/**
 * An archive pass on PostgreSQL (retention.ts has the rules). Each batch is one transaction: it
 * reads the batch's events (their states resolved as any reader's, rows.ts), stores them as one
 * gzip NDJSON chunk in `event_archive` (export event lines with whole views, as SQLite's files),
 * their compact rows and reach, makes each entity's first kept event a whole view, raises the
 * horizon and deletes them. So nothing is ever in neither place, and
 * readers, whose page and horizon come from one statement (retention-sql.ts), see either the
 * events or the horizon that says they are gone. The freed rows are left to autovacuum: plain
 * DELETE, no VACUUM FULL (which would lock the table).
 *
 * With several instances one runs a pass at a time: the pass holds a session advisory lock on
 * its own connection, and an instance that cannot take it skips its turn.
 */
import type pg from 'pg';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { archiveBatchRows, cutoffCursor, DEFAULT_BATCH, DEFAULT_MAX_EVENTS, PassTally, type ArchivedBase } from './retention.js';
import { retentionSql } from './retention-sql.js';
import { asKeyframe, attachBases, planBases, toEvent, type EventRow, type WindowRow } from './rows.js';
import { EVENT_COLUMNS, POSTGRES } from './sql.js';
import { eventLine } from './transfer-lines.js';
import type { ArchiveImport, TransferSession } from './sql-store.js';
import type { ArchiveOptions, ArchivePass } from './types.js';
import { restoreView, type View } from './view-patch.js';

/** Arbitrary constant naming the pass's advisory lock (postgres.ts has the others). */
export const RETENTION_LOCK = 7_421_003;

const SQL = retentionSql(POSTGRES);
/** The batch's rows, locked until the transaction ends. */
const TAKE = `${SQL.candidateRows} FOR UPDATE OF e`;
const DELETE = `DELETE FROM events WHERE cursor = ANY($1::bigint[])`;
/** Each entity's next event after the batch (entity ids and versions), to make it whole. */
const NEXT = `SELECT ${EVENT_COLUMNS} FROM events WHERE (entity_id, version) IN (SELECT * FROM unnest($1::text[], $2::int[]))`;
/** Windows for patches whose base is not in the batch (none, while every entity's kept events start whole). */
const WINDOWS = `SELECT e.entity_id, e.version, e.at, e.state, ${POSTGRES.fixedOf('e.')} FROM unnest($1::text[], $2::int[], $3::int[]) AS w(id, lo, hi)
  JOIN events e ON e.entity_id = w.id AND e.version BETWEEN w.lo AND w.hi`;
const INSERT_COMPACT = `INSERT INTO compact_timeline (entity_id, cursor, version, type, at, actor, status, state_value)
  SELECT * FROM jsonb_to_recordset($1::jsonb)
    AS x (entity_id text, cursor bigint, version int, type text, at text, actor text, status text, state_value text)
  ON CONFLICT (entity_id, cursor) DO NOTHING`;
const UPSERT_ENTITIES = `INSERT INTO archived_entities (entity_id, entity_type, org, owner_id, private, upto)
  SELECT * FROM jsonb_to_recordset($1::jsonb)
    AS x (entity_id text, entity_type text, org text, owner_id text, private boolean, upto bigint)
  ON CONFLICT (entity_id) DO UPDATE SET upto = greatest(archived_entities.upto, excluded.upto)`;
const INSERT_CHUNK = `INSERT INTO event_archive (first_cursor, last_cursor, events, archived_at, data) VALUES ($1, $2, $3, now(), $4)`;
const CHUNKS = `SELECT first_cursor, data FROM event_archive WHERE first_cursor > $1 ORDER BY first_cursor LIMIT 8`;

const zip = promisify(gzip);
const unzip = promisify(gunzip);

export async function postgresArchivePass(pool: pg.Pool, options: ArchiveOptions): Promise<ArchivePass | null> {
  const client = await pool.connect();
  let broken = false;
  try {
    const [{ locked }] = (await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [RETENTION_LOCK])).rows;
    if (!locked) return null;
    try {
      return await run(client, options);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK]).catch(() => (broken = true));
    }
  } catch (error) {
    broken = true;
    throw error;
  } finally {
    // A connection that failed is dropped, not pooled: its session (and any lock) ends with it.
    client.release(broken);
  }
}

async function run(client: pg.PoolClient, options: ArchiveOptions): Promise<ArchivePass> {
  const batch = options.batchSize ?? DEFAULT_BATCH;
  const max = options.maxEvents ?? DEFAULT_MAX_EVENTS;
  const [bounds] = (await client.query<{ head: number; horizon: number }>(SQL.bounds)).rows;
  const [first] = (await client.query<{ cursor: number }>(SQL.firstAtOrAfter, [options.before])).rows;
  const upTo = cutoffCursor(first?.cursor ?? null, bounds.head);
  const tally = new PassTally();
  const where: string[] = [];
  let more = false;
  for (let from = 0; ; ) {
    if (options.signal?.aborted || tally.archived >= max) {
      more = true;
      break;
    }
    const limit = Math.min(batch, max - tally.archived);
    await client.query('BEGIN');
    let taken: number;
    try {
      const rows = (await client.query<EventRow>({ text: TAKE, values: [from, upTo, upTo, limit], rowMode: 'array' })).rows as unknown as EventRow[];
      taken = rows.length;
      if (taken > 0) {
        const events = rows.map(toEvent);
        const plan = planBases(events);
        if (plan.windows.length > 0) {
          const windows = await client.query<WindowRow>(WINDOWS, [plan.windows.map((w) => w.entityId), plan.windows.map((w) => w.from), plan.windows.map((w) => w.to)]);
          attachBases(plan, windows.rows);
        }
        const kept = archiveBatchRows(events);
        const data = await zip(events.map((e) => `${JSON.stringify(eventLine(e))}\n`).join(''));
        const timeline = kept.timeline.map(([entity_id, cursor, version, type, at, actor, status, state]) => ({ entity_id, cursor, version, type, at, actor, status, state_value: state }));
        const entities = kept.entities.map(([entity_id, entity_type, org, owner_id, isPrivate, upto]) => ({ entity_id, entity_type, org, owner_id, private: isPrivate === 1, upto }));
        if (timeline.length > 0) await client.query(INSERT_COMPACT, [JSON.stringify(timeline)]);
        await client.query(UPSERT_ENTITIES, [JSON.stringify(entities)]);
        await makeWhole(client, kept.bases);
        await client.query(INSERT_CHUNK, [events[0].cursor, kept.horizon, events.length, data]);
        await client.query(SQL.raiseHorizon, [kept.horizon]);
        await client.query(DELETE, [events.map((e) => e.cursor)]);
        from = kept.horizon;
        tally.add(events.length, kept.entities);
        where.push(`event_archive ${events[0].cursor}–${kept.horizon}`);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    if (taken < limit) break;
  }
  const [after] = (await client.query<{ horizon: number }>(SQL.horizon)).rows;
  return { ...tally.counts(), horizon: after.horizon, more, where };
}

/** Each entity's first kept event (after its last archived one) made a whole view (rows.ts `asKeyframe`). */
async function makeWhole(client: pg.PoolClient, bases: ArchivedBase[]): Promise<void> {
  const next = (await client.query<EventRow>({ text: NEXT, values: [bases.map((b) => b[0]), bases.map((b) => b[1] + 1)], rowMode: 'array' })).rows as unknown as EventRow[];
  const views = new Map(bases.map(([entityId, , view]) => [entityId, view]));
  for (const row of next) {
    const whole = asKeyframe(row, restoreView(JSON.parse(views.get(row[2])!) as View));
    if (whole !== null) await client.query(SQL.rewriteState, [whole, row[0]]);
  }
}

/** Every archived event's line, chunk by chunk in the order of their first cursor. */
export async function* postgresArchivedLines(rows: <R>(sql: string, values: unknown[]) => Promise<R[]>): AsyncGenerator<string> {
  let after = -1;
  for (;;) {
    const chunks = await rows<{ first_cursor: number | string; data: Buffer }>(CHUNKS, [after]);
    if (chunks.length === 0) return;
    for (const chunk of chunks) {
      for (const line of (await unzip(chunk.data)).toString('utf8').split('\n')) if (line.length > 0) yield line;
      after = Number(chunk.first_cursor);
    }
  }
}

/** An import's archived events (transfer.ts) as chunks of `event_archive`, in the import's transaction. */
export function postgresArchiveImport(session: TransferSession): ArchiveImport {
  let lines: string[] = [];
  let cursors: number[] = [];
  const flush = async () => {
    if (lines.length === 0) return;
    const data = await zip(lines.map((line) => `${line}\n`).join(''));
    await session.run(INSERT_CHUNK, [Math.min(...cursors), Math.max(...cursors), lines.length, data]);
    lines = [];
    cursors = [];
  };
  return {
    add: async (cursor, line) => {
      lines.push(line);
      cursors.push(cursor);
      if (lines.length >= DEFAULT_BATCH) await flush();
    },
    seal: flush,
    committed: async () => {},
    aborted: async () => {},
  };
}
