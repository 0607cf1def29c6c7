/**
 * The `EventStore` port: the durable log, entity snapshots, the read model and deadlines.
 *
 * Owned by the runtime that uses it. Every adapter must commit a whole `Change[]` in one
 * transaction: events, snapshots, read-model rows and deadline rows land together or not at all.
 * Cursors are strictly increasing and never reused; a reader that has seen cursor N never later
 * finds a newly committed event with a cursor <= N (adapters with concurrent writers must ensure
 * that, see the production-mode design note).
 */
import type { StateValue } from 'xstate';
import type { AgentView, EntityType, TaskStatus, TaskView } from '../machines/index.js';
import type { SearchPosition } from './search-window.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Who may see an event or entity. Copied onto every event so feeds filter without a query. */
export interface Scope {
  org: string;
  ownerId: string;
  private: boolean;
}

export interface LogEvent {
  cursor: number;
  entityType: EntityType;
  entityId: string;
  version: number;
  type: string;
  at: string;
  actor: string | null;
  payload: Record<string, unknown> | null;
  scope: Scope;
  /** Status before this event (tasks only), so counts can be kept by delta. */
  prevStatus: string | null;
  /** The entity's read-model view right after this event. */
  state: TaskView | AgentView;
}

export type NewEvent = Omit<LogEvent, 'cursor'>;

export interface PersistedState {
  value: StateValue;
  context: Record<string, unknown>;
}

/** An invoked effect that is running (or must be re-run after a restart). */
export interface PendingEffect {
  id: string;
  src: string;
  input: unknown;
  /** The entity version that started it; results for an older epoch are dropped. */
  epoch: number;
}

export interface EntityRecord {
  type: EntityType;
  id: string;
  version: number;
  state: PersistedState;
  effects: PendingEffect[];
}

export interface Deadline {
  entityType: EntityType;
  entityId: string;
  key: string;
  dueAt: number;
  event: { type: string } & Record<string, unknown>;
}

export type DeadlineOp =
  | { op: 'set'; deadline: Deadline }
  | { op: 'clear'; entityId: string; key: string };

export interface Change {
  entityType: EntityType;
  entityId: string;
  /** 0 for a new entity. The commit fails with `VersionConflictError` if the stored one differs. */
  expectedVersion: number;
  events: NewEvent[];
  state: PersistedState;
  effects: PendingEffect[];
  view: TaskView | AgentView;
  /**
   * The entity's view before this change's first event (none for a new entity), so the log can
   * store that event as what changed (view-patch.ts). Without it the event stores a whole view.
   */
  base?: TaskView | AgentView;
  deadlines: DeadlineOp[];
  /** A deadline this change consumes; the commit fails with `StaleDeadlineError` if it is gone. */
  consumes?: { key: string; dueAt: number };
  /** The server instance that will run this entity's pending effects. */
  owner?: string;
}

export class VersionConflictError extends Error {
  constructor(readonly entityId: string) {
    super(`version conflict on ${entityId}`);
    this.name = 'VersionConflictError';
  }
}

export class StaleDeadlineError extends Error {
  constructor(readonly entityId: string, readonly key: string) {
    super(`deadline ${key} of ${entityId} was already consumed or re-armed`);
    this.name = 'StaleDeadlineError';
  }
}

/** The database is unreachable: the request may be retried; nothing was stored. */
export class StoreUnavailableError extends Error {
  constructor(override readonly cause: unknown) {
    super(`the database is unreachable (${(cause as Error)?.message ?? String(cause)})`);
    this.name = 'StoreUnavailableError';
  }
}

/** Why a data directory refuses writes. */
export type StorageFault = 'full' | 'read-only' | 'io-error';

/**
 * The data directory refuses writes (no space, read-only, failing device). Nothing of the request
 * was stored; reads may still work. A `StoreUnavailableError`, so it is retried like one.
 */
