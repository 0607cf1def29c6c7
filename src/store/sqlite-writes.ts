/**
 * Every write of the SQLite store, on one connection of its own: group commits and the few
 * other writes (deadline drops, effect claims, webhook deliveries, local issue numbers, the write
 * probe). Synchronous, as better-sqlite3 is; the store runs it on a worker thread
 * (sqlite-writer-thread.ts) so that SQLite's work overlaps the actors' JavaScript on the other
 * core, or inline for a database in memory.
 *
 * One writer is what keeps cursors in commit order: AUTOINCREMENT assigns them inside the
 * transaction, and transactions of one connection commit one after another.
 */
import type Database from 'better-sqlite3';
import { closeSync, openSync } from 'node:fs';
import { JournalProbe } from './journal-probe.js';
import { SqliteArchiveWrites, type ArchiveBatch } from './sqlite-archive-writes.js';
import { StaleDeadlineError, StorageFaultError, VersionConflictError } from './types.js';
import type { EntityRow, WireChange } from './rows.js';
import { scopeWords, statusWord } from './search.js';
import { SearchPartitionWrites } from './search-partitions.js';
import { SqliteLogWrites } from './sqlite-log-writes.js';
import { defineUnpacked, packJson } from './packed-json.js';
import { readSql, SQLITE, writeSql } from './sql.js';
import { CountDeltas, type TaskCountKey } from './task-counts.js';
import { encodeError, type WireGroupResult, type WireOutcome, type WireRequest } from './sqlite-wire.js';

/** Pragmas both connections (the reader and the writer) use. */
export function configure(db: Database.Database, synchronous: 'NORMAL' | 'FULL'): void {
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // A larger page cache and memory-mapped reads: the log's hot tail and the indexes stay in
  // memory instead of being re-read for every group commit (measured with bench/lib/write.ts).
  db.pragma('cache_size = -65536');
  db.pragma('mmap_size = 268435456');
  db.pragma('temp_store = MEMORY');
  defineUnpacked(db);
}

/** The writes the store asks for, by name: what crosses the thread boundary. */
export type WriteCall =
  | { op: 'commit'; requests: WireRequest[] }
  | { op: 'dropDeadline'; entityId: string; key: string; dueAt: number }
  | { op: 'claimOrphanedEffects'; instanceId: string }
  | { op: 'recordWebhookDelivery'; id: string; at: string; outcome: string }
  | { op: 'allocateIssueNumber'; key: string }
  | { op: 'archiveBatch'; batch: ArchiveBatch }
  | { op: 'vacuumStep'; pages: number }
  | { op: 'probe' };

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
export function storageFault(error: unknown, file: string | null): StorageFaultError | null {
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
 * Whether the file system refuses to open the database for writing. Opening (without creating or
 * changing anything) is the question to ask: `access(W_OK)` says yes on an ext4 that went
 * read-only after an error (it stays mounted "rw", flagged emergency_ro), `open` says EROFS.
 *
 * The write-ahead log is the file opened, not the database: closing any descriptor of a file
 * drops every POSIX lock this process holds on it, SQLite's too (sqlite.org/howtocorrupt.html,
 * 2.2), and SQLite locks the database and its -shm, never the -wal. The database file is asked
 * only when there is no log yet.
 */
function readOnly(file: string): boolean {
  for (const path of [`${file}-wal`, file]) {
    try {
      closeSync(openSync(path, 'r+'));
      return false;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code === 'ENOENT' && path !== file) continue;
      return ['EROFS', 'EACCES', 'EPERM'].includes(code);
    }
  }
  return false;
}

export class SqliteWrites {
  private readonly stmt;

  /**
   * With durable commits (synchronous = FULL on a file), what asks after each commit whether the
   * file system still takes changes (see `run`); null otherwise.
   */
  private readonly probe: JournalProbe | null;
  /** Retention's writes (issue 14). */
  private readonly archive: SqliteArchiveWrites;
  /** The search index's partitions (issue 14). */
  private readonly search: SearchPartitionWrites;
  /** Appends to the log's tables (schema.ts, SQLITE_EVENTS_VIEW). */
  private readonly log: SqliteLogWrites;

