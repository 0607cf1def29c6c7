/**
 * Embedded `EventStore` on one SQLite file (better-sqlite3, WAL).
 *
 * Two connections: this thread's reads (and migrates, at open) and writes small groups; a
 * writer thread's takes big groups (see `writerFor`), so that under a heavy write load SQLite's
 * half of each commit runs on the other core while the actors' JavaScript goes on here. The two
 * never write at the same time, so transactions commit one after another and the AUTOINCREMENT
 * cursor is assigned in commit order: a reader can never see cursor N+1 before N. A commit
 * resolves only after its COMMIT returned, so every read made after it sees it (WAL gives each
 * read statement the newest committed snapshot). (PostgreSQL with several writers needs more
 * care; see docs/design.md.)
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AgentView, EntityType, TaskStatus, TaskView } from '../machines/index.js';
import { SQLITE_MIGRATIONS } from './sqlite-schema.js';
import { decodeError, encodeChange, type WireGroupResult, type WireRequest } from './sqlite-wire.js';
import { InlineWriter, ThreadWriter, type Writer } from './sqlite-writer.js';
import { configure, SqliteWrites, storageFault, type StoredEntity, type WriteCall } from './sqlite-writes.js';
import {
  StorageFaultError,
  type Change,
  type Deadline,
  type EntityRecord,
  type EventStore,
  type LogEvent,
  type ReadOptions,
  type ReadResult,
  type TaskCounts,
  type TaskPage,
  type TaskQuery,
  type Viewer,
} from './types.js';

export interface SqliteStoreOptions {
  /** Path of the database file; `:memory:` for tests that need no file. */
  file: string;
  /**
   * `NORMAL` survives a process crash (kill -9) with every committed transaction; `FULL` also
   * survives power loss, at several times the commit cost.
   * @default 'NORMAL'
   */
  synchronous?: 'NORMAL' | 'FULL';
  /**
   * Where writes run: `auto` runs small groups on the calling thread and big ones on a worker
   * thread (see `writerFor`); `thread` sends every write to the worker thread; `inline` runs
   * every write on the calling thread (always so for `:memory:`, whose database a second
   * connection could not see).
   * @default 'auto'
   */
  writer?: 'auto' | 'thread' | 'inline';
}

/**
 * Event columns in the order `toEvent` reads them. Log reads fetch rows as arrays
 * (better-sqlite3 `raw()`): replaying a backlog reads every row of it, and an object per row
 * with a property per column cost more than the JSON parse of its state (resume scenario).
 */
const EVENT_COLUMNS = `cursor, entity_type, entity_id, version, type, at, actor, payload, org, owner_id, private, prev_status, state`;
type EventRow = [
  cursor: number,
  entityType: EntityType,
  entityId: string,
  version: number,
  type: string,
  at: string,
  actor: string | null,
  payload: string | null,
  org: string,
  ownerId: string,
  isPrivate: number,
  prevStatus: string | null,
  state: string,
];

/**
 * A log event as read back from the file. Its `state` (the entity's whole view, most of the
 * row) is parsed when first read: a subscriber whose selection does not reach it — a replay of
 * cursors, a timeline's types — never pays for the parse, which was a fifth of the server's time
 * replaying a backlog (resume scenario). Everything else is a plain own property, as on the
 * events the host commits.
 */
class StoredEvent implements LogEvent {
  readonly cursor: number;
  readonly entityType: EntityType;
  readonly entityId: string;
  readonly version: number;
  readonly type: string;
  readonly at: string;
  readonly actor: string | null;
  readonly payload: Record<string, unknown> | null;
  readonly scope: LogEvent['scope'];
  readonly prevStatus: string | null;
  #state: string | TaskView | AgentView;

  constructor(row: EventRow) {
    this.cursor = row[0];
    this.entityType = row[1];
    this.entityId = row[2];
    this.version = row[3];
    this.type = row[4];
    this.at = row[5];
    this.actor = row[6];
    this.payload = row[7] === null ? null : (JSON.parse(row[7]) as Record<string, unknown>);
    this.scope = { org: row[8], ownerId: row[9], private: row[10] === 1 };
    this.prevStatus = row[11];
    this.#state = row[12];
  }

