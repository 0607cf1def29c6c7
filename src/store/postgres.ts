/**
 * Production `EventStore` on PostgreSQL (`DATABASE_URL`), for several server instances.
 *
 * Gap-free cursors with concurrent writers: every commit takes one transaction-scoped advisory
 * lock *before* it draws cursors from the sequence, and holds it until COMMIT. Cursor order is
 * therefore commit order, and a reader can never see cursor N+1 while N is still in flight (the
 * classic "a lower sequence value commits after a higher one was read" skip). Group commit keeps
 * the cost of that serialisation to one lock per batch, not per event. See docs/design.md.
 */
import pg from 'pg';
import { migrateAsync } from './migrate.js';
import { encodeChange, toRecord, withCursors, type EntityRow, type WireChange } from './rows.js';
import { postgresArchivedLines, postgresArchiveImport, postgresArchivePass } from './postgres-archive.js';
import { ADD_COUNTS, ADD_ORG_COUNTS, PostgresBatch, type Outcome } from './postgres-batch.js';
import { postgresReadAfter } from './postgres-log.js';
import { retentionSql } from './retention-sql.js';
import { ENTITY_COLUMNS, POSTGRES, writeSql } from './sql.js';
import { SqlStore, type ArchiveImport, type TransferSession } from './sql-store.js';
import { CountDeltas, type TaskCountKey } from './task-counts.js';
import {
  StaleDeadlineError,
  StoreUnavailableError,
  type ArchiveOptions,
  type ArchivePass,
  VersionConflictError,
  type Change,
  type EntityRecord,
  type LogEvent,
  type ReadOptions,
  type ReadResult,
} from './types.js';

export interface PostgresStoreOptions {
  connectionString: string;
  /** Schema to use (created if missing); tests isolate themselves with one each. @default public */
  schema?: string;
  /** @default 10 */
  poolSize?: number;
  /** Apply pending migrations on connect. @default true */
  migrate?: boolean;
  /**
   * Write a group in set-based statements (postgres-batch.ts); false: request by request, as the
   * fallback does (the differential test compares the two). @default true
   */
  batchWrites?: boolean;
  /**
   * Set-based groups in flight at once: one does its reads while another holds the append lock.
   * When a group took ~14 round trips, two quadrupled commit → receive latency at 1,000
   * transitions/s; in two round trips (postgres-batch.ts) two give the same latency as one
   * (p50 81 / p99 204 ms, bench latency on PostgreSQL) and ~17 % more heartbeats/s on the
   * write bench (8,344–8,437 against 7,169–7,206). @default 2
   */
  groupsInFlight?: number;
}

/** Arbitrary constants naming our advisory locks. */
const APPEND_LOCK = 7_421_001;
const MIGRATE_LOCK = 7_421_002;
const MAX_GROUP = 500;

/**
 * The log's pages are read on connections whose planner may use neither a bitmap scan nor a
 * sequential scan. A page is "the next `limit` events after a cursor" (of one type, or of one
 * entity): an index walk in cursor order that stops at `limit` rows is always the plan. On a log
 * that grew since it was last analyzed, the planner estimated ~100 agent events after a cursor
 * where there were 50,000, took a bitmap scan of all of them and a top-N sort: 26 ms a page of
 * 500 instead of 0.4 ms, and a resume of 100,000 events on PostgreSQL ran at 20,000 events/s
 * (bench resume, `EXPLAIN ANALYZE`). JIT is off there too: a disabled plan node costs 10^10,
 * which put every page over `jit_above_cost`, and compiling it took 300 ms. The main pool keeps
 * the scans (a task search needs the bitmap scan of its GIN index) but not JIT either: its
 * queries are short key and index walks, for which compiling costs more than it saves.
 */
const MAIN_PLANNER = ' -c jit=off';
export const LOG_READ_PLANNER = ' -c enable_bitmapscan=off -c enable_seqscan=off -c jit=off';
/** The feed's reader and subscribers catching up from the store; the rest of the store has the main pool. */
const LOG_READ_CONNECTIONS = 4;

