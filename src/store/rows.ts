/**
 * Rows as both adapters read them, and what they become (LogEvent, EntityRecord, TaskView,
 * AgentView, Deadline, a task page): one codec for both dialects. SQLite returns JSON columns as
 * text and flags as 0/1; PostgreSQL (JSONB, BOOLEAN) returns them parsed and as booleans.
 *
 * And a commit as the rows both write (`encodeChange`): flat values, JSON already serialised,
 * flags as 0/1 (PostgreSQL's BOOLEAN takes them). On SQLite they are what crosses to the writer
 * thread (sqlite-wire.ts), so the writer does nothing but SQL and a structured clone copies
 * strings and numbers only.
 */
import type { AgentView, EntityType, TaskStatus, TaskView } from '../machines/index.js';
import { isPacked, isPackedPatch, parseStored } from './packed-json.js';
import { searchDoc } from './search.js';
import type { Candidate } from './search-window.js';
import type { Change, Deadline, EntityRecord, LogEvent, ReadOptions, TaskCounts, TaskPage } from './types.js';
import {
  decodeEntityState,
  decodeEventState,
  encodeEntityState,
  encodeEventState,
  fixedChange,
  foldWindow,
  isPatch,
  isoTime,
  isPatchText,
  keyframeAtOrBefore,
  restoreView,
  storedView,
  wholeTail,
  type View,
  type WindowRow,
} from './view-patch.js';

/**
 * A JSON column's value: parsed from text (SQLite) or already parsed (PostgreSQL). None of our
 * JSON columns holds a bare string, so a string is always text still to parse.
 */
export function json<T>(value: unknown): T {
  return parseStored<T>(value);
}

/**
 * An event's values but the cursor, in `EVENT_FIELDS` order (sql.ts), with JSON as `J`, flags
 * as `F` and the state as `S`.
 */
export type EventFields<J, F, S = J, T = string> = [
  entityType: EntityType,
  entityId: string,
  version: number,
  type: string,
  at: T,
  actor: string | null,
  payload: J | null,
  org: string,
  ownerId: string,
  isPrivate: F,
  prevStatus: string | null,
  state: S,
];

/**
 * A log row, `EVENT_COLUMNS` in order. Log reads fetch rows as arrays (better-sqlite3 `raw()`,
 * pg `rowMode: 'array'`): replaying a backlog reads every row of it, and an object per row with a
 * property per column cost more than the JSON parse of its state (resume scenario).
 */
export type EventRow = [
  cursor: number,
  ...EventFields<string | Record<string, unknown>, number | boolean, string | TaskView | AgentView, string | number>,
  /** The task row's view, beside a keyframe that leaves out its fixed keys (`Dialect.fixedOf`); else null. */
  fixed: unknown,
];

/**
 * A log event as read back. Its `state` (the entity's view, most of the row) is parsed when
 * first read: a subscriber whose selection does not reach it — a replay of cursors, a
 * timeline's types — never pays for the parse, which was a fifth of the server's time replaying
 * a backlog (resume scenario). A state stored as a patch (view-patch.ts) is applied then to the
 * view before it, which `planBases` / `attachBases` gave the event when the page was read. Everything else is a
 * plain own property, as on the events the host commits.
 */
class StoredEvent implements LogEvent {
  readonly cursor: number;
  readonly entityType: EntityType;
  readonly entityId: string;
  readonly version: number;
  readonly type: string;
  #at: string | number;
  readonly actor: string | null;
  #payload: unknown;
  readonly scope: LogEvent['scope'];
  readonly prevStatus: string | null;
  #state: string | object;
  #fixed: unknown;
  #resolved: View | undefined;
  /** The view before this event, for a patch; dropped once the state is resolved. */
  base: (() => View) | undefined;

  constructor(row: EventRow) {
    this.cursor = row[0];
    this.entityType = row[1];
    this.entityId = row[2];
    this.version = row[3];
    this.type = row[4];
    this.#at = row[5];
    this.actor = row[6];
    this.#payload = row[7];
    this.scope = { org: row[8], ownerId: row[9], private: row[10] === 1 || row[10] === true };
    this.prevStatus = row[11];
    this.#state = row[12];
    this.#fixed = row[13];
  }