  constructor(
    private readonly db: Database.Database,
    /** The database file (null in memory), asked when SQLite reports an I/O error. */
    private readonly file: string | null,
    synchronous: 'NORMAL' | 'FULL' = 'NORMAL',
  ) {
    this.probe = file !== null && synchronous === 'FULL' ? new JournalProbe(`${file}-sync-probe`) : null;
    this.archive = new SqliteArchiveWrites(db);
    this.search = new SearchPartitionWrites(db);
    this.log = new SqliteLogWrites(db);
    // Writes bind positionally: named parameters cost ~2 µs more per 12-column row in
    // better-sqlite3 (an object read per parameter), and every transition writes 4–5 rows.
    const sql = writeSql(SQLITE);
    this.stmt = {
      insertEntity: db.prepare(sql.insertEntity),
      updateEntity: db.prepare(sql.updateEntity),
      putEffects: db.prepare(sql.putEffects),
      dropEffects: db.prepare(sql.dropEffects),
      upsertTask: db.prepare(sql.upsertTask),
      upsertAgent: db.prepare(sql.upsertAgent),
      setDeadline: db.prepare(sql.setDeadline),
      clearDeadline: db.prepare(sql.clearDeadline),
      consumeDeadline: db.prepare(sql.consumeDeadline),
      taskCounted: db.prepare(sql.taskCounted).raw(),
      addCount: db.prepare(sql.addCount),
      addOrgCount: db.prepare(sql.addOrgCount),
      version: db.prepare(`SELECT version FROM entities WHERE id = ?`).pluck(),
      hasDeadline: db.prepare(`SELECT 1 FROM deadlines WHERE entity_id = ? AND key = ? AND due_at = ?`).pluck(),
      // One process owns an SQLite file, so every effect not started by this process is orphaned.
      claimEffects: db.prepare(`UPDATE entity_effects SET owner = ? WHERE owner IS NULL OR owner <> ? RETURNING entity_id`).pluck(),
      entity: db.prepare(readSql(SQLITE).load),
      allocateIssue: db.prepare(`INSERT INTO local_issues (key) VALUES (?) ON CONFLICT (key) DO NOTHING`),
      issueNumber: db.prepare(`SELECT number FROM local_issues WHERE key = ?`).pluck(),
      recordDelivery: db.prepare(sql.recordDelivery),
      probeIn: db.prepare(`INSERT INTO schema_migrations (version, applied_at) VALUES (0, 'write probe')`),
      probeOut: db.prepare(`DELETE FROM schema_migrations WHERE version = 0`),
    };
  }

  /**
   * Run one call. Throws what SQLite throws (the caller encodes it).
   *
   * With durable commits, a call that SQLite reports done is not yet acknowledged: the file
   * system is asked first whether it still takes changes (journal-probe.ts says why an fsync's
   * success is not enough; tests/reliability/disk-error.test.ts lost its last acknowledged task to
   * it). A commit it refuses is answered as refused by a read-only disk: it may or may not be
   * there after the repair, as for a connection cut before its answer.
   */
  run(call: WriteCall): unknown {
    const result = this.runUnchecked(call);
    if (this.probe) {
      try {
        this.probe.check();
      } catch (error) {
        const fault = new StorageFaultError(
          'read-only',
          new Error(
            `the file system stopped taking changes as this write was committed, so it may not have reached the disk (${(error as Error).message})`,
          ),
        );
        if (call.op === 'commit') return { refused: encodeError(fault) } satisfies WireGroupResult;
        throw fault;
      }
    }
    return result;
  }

  /** Let go of the probe's file (the connection is the caller's to close). */
  close(): void {
    this.probe?.close();
  }

  private runUnchecked(call: WriteCall): unknown {
    switch (call.op) {
      case 'commit':
        return this.commitGroup(call.requests);
      case 'dropDeadline':
        this.stmt.consumeDeadline.run(call.entityId, call.key, call.dueAt);
        return null;
      case 'claimOrphanedEffects':
        return this.db.transaction(() =>
          (this.stmt.claimEffects.all(call.instanceId, call.instanceId) as string[]).map((id) => this.stmt.entity.get(id) as EntityRow),
        )();
      case 'recordWebhookDelivery':
        this.stmt.recordDelivery.run(call.id, call.at, call.outcome);
        return null;
      case 'allocateIssueNumber':
        return this.db.transaction((): number => {
          this.stmt.allocateIssue.run(call.key);
          return this.stmt.issueNumber.get(call.key) as number;
        })();
      case 'archiveBatch':
        return this.archive.batch(call.batch);
      case 'vacuumStep':
        return this.archive.vacuumStep(call.pages);
      case 'probe':
        // A real committed write that leaves nothing behind: a row into schema_migrations and out.
        this.db.transaction(() => {
          this.stmt.probeIn.run();
          this.stmt.probeOut.run();
        })();
        return null;
    }
  }