  get state(): TaskView | AgentView {
    if (typeof this.#state === 'string') this.#state = JSON.parse(this.#state) as TaskView | AgentView;
    return this.#state;
  }

  /** With the state, for anything that serialises an event whole (a getter is not an own property). */
  toJSON(): LogEvent {
    return { ...this, state: this.state };
  }
}

function toEvent(row: EventRow): LogEvent {
  return new StoredEvent(row);
}

/** Most commit requests one group commit takes; the rest go in the next. */
const MAX_GROUP = 500;
/** Flushes on a microtask in one turn of the event loop before one waits for the next turn. */
const MAX_FLUSHES_PER_TURN = 64;
/** Groups of at least this many requests go to the writer thread (see `writerFor`). */
const OFFLOAD_AT = 128;

/** Visibility rule, the one place it is written in SQL: own tasks, and the org's public ones. */
const VISIBLE = `(creator_id = @viewerId OR (org = @viewerOrg AND private = 0))`;

export class SqliteStore implements EventStore {
  private readonly db: Database.Database;
  private readonly stmt;
  /** Writes on this thread's connection: small groups, when the writer thread is idle. */
  private readonly inline: Writer;
  /** The writer thread, for big groups (null in memory, or with `writer: 'inline'`). */
  private readonly thread: Writer | null;
  /** Calls the writer thread has not answered yet; while any is out, every write goes there. */
  private threadCalls = 0;
  /** Groups of at least this many requests go to the thread. */
  private readonly offloadAt: number;
  /** The database file (null in memory), asked when SQLite reports an I/O error. */
  private readonly file: string | null;
  /** Why the last write was refused, until a write succeeds again (for ping and /readyz). */
  private fault: StorageFaultError | null = null;

  /**
   * Open the store, proving with a real write that the data directory takes writes: a
   * read-only file opens without complaint (SQLite falls back to reading it) and a full disk
   * accepts reads. Throws a `StorageFaultError` saying which, so the server can wait for it.
   */
  static async open(options: SqliteStoreOptions): Promise<SqliteStore> {
    const file = options.file === ':memory:' ? null : options.file;
    let store: SqliteStore | null = null;
    try {
      store = new SqliteStore(options);
      await store.write({ op: 'probe' });
      return store;
    } catch (error) {
      // A constructor that threw leaves its handle to the collector (better-sqlite3 closes
      // unreachable databases); one that opened is closed here.
      await store?.close();
      throw storageFault(error, file) ?? error;
    }
  }

