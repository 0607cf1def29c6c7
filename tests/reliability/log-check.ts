/**
 * Reads a data directory's SQLite file the way an auditor would, in one read transaction (a
 * consistent snapshot, also while the server runs: WAL readers do not block its writer), and
 * lists everything that breaks the store's promises (src/store/types.ts, docs/design.md):
 * cursors 1..head without gaps, versions 1..n per entity, snapshot, read model and log in
 * agreement, nothing written by halves.
 */
import Database from 'better-sqlite3';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { parseStored } from '../../src/store/packed-json.js';
import { decodeEntityState, foldWindow, keyframeAtOrBefore, restoreView, wholeTail, type View, type WindowRow } from '../../src/store/view-patch.js';

export interface LogReport {
  problems: string[];
  events: number;
  head: number;
  tasks: number;
  agents: number;
  /** Tasks an effect or the zero-delay deadline still has to move (RECEIVED, ANALYZING, opening the issue). */
  inFlight: number;
  /** Entities with effects stored as pending. */
  pendingEffects: number;
}

/**
 * The view the log holds for an entity at `version`: a whole view, or the patches after the last
 * whole one at or after its keyframe applied to it (src/store/view-patch.ts), a task keyframe's
 * fixed keys from the task's row; null if the rows are not there to tell.
 */
function loggedView(db: Database.Database, entityId: string, version: number): View | null {
  const rows = db
    // With the task's row: a task keyframe leaves its fixed keys to it (view-patch.ts FIXED_KEYS).
    .prepare(`SELECT entity_id, version, at, state, (SELECT t.view FROM tasks AS t WHERE t.id = entity_id) AS fixed
      FROM events WHERE entity_id = ? AND version BETWEEN ? AND ? ORDER BY version`)
    .all(entityId, keyframeAtOrBefore(version), version) as (WindowRow & { state: unknown })[];
  const tail = wholeTail(rows, version);
  return tail === null ? null : foldWindow(tail, (stored) => parseStored<object>(stored));
}