  /**
   * Group commit: the requests share one SQLite transaction. A WAL commit writes every touched
   * page, so batching cuts the bytes written per event several-fold under load. Refusals
   * (version conflict, stale deadline) are found by reads first, so a request can be refused
   * without a savepoint (a savepoint and its release cost about as much as a heartbeat's writes).
   */
  commitGroup(requests: WireRequest[]): WireGroupResult {
    try {
      return {
        outcomes: this.db.transaction(() => {
          // The group's counter changes, summed: one write per counter row the group moved.
          const counts = new CountDeltas();
          const outcomes = requests.map((changes): WireOutcome => {
            const refusal = this.refusal(changes);
            return refusal ? { ok: false, error: encodeError(refusal) } : { ok: true, cursors: this.write(changes, counts) };
          });
          this.writeCounts(counts);
          return outcomes;
        })(),
      };
    } catch (error) {
      // The disk refused the group (full, read-only): nothing of it is stored, and each request
      // again on its own would be refused the same way.
      const fault = storageFault(error, this.file);
      if (fault) return { refused: encodeError(fault) };
    }
    // Something failed mid-write (a constraint the reads did not foresee): the whole group
    // rolled back. Again, each request in its own savepoint, so only its own fails.
    const outcomes: WireOutcome[] = [];
    try {
      this.db.transaction(() => {
        for (const changes of requests) {
          try {
            // A savepoint, its counter changes in it.
            const cursors = this.db.transaction(() => {
              const counts = new CountDeltas();
              const written = this.write(changes, counts);
              this.writeCounts(counts);
              return written;
            })();
            outcomes.push({ ok: true, cursors });
          } catch (error) {
            // SQLite may answer a full disk or an I/O error by rolling back the whole
            // transaction, not just the savepoint: the requests after it would then run (and
            // commit) on their own, and still be reported failed. Give up the group instead.
            if (storageFault(error, this.file)) throw error;
            outcomes.push({ ok: false, error: encodeError(error) });
          }
        }
      })();
    } catch (error) {
      // The batch itself failed to commit (disk full, read-only file): nothing of it is stored.
      return { refused: encodeError(storageFault(error, this.file) ?? error) };
    }
    return { outcomes };
  }

  private refusal(changes: WireChange[]): Error | null {
    for (const change of changes) {
      const version = this.stmt.version.get(change.entityId) as number | undefined;
      if ((version ?? 0) !== change.expectedVersion) return new VersionConflictError(change.entityId);
      const consumes = change.consumes;
      if (consumes && this.stmt.hasDeadline.get(change.entityId, consumes[0], consumes[1]) === undefined) {
        return new StaleDeadlineError(change.entityId, consumes[0]);
      }
    }
    return null;
  }

  /** The request's writes, its counter changes added to `counts`; the cursors of its events, in order. */
  private write(changes: WireChange[], counts: CountDeltas): number[] {
    const cursors: number[] = [];
    const { insertEntity, updateEntity, consumeDeadline, clearDeadline, setDeadline } = this.stmt;
    for (const change of changes) {
      const id = change.entityId;
      const version = change.expectedVersion + change.events.length;
      if (change.expectedVersion === 0) {
        try {
          insertEntity.run(id, change.entityType, version, change.state);
        } catch (error) {
          if (isUniqueViolation(error)) throw new VersionConflictError(id);
          throw error;
        }
      } else if (
        updateEntity.run(version, change.state, id, change.expectedVersion).changes === 0
      ) {
        throw new VersionConflictError(id);
      }
      // Pending effects live in their own table while there are any (schema.ts migration 11); a
      // new entity without them has no row to drop.
      if (change.hasEffects) this.stmt.putEffects.run(id, change.effects, change.owner);
      else if (change.expectedVersion > 0) this.stmt.dropEffects.run(id);
      if (change.consumes) {
        const [key, dueAt] = change.consumes;
        if (consumeDeadline.run(id, key, dueAt).changes === 0) throw new StaleDeadlineError(id, key);
      }
      let firstCursor = 0;
      let lastCursor = 0;
      const view = change.view;
      for (const e of change.events) {
        const cursor = this.log.append(e);
        if (firstCursor === 0) firstCursor = cursor;
        lastCursor = cursor;
        cursors.push(cursor);
      }
      if (view[0] === 'task') {
        const [, taskId, org, creatorId, isPrivate, status, taskVersion, json, branch, issue, title, description, refs] = view;
        // The stored row's counter key, and its seq (the row keeps the one it was created with).
        const before = (this.stmt.taskCounted.get(taskId) as [...TaskCountKey, seq: number] | undefined) ?? null;
        this.stmt.upsertTask.run(taskId, firstCursor, org, creatorId, isPrivate, status, taskVersion, packJson(json), branch, issue, lastCursor);
        // Its search words, in the same transaction (issue 14: search; rowid = the task's seq).
        this.search.index(before === null ? firstCursor : before[4], before === null, [title, description, refs, scopeWords(org, creatorId, isPrivate), statusWord(status)]);
        counts.task(before === null ? null : [before[0], before[1], before[2], before[3]], [creatorId, org, isPrivate, status]);
      } else {
        const [, agentId, org, name, agentVersion, json] = view;
        this.stmt.upsertAgent.run(agentId, org, name, agentVersion, json);
      }
      for (const op of change.deadlines) {
        if (op[0] === 'clear') clearDeadline.run(op[1], op[2]);
        else setDeadline.run(op[1], op[2], op[3], op[4], op[5]);
      }
    }
    return cursors;
  }

  /** The counter changes of a commit, in its transaction (issue 14: counts in O(1)). */
  private writeCounts(counts: CountDeltas): void {
    const { addCount, addOrgCount } = this.stmt;
    for (const row of counts.creatorRows()) addCount.run(row[0], row[1], row[2], row[3], row[4]);
    for (const row of counts.orgRows()) addOrgCount.run(row[0], row[1], row[2]);
  }
}
