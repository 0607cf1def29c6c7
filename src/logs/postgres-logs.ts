/**
 * Task logs in PostgreSQL: tables of the store's schema (migration 7), on a pool of their own so
 * appends never take a connection a commit is waiting for. An append is one call of the
 * schema's `append_task_logs` function (one round trip, one transaction; schema.ts says what it does).
 */
import pg from 'pg';
import { fitBatch, withMarkers } from './markers.js';
import { STREAM_CODE, TRIM_TO } from './schema.js';
import { bounds, lineOf, sessionOf, type LineRow, type SessionRow } from './sqlite-logs.js';
import { lineBytes, type AppendResult, type LogLine, type LogStore, type NewLogLine, type SessionLog } from './types.js';

const SESSION_COLUMNS = 'attempt, lines, bytes, dropped_lines, dropped_bytes, first_seq';
/** One round trip: the function of migration 7 (schema.ts `POSTGRES_APPEND_FUNCTION`). */
const APPEND = `SELECT last_seq, dropped FROM append_task_logs($1, $2, $3::smallint[], $4::bigint[], $5::int[], $6::text[], $7, $8, $9, $10)`;

export class PostgresLogStore implements LogStore {
  private constructor(private readonly pool: pg.Pool) {}

  static connect(connectionString: string, schema: string): PostgresLogStore {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name "${schema}"`);
    const pool = new pg.Pool({
      connectionString,
      max: 2,
      connectionTimeoutMillis: 3000,
      query_timeout: 10_000,
      options: `-c search_path=${schema} -c jit=off`,
      types: { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) },
    });
    pool.on('error', () => {}); // an idle client losing its connection: the pool replaces it
    return new PostgresLogStore(pool);
  }

  async append(taskId: string, attempt: number, lines: NewLogLine[], maxBytes: number): Promise<AppendResult> {
    const { kept, droppedLines, droppedBytes } = fitBatch(lines.map((l) => ({ ...l, bytes: lineBytes(l.text) })), maxBytes);
    const { rows } = await this.pool.query<{ last_seq: number; dropped: number }>(APPEND, [
      taskId,
      attempt,
      kept.map((l) => STREAM_CODE[l.stream]),
      kept.map((l) => l.at),
      kept.map((l) => l.bytes),
      kept.map((l) => l.text),
      droppedLines,
      droppedBytes,
      maxBytes,
      Math.floor(maxBytes * TRIM_TO),
    ]);
    return { cursor: Number(rows[0].last_seq), dropped: Number(rows[0].dropped) };
  }

  async read(taskId: string, options: { after: number; limit: number; attempt?: number | null }): Promise<LogLine[]> {
    const byAttempt = options.attempt !== null && options.attempt !== undefined;
    const { rows } = await this.pool.query<LineRow>(
      `SELECT seq, task_id, attempt, stream, at, line FROM task_logs WHERE task_id = $1 AND seq > $2 ${byAttempt ? 'AND attempt = $4' : ''} ORDER BY seq LIMIT $3`,
      byAttempt ? [taskId, options.after, options.limit, options.attempt] : [taskId, options.after, options.limit],
    );
    if (rows.length === 0) return [];
    return withMarkers(rows.map(lineOf), bounds(await this.sessionRows(taskId)), options.after);
  }

  async readLast(taskId: string, n: number, attempt?: number | null): Promise<LogLine[]> {
    const byAttempt = attempt !== null && attempt !== undefined;
    const { rows } = await this.pool.query<LineRow>(
      `SELECT seq, task_id, attempt, stream, at, line FROM task_logs WHERE task_id = $1 ${byAttempt ? 'AND attempt = $3' : ''} ORDER BY seq DESC LIMIT $2`,
      byAttempt ? [taskId, n, attempt] : [taskId, n],
    );
    return rows.reverse().map(lineOf);
  }

  async sessions(taskId: string): Promise<SessionLog[]> {
    return (await this.sessionRows(taskId)).map(sessionOf);
  }

  private async sessionRows(taskId: string): Promise<SessionRow[]> {
    return (await this.pool.query<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM task_log_sessions WHERE task_id = $1 ORDER BY attempt`, [taskId])).rows;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
