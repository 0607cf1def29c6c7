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
import type { AgentView, EntityType, TaskStatus, TaskView } from '../machines/index.js';
import { POSTGRES_MIGRATIONS } from './postgres-schema.js';
import {
  StaleDeadlineError,
  StoreUnavailableError,
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

export interface PostgresStoreOptions {
  connectionString: string;
  /** Schema to use (created if missing); tests isolate themselves with one each. @default public */
  schema?: string;
  /** @default 10 */
  poolSize?: number;
  /** Apply pending migrations on connect. @default true */
  migrate?: boolean;
}

/** Arbitrary constants naming our advisory locks. */
const APPEND_LOCK = 7_421_001;
const MIGRATE_LOCK = 7_421_002;
const MAX_GROUP = 500;

// int8 (cursors, due times) as numbers: they stay far below 2^53.
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format),
};

interface EventRow {
  cursor: number;
  entity_type: EntityType;
  entity_id: string;
  version: number;
  type: string;
  at: string;
  actor: string | null;
  payload: Record<string, unknown> | null;
  org: string;
  owner_id: string;
  private: boolean;
  prev_status: string | null;
  state: TaskView | AgentView;
}

const toEvent = (r: EventRow): LogEvent => ({
  cursor: r.cursor,
  entityType: r.entity_type,
  entityId: r.entity_id,
  version: r.version,
  type: r.type,
  at: r.at,
  actor: r.actor,
  payload: r.payload,
  scope: { org: r.org, ownerId: r.owner_id, private: r.private },
  prevStatus: r.prev_status,
  state: r.state,
});

const VISIBLE = `(creator_id = $1 OR (org = $2 AND NOT private))`;

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

export class PostgresStore implements EventStore {
  private readonly pool: pg.Pool;
  private pending: { changes: Change[]; resolve: (e: LogEvent[]) => void; reject: (e: unknown) => void }[] = [];
  private flushing = false;

  private constructor(
    pool: pg.Pool,
    private readonly schema: string,
  ) {
    this.pool = pool;
  }