// int8 (cursors, due times) as numbers: they stay far below 2^53.
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format),
};

const WRITE = writeSql(POSTGRES);

/**
 * The task's row written, with its counter key before and after (task-counts.ts) in the same
 * round trip: every part of a statement sees the snapshot it began with, so `before` is the row
 * as it was (and every commit holds APPEND_LOCK, so no other writer moves it meanwhile).
 */
const UPSERT_TASK_COUNTED = `WITH before AS (SELECT status FROM tasks WHERE id = $1) ${WRITE.upsertTask}
  RETURNING (SELECT status FROM before) AS before_status, creator_id, org, private, status`;
/** `UPSERT_TASK_COUNTED`'s row. */
interface TaskCounted {
  before_status: string | null;
  creator_id: string;
  org: string;
  private: boolean;
  status: string;
}

/** Connection-level failures: the database is unreachable, not the request wrong. */
function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006'].includes(code) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      (error as Error).message ?? '',
    )
  );
}

/** An error as the store reports it: a connection-level failure as `StoreUnavailableError`. */
function reported(error: unknown): unknown {
  return isUnavailable(error) ? new StoreUnavailableError(error) : error;
}

/** A query's rows on `pool`, a connection-level failure reported as `StoreUnavailableError`. */
async function rowsOn<R extends pg.QueryResultRow>(pool: pg.Pool, query: pg.QueryConfig | pg.QueryArrayConfig): Promise<R[]> {
  try {
    return (await pool.query<R>(query as pg.QueryConfig)).rows;
  } catch (error) {
    throw reported(error);
  }
}

export class PostgresStore extends SqlStore {
  private readonly pool: pg.Pool;
  /** The log's page reads (`readAfter`), on connections of their own: see `LOG_READ_PLANNER`. */
  private readonly logPool: pg.Pool;
  private pending: { changes: Change[]; resolve: (e: LogEvent[]) => void; reject: (e: unknown) => void }[] = [];
  /** Groups in flight. */
  private flushing = 0;
  private readonly retention = retentionSql(POSTGRES);
  /** Groups committed set-based, and request by request (configured so, or the fallback). */
  readonly groups = { setBased: 0, perRequest: 0 };

  private constructor(
    pool: pg.Pool,
    logPool: pg.Pool,
    private readonly schema: string,
    private readonly batchWrites: boolean,
    private readonly groupsInFlight: number,
  ) {
    super(POSTGRES);
    this.pool = pool;
    this.logPool = logPool;
  }

