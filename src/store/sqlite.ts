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
import { LRUCache } from 'lru-cache';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ArchiveFiles, readLines } from './archive-files.js';
import { migrateSync } from './migrate.js';
import { encodeChange, toRecord, withCursors, type EntityRow } from './rows.js';
import { SQLITE } from './sql.js';
import { SqlStore, type ArchiveImport, type TransferSession } from './sql-store.js';
import { searchWindowQuery, taskSearchCountQuery } from './task-queries.js';
import { partitionsBelow, partitionTable, PARTITIONS_NEWEST_FIRST, type Partition } from './search-partitions.js';
import { SEARCH_WINDOW, toCandidates, type Candidate, type CandidateRow } from './search-window.js';
import { SqliteArchiver } from './sqlite-archive.js';
import { SqliteLog } from './sqlite-log.js';
import { decodeError, type WireGroupResult, type WireRequest } from './sqlite-wire.js';
import { InlineWriter, ThreadWriter, type Writer } from './sqlite-writer.js';
import { configure, SqliteWrites, storageFault, type WriteCall } from './sqlite-writes.js';
import {
  StorageFaultError,
  type ArchiveOptions,
  type ArchivePass,
  type Change,
  type CountScope,
  type EntityRecord,
  type LogEvent,
  type ReadOptions,
  type ReadResult,
  type TaskQuery,
  type Viewer,
} from './types.js';
import type { TaskStatus } from '../machines/index.js';

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
  /**
   * Where archive passes (retention) write the events they move out of the log.
   * @default `archive/` beside the database file
   */
  archiveDir?: string;
}

/** Most commit requests one group commit takes; the rest go in the next. */
const MAX_GROUP = 500;
/** Flushes on a microtask in one turn of the event loop before one waits for the next turn. */
const MAX_FLUSHES_PER_TURN = 64;
/** Groups of at least this many requests go to the writer thread (see `writerFor`). */
const OFFLOAD_AT = 128;