  static async connect(options: PostgresStoreOptions): Promise<PostgresStore> {
    const schema = options.schema ?? 'public';
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name "${schema}"`);
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 3000,
      // A query against a database that went away fails in seconds instead of hanging a request.
      query_timeout: 10_000,
      options: `-c search_path=${schema}`,
      types,
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    const store = new PostgresStore(pool, schema);
    if (options.migrate !== false) await store.migrate();
    return store;
  }

  /** Apply pending migrations (idempotent; safe to run from several instances at once). */
  async migrate(): Promise<number[]> {
    const client = await this.pool.connect();
    const applied: number[] = [];
    try {
      await client.query('BEGIN');
      // Under the lock: instances starting together would otherwise race even on IF NOT EXISTS.
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATE_LOCK]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)`);
      const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
      for (const migration of POSTGRES_MIGRATIONS) {
        if (done.has(migration.version)) continue;
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())', [migration.version]);
        applied.push(migration.version);
      }
      await client.query('COMMIT');
      return applied;
    } catch (error) {
      // The error that ended the transaction is the one to report. ROLLBACK only fails when the
      // connection is gone, and PostgreSQL aborts an open transaction with its session anyway.
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

  /** One batch at a time: commits that arrive meanwhile share the next transaction. */
  private async flush(): Promise<void> {
    if (this.flushing || this.pending.length === 0) return;
    this.flushing = true;
    const batch = this.pending.splice(0, MAX_GROUP);
    try {
      const outcomes = await this.commitBatch(batch.map((b) => b.changes));
      batch.forEach((item, i) => {
        const outcome = outcomes[i];
        if (outcome.ok) item.resolve(outcome.events);
        else item.reject(outcome.error);
      });
    } catch (error) {
      const reported = isUnavailable(error) ? new StoreUnavailableError(error) : error;
      for (const item of batch) item.reject(reported);
    } finally {
      this.flushing = false;
      if (this.pending.length > 0) void this.flush();
    }
  }

  private async commitBatch(batch: Change[][]) {
    const client = await this.pool.connect();
    const outcomes: ({ ok: true; events: LogEvent[] } | { ok: false; error: unknown })[] = [];
    try {
      await client.query('BEGIN');
      // Taken before any cursor is drawn, held until COMMIT: cursor order == commit order.
      await client.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
      for (const changes of batch) {
        await client.query('SAVEPOINT change');
        try {
          const events: LogEvent[] = [];
          for (const change of changes) events.push(...(await this.applyChange(client, change)));
          await client.query('RELEASE SAVEPOINT change');
          outcomes.push({ ok: true, events });
        } catch (error) {
          await client.query('ROLLBACK TO SAVEPOINT change');
          outcomes.push({ ok: false, error });
        }
      }
      await client.query('COMMIT');
      return outcomes;
    } catch (error) {
      // The error that ended the transaction is the one to report. ROLLBACK only fails when the
      // connection is gone, and PostgreSQL aborts an open transaction with its session anyway.
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async applyChange(client: pg.PoolClient, change: Change): Promise<LogEvent[]> {
    const version = change.expectedVersion + change.events.length;
    const hasEffects = change.effects.length > 0;
    if (change.expectedVersion === 0) {
      const inserted = await client.query(
        `INSERT INTO entities (id, type, version, state, effects, has_effects, effects_owner)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
        [change.entityId, change.entityType, version, change.state, JSON.stringify(change.effects), hasEffects, change.owner ?? null],
      );
      if (inserted.rowCount === 0) throw new VersionConflictError(change.entityId);
    } else {
      const updated = await client.query(
        `UPDATE entities SET version = $1, state = $2, effects = $3, has_effects = $4, effects_owner = $5
         WHERE id = $6 AND version = $7`,
        [version, change.state, JSON.stringify(change.effects), hasEffects, change.owner ?? null, change.entityId, change.expectedVersion],
      );
      if (updated.rowCount === 0) throw new VersionConflictError(change.entityId);
    }
    if (change.consumes) {
      const consumed = await client.query(`DELETE FROM deadlines WHERE entity_id = $1 AND key = $2 AND due_at = $3`, [
        change.entityId,
        change.consumes.key,
        change.consumes.dueAt,
      ]);
      if (consumed.rowCount === 0) throw new StaleDeadlineError(change.entityId, change.consumes.key);
    }
    const out: LogEvent[] = [];
    for (const event of change.events) {
      const { rows } = await client.query<{ cursor: number }>(
        `INSERT INTO events (entity_type, entity_id, version, type, at, actor, payload, org, owner_id, private, prev_status, state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING cursor`,
        [event.entityType, event.entityId, event.version, event.type, event.at, event.actor, event.payload === null ? null : JSON.stringify(event.payload), event.scope.org, event.scope.ownerId, event.scope.private, event.prevStatus, JSON.stringify(event.state)],
      );
      out.push({ ...event, cursor: rows[0].cursor });
    }
    if (change.entityType === 'task') {
      const view = change.view as TaskView;
      await client.query(
        `INSERT INTO tasks (id, seq, org, creator_id, private, status, version, view, branch, issue_number)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, version = excluded.version, view = excluded.view,
           branch = excluded.branch, issue_number = excluded.issue_number`,
        [view.id, out[0].cursor, view.org, view.creator.id, view.private, view.status, view.version, JSON.stringify(view), view.branch, view.issue?.number ?? null],
      );
    } else {
      const view = change.view as AgentView;
      await client.query(
        `INSERT INTO agents (id, org, name, version, view) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, view = excluded.view`,
        [view.id, view.org, view.name, view.version, JSON.stringify(view)],
      );
    }
    for (const op of change.deadlines) {
      if (op.op === 'clear') {
        await client.query(`DELETE FROM deadlines WHERE entity_id = $1 AND key = $2`, [op.entityId, op.key]);
      } else {
        const d = op.deadline;
        await client.query(
          `INSERT INTO deadlines (entity_id, key, entity_type, due_at, event) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (entity_id, key) DO UPDATE SET due_at = excluded.due_at, event = excluded.event`,
          [d.entityId, d.key, d.entityType, d.dueAt, JSON.stringify(d.event)],
        );
      }
    }
    return out;
  }

  private async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (error) {
      if (isUnavailable(error)) throw new StoreUnavailableError(error);
      throw error;
    }
  }

  async load(entityId: string): Promise<EntityRecord | null> {
    const [row] = await this.query<{ type: EntityType; id: string; version: number; state: EntityRecord['state']; effects: EntityRecord['effects'] }>(
      `SELECT type, id, version, state, effects FROM entities WHERE id = $1`,
      [entityId],
    );
    return row ?? null;
  }

  async readAfter(cursor: number, options: ReadOptions): Promise<ReadResult> {
    // Head first, then the page: every event up to `head` is committed (cursor order is commit
    // order), so "nothing more matched up to head" is true for the page read afterwards.
    const head = await this.head();
    const filter = options.entityId !== undefined ? 'AND entity_id = $3' : options.entityType !== undefined ? 'AND entity_type = $3' : '';
    const params: unknown[] = [cursor, options.limit];
    if (filter) params.push(options.entityId ?? options.entityType);
    const rows = await this.query<EventRow>(`SELECT * FROM events WHERE cursor > $1 ${filter} ORDER BY cursor LIMIT $2`, params);
    const events = rows.map(toEvent);
    return { events, head: Math.max(head, events.at(-1)?.cursor ?? 0) };
  }

  async head(): Promise<number> {
    const [row] = await this.query<{ head: number }>(`SELECT coalesce(max(cursor), 0)::bigint AS head FROM events`);
    return row.head;
  }

  async getTask(id: string): Promise<TaskView | null> {
    const [row] = await this.query<{ view: TaskView }>(`SELECT view FROM tasks WHERE id = $1`, [id]);
    return row?.view ?? null;
  }

  async listTasks(q: TaskQuery): Promise<TaskPage> {
    const params: unknown[] = [q.viewer.id, q.viewer.org];
    const where = [VISIBLE];
    if (q.mine) where.push('creator_id = $1');
    if (q.creatorId !== undefined) where.push(`creator_id = $${params.push(q.creatorId)}`);
    if (q.statuses?.length) where.push(`status = ANY($${params.push(q.statuses)})`);
    if (q.after !== undefined) where.push(`seq < $${params.push(q.after)}`);
    const limit = `$${params.push(q.first + 1)}`;
    const logCursor = await this.head(); // before the read: updates after it are delivered live
    const rows = await this.query<{ seq: number; view: TaskView }>(
      `SELECT seq, view FROM tasks WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ${limit}`,
      params,
    );
    const page = rows.slice(0, q.first);
    return { tasks: page.map((r) => r.view), hasNextPage: rows.length > q.first, endCursor: page.at(-1)?.seq ?? null, logCursor };
  }

  async countTasks(viewer: Viewer, scope: { mine: boolean; creatorId?: string }): Promise<TaskCounts> {
    const params: unknown[] = [viewer.id, viewer.org];
    let sql = `SELECT status, count(*)::int AS n FROM tasks WHERE ${VISIBLE}`;
    if (scope.mine) sql += ' AND creator_id = $1';
    if (scope.creatorId !== undefined) sql += ` AND creator_id = $${params.push(scope.creatorId)}`;
    // Counts and head in one snapshot, so deltas apply from exactly this cursor.
    const client = await this.pool.connect().catch((error: unknown) => {
      throw isUnavailable(error) ? new StoreUnavailableError(error) : error;
    });
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const head = (await client.query<{ head: number }>(`SELECT coalesce(max(cursor), 0)::bigint AS head FROM events`)).rows[0].head;
      const rows = (await client.query<{ status: TaskStatus; n: number }>(`${sql} GROUP BY status`, params)).rows;
      await client.query('COMMIT');
      return { byStatus: Object.fromEntries(rows.map((r) => [r.status, r.n])), logCursor: head };
    } finally {
      client.release();
    }
  }

  async getAgent(id: string): Promise<AgentView | null> {
    const [row] = await this.query<{ view: AgentView }>(`SELECT view FROM agents WHERE id = $1`, [id]);
    return row?.view ?? null;
  }

  async findAgentByName(org: string, name: string): Promise<AgentView | null> {
    const [row] = await this.query<{ view: AgentView }>(`SELECT view FROM agents WHERE org = $1 AND name = $2`, [org, name]);
    return row?.view ?? null;
  }

  async listAgents(org: string): Promise<AgentView[]> {
    return (await this.query<{ view: AgentView }>(`SELECT view FROM agents WHERE org = $1 ORDER BY name`, [org])).map((r) => r.view);
  }

  async listAgentsAt(org: string): Promise<{ agents: AgentView[]; logCursor: number }> {
    const logCursor = await this.head();
    return { agents: await this.listAgents(org), logCursor };
  }

  async listDispatchedTasks(limit: number): Promise<TaskView[]> {
    return (await this.query<{ view: TaskView }>(`SELECT view FROM tasks WHERE status = 'dispatched' ORDER BY seq LIMIT $1`, [limit])).map((r) => r.view);
  }

  async listAllAgents(): Promise<AgentView[]> {
    return (await this.query<{ view: AgentView }>(`SELECT view FROM agents`)).map((r) => r.view);
  }

  async findTaskByBranch(branch: string): Promise<TaskView | null> {
    const [row] = await this.query<{ view: TaskView }>(`SELECT view FROM tasks WHERE branch = $1 ORDER BY seq DESC LIMIT 1`, [branch]);
    return row?.view ?? null;
  }

  async findTaskByIssueNumber(issueNumber: number): Promise<TaskView | null> {
    const [row] = await this.query<{ view: TaskView }>(`SELECT view FROM tasks WHERE issue_number = $1 ORDER BY seq DESC LIMIT 1`, [issueNumber]);
    return row?.view ?? null;
  }

  async webhookDelivery(id: string): Promise<string | null> {
    const [row] = await this.query<{ outcome: string }>(`SELECT outcome FROM webhook_deliveries WHERE id = $1`, [id]);
    return row?.outcome ?? null;
  }

  async recordWebhookDelivery(id: string, outcome: string): Promise<void> {
    await this.query(`INSERT INTO webhook_deliveries (id, received_at, outcome) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`, [
      id,
      new Date().toISOString(),
      outcome,
    ]);
  }

  async dueDeadlines(now: number, limit: number): Promise<Deadline[]> {
    const rows = await this.query<{ entity_type: EntityType; entity_id: string; key: string; due_at: number; event: Deadline['event'] }>(
      `SELECT entity_type, entity_id, key, due_at, event FROM deadlines WHERE due_at <= $1 ORDER BY due_at LIMIT $2`,
      [now, limit],
    );
    return rows.map((r) => ({ entityType: r.entity_type, entityId: r.entity_id, key: r.key, dueAt: r.due_at, event: r.event }));
  }

  async nextDeadlineAt(): Promise<number | null> {
    const [row] = await this.query<{ due: number | null }>(`SELECT min(due_at) AS due FROM deadlines`);
    return row.due;
  }

  async dropDeadline(entityId: string, key: string, dueAt: number): Promise<void> {
    await this.query(`DELETE FROM deadlines WHERE entity_id = $1 AND key = $2 AND due_at = $3`, [entityId, key, dueAt]);
  }

  async heartbeatInstance(instanceId: string): Promise<void> {
    await this.query(`INSERT INTO instances (id, seen_at) VALUES ($1, now()) ON CONFLICT (id) DO UPDATE SET seen_at = now()`, [instanceId]);
  }

  async claimOrphanedEffects(instanceId: string, deadAfterMs: number): Promise<EntityRecord[]> {
    // Row locks make concurrent claims safe: a second claimant re-checks the owner after the
    // first commits and finds a live one.
    return this.query<EntityRecord & { type: EntityType }>(
      `UPDATE entities SET effects_owner = $1
       WHERE has_effects AND (effects_owner IS NULL OR (effects_owner <> $1 AND effects_owner NOT IN
         (SELECT id FROM instances WHERE seen_at > now() - make_interval(secs => $2::float / 1000))))
       RETURNING type, id, version, state, effects`,
      [instanceId, deadAfterMs],
    );
  }

  async allocateIssueNumber(key: string): Promise<number> {
    const [row] = await this.query<{ number: number }>(
      `WITH ins AS (INSERT INTO local_issues (key) VALUES ($1) ON CONFLICT (key) DO NOTHING RETURNING number)
       SELECT number FROM ins UNION ALL SELECT number FROM local_issues WHERE key = $1 LIMIT 1`,
      [key],
    );
    return row.number;
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