  static async connect(options: PostgresStoreOptions): Promise<PostgresStore> {
    const schema = options.schema ?? 'public';
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name "${schema}"`);
    const poolOf = (max: number, settings: string) => {
      const pool = new pg.Pool({
        connectionString: options.connectionString,
        max,
        connectionTimeoutMillis: 3000,
        // A query against a database that went away fails in seconds instead of hanging a request.
        query_timeout: 10_000,
        options: `-c search_path=${schema}${settings}`,
        types,
      });
      // An idle client losing its connection must not crash the process; the pool replaces it.
      pool.on('error', () => {});
      return pool;
    };
    const pool = poolOf(options.poolSize ?? 10, MAIN_PLANNER);
    const logPool = poolOf(LOG_READ_CONNECTIONS, LOG_READ_PLANNER);
    const store = new PostgresStore(pool, logPool, schema, options.batchWrites !== false, options.groupsInFlight ?? 2);
    if (options.migrate !== false) await store.migrate();
    return store;
  }

  /** Apply pending migrations (idempotent; safe to run from several instances at once). */
  async migrate(): Promise<number[]> {
    return this.transaction('BEGIN', async (client) => {
      // Under the lock: instances starting together would otherwise race even on IF NOT EXISTS.
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATE_LOCK]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      return migrateAsync(POSTGRES, async (step) =>
        'exec' in step ? (await client.query(step.exec), []) : (await client.query(step.query, step.params)).rows,
      );
    });
  }

  /**
   * Run `work` in one transaction on one client, begun with `begin`. The error that ended the
   * transaction is the one thrown: ROLLBACK only fails when the connection is gone, and
   * PostgreSQL aborts an open transaction with its session anyway.
   */
  private transaction<T>(begin: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.ownTransaction(async (client) => {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    });
  }

  /**
   * `work` on one client, which begins and commits its transaction itself (postgres-batch.ts:
   * BEGIN with its first message, COMMIT with its last); rolled back if it throws.
   */
  private async ownTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await work(client);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  commit(changes: Change[]): Promise<LogEvent[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ changes, resolve, reject });
      void this.flush();
    });
  }

  /**
   * Commits that arrive while groups are in flight share the next transaction. Set-based,
   * `groupsInFlight` groups may be in flight: one does what needs no cursor while another holds
   * the append lock (postgres-batch.ts). Per request, one: its transaction holds the lock from
   * its first statement.
   */
  private async flush(): Promise<void> {
    if (this.flushing >= (this.batchWrites ? this.groupsInFlight : 1) || this.pending.length === 0) return;
    this.flushing++;
    const batch = this.pending.splice(0, MAX_GROUP);
    try {
      const outcomes = await this.commitBatch(batch.map((b) => b.changes));
      batch.forEach((item, i) => {
        const outcome = outcomes[i];
        if (outcome.ok) item.resolve(outcome.events);
        else item.reject(outcome.error);
      });
    } catch (error) {
      for (const item of batch) item.reject(reported(error));
    } finally {
      this.flushing--;
      if (this.pending.length > 0) void this.flush();
    }
  }

  /**
   * A group in one transaction: set-based (postgres-batch.ts) where it can be, else, or when the
   * database refused what its checks let through, request by request under savepoints.
   */
  private async commitBatch(batch: Change[][]): Promise<Outcome[]> {
    if (this.batchWrites) {
      try {
        const outcomes = await this.ownTransaction((client) => new PostgresBatch(client, { appendLock: APPEND_LOCK }).write(batch));
        this.groups.setBased++;
        return outcomes;
      } catch (error) {
        if (isUnavailable(error)) throw error;
      }
    }
    this.groups.perRequest++;
    return this.commitEach(batch);
  }

  /** A group request by request, each under a savepoint: what each request's outcome is, whatever it is. */
  private commitEach(batch: Change[][]): Promise<Outcome[]> {
    return this.transaction('BEGIN', async (client) => {
      const outcomes: Outcome[] = [];
      // The group's existing entities locked first, in id order, as the set-based path locks
      // them (postgres-batch.ts): the two never wait for each other's rows holding the append lock.
      const ids = [...new Set(batch.flatMap((changes) => changes.map((change) => change.entityId)))];
      await client.query('SELECT id FROM entities WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE', [ids]);
      // Taken before any cursor is drawn, held until COMMIT: cursor order == commit order.
      await client.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
      // The batch's counter changes: a request's join them once its savepoint is released.
      const counts = new CountDeltas();
      for (const changes of batch) {
        await client.query('SAVEPOINT change');
        try {
          const cursors: number[] = [];
          const own = new CountDeltas();
          for (const change of changes) cursors.push(...(await this.applyChange(client, encodeChange(change), own)));
          await client.query('RELEASE SAVEPOINT change');
          counts.addAll(own);
          outcomes.push({ ok: true, events: withCursors(changes, cursors) });
        } catch (error) {
          await client.query('ROLLBACK TO SAVEPOINT change');
          outcomes.push({ ok: false, error });
        }
      }
      await this.writeCounts(client, counts);
      return outcomes;
    });
  }

  /**
   * One change's writes, from the rows the SQLite writer binds too (rows.ts: JSON as text, which
   * JSONB parses; flags as 0/1, which BOOLEAN takes). Its counter changes go to `counts`. The
   * cursors of its events, in order.
   */
  private async applyChange(client: pg.PoolClient, change: WireChange, counts: CountDeltas): Promise<number[]> {
    const id = change.entityId;
    const version = change.expectedVersion + change.events.length;
    const written =
      change.expectedVersion === 0
        ? await client.query(WRITE.insertEntity, [
            id,
            change.entityType,
            version,
            change.state,
            change.effects,
            change.hasEffects,
            change.owner,
          ])
        : await client.query(WRITE.updateEntity, [version, change.state, change.effects, change.hasEffects, change.owner, id, change.expectedVersion]);
    if (written.rowCount === 0) throw new VersionConflictError(id);
    if (change.consumes) {
      const [key, dueAt] = change.consumes;
      if ((await client.query(WRITE.consumeDeadline, [id, key, dueAt])).rowCount === 0) throw new StaleDeadlineError(id, key);
    }
    const view = change.view;
    const cursors: number[] = [];
    for (const e of change.events) {
      cursors.push((await client.query<{ cursor: number }>(`${WRITE.insertEvent} RETURNING cursor`, e)).rows[0].cursor);
    }
    if (view[0] === 'task') {
      // The row's columns, then its search words: the title's, and the description's and refs'.
      const [, taskId, org, creatorId, isPrivate, status, taskVersion, json, branch, issue, title, description, refs] = view;
      const words = [title, description.length > 0 && refs.length > 0 ? `${description} ${refs}` : description || refs];
      const rest = [org, creatorId, isPrivate, status, taskVersion, json, branch, issue, cursors.at(-1), ...words];
      const [row] = (await client.query<TaskCounted>(UPSERT_TASK_COUNTED, [taskId, cursors[0], ...rest])).rows;
      const before: TaskCountKey | null = row.before_status === null ? null : [row.creator_id, row.org, row.private, row.before_status];
      counts.task(before, [row.creator_id, row.org, row.private, row.status]);
    } else {
      await client.query(WRITE.upsertAgent, view.slice(1));
    }
    for (const op of change.deadlines) {
      await client.query(op[0] === 'clear' ? WRITE.clearDeadline : WRITE.setDeadline, op.slice(1));
    }
    return cursors;
  }

  /** A batch's counter changes, in its transaction (issue 14: counts in O(1)). */
  private async writeCounts(client: pg.PoolClient, counts: CountDeltas): Promise<void> {
    const rows = counts.creatorRows();
    if (rows.length > 0) await client.query(ADD_COUNTS, [JSON.stringify(rows)]);
    const orgRows = counts.orgRows();
    if (orgRows.length > 0) await client.query(ADD_ORG_COUNTS, [JSON.stringify(orgRows)]);
  }

  private query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return rowsOn<R>(this.pool, { text: sql, values: params });
  }

  protected rows<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return this.query<R & pg.QueryResultRow>(sql, params);
  }

  /** In one REPEATABLE READ snapshot, so deltas from the log apply from exactly `head`. */
  protected async rowsAtHead<R>(sql: string, params: unknown[]): Promise<{ rows: R[]; head: number }> {
    try {
      return await this.transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (client) => {
        const head = (await client.query<{ head: number }>(this.sql.head)).rows[0].head;
        return { rows: (await client.query<R & pg.QueryResultRow>(sql, params)).rows, head };
      });
    } catch (error) {
      throw reported(error);
    }
  }

  /** One statement, one snapshot (postgres-log.ts). */
  async readAfter(cursor: number, options: ReadOptions): Promise<ReadResult> {
    return postgresReadAfter({ arrays: (sql, values) => this.arrayRows(sql, values), rows: (sql, values) => this.logRows(sql, values) }, cursor, options);
  }

  private logRows<R>(sql: string, values: unknown[]): Promise<R[]> {
    return rowsOn<R & pg.QueryResultRow>(this.logPool, { text: sql, values });
  }

  private arrayRows(sql: string, values: unknown[]): Promise<unknown[][]> {
    return rowsOn<unknown[][]>(this.logPool, { text: sql, values, rowMode: 'array' }) as unknown as Promise<unknown[][]>;
  }

  async logBounds(): Promise<{ head: number; horizon: number }> {
    return (await this.query<{ head: number; horizon: number }>(this.retention.bounds))[0];
  }

  /** An archive pass (postgres-archive.ts); null when another instance holds the pass's lock. */
  async archive(options: ArchiveOptions): Promise<ArchivePass | null> {
    try {
      return await postgresArchivePass(this.pool, options);
    } catch (error) {
      throw reported(error);
    }
  }

  archivedLines(session?: TransferSession): AsyncGenerator<string> {
    return postgresArchivedLines((sql, values) => (session ? session.rows(sql, values) : this.rows(sql, values)));
  }

  archiveImport(session: TransferSession): ArchiveImport {
    return postgresArchiveImport(session);
  }

  async recordWebhookDelivery(id: string, outcome: string): Promise<void> {
    await this.query(WRITE.recordDelivery, [id, new Date().toISOString(), outcome]);
  }

  async dropDeadline(entityId: string, key: string, dueAt: number): Promise<void> {
    await this.query(WRITE.consumeDeadline, [entityId, key, dueAt]);
  }

  async heartbeatInstance(instanceId: string): Promise<void> {
    await this.query(`INSERT INTO instances (id, seen_at) VALUES ($1, now()) ON CONFLICT (id) DO UPDATE SET seen_at = now()`, [instanceId]);
  }

  async claimOrphanedEffects(instanceId: string, deadAfterMs: number): Promise<EntityRecord[]> {
    // Row locks make concurrent claims safe: a second claimant re-checks the owner after the
    // first commits and finds a live one.
    // The entity's columns are read in the statement's snapshot, before the claim: it changes
    // only the owner, which they do not include.
    const rows = await this.query<EntityRow>(
      `WITH claimed AS (UPDATE entity_effects SET owner = $1
         WHERE owner IS NULL OR (owner <> $1 AND owner NOT IN
           (SELECT id FROM instances WHERE seen_at > now() - make_interval(secs => $2::float / 1000)))
         RETURNING entity_id)
       SELECT ${ENTITY_COLUMNS} FROM entities WHERE id IN (SELECT entity_id FROM claimed)`,
      [instanceId, deadAfterMs],
    );
    return rows.map(toRecord);
  }

  async allocateIssueNumber(key: string): Promise<number> {
    const [row] = await this.query<{ number: number }>(
      `WITH ins AS (INSERT INTO local_issues (key) VALUES ($1) ON CONFLICT (key) DO NOTHING RETURNING number)
       SELECT number FROM ins UNION ALL SELECT number FROM local_issues WHERE key = $1 LIMIT 1`,
      [key],
    );
    return row.number;
  }

  /**
   * One client, one transaction: a REPEATABLE READ snapshot to read; to write, the append lock
   * held until COMMIT, so no instance commits between the import's emptiness check and its end.
   */
  async transfer(mode: 'read' | 'write'): Promise<TransferSession> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw reported(error);
    });
    try {
      await client.query(mode === 'write' ? 'BEGIN' : 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      if (mode === 'write') await client.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
    } catch (error) {
      client.release();
      throw reported(error);
    }
    let open = true;
    return {
      dialect: POSTGRES,
      rows: async <R>(sql: string, params: unknown[] = []) => (await client.query<R & pg.QueryResultRow>(sql, params)).rows,
      run: async (sql: string, params: unknown[] = []) => void (await client.query(sql, params)),
      end: async (commit: boolean) => {
        if (!open) return;
        open = false;
        try {
          await client.query(commit ? 'COMMIT' : 'ROLLBACK');
        } finally {
          client.release();
        }
      },
    };
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.logPool.end()]);
  }
}