  constructor(options: SqliteStoreOptions) {
    this.file = options.file === ':memory:' ? null : options.file;
    if (this.file) mkdirSync(dirname(this.file), { recursive: true });
    this.db = new Database(options.file);
    const synchronous = options.synchronous ?? 'NORMAL';
    configure(this.db, synchronous);
    this.migrate(); // before the writer opens its connection
    this.inline = new InlineWriter(new SqliteWrites(this.db, this.file, synchronous));
    this.thread = this.file && options.writer !== 'inline' ? new ThreadWriter({ file: this.file, synchronous }) : null;
    this.offloadAt = options.writer === 'thread' ? 0 : OFFLOAD_AT;
    const db = this.db;
    this.stmt = {
      load: db.prepare(`SELECT type, id, version, state, effects FROM entities WHERE id = ?`),
      head: db.prepare(`SELECT coalesce(max(cursor), 0) AS head FROM events`),
      readAll: db.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE cursor > ? ORDER BY cursor LIMIT ?`).raw(),
      readEntity: db
        .prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE entity_id = ? AND cursor > ? ORDER BY version LIMIT ?`)
        .raw(),
      readType: db
        .prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE entity_type = ? AND cursor > ? ORDER BY cursor LIMIT ?`)
        .raw(),
      getTask: db.prepare(`SELECT view FROM tasks WHERE id = ?`),
      getAgent: db.prepare(`SELECT view FROM agents WHERE id = ?`),
      agentByName: db.prepare(`SELECT view FROM agents WHERE org = ? AND name = ?`),
      listAgents: db.prepare(`SELECT view FROM agents WHERE org = ? ORDER BY name`),
      due: db.prepare(
        `SELECT entity_type, entity_id, key, due_at, event FROM deadlines
         WHERE due_at <= ? ORDER BY due_at LIMIT ?`,
      ),
      nextDue: db.prepare(`SELECT min(due_at) AS due FROM deadlines`),
      dispatched: db.prepare(`SELECT view FROM tasks WHERE status = 'dispatched' ORDER BY seq LIMIT ?`),
      allAgents: db.prepare(`SELECT view FROM agents`),
      byBranch: db.prepare(`SELECT view FROM tasks WHERE branch = ? ORDER BY seq DESC LIMIT 1`),
      byIssue: db.prepare(`SELECT view FROM tasks WHERE issue_number = ? ORDER BY seq DESC LIMIT 1`),
      delivery: db.prepare(`SELECT outcome FROM webhook_deliveries WHERE id = ?`),
    };
  }

  private migrate(): void {
    this.db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`);
    const applied = new Set(
      (this.db.prepare(`SELECT version FROM schema_migrations`).all() as { version: number }[]).map(
        (r) => r.version,
      ),
    );
    for (const migration of SQLITE_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      this.db.transaction(() => {
        this.db.exec(migration.sql);
        this.db
          .prepare(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`)
          .run(migration.version, new Date().toISOString());
      })();
    }
  }

  /**
   * Where a write of `size` requests runs. On this thread while groups are small: a commit is
   * done within the same burst of microtasks, with no message to wait for behind the event
   * loop's I/O (the latency benchmark at 1,000 transitions/s: p50 4 ms here, 8 ms when every
   * commit went through the thread). On the writer thread once a group is big, so that SQLite's
   * half of a heavy write load overlaps the actors' JavaScript on the other core (the write
   * benchmark: ~15 % more transitions/s than on this thread alone). Never both at once: while the
   * thread holds calls everything goes to it, so the two connections never wait on each other's
   * write lock and commits stay in order.
   */
  private writerFor(size: number): Writer {
    if (this.thread && (this.threadCalls > 0 || size >= this.offloadAt)) return this.thread;
    return this.inline;
  }

  /** Run a call on a writer, counting the thread's calls until they are answered. */
  private async run(call: WriteCall, size: number): Promise<unknown> {
    const writer = this.writerFor(size);
    if (writer !== this.thread) return writer.call(call);
    this.threadCalls++;
    try {
      return await writer.call(call);
    } finally {
      this.threadCalls--;
    }
  }

  /** Run a write, turning what it threw back into errors (storage faults noted). */
  private async write(call: WriteCall): Promise<unknown> {
    try {
      return await this.run(call, 0);
    } catch (error) {
      const fault = storageFault(error, this.file);
      if (fault) this.fault = fault;
      throw fault ?? error;
    }
  }

  /**
   * Group commit: commits requested while the writer is busy (or in the same burst of
   * microtasks) go to it together, in one SQLite transaction (see SqliteWrites.commitGroup). A
   * WAL commit writes every touched page, so batching cuts the bytes written per event
   * several-fold under load.
   */
  commit(changes: Change[]): Promise<LogEvent[]> {
    return new Promise((resolve, reject) => {
      // Serialised now, on the caller's turn: the writer gets strings and numbers only.
      this.pending.push({ changes, request: changes.map(encodeChange), resolve, reject });
      if (!this.flushing && this.pending.length === 1) this.scheduleFlush();
    });
  }

  /**
   * Commits requested in the same burst of microtasks share a transaction; while one is with the
   * writer the next group gathers. The flush runs on a microtask: a setImmediate made every
   * commit wait for the event loop's whole I/O phase (milliseconds under the latency benchmark's
   * HTTP load). But a caller that commits in a loop (one commit after another, each on the
   * inline writer) would then never let the event loop turn: after a run of microtask flushes
   * within one turn, the next waits for the next turn.
   */
  private scheduleFlush(): void {
    if (this.flushesThisTurn >= MAX_FLUSHES_PER_TURN) {
      setImmediate(() => void this.flush());
      return;
    }
    if (this.flushesThisTurn++ === 0) setImmediate(() => (this.flushesThisTurn = 0));
    queueMicrotask(() => void this.flush());
  }

  private flushesThisTurn = 0;

  private pending: {
    changes: Change[];
    request: WireRequest;
    resolve: (events: LogEvent[]) => void;
    reject: (error: unknown) => void;
  }[] = [];
  /** A group is with the writer; the next one gathers meanwhile. */
  private flushing = false;

  private async flush(): Promise<void> {
    if (this.flushing || this.pending.length === 0) return;
    this.flushing = true;
    const batch = this.pending.splice(0, MAX_GROUP);
    try {
      let result: WireGroupResult;
      try {
        const call = this.run({ op: 'commit', requests: batch.map((item) => item.request) }, batch.length);
        // Posted (copied) already: let the serialised rows go now rather than after the reply,
        // so they die young instead of being copied by the collector while the writer works.
        for (const item of batch) item.request = [];
        result = (await call) as WireGroupResult;
      } catch (error) {
        // The writer itself failed (its thread died): nothing of the group was reported stored.
        for (const item of batch) item.reject(error);
        return;
      }
      if ('refused' in result) {
        // The disk refused the group (full, read-only) or it failed as a whole: nothing stored.
        const error = decodeError(result.refused);
        if (error instanceof StorageFaultError) this.fault = error;
        for (const item of batch) item.reject(error);
        return;
      }
      if (this.fault && result.outcomes.some((o) => o.ok)) this.fault = null; // the directory takes writes again
      batch.forEach((item, i) => {
        const outcome = result.outcomes[i];
        if (!outcome.ok) return item.reject(decodeError(outcome.error));
        // The committed events are the caller's own objects with their cursor added (no copy).
        const events: LogEvent[] = [];
        let k = 0;
        for (const change of item.changes) {
          for (const event of change.events) {
            (event as LogEvent).cursor = outcome.cursors[k++];
            events.push(event as LogEvent);
          }
        }
        item.resolve(events);
      });
    } finally {
      this.flushing = false;
      if (this.pending.length > 0) this.scheduleFlush();
    }
  }

  async load(entityId: string): Promise<EntityRecord | null> {
    const row = this.stmt.load.get(entityId) as
      | { type: EntityType; id: string; version: number; state: string; effects: string }
      | undefined;
    return row ? toRecord(row) : null;
  }

  async readAfter(cursor: number, options: ReadOptions): Promise<ReadResult> {
    return this.db.transaction((): ReadResult => {
      const rows = (
        options.entityId !== undefined
          ? this.stmt.readEntity.all(options.entityId, cursor, options.limit)
          : options.entityType !== undefined
            ? this.stmt.readType.all(options.entityType, cursor, options.limit)
            : this.stmt.readAll.all(cursor, options.limit)
      ) as EventRow[];
      const head = (this.stmt.head.get() as { head: number }).head;
      return { events: rows.map(toEvent), head };
    })();
  }

  async head(): Promise<number> {
    return (this.stmt.head.get() as { head: number }).head;
  }

  async getTask(id: string): Promise<TaskView | null> {
    const row = this.stmt.getTask.get(id) as { view: string } | undefined;
    return row ? (JSON.parse(row.view) as TaskView) : null;
  }

  async listTasks(query: TaskQuery): Promise<TaskPage> {
    const where = [VISIBLE];
    const params: Record<string, unknown> = {
      viewerId: query.viewer.id,
      viewerOrg: query.viewer.org,
      limit: query.first + 1,
    };
    if (query.mine) where.push(`creator_id = @viewerId`);
    if (query.creatorId !== undefined) {
      where.push(`creator_id = @creatorId`);
      params.creatorId = query.creatorId;
    }
    if (query.statuses && query.statuses.length > 0) {
      const names = query.statuses.map((s, i) => {
        params[`s${i}`] = s;
        return `@s${i}`;
      });
      where.push(`status IN (${names.join(', ')})`);
    }
    if (query.after !== undefined) {
      where.push(`seq < @after`);
      params.after = query.after;
    }
    const sql = `SELECT seq, view FROM tasks WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT @limit`;
    return this.db.transaction((): TaskPage => {
      const rows = this.db.prepare(sql).all(params) as { seq: number; view: string }[];
      const page = rows.slice(0, query.first);
      return {
        tasks: page.map((r) => JSON.parse(r.view) as TaskView),
        hasNextPage: rows.length > query.first,
        endCursor: page.at(-1)?.seq ?? null,
        logCursor: (this.stmt.head.get() as { head: number }).head,
      };
    })();
  }

  async countTasks(viewer: Viewer, scope: { mine: boolean; creatorId?: string }): Promise<TaskCounts> {
    const sql = `SELECT status, count(*) AS n FROM tasks WHERE ${VISIBLE}${
      scope.mine ? ' AND creator_id = @viewerId' : ''
    }${scope.creatorId !== undefined ? ' AND creator_id = @creatorId' : ''} GROUP BY status`;
    return this.db.transaction((): TaskCounts => {
      const rows = this.db
        .prepare(sql)
        .all({ viewerId: viewer.id, viewerOrg: viewer.org, creatorId: scope.creatorId }) as {
          status: TaskStatus;
          n: number;
        }[];
      return {
        byStatus: Object.fromEntries(rows.map((r) => [r.status, r.n])),
        logCursor: (this.stmt.head.get() as { head: number }).head,
      };
    })();
  }

  async getAgent(id: string): Promise<AgentView | null> {
    const row = this.stmt.getAgent.get(id) as { view: string } | undefined;
    return row ? (JSON.parse(row.view) as AgentView) : null;
  }

  async findAgentByName(org: string, name: string): Promise<AgentView | null> {
    const row = this.stmt.agentByName.get(org, name) as { view: string } | undefined;
    return row ? (JSON.parse(row.view) as AgentView) : null;
  }

  async listAgents(org: string): Promise<AgentView[]> {
    return (this.stmt.listAgents.all(org) as { view: string }[]).map(
      (r) => JSON.parse(r.view) as AgentView,
    );
  }

  async listAgentsAt(org: string): Promise<{ agents: AgentView[]; logCursor: number }> {
    return this.db.transaction(() => ({
      agents: (this.stmt.listAgents.all(org) as { view: string }[]).map((r) => JSON.parse(r.view) as AgentView),
      logCursor: (this.stmt.head.get() as { head: number }).head,
    }))();
  }

  async dueDeadlines(now: number, limit: number): Promise<Deadline[]> {
    const rows = this.stmt.due.all(now, limit) as {
      entity_type: EntityType;
      entity_id: string;
      key: string;
      due_at: number;
      event: string;
    }[];
    return rows.map((r) => ({
      entityType: r.entity_type,
      entityId: r.entity_id,
      key: r.key,
      dueAt: r.due_at,
      event: JSON.parse(r.event) as Deadline['event'],
    }));
  }

  async nextDeadlineAt(): Promise<number | null> {
    return (this.stmt.nextDue.get() as { due: number | null }).due;
  }

  async dropDeadline(entityId: string, key: string, dueAt: number): Promise<void> {
    await this.write({ op: 'dropDeadline', entityId, key, dueAt });
  }

  async heartbeatInstance(): Promise<void> {
    // Single process: nobody else needs to know it is alive.
  }

  async claimOrphanedEffects(instanceId: string): Promise<EntityRecord[]> {
    return ((await this.write({ op: 'claimOrphanedEffects', instanceId })) as StoredEntity[]).map(toRecord);
  }

  async listDispatchedTasks(limit: number): Promise<TaskView[]> {
    return (this.stmt.dispatched.all(limit) as { view: string }[]).map((r) => JSON.parse(r.view) as TaskView);
  }

  async listAllAgents(): Promise<AgentView[]> {
    return (this.stmt.allAgents.all() as { view: string }[]).map((r) => JSON.parse(r.view) as AgentView);
  }

  async findTaskByBranch(branch: string): Promise<TaskView | null> {
    const row = this.stmt.byBranch.get(branch) as { view: string } | undefined;
    return row ? (JSON.parse(row.view) as TaskView) : null;
  }

  async findTaskByIssueNumber(issueNumber: number): Promise<TaskView | null> {
    const row = this.stmt.byIssue.get(issueNumber) as { view: string } | undefined;
    return row ? (JSON.parse(row.view) as TaskView) : null;
  }

  async webhookDelivery(id: string): Promise<string | null> {
    return (this.stmt.delivery.get(id) as { outcome: string } | undefined)?.outcome ?? null;
  }

  async recordWebhookDelivery(id: string, outcome: string): Promise<void> {
    await this.write({ op: 'recordWebhookDelivery', id, at: new Date().toISOString(), outcome });
  }

  async allocateIssueNumber(key: string): Promise<number> {
    return (await this.write({ op: 'allocateIssueNumber', key })) as number;
  }

  async ping(): Promise<void> {
    if (!this.fault) {
      this.db.prepare('SELECT 1').get();
      return;
    }
    // Since a write was refused, only a write can tell that the directory takes them again
    // (SELECT 1 succeeds on a full disk): /readyz turns ready with no mutation needed.
    await this.write({ op: 'probe' });
    this.fault = null;
  }

  /** Waits for the writer to finish what it was given, then closes both connections. */
  async close(): Promise<void> {
    while (this.flushing || this.pending.length > 0) await new Promise((resolve) => setImmediate(resolve));
    await this.thread?.close();
    if (this.db.open) this.db.close();
  }
}

function toRecord(row: StoredEntity): EntityRecord {
  return {
    type: row.type as EntityType,
    id: row.id,
    version: row.version,
    state: JSON.parse(row.state) as EntityRecord['state'],
    effects: JSON.parse(row.effects) as EntityRecord['effects'],
  };
}