export function openLog(dataDir: string): Database.Database {
  // Not read-only: after a kill -9 the WAL index may need rebuilding, which a read-only
  // connection refuses (SQLITE_READONLY_RECOVERY). Only SELECTs run on it.
  const db = new Database(join(dataDir, 'conveyor.db'), { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}

export function checkLog(dataDir: string): LogReport {
  const db = openLog(dataDir);
  try {
    return db.transaction(() => audit(db))();
  } finally {
    db.close();
  }
}

function audit(db: Database.Database): LogReport {
  const problems: string[] = [];
  const { n, lo, hi } = db
    .prepare(`SELECT count(*) AS n, coalesce(min(cursor), 1) AS lo, coalesce(max(cursor), 0) AS hi FROM events`)
    .get() as { n: number; lo: number; hi: number };
  if (n !== hi || (n > 0 && lo !== 1)) problems.push(`cursors are not 1..${hi} without gaps: ${n} events, min ${lo}`);
  const seq = (db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'log'`).pluck().get() as number | undefined) ?? 0;
  if (seq !== hi) problems.push(`sqlite_sequence says ${seq} but the newest cursor is ${hi}`);

  // Per entity: versions 1..n, in cursor order.
  const perEntity = db
    .prepare(
      `SELECT entity_id, entity_type, count(*) AS n, min(version) AS lo, max(version) AS hi,
         count(DISTINCT entity_type) AS types FROM events GROUP BY entity_id`,
    )
    .all() as { entity_id: string; entity_type: string; n: number; lo: number; hi: number; types: number }[];
  const logVersion = new Map<string, number>();
  for (const e of perEntity) {
    logVersion.set(e.entity_id, e.hi);
    if (e.lo !== 1 || e.hi !== e.n) problems.push(`${e.entity_id}: versions ${e.lo}..${e.hi} in ${e.n} events`);
    if (e.types !== 1) problems.push(`${e.entity_id}: events of several entity types`);
  }
  const outOfOrder = db
    .prepare(
      `SELECT a.entity_id FROM events a JOIN events b ON a.entity_id = b.entity_id AND b.version = a.version + 1
       WHERE b.cursor < a.cursor LIMIT 5`,
    )
    .pluck()
    .all() as string[];
  for (const id of outOfOrder) problems.push(`${id}: a later version has an earlier cursor`);

  const entities = db.prepare(`SELECT id, type, version, state, EXISTS (SELECT 1 FROM entity_effects WHERE entity_effects.entity_id = entities.id) AS has_effects FROM entities`).all() as {
    id: string;
    type: string;
    version: number;
    state: unknown;
    has_effects: number;
  }[];
  const entityIds = new Set(entities.map((e) => e.id));
  for (const id of logVersion.keys()) if (!entityIds.has(id)) problems.push(`${id}: events without an entity snapshot`);

  const readModel = new Map<string, { version: number; view: unknown; status?: string }>();
  for (const r of db.prepare(`SELECT id, version, view, status FROM tasks`).all() as { id: string; version: number; view: unknown; status: string }[]) {
    readModel.set(r.id, r);
  }
  for (const r of db.prepare(`SELECT id, version, view FROM agents`).all() as { id: string; version: number; view: unknown }[]) {
    readModel.set(r.id, r);
  }
  let inFlight = 0;
  let pendingEffects = 0;
  let tasks = 0;
  let agents = 0;
  for (const entity of entities) {
    if (entity.type === 'task') tasks++;
    else agents++;
    if (entity.has_effects === 1) pendingEffects++;
    const row = readModel.get(entity.id);
    readModel.delete(entity.id);
    const version = logVersion.get(entity.id);
    if (version !== entity.version) {
      problems.push(`${entity.id}: snapshot at version ${entity.version}, log at ${version ?? 'none'}`);
      continue;
    }
    const logged = loggedView(db, entity.id, version) as unknown as { stateValue: unknown; status: string; version: number } | null;
    if (logged === null) {
      problems.push(`${entity.id}: the log's rows do not give its view at version ${version}`);
      continue;
    }
    if (!row) {
      problems.push(`${entity.id}: no read-model row`);
      continue;
    }
    // The snapshot's context is stored as a patch against the read model's view (view-patch.ts).
    const snapshot = decodeEntityState(parseStored<object>(entity.state), restoreView(parseStored<View>(row.view)));
    if (!isDeepStrictEqual(snapshot.value, logged.stateValue)) {
      problems.push(`${entity.id}: snapshot state ${JSON.stringify(snapshot.value)} but its last event says ${JSON.stringify(logged.stateValue)}`);
    }
    if (row.version !== version) problems.push(`${entity.id}: read model at version ${row.version}, log at ${version}`);
    if (!isDeepStrictEqual(restoreView(parseStored<object>(row.view)), logged)) problems.push(`${entity.id}: read-model view differs from its last event`);
    if (row.status !== undefined && row.status !== logged.status) problems.push(`${entity.id}: read-model status ${row.status}, log ${logged.status}`);
    if (entity.type === 'task' && isInFlight(logged.stateValue)) inFlight++;
  }
  for (const id of readModel.keys()) problems.push(`${id}: read-model row without an entity`);
  return { problems, events: n, head: hi, tasks, agents, inFlight, pendingEffects };
}

/** States left only by an effect's result or the zero-delay deadline. */
export function isInFlight(stateValue: unknown): boolean {
  const active = (stateValue as { active?: unknown }).active;
  return (
    active === 'received' ||
    active === 'analyzing' ||
    isDeepStrictEqual(active, { dispatched: 'openingIssue' })
  );
}

/** The entity's view as the log has it at `version`, or null. */
export function viewAt(db: Database.Database, entityId: string, version: number): Record<string, unknown> | null {
  return loggedView(db, entityId, version) as Record<string, unknown> | null;
}
