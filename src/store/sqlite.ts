/**
 * Embedded `EventStore` on one SQLite file (better-sqlite3, WAL).
 *
 * SQLite has a single writer and better-sqlite3 runs each transaction synchronously, so the
 * AUTOINCREMENT cursor is assigned in commit order: a reader can never see cursor N+1 before N.
 * (PostgreSQL with several writers needs more care; see docs/design.md.)
 */
import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AgentView, EntityType, TaskStatus, TaskView } from '../machines/index.js';
import { SQLITE_MIGRATIONS } from './sqlite-schema.js';
import {
  StaleDeadlineError,
  StorageFaultError,
  VersionConflictError,
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

function toEvent(row: EventRow): LogEvent {
  return {
    cursor: row[0],
    entityType: row[1],
    entityId: row[2],
    version: row[3],
    type: row[4],
    at: row[5],
    actor: row[6],
    payload: row[7] === null ? null : (JSON.parse(row[7]) as Record<string, unknown>),
    scope: { org: row[8], ownerId: row[9], private: row[10] === 1 },
    prevStatus: row[11],
    state: JSON.parse(row[12]) as TaskView | AgentView,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    (error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || error.code === 'SQLITE_CONSTRAINT_UNIQUE')
  );
}

/**
 * A write refused by the data directory rather than by the data: no space, a read-only file or
 * directory, failing I/O (SQLite's codes, and the file system's from mkdir). A file system that
 * went read-only under an open database (ext4 `errors=remount-ro`) reaches SQLite as EROFS on
 * write, which it reports as SQLITE_IOERR_WRITE: an I/O error asks the file itself.
 */
function storageFault(error: unknown, file: string | null): StorageFaultError | null {
  if (error instanceof StorageFaultError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return new StorageFaultError('full', error);
  if (code.startsWith('SQLITE_READONLY') || ['SQLITE_CANTOPEN', 'EACCES', 'EPERM', 'EROFS'].includes(code)) {
    return new StorageFaultError('read-only', error);
  }
  if (code.startsWith('SQLITE_IOERR')) return new StorageFaultError(file && readOnly(file) ? 'read-only' : 'io-error', error);
  return null;
}

/**
 * Whether the file system refuses to open the file for writing. Opening (without creating or
 * changing anything) is the question to ask: `access(W_OK)` says yes on an ext4 that went
 * read-only after an error (it stays mounted "rw", flagged emergency_ro), `open` says EROFS.
 */
function readOnly(file: string): boolean {
  try {
    closeSync(openSync(file, 'r+'));
    return false;
  } catch (error) {
    return ['EROFS', 'EACCES', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '');
  }
}

type Outcome = { ok: true; events: LogEvent[] } | { ok: false; error: unknown };

/** Most commit requests one group commit takes; the rest go in the next. */
const MAX_GROUP = 500;

/** Visibility rule, the one place it is written in SQL: own tasks, and the org's public ones. */
const VISIBLE = `(creator_id = @viewerId OR (org = @viewerOrg AND private = 0))`;

export class SqliteStore implements EventStore {
  private readonly db: Database.Database;
  private readonly stmt;
  /** The database file (null in memory), asked when SQLite reports an I/O error. */
  private readonly file: string | null;
  /** Why the last write was refused, until a write succeeds again (for ping and /readyz). */
  private fault: StorageFaultError | null = null;

  /**
   * Open the store, proving with a real write that the data directory takes writes: a
   * read-only file opens without complaint (SQLite falls back to reading it) and a full disk
   * accepts reads. Throws a `StorageFaultError` saying which, so the server can wait for it.
   */
  static open(options: SqliteStoreOptions): SqliteStore {
    const file = options.file === ':memory:' ? null : options.file;
    let store: SqliteStore | null = null;
    try {
      store = new SqliteStore(options);
      store.probe();
      return store;
    } catch (error) {
      // A constructor that threw leaves its handle to the collector (better-sqlite3 closes
      // unreachable databases); one that opened is closed here.
      store?.db.close();
      throw storageFault(error, file) ?? error;
    }
  }

  constructor(options: SqliteStoreOptions) {
    this.file = options.file === ':memory:' ? null : options.file;
    if (this.file) mkdirSync(dirname(this.file), { recursive: true });
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    // A larger page cache and memory-mapped reads: the log's hot tail and the indexes stay in
    // memory instead of being re-read for every group commit (measured with bench/lib/write.ts).
    this.db.pragma('cache_size = -65536');
    this.db.pragma('mmap_size = 268435456');
    this.db.pragma('temp_store = MEMORY');
    this.migrate();
    const db = this.db;
    this.stmt = {
      // The write path binds positionally: named parameters cost ~2 µs more per 12-column row
      // in better-sqlite3 (an object read per parameter), and every transition writes 4–5 rows.
      insertEntity: db.prepare(
        `INSERT INTO entities (id, type, version, state, effects, has_effects, effects_owner)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      updateEntity: db.prepare(
        `UPDATE entities SET version = ?, state = ?, effects = ?, has_effects = ?, effects_owner = ?
         WHERE id = ? AND version = ?`,
      ),
      insertEvent: db.prepare(
        `INSERT INTO events (entity_type, entity_id, version, type, at, actor, payload, org,
           owner_id, private, prev_status, state)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      upsertTask: db.prepare(
        `INSERT INTO tasks (id, seq, org, creator_id, private, status, version, view, branch, issue_number)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, version = excluded.version,
           view = excluded.view, branch = excluded.branch, issue_number = excluded.issue_number`,
      ),
      upsertAgent: db.prepare(
        `INSERT INTO agents (id, org, name, version, view) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, view = excluded.view`,
      ),
      setDeadline: db.prepare(
        `INSERT INTO deadlines (entity_id, key, entity_type, due_at, event) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (entity_id, key) DO UPDATE SET due_at = excluded.due_at, event = excluded.event`,
      ),
      clearDeadline: db.prepare(`DELETE FROM deadlines WHERE entity_id = ? AND key = ?`),
      consumeDeadline: db.prepare(
        `DELETE FROM deadlines WHERE entity_id = ? AND key = ? AND due_at = ?`,
      ),
      load: db.prepare(`SELECT type, id, version, state, effects FROM entities WHERE id = ?`),
      version: db.prepare(`SELECT version FROM entities WHERE id = ?`).pluck(),
      hasDeadline: db.prepare(`SELECT 1 FROM deadlines WHERE entity_id = ? AND key = ? AND due_at = ?`).pluck(),
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
      // One process owns an SQLite file, so every effect not started by this process is orphaned.
      claimEffects: db.prepare(
        `UPDATE entities SET effects_owner = @me
         WHERE has_effects = 1 AND (effects_owner IS NULL OR effects_owner <> @me)
         RETURNING type, id, version, state, effects`,
      ),
      allocateIssue: db.prepare(
        `INSERT INTO local_issues (key) VALUES (?) ON CONFLICT (key) DO NOTHING`,
      ),
      issueNumber: db.prepare(`SELECT number FROM local_issues WHERE key = ?`),
      dispatched: db.prepare(`SELECT view FROM tasks WHERE status = 'dispatched' ORDER BY seq LIMIT ?`),
      allAgents: db.prepare(`SELECT view FROM agents`),
      byBranch: db.prepare(`SELECT view FROM tasks WHERE branch = ? ORDER BY seq DESC LIMIT 1`),
      byIssue: db.prepare(`SELECT view FROM tasks WHERE issue_number = ? ORDER BY seq DESC LIMIT 1`),
      delivery: db.prepare(`SELECT outcome FROM webhook_deliveries WHERE id = ?`),
      recordDelivery: db.prepare(
        `INSERT INTO webhook_deliveries (id, received_at, outcome) VALUES (?, ?, ?)
         ON CONFLICT (id) DO NOTHING`,
      ),
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
   * Why a request would be refused (version conflict, stale deadline), checked with reads before
   * anything is written, so a request of the group can be refused without a savepoint.
   */
  private refusal(changes: Change[]): Error | null {
    for (const change of changes) {
      const version = this.stmt.version.get(change.entityId) as number | undefined;
      if ((version ?? 0) !== change.expectedVersion) return new VersionConflictError(change.entityId);
      const consumes = change.consumes;
      if (consumes && this.stmt.hasDeadline.get(change.entityId, consumes.key, consumes.dueAt) === undefined) {
        return new StaleDeadlineError(change.entityId, consumes.key);
      }
    }
    return null;
  }

  /** The same writes, each request in its own savepoint: the slow path (see flush). */
  private readonly commitTx = (changes: Change[]): LogEvent[] => this.db.transaction(() => this.write(changes))();

  private write(changes: Change[]): LogEvent[] {
    const out: LogEvent[] = [];
    const { insertEntity, updateEntity, consumeDeadline, insertEvent, clearDeadline, setDeadline } = this.stmt;
    for (const change of changes) {
      const id = change.entityId;
      const version = change.expectedVersion + change.events.length;
      const state = JSON.stringify(change.state);
      const effects = JSON.stringify(change.effects);
      const hasEffects = change.effects.length > 0 ? 1 : 0;
      const owner = change.owner ?? null;
      if (change.expectedVersion === 0) {
        try {
          insertEntity.run(id, change.entityType, version, state, effects, hasEffects, owner);
        } catch (error) {
          if (isUniqueViolation(error)) throw new VersionConflictError(id);
          throw error;
        }
      } else if (updateEntity.run(version, state, effects, hasEffects, owner, id, change.expectedVersion).changes === 0) {
        throw new VersionConflictError(id);
      }
      if (change.consumes) {
        const { key, dueAt } = change.consumes;
        if (consumeDeadline.run(id, key, dueAt).changes === 0) throw new StaleDeadlineError(id, key);
      }
      let firstCursor = 0;
      const viewJson = JSON.stringify(change.view);
      for (const event of change.events) {
        const cursor = Number(
          insertEvent.run(
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
            // Usually the event's state is the change's view: serialise it once.
            event.state === change.view ? viewJson : JSON.stringify(event.state),
          ).lastInsertRowid,
        );
        if (firstCursor === 0) firstCursor = cursor;
        out.push({ ...event, cursor });
      }
      this.writeView(change, firstCursor, viewJson);
      for (const op of change.deadlines) {
        if (op.op === 'clear') clearDeadline.run(op.entityId, op.key);
        else {
          const d = op.deadline;
          setDeadline.run(d.entityId, d.key, d.entityType, d.dueAt, JSON.stringify(d.event));
        }
      }
    }
    return out;
  }

  private writeView(change: Change, firstCursor: number, viewJson: string): void {
    if (change.entityType === 'task') {
      const view = change.view as TaskView;
      this.stmt.upsertTask.run(
        view.id,
        firstCursor,
        view.org,
        view.creator.id,
        view.private ? 1 : 0,
        view.status,
        view.version,
        viewJson,
        view.branch,
        view.issue?.number ?? null,
      );
    } else {
      const view = change.view as AgentView;
      this.stmt.upsertAgent.run(view.id, view.org, view.name, view.version, viewJson);
    }
  }

  /**
   * Group commit: commits requested in the same turn of the event loop share one SQLite
   * transaction (each in its own savepoint, so one conflict fails only its own request). A WAL
   * commit writes every touched page, so batching cuts the bytes written per event several-fold
   * under load, and costs one event-loop turn of latency when idle.
   */
  commit(changes: Change[]): Promise<LogEvent[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ changes, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private pending: {
    changes: Change[];
    resolve: (events: LogEvent[]) => void;
    reject: (error: unknown) => void;
  }[] = [];

  private flush(): void {
    const batch = this.pending.splice(0, MAX_GROUP);
    if (this.pending.length > 0) setImmediate(() => this.flush());
    let outcomes: Outcome[];
    try {
      // Fast path: refusals are found by reads first, so requests need no savepoints (a
      // savepoint and its release cost about as much as the writes of a heartbeat).
      outcomes = this.db.transaction(() =>
        batch.map((item): Outcome => {
          const refusal = this.refusal(item.changes);
          return refusal ? { ok: false, error: refusal } : { ok: true, events: this.write(item.changes) };
        }),
      )();
    } catch (error) {
      // The disk refused the group (full, read-only): nothing of it is stored, and each request
      // again on its own would be refused the same way.
      if (this.refuseAll(batch, error)) return;
      // Something failed mid-write (a constraint the reads did not foresee): the whole group
      // rolled back. Again, each request in its own savepoint, so only its own fails.
      outcomes = [];
      try {
        this.db.transaction(() => {
          for (const item of batch) {
            try {
              outcomes.push({ ok: true, events: this.commitTx(item.changes) }); // a savepoint
            } catch (error) {
              // SQLite may answer a full disk or an I/O error by rolling back the whole
              // transaction, not just the savepoint: the requests after it would then run (and
              // commit) on their own, and still be reported failed. Give up the group instead.
              if (storageFault(error, this.file)) throw error;
              outcomes.push({ ok: false, error });
            }
          }
        })();
      } catch (error) {
        // The batch itself failed to commit (disk full, read-only file): nothing of it is stored.
        if (this.refuseAll(batch, error)) return;
        for (const item of batch) item.reject(error);
        return;
      }
    }
    if (this.fault && outcomes.some((o) => o.ok)) this.fault = null; // the directory takes writes again
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) item.resolve(outcome.events);
      else item.reject(outcome.error);
    });
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
    this.stmt.consumeDeadline.run(entityId, key, dueAt);
  }

  async heartbeatInstance(): Promise<void> {
    // Single process: nobody else needs to know it is alive.
  }

  async claimOrphanedEffects(instanceId: string): Promise<EntityRecord[]> {
    return (
      this.stmt.claimEffects.all({ me: instanceId }) as {
        type: EntityType;
        id: string;
        version: number;
        state: string;
        effects: string;
      }[]
    ).map(toRecord);
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
    this.stmt.recordDelivery.run(id, new Date().toISOString(), outcome);
  }

  async allocateIssueNumber(key: string): Promise<number> {
    return this.db.transaction((): number => {
      this.stmt.allocateIssue.run(key);
      return (this.stmt.issueNumber.get(key) as { number: number }).number;
    })();
  }

  /** Reject every request of a group with the storage fault `error` is, if it is one. */
  private refuseAll(batch: { reject: (error: unknown) => void }[], error: unknown): boolean {
    const fault = storageFault(error, this.file);
    if (!fault) return false;
    this.fault = fault;
    for (const item of batch) item.reject(fault);
    return true;
  }

  /** A real committed write that leaves nothing behind: a row into schema_migrations and out. */
  private probe(): void {
    this.db.transaction(() => {
      this.db.prepare(`INSERT INTO schema_migrations (version, applied_at) VALUES (0, 'write probe')`).run();
      this.db.prepare(`DELETE FROM schema_migrations WHERE version = 0`).run();
    })();
  }

  async ping(): Promise<void> {
    if (!this.fault) {
      this.db.prepare('SELECT 1').get();
      return;
    }
    // Since a write was refused, only a write can tell that the directory takes them again
    // (SELECT 1 succeeds on a full disk): /readyz turns ready with no mutation needed.
    try {
      this.probe();
      this.fault = null;
    } catch (error) {
      const fault = storageFault(error, this.file);
      if (!fault) throw error;
      this.fault = fault;
      throw fault;
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function toRecord(row: {
  type: EntityType;
  id: string;
  version: number;
  state: string;
  effects: string;
}): EntityRecord {
  return {
    type: row.type,
    id: row.id,
    version: row.version,
    state: JSON.parse(row.state) as EntityRecord['state'],
    effects: JSON.parse(row.effects) as EntityRecord['effects'],
  };
}
