/**
 * Retention (issue 14), the rules both adapters follow, without I/O. docs/design.md ("Retention")
 * says why each is so.
 *
 * - **What is archived**: events from before the cutoff time of finished tasks whose last event
 *   is before it too, and agents' events from before it. Active tasks keep their whole history.
 *   A merged or cancelled task is final (`FINAL_STATUSES`): all its events go. A failed task can
 *   still be retried, and an agent heartbeats on: they keep their newest event, so a later
 *   event (stored as a patch from the one before it: view-patch.ts) still has its base.
 * - **What stays readable**: the first event kept of an entity whose older events were archived
 *   is rewritten as a whole view (rows.ts `asKeyframe`), in the transaction that deletes them,
 *   so every patch after it resolves from what the log still has.
 * - **How far**: the pass archives up to `cutoffCursor`, never the log's newest event, so the
 *   head (`max(cursor)`) never moves back.
 * - **The horizon**: the highest cursor archived. A read of the log (or of one type) after a
 *   cursor below it may have lost events, so it fails with CURSOR_EXPIRED; after a cursor at or
 *   above it, nothing it would return was archived. Stored in the transaction that deletes.
 * - **Per entity**: `archived_entities.upto`, the highest archived cursor of that entity (its
 *   archived events are a prefix of its history: a pass takes them in cursor order). Reading a
 *   task from below it serves its compact timeline, then its kept events; an agent has none, so
 *   reading it from below fails (unless the read asked for what is kept: `fromKept`).
 */
import type { AgentView, TaskStatus, TaskView } from '../machines/index.js';
import type { LogEvent, Scope } from './types.js';

/** A finished task: nothing more happens to it unless it is retried (failed). */
export const ARCHIVED_STATUSES: readonly TaskStatus[] = ['merged', 'failed', 'cancelled'];
/** A task that never changes again: its whole history may go. */
export const FINAL_STATUSES: readonly TaskStatus[] = ['merged', 'cancelled'];

/** Events per archive transaction, and per pass. */
export const DEFAULT_BATCH = 1000;
export const DEFAULT_MAX_EVENTS = 50_000;

/**
 * The highest cursor a pass may archive: below the first event at or after the cutoff time
 * (`firstAtOrAfter`, null when every event is older), and below the head, which stays.
 */
export function cutoffCursor(firstAtOrAfter: number | null, head: number): number {
  return Math.max(0, Math.min(firstAtOrAfter === null ? head : firstAtOrAfter, head) - 1);
}

/** A `compact_timeline` row, in column order: what `timeline` still answers for an archived event. */
export type CompactRow = [entityId: string, cursor: number, version: number, type: string, at: string, actor: string | null, status: string, stateValue: string];

/** An `archived_entities` row, in column order (the flag as 0/1). */
export type ArchivedEntityRow = [entityId: string, entityType: string, org: string, ownerId: string, isPrivate: number, upto: number];

/** Per entity of a batch, its last archived version and view: where its kept events start from. */
export type ArchivedBase = [entityId: string, version: number, view: string];

export interface ArchiveBatchRows {
  timeline: CompactRow[];
  entities: ArchivedEntityRow[];
  bases: ArchivedBase[];
  /** The highest cursor among the events: the horizon after them. */
  horizon: number;
}

/**
 * What a batch of archived events leaves behind: each task event's compact row, for every entity
 * the cursor its archived history now reaches, and its last archived view (the base its first
 * kept event is made whole from). States are read as the store decodes them (rows.ts).
 */
export function archiveBatchRows(events: readonly LogEvent[]): ArchiveBatchRows {
  const timeline: CompactRow[] = [];
  const entities = new Map<string, ArchivedEntityRow>();
  const last = new Map<string, LogEvent>();
  let horizon = 0;
  for (const e of events) {
    if (e.cursor > horizon) horizon = e.cursor;
    const before = last.get(e.entityId);
    if (!before || before.version < e.version) last.set(e.entityId, e);
    const held = entities.get(e.entityId);
    if (held) held[5] = Math.max(held[5], e.cursor);
    else entities.set(e.entityId, [e.entityId, e.entityType, e.scope.org, e.scope.ownerId, e.scope.private ? 1 : 0, e.cursor]);
    if (e.entityType !== 'task') continue;
    const state = e.state as TaskView;
    // JSON text in both dialects: a state value may be a bare string, which no JSON column of
    // PostgreSQL would give back as text to parse (rows.ts `json`).
    timeline.push([e.entityId, e.cursor, e.version, e.type, e.at, e.actor, state.status, JSON.stringify(state.stateValue)]);
  }
  const bases = [...last.values()].map((e): ArchivedBase => [e.entityId, e.version, JSON.stringify(e.state)]);
  return { timeline, entities: [...entities.values()], bases, horizon };
}

/** A pass's count of the tasks and agents whose history it archived (a batch may split one). */
export class PassTally {
  archived = 0;
  private readonly tasks = new Set<string>();
  private readonly agents = new Set<string>();

  add(deleted: number, entities: readonly (readonly [id: string, type: string, ...rest: unknown[]])[]): void {
    this.archived += deleted;
    for (const [id, type] of entities) (type === 'task' ? this.tasks : this.agents).add(id);
  }

  counts(): { archived: number; tasks: number; agents: number } {
    return { archived: this.archived, tasks: this.tasks.size, agents: this.agents.size };
  }
}

/** A `compact_timeline` row as read back: cursor, version, type, at, actor, status, state value. */
export type StoredCompactRow = [cursor: number, version: number, type: string, at: string, actor: string | null, status: string, stateValue: string];

/**
 * An archived task event as the log's readers get it: no payload, no previous status, and a
 * state holding only `status` and `stateValue` (all a timeline shows of it).
 */
export function compactEvent(entityId: string, scope: Scope, row: StoredCompactRow): LogEvent {
  const state = { status: row[5], stateValue: JSON.parse(row[6]) as unknown } as unknown as TaskView | AgentView;
  return {
    cursor: Number(row[0]),
    entityType: 'task',
    entityId,
    version: row[1],
    type: row[2],
    at: row[3],
    actor: row[4],
    payload: null,
    scope,
    prevStatus: null,
    state,
  };
}

/** An `archived_entities` row as read back: type, org, owner, private flag, upto. */
export type StoredArchivedEntity = [entityType: string, org: string, ownerId: string, isPrivate: number | boolean, upto: number];

export function archivedScope(row: StoredArchivedEntity): Scope {
  return { org: row[1], ownerId: row[2], private: row[3] === 1 || row[3] === true };
}

/** An SQLite archive file's name: the cursors it holds, zero-padded so names sort in order. */
export function archiveFileName(first: number, last: number): string {
  const pad = (n: number) => String(n).padStart(12, '0');
  return `events-${pad(first)}-${pad(last)}.ndjson.gz`;
}

/** The first cursor an archive file's name says it holds, or null for another file. */
export function archiveFileFirst(name: string): number | null {
  const match = /^events-(\d{12,})-(\d{12,})\.ndjson\.gz$/.exec(name);
  return match ? Number(match[1]) : null;
}