export class StorageFaultError extends StoreUnavailableError {
  constructor(
    readonly storage: StorageFault,
    cause: unknown,
  ) {
    super(cause);
    this.name = 'StorageFaultError';
    this.message = `the data directory is ${storage === 'io-error' ? 'failing' : storage} (${(cause as Error)?.message ?? String(cause)})`;
  }
}

/**
 * A read of the log started below what is kept (retention archived events it would have
 * returned): `horizon` is where reading can start again, `head` the log's head at the read.
 * Never a silent gap: the reader re-reads the state it follows and continues from its cursor.
 */
export class CursorExpiredError extends Error {
  constructor(
    readonly cursor: number,
    readonly horizon: number,
    readonly head: number,
  ) {
    super(`cursor ${cursor} is older than the kept log (horizon ${horizon})`);
    this.name = 'CursorExpiredError';
  }
}

export interface Viewer {
  id: string;
  name: string;
  org: string;
}

/**
 * A list's order, newest first: by creation (a task's first event) or by latest change (its
 * latest event, so a task that changes moves to the top).
 */
export type TaskSort = 'created' | 'updated';

export interface TaskQuery {
  viewer: Viewer;
  mine?: boolean;
  statuses?: TaskStatus[];
  creatorId?: string;
  /** Page size. */
  first: number;
  /** Without a search: the order. @default 'created' */
  sort?: TaskSort;
  /** Where the previous page ended: its last task's sort key (`TaskPage.keys`). */
  after?: number;
  /** Search terms (store/search.ts `searchTerms`); with any, the list is ranked (`taskSearchQuery`). */
  search?: string[];
  /** With `search`: where the previous page ended (its `endWindow`, `endRank` and `endCursor`). */
  searchAfter?: SearchPosition;
}

export interface TaskPage {
  tasks: TaskView[];
  hasNextPage: boolean;
  endCursor: number | null;
  /** With a search: the last task's score, which the next page starts after with `endCursor`. */
  endRank?: number | null;
  /** With a search: the last task's window (search-window.ts), null for the newest. */
  endWindow?: number | null;
  /**
   * Each task's sort key, in page order: the cursor of its first event (`created`), of its latest
   * event (`updated`), or (a search) its seq, with `ranks` its score. A page that starts after
   * a task continues from its key (and rank).
   */
  keys: number[];
  ranks?: number[];
  /** With a search: each task's window (search-window.ts), null for the newest. */
  windows?: (number | null)[];
  /** Log head at the time of the read: subscribe with `after` = this to continue seamlessly. */
  logCursor: number;
}

/** What `countTasks` counts: the tasks of a scope, and with search terms only those that match. */
export interface CountScope {
  mine: boolean;
  creatorId?: string;
  search?: string[];
}

export interface TaskCounts {
  byStatus: Partial<Record<TaskStatus, number>>;
  /** Log head at the time of the read, so live deltas can be applied from exactly there. */
  logCursor: number;
}

export interface ReadOptions {
  limit: number;
  entityId?: string;
  entityType?: EntityType;
  /**
   * With `entityId`: a cursor below what is kept of an agent's history starts where it is kept
   * instead of failing (a history asked for without a cursor: nothing was promised before it).
   */
  fromKept?: boolean;
  /**
   * An event the caller already holds (its previous page, the feed's ring), if it has this
   * entity's `version`: a state stored as a patch is then applied to that event's view instead
   * of one read from the log (view-patch.ts). Optional: without it the store reads the view.
   */
  known?: (entityId: string, version: number) => LogEvent | undefined;
}

export interface ReadResult {
  events: LogEvent[];
  /** The head at read time: with a filter, "nothing more up to here" lets a reader skip ahead. */
  head: number;
}