  /** Spelt when first read: SQLite stores integer milliseconds (view-patch.ts `isoTime`), ~0.3 µs to spell. */
  get at(): string {
    if (typeof this.#at === 'number') this.#at = isoTime(this.#at);
    return this.#at;
  }

  /** Parsed when first read: a replay of cursors alone never inflates a packed one (packed-json.ts). */
  get payload(): Record<string, unknown> | null {
    if (this.#payload !== null && (typeof this.#payload === 'string' || isPacked(this.#payload))) this.#payload = json<Record<string, unknown>>(this.#payload);
    return this.#payload as Record<string, unknown> | null;
  }

  /** Does the stored state need the view before it? (Known without parsing on SQLite, packed or not.) */
  get isPatch(): boolean {
    if (typeof this.#state === 'string') return isPatchText(this.#state);
    if (isPacked(this.#state)) return isPackedPatch(this.#state);
    return this.#resolved === undefined && isPatch(this.#state);
  }

  get state(): TaskView | AgentView {
    if (this.#resolved === undefined) {
      const stored = json<object>(this.#state);
      const base = this.base;
      const fixed = this.#fixed;
      this.#resolved = decodeEventState(
        stored,
        { entityId: this.entityId, version: this.version, at: this.at },
        () => {
          if (base === undefined) throw new Error(`event ${this.cursor} (${this.entityId} v${this.version}) is a patch read without the view before it`);
          return base();
        },
        () => fixed,
      );
      this.#state = '';
      this.#fixed = null;
      this.base = undefined;
    }
    return this.#resolved;
  }

  /** With the state, time and payload, for anything that serialises an event whole (a getter is not an own property). */
  toJSON(): LogEvent {
    const { base: _base, ...fields } = this;
    return { ...fields, at: this.at, payload: this.payload, state: this.state } as LogEvent;
  }
}

export function toEvent(row: EventRow): LogEvent {
  return new StoredEvent(row);
}

/** What a reader must fetch to resolve a page's patches: per entity, versions `from`..`to`. */
export interface BaseWindow {
  entityId: string;
  from: number;
  to: number;
}

/** The windows a page still needs (`planBases`), and the events waiting for them. */
export interface BasePlan {
  windows: BaseWindow[];
  waiting: LogEvent[];
}

/**
 * Give every patch of a page (one read, cursor order) the view before it when that is the event
 * before it in the page or one the reader holds (`known`), and say which need a window of the
 * entity's rows instead, back to the keyframe at or before it: the adapter reads them all at
 * once (one round-trip, or within the page's own read transaction) and hands them to
 * `attachBases`.
 */
export function planBases(events: LogEvent[], known?: ReadOptions['known']): BasePlan {
  const last = new Map<string, StoredEvent>();
  const windows: BaseWindow[] = [];
  const waiting: StoredEvent[] = [];
  for (const event of events as StoredEvent[]) {
    const before = last.get(event.entityId);
    last.set(event.entityId, event);
    if (!event.isPatch) continue;
    let held: LogEvent | undefined;
    if (before !== undefined && before.version === event.version - 1) {
      event.base = () => before.state;
    } else if ((held = known?.(event.entityId, event.version - 1)) !== undefined) {
      // Resolved now, not when this event's state is first read: a lazy link to an event of
      // the caller's previous page would keep every page of a long replay alive through it.
      const view = held.state;
      event.base = () => view;
    } else {
      windows.push({ entityId: event.entityId, from: keyframeAtOrBefore(event.version - 1), to: event.version - 1 });
      waiting.push(event);
    }
  }
  return { windows, waiting };
}

/** A row of a window read: one event's entity, version, time and stored state (view-patch.ts). */
export type { WindowRow } from './view-patch.js';

/** A window the log no longer has (view-patch.ts `wholeTail`): a reader may read again (postgres-log.ts). */
export class MissingBaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingBaseError';
  }
}

/** The window rows of a plan (any order) given to its events. */
export function attachBases(plan: BasePlan, rows: WindowRow[]): void {
  const byEntity = new Map<string, WindowRow[]>();
  for (const row of rows) {
    const list = byEntity.get(row.entity_id);
    if (list) list.push(row);
    else byEntity.set(row.entity_id, [row]);
  }
  for (const list of byEntity.values()) list.sort((x, y) => x.version - y.version);
  for (let i = 0; i < plan.waiting.length; i++) {
    const event = plan.waiting[i] as StoredEvent;
    const { entityId, from, to } = plan.windows[i];
    const window = wholeTail((byEntity.get(entityId) ?? []).filter((r) => r.version >= from && r.version <= to), to);
    if (window === null) throw new MissingBaseError(`the log lacks versions ${from}..${to} of ${entityId}, needed to read event ${event.cursor}`);
    let view: View | undefined;
    event.base = () => (view ??= foldWindow(window, (stored) => json<object>(stored)));
  }
}

/**
 * The state to store for `row` as a whole view (a keyframe), given the view of the version
 * before it; null when it stores a whole view already. Retention (retention.ts) rewrites so the
 * first event it keeps of an entity whose older events it archives: readers resolve every later
 * patch from there (view-patch.ts `wholeTail`).
 */
export function asKeyframe(row: EventRow, before: View): string | null {
  const event = toEvent(row) as StoredEvent;
  if (!event.isPatch) return null;
  event.base = () => before;
  return encodeEventState(event.state, undefined, event, event.entityType === 'task' ? before : undefined);
}

/** A row of `entities`, `ENTITY_COLUMNS` (sql.ts). */
export interface EntityRow {
  type: string;
  id: string;
  version: number;
  state: unknown;
  effects: unknown;
  /** The read model's view committed with it (`tasks.view` or `agents.view`), for a snapshot stored as a patch. */
  view: unknown;
}

export function toRecord(row: EntityRow): EntityRecord {
  return {
    type: row.type as EntityType,
    id: row.id,
    version: row.version,
    state: decodeEntityState(json<object>(row.state), row.view === null ? null : restoreView(json<View>(row.view))) as EntityRecord['state'],
    effects: json<EntityRecord['effects']>(row.effects),
  };
}

/** A read-model row (`tasks`, `agents`): its view. */
export interface ViewRow {
  view: unknown;
}

export const toTask = (row: ViewRow): TaskView => restoreView(json<TaskView>(row.view));
export const toAgent = (row: ViewRow): AgentView => restoreView(json<AgentView>(row.view));

export interface DeadlineRow {
  entity_type: EntityType;
  entity_id: string;
  key: string;
  due_at: number;
  event: unknown;
}

export function toDeadline(row: DeadlineRow): Deadline {
  return { entityType: row.entity_type, entityId: row.entity_id, key: row.key, dueAt: row.due_at, event: json<Deadline['event']>(row.event) };
}

/**
 * `taskPageQuery`'s rows (one more than `first`: is there a next page) as a page at `logCursor`.
 * Rows come in `pos` order (the sort key, unique per task), a task read by two overlapping
 * ranges twice in a row: kept once.
 */
export function toTaskPage(rows: (ViewRow & { pos: number })[], first: number, logCursor: number): TaskPage {
  const unique = rows.filter((row, i) => i === 0 || row.pos !== rows[i - 1].pos);
  const page = unique.slice(0, first);
  const keys = page.map((row) => Number(row.pos));
  return { tasks: page.map(toTask), keys, hasNextPage: unique.length > first, endCursor: keys.at(-1) ?? null, logCursor };
}

/**
 * A search page (search-window.ts `searchPage`: seqs in rank order, each with its score and
 * window) with its tasks' rows, as a page at `logCursor`. A task whose row the visibility check
 * refused (search-window's index words disagreeing with its row: never, as they are written
 * together) is left out, its place in the ranking kept by the cursor.
 */
export function toSearchPage(page: (Candidate & { below: number | null })[], rows: (ViewRow & { seq: number | string })[], hasNextPage: boolean, logCursor: number): TaskPage {
  const bySeq = new Map(rows.map((row) => [Number(row.seq), row]));
  const kept = page.filter((c) => bySeq.has(c.seq));
  const last = page.at(-1);
  return {
    tasks: kept.map((c) => toTask(bySeq.get(c.seq)!)),
    keys: kept.map((c) => c.seq),
    ranks: kept.map((c) => c.score),
    windows: kept.map((c) => c.below),
    hasNextPage,
    endCursor: last?.seq ?? null,
    endRank: last?.score ?? null,
    endWindow: last?.below ?? null,
    logCursor,
  };
}

export function toTaskCounts(rows: { status: TaskStatus; n: number }[], logCursor: number): TaskCounts {
  return { byStatus: Object.fromEntries(rows.map((r) => [r.status, r.n])), logCursor };
}

/**
 * The event row's values, in `insertEvent` order: JSON as text, flags as 0/1, the state as
 * stored (a patch or a keyframe, view-patch.ts).
 */
export type WireEvent = EventFields<string, number, string>;

/** The read-model row: a task's (upsertTask order, seq filled in by the writer) or an agent's. */
export type WireView =
  | [kind: 'task', id: string, org: string, creatorId: string, isPrivate: number, status: string, version: number, view: string, branch: string | null, issueNumber: number | null, title: string, description: string, refs: string]
  | [kind: 'agent', id: string, org: string, name: string, version: number, view: string];

export type WireDeadline =
  | [op: 'clear', entityId: string, key: string]
  | [op: 'set', entityId: string, key: string, entityType: string, dueAt: number, event: string];

export interface WireChange {
  entityType: string;
  entityId: string;
  expectedVersion: number;
  state: string;
  effects: string;
  hasEffects: number;
  owner: string | null;
  consumes: [key: string, dueAt: number] | null;
  events: WireEvent[];
  view: WireView;
  deadlines: WireDeadline[];
}

export function encodeChange(change: Change): WireChange {
  const viewJson = storedView(change.view);
  let base = change.base;
  if (change.entityType === 'task' && base !== undefined) {
    // Keyframes leave a task's fixed keys to its row (view-patch.ts `FIXED_KEYS`): a change
    // that rewrote them would rewrite what every earlier keyframe reads.
    const key = fixedChange(base, change.view);
    if (key !== null) throw new Error(`task ${change.entityId}: its ${key} is fixed at creation, and this change would change it`);
  }
  return {
    entityType: change.entityType,
    entityId: change.entityId,
    expectedVersion: change.expectedVersion,
    state: encodeEntityState(change.state, change.view),
    effects: JSON.stringify(change.effects),
    hasEffects: change.effects.length > 0 ? 1 : 0,
    owner: change.owner ?? null,
    consumes: change.consumes ? [change.consumes.key, change.consumes.dueAt] : null,
    events: change.events.map((event): WireEvent => {
      // A patch from the view before it, or a keyframe: the whole view but what its row holds (view-patch.ts).
      // A task's keyframe leaves out its fixed keys, which the task's row, written with it, holds.
      const state = encodeEventState(event.state, base, event, change.entityType === 'task' ? change.view : undefined);
      base = event.state;
      return [
        event.entityType,
        event.entityId,
        event.version,
        event.type,
        event.at,
        event.actor,
        event.payload === null ? null : JSON.stringify(event.payload),
        event.scope.org,
        event.scope.ownerId,
        event.scope.private ? 1 : 0,
        event.prevStatus,
        state,
      ];
    }),
    view: encodeView(change, viewJson),
    deadlines: change.deadlines.map((op): WireDeadline =>
      op.op === 'clear'
        ? ['clear', op.entityId, op.key]
        : ['set', op.deadline.entityId, op.deadline.key, op.deadline.entityType, op.deadline.dueAt, JSON.stringify(op.deadline.event)],
    ),
  };
}

function encodeView(change: Change, viewJson: string): WireView {
  if (change.entityType === 'task') {
    const view = change.view as TaskView;
    const issue = view.issue?.number ?? null;
    const doc = searchDoc(view);
    return ['task', view.id, view.org, view.creator.id, view.private ? 1 : 0, view.status, view.version, viewJson, view.branch, issue, doc.title, doc.description, doc.refs];
  }
  const view = change.view as AgentView;
  return ['agent', view.id, view.org, view.name, view.version, viewJson];
}

/**
 * The events of a committed request, cursors (in order) assigned: the caller's own objects, not
 * copies (the host hands them to the feed as they are).
 */
export function withCursors(changes: Change[], cursors: number[]): LogEvent[] {
  const events: LogEvent[] = [];
  let k = 0;
  for (const change of changes) {
    for (const event of change.events) {
      (event as LogEvent).cursor = cursors[k++];
      events.push(event as LogEvent);
    }
  }
  return events;
}