export class SqliteStore extends SqlStore {
  private readonly db: Database.Database;
  /** The log reads (the other reads are prepared on first use: `prepared`). */
  private readonly log: SqliteLog;
  /**
   * Statements by their SQL, prepared on first use. Bounded: a search's SQL names its partition
   * (search-partitions.ts), so the shapes grow with the history; the few the reads use most stay.
   */
  private readonly statements = new LRUCache<string, Database.Statement>({ max: 512 });
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
  /** Retention's archive passes (null in memory without `archiveDir`). */
  private readonly archiver: SqliteArchiver | null;

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
    super(SQLITE);
    this.file = options.file === ':memory:' ? null : options.file;
    if (this.file) mkdirSync(dirname(this.file), { recursive: true });
    this.db = new Database(options.file);
    // Retention frees pages that incremental vacuum gives back to the file system. Only a new
    // database takes this before its first table; an older one keeps auto_vacuum = NONE (its
    // freed pages are reused, the file does not shrink) until a VACUUM (docs/design.md).
    this.db.pragma('auto_vacuum = INCREMENTAL');
    const synchronous = options.synchronous ?? 'NORMAL';
    configure(this.db, synchronous);
    this.migrate(); // before the writer opens its connection
    this.inline = new InlineWriter(new SqliteWrites(this.db, this.file, synchronous));
    this.thread = this.file && options.writer !== 'inline' ? new ThreadWriter({ file: this.file, synchronous }) : null;
    this.offloadAt = options.writer === 'thread' ? 0 : OFFLOAD_AT;
    this.log = new SqliteLog(this.db);
    const archiveDir = options.archiveDir ?? (this.file ? join(dirname(this.file), 'archive') : null);
    this.archiver = archiveDir ? new SqliteArchiver(new ArchiveFiles(archiveDir), this.log, (call) => this.write(call)) : null;
  }

  private prepared(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  protected rows<R>(sql: string, params: unknown[] = []): R[] {
    return this.prepared(sql).all(...params) as R[];
  }

  protected async rowsAtHead<R>(sql: string, params: unknown[]): Promise<{ rows: R[]; head: number }> {
    return this.db.transaction(() => ({ rows: this.rows<R>(sql, params), head: this.headNow() }))();
  }

  /** A window from the search partitions newest first, until it has its matches (search-partitions.ts). */
  protected override async searchWindow(query: TaskQuery, below: number | null): Promise<Candidate[]> {
    return this.db.transaction(() => {
      const out: Candidate[] = [];
      for (const partition of partitionsBelow(this.rows<Partition>(PARTITIONS_NEWEST_FIRST), below)) {
        const { sql, params } = searchWindowQuery(SQLITE, query, below, partitionTable(partition.id), SEARCH_WINDOW - out.length);
        out.push(...toCandidates(this.rows<CandidateRow>(sql, params)));
        if (out.length === SEARCH_WINDOW) break;
      }
      return out;
    })();
  }

  /**
   * Every partition's counts added up. They cost what the terms match in the whole history (a
   * count per status and partition, ~2 ms a partition for a common word), so the event loop is
   * let go between partitions rather than held for all of them. Hence the head is read first
   * and each partition in its own snapshot: a task is in one partition, so it is counted once,
   * as it was at some moment after the head, and the counts subscription's next recount
   * (task-lists.ts) brings what changed meanwhile.
   */
  protected override async searchCounts(viewer: Viewer, scope: CountScope, terms: readonly string[]): Promise<{ rows: { status: TaskStatus; n: number }[]; head: number }> {
    const head = this.headNow();
    const sums = new Map<TaskStatus, number>();
    for (const partition of this.rows<Partition>(PARTITIONS_NEWEST_FIRST)) {
      const { sql, params } = taskSearchCountQuery(SQLITE, viewer, scope, terms, partitionTable(partition.id));
      for (const row of this.rows<{ status: TaskStatus; n: number }>(sql, params)) sums.set(row.status, (sums.get(row.status) ?? 0) + row.n);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return { rows: [...sums].map(([status, n]) => ({ status, n })), head };
  }

  /** The log's head, read on this thread's connection (in the caller's transaction, if any). */
  private headNow(): number {
    return this.log.head();
  }

  /** Every migration not applied yet (migrate.ts), in one transaction. */
  private migrate(): void {
    const db = this.db;
    const applied = db.transaction(() =>
      migrateSync(SQLITE, (step) => {
        if ('exec' in step) {
          db.exec(step.exec);
          return [];
        }
        const statement = db.prepare(step.query);
        if (statement.reader) return statement.all(...step.params);
        statement.run(...step.params);
        return [];
      }),
    )();
    // Migration 12 rewrites the log into new tables and drops the old one: ~40 % of a grown
    // file's pages come free at once (200 MB of 540 at 100,000 tasks). Where incremental vacuum
    // is on, give them back now rather than leave the file at its old size until the log regrows.
    // Migration 13 rebuilds \`entities\` alike, on a smaller scale.
    if ((applied.includes(12) || applied.includes(13)) && db.pragma('auto_vacuum', { simple: true }) === 2) db.pragma('incremental_vacuum');
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
        item.resolve(withCursors(item.changes, outcome.cursors));
      });
    } finally {
      this.flushing = false;
      if (this.pending.length > 0) this.scheduleFlush();
    }
  }

  async readAfter(cursor: number, options: ReadOptions): Promise<ReadResult> {
    return this.log.readAfter(cursor, options);
  }

  async logBounds(): Promise<{ head: number; horizon: number }> {
    return this.log.bounds();
  }

  /** An archive pass (sqlite-archive.ts): one at a time. */
  async archive(options: ArchiveOptions): Promise<ArchivePass> {
    if (!this.archiver) throw new Error('an SQLite store in memory archives only with `archiveDir`');
    return this.archiver.pass(options);
  }

  /** The archive files, oldest first (archive-files.ts). */
  async archivedFiles(): Promise<string[]> {
    return this.archiver ? this.archiver.files.list() : [];
  }

  async *archivedLines(): AsyncGenerator<string> {
    for (const file of await this.archivedFiles()) yield* readLines(file);
  }

  archiveImport(): ArchiveImport {
    if (!this.archiver) throw new Error('an SQLite store in memory has no archive');
    return this.archiver.files.importer();
  }

  async dropDeadline(entityId: string, key: string, dueAt: number): Promise<void> {
    await this.write({ op: 'dropDeadline', entityId, key, dueAt });
  }

  async heartbeatInstance(): Promise<void> {
    // Single process: nobody else needs to know it is alive.
  }

  async claimOrphanedEffects(instanceId: string): Promise<EntityRecord[]> {
    return ((await this.write({ op: 'claimOrphanedEffects', instanceId })) as EntityRow[]).map(toRecord);
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

  /**
   * On this thread's connection (the writer thread's stays idle: nothing else writes during an
   * import). `BEGIN IMMEDIATE` takes the write lock for the whole import; a read is one WAL
   * snapshot.
   */
  async transfer(mode: 'read' | 'write'): Promise<TransferSession> {
    while (this.flushing || this.pending.length > 0) await new Promise((resolve) => setImmediate(resolve));
    const db = this.db;
    db.exec(mode === 'write' ? 'BEGIN IMMEDIATE' : 'BEGIN');
    return {
      dialect: SQLITE,
      rows: async <R>(sql: string, params: unknown[] = []) => this.rows<R>(sql, params),
      run: async (sql: string, params: unknown[] = []) => void this.prepared(sql).run(...params),
      end: async (commit: boolean) => {
        if (db.inTransaction) db.exec(commit ? 'COMMIT' : 'ROLLBACK');
      },
    };
  }

  /** Waits for the writer to finish what it was given, then closes both connections. */
  async close(): Promise<void> {
    while (this.flushing || this.pending.length > 0) await new Promise((resolve) => setImmediate(resolve));
    await this.thread?.close();
    await this.inline.close();
    if (this.db.open) this.db.close();
  }
}