/** One archive pass (retention, src/store/retention.ts): what it may move out of the log. */
export interface ArchiveOptions {
  /** Events before this time (ISO-8601) may be archived. */
  before: string;
  /** Events per transaction. @default 1000 */
  batchSize?: number;
  /** Events per pass; the pass says `more` when it stopped there. @default 50000 */
  maxEvents?: number;
  /** Checked between batches: a stopping server ends the pass early. */
  signal?: AbortSignal;
}

export interface ArchivePass {
  /** Events moved out of the log. */
  archived: number;
  tasks: number;
  agents: number;
  /** The log horizon after the pass. */
  horizon: number;
  /** Stopped at `maxEvents` (or by the signal) with more to archive. */
  more: boolean;
  /** Where the events went: a file (SQLite) or `event_archive` chunks (PostgreSQL). */
  where: string[];
  /** SQLite: pages the incremental vacuum gave back to the file system. */
  freedPages?: number;
}

export interface EventStore {
  /** Commit all changes in one transaction. Returns the stored events with their cursors. */
  commit(changes: Change[]): Promise<LogEvent[]>;
  load(entityId: string): Promise<EntityRecord | null>;
  /**
   * Events after `cursor`, in order. Throws `CursorExpiredError` when retention archived events
   * the read would have returned: a read of the whole log or of one type from below the horizon,
   * or of an agent from below what is kept of its history. A task's archived events are served
   * from its compact timeline (no payload; the state has `status` and `stateValue` only).
   */
  readAfter(cursor: number, options: ReadOptions): Promise<ReadResult>;
  head(): Promise<number>;
  /** The log's head and horizon, read together (0: nothing archived). */
  logBounds(): Promise<{ head: number; horizon: number }>;
  /**
   * Move what retention allows out of the log (finished tasks' events and agents' events from
   * before `options.before`), in batches. Null when another instance runs a pass.
   */
  archive(options: ArchiveOptions): Promise<ArchivePass | null>;

  getTask(id: string): Promise<TaskView | null>;
  listTasks(query: TaskQuery): Promise<TaskPage>;
  /** Per status, from the counters; with `search` (its terms), of the matching tasks (O(matches)). */
  countTasks(viewer: Viewer, scope: CountScope): Promise<TaskCounts>;
  getAgent(id: string): Promise<AgentView | null>;
  findAgentByName(org: string, name: string): Promise<AgentView | null>;
  listAgents(org: string): Promise<AgentView[]>;
  /** Agents and the log head, read together. */
  listAgentsAt(org: string): Promise<{ agents: AgentView[]; logCursor: number }>;

  dueDeadlines(now: number, limit: number): Promise<Deadline[]>;
  nextDeadlineAt(): Promise<number | null>;
  /** Remove a deadline that can no longer fire (only if it is still the one with `dueAt`). */
  dropDeadline(entityId: string, key: string, dueAt: number): Promise<void>;
  /**
   * Take over pending effects nobody alive is running (their instance died or restarted), and
   * return those entities so their effects are run again.
   */
  claimOrphanedEffects(instanceId: string, deadAfterMs: number): Promise<EntityRecord[]>;
  /** This instance is alive (for `claimOrphanedEffects` on other instances). */
  heartbeatInstance(instanceId: string): Promise<void>;

  /** Tasks waiting in `dispatched` (queued or assigned), oldest first. */
  listDispatchedTasks(limit: number): Promise<TaskView[]>;
  /** Every agent of every org (the orchestrator matches within each org). */
  listAllAgents(): Promise<AgentView[]>;
  findTaskByBranch(branch: string): Promise<TaskView | null>;
  findTaskByIssueNumber(issueNumber: number): Promise<TaskView | null>;
  /** Outcome of an already handled webhook delivery, or null if it is new. */
  webhookDelivery(id: string): Promise<string | null>;
  recordWebhookDelivery(id: string, outcome: string): Promise<void>;

  /** Local issue tracker numbering: idempotent per key, numbers never reused. */
  allocateIssueNumber(key: string): Promise<number>;

  /** Cheap liveness check for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
